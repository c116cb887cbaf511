#pragma once

#include "authn.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace apiserver {

class ObjectStore;

/// What a request wants to do, as kube's authorizer.Attributes.
struct AuthzAttributes {
    QString verb; ///< get, list, watch, create, update, patch, delete, deletecollection (or lower-case HTTP verb)
    bool resourceRequest = true;
    QString group;
    QString resource;
    QString subresource;
    QString ns;
    QString name;
    QString path; ///< for non-resource requests
};

/// The authorizer's answer; `reason` explains an allow (which binding) or carries nothing on a deny.
struct AuthzDecision {
    bool allowed = false;
    QString reason;
};

/// RBAC evaluated from the stored Role, ClusterRole, RoleBinding and ClusterRoleBinding objects, with kube's
/// semantics: apiGroups, resources and `resource/subresource`, resourceNames, verbs with `*`, namespaced vs
/// cluster scope, nonResourceURLs (exact or `prefix*`), and the `system:masters` bypass. No aggregation.
class RbacAuthorizer {
public:
    explicit RbacAuthorizer(const ObjectStore& store);
    AuthzDecision authorize(const UserInfo& user, const AuthzAttributes& attributes) const;

private:
    const ObjectStore& m_store;
};

/// kube-apiserver's wording of a 403: `secrets "x" is forbidden: User "u" cannot get resource "secrets" in API
/// group "" in the namespace "ns"`.
QString forbiddenMessage(const UserInfo& user, const AuthzAttributes& attributes);

/// The ClusterRoles and ClusterRoleBindings kube-apiserver bootstraps (cluster-admin, system:discovery,
/// system:basic-user, system:public-info-viewer) as JSON objects to create when missing.
QList<QJsonObject> bootstrapRbacObjects();

} // namespace apiserver
