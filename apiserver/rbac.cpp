#include "rbac.h"

#include "store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

const QString kRoles = u"roles.rbac.authorization.k8s.io"_s;
const QString kClusterRoles = u"clusterroles.rbac.authorization.k8s.io"_s;
const QString kRoleBindings = u"rolebindings.rbac.authorization.k8s.io"_s;
const QString kClusterRoleBindings = u"clusterrolebindings.rbac.authorization.k8s.io"_s;

bool contains(const QJsonArray& list, const QString& value)
{
    for (const auto& v : list)
        if (v.toString() == value)
            return true;
    return false;
}

bool hasWildcardOr(const QJsonArray& list, const QString& value)
{
    return contains(list, u"*"_s) || contains(list, value);
}

bool subjectMatches(const QJsonObject& subject, const UserInfo& user, const QString& bindingNs)
{
    const QString kind = subject.value(u"kind"_s).toString();
    const QString name = subject.value(u"name"_s).toString();
    if (kind == u"User")
        return name == user.name;
    if (kind == u"Group")
        return user.groups.contains(name);
    if (kind == u"ServiceAccount") {
        const QString ns = subject.value(u"namespace"_s).toString(bindingNs);
        return user.name == u"system:serviceaccount:%1:%2"_s.arg(ns, name);
    }
    return false;
}

bool bindingMatches(const QJsonObject& binding, const UserInfo& user)
{
    const QString ns = binding.value(u"metadata"_s).toObject().value(u"namespace"_s).toString();
    for (const auto& s : binding.value(u"subjects"_s).toArray())
        if (subjectMatches(s.toObject(), user, ns))
            return true;
    return false;
}

bool resourceMatches(const QJsonArray& resources, const AuthzAttributes& a)
{
    if (a.subresource.isEmpty())
        return hasWildcardOr(resources, a.resource);
    const QString combined = a.resource + u'/' + a.subresource;
    return contains(resources, combined) || contains(resources, u"*/"_s + a.subresource)
        || contains(resources, a.resource + u"/*"_s) || contains(resources, u"*"_s);
}

bool nonResourceMatches(const QJsonArray& urls, const QString& path)
{
    for (const auto& v : urls) {
        const QString u = v.toString();
        if (u == u"*" || u == path || (u.endsWith(u'*') && path.startsWith(u.chopped(1))))
            return true;
    }
    return false;
}

bool ruleAllows(const QJsonObject& rule, const AuthzAttributes& a)
{
    if (!hasWildcardOr(rule.value(u"verbs"_s).toArray(), a.verb))
        return false;
    if (!a.resourceRequest)
        return nonResourceMatches(rule.value(u"nonResourceURLs"_s).toArray(), a.path);
    if (!hasWildcardOr(rule.value(u"apiGroups"_s).toArray(), a.group)
        || !resourceMatches(rule.value(u"resources"_s).toArray(), a))
        return false;
    const QJsonArray names = rule.value(u"resourceNames"_s).toArray();
    return names.isEmpty() || (!a.name.isEmpty() && contains(names, a.name));
}

QJsonObject json(const char* text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

RbacAuthorizer::RbacAuthorizer(const ObjectStore& store)
    : m_store(store)
{
}

AuthzDecision RbacAuthorizer::authorize(const UserInfo& user, const AuthzAttributes& a) const
{
    if (user.groups.contains(u"system:masters"_s))
        return { true, u"allowed by group system:masters"_s };
    const auto rulesOf = [&](const QJsonObject& roleRef, const QString& bindingNs) {
        const QString kind = roleRef.value(u"kind"_s).toString();
        const QString name = roleRef.value(u"name"_s).toString();
        const auto role
            = kind == u"ClusterRole" ? m_store.get(kClusterRoles, {}, name) : m_store.get(kRoles, bindingNs, name);
        return role ? role->value(u"rules"_s).toArray() : QJsonArray {};
    };
    for (const auto& binding : m_store.list(kClusterRoleBindings)) {
        if (!bindingMatches(binding, user))
            continue;
        for (const auto& rule : rulesOf(binding.value(u"roleRef"_s).toObject(), {}))
            if (ruleAllows(rule.toObject(), a))
                return { true,
                    u"RBAC: allowed by ClusterRoleBinding \"%1\""_s.arg(
                        binding.value(u"metadata"_s).toObject().value(u"name"_s).toString()) };
    }
    // Role bindings grant only inside their namespace, and never non-resource URLs.
    if (!a.resourceRequest || a.ns.isEmpty())
        return {};
    for (const auto& binding : m_store.list(kRoleBindings, a.ns)) {
        if (!bindingMatches(binding, user))
            continue;
        for (const auto& rule : rulesOf(binding.value(u"roleRef"_s).toObject(), a.ns))
            if (rule.toObject().value(u"nonResourceURLs"_s).toArray().isEmpty() && ruleAllows(rule.toObject(), a))
                return { true,
                    u"RBAC: allowed by RoleBinding \"%1/%2\""_s.arg(
                        a.ns, binding.value(u"metadata"_s).toObject().value(u"name"_s).toString()) };
    }
    return {};
}

QString forbiddenMessage(const UserInfo& user, const AuthzAttributes& a)
{
    if (!a.resourceRequest)
        return u"forbidden: User \"%1\" cannot %2 path \"%3\""_s.arg(user.name, a.verb, a.path);
    const QString groupResource = a.group.isEmpty() ? a.resource : a.resource + u'.' + a.group;
    const QString what = a.name.isEmpty() ? groupResource : u"%1 \"%2\""_s.arg(groupResource, a.name);
    const QString resource = a.subresource.isEmpty() ? a.resource : a.resource + u'/' + a.subresource;
    const QString scope = a.ns.isEmpty() ? u"at the cluster scope"_s : u"in the namespace \"%1\""_s.arg(a.ns);
    return u"%1 is forbidden: User \"%2\" cannot %3 resource \"%4\" in API group \"%5\" %6"_s.arg(
        what, user.name, a.verb, resource, a.group, scope);
}

QList<QJsonObject> bootstrapRbacObjects()
{
    return {
        json(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"cluster-admin",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"rules":[{"apiGroups":["*"],"resources":["*"],
            "verbs":["*"]},{"nonResourceURLs":["*"],"verbs":["*"]}]})"),
        json(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:discovery",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"rules":[{"nonResourceURLs":["/api","/api/*",
            "/apis","/apis/*","/healthz","/livez","/openapi","/openapi/*","/readyz","/version","/version/"],
            "verbs":["get"]}]})"),
        json(
            R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:basic-user",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"rules":[{"apiGroups":["authorization.k8s.io"],
            "resources":["selfsubjectaccessreviews","selfsubjectrulesreviews"],"verbs":["create"]}]})"),
        json(
            R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:public-info-viewer",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"rules":[{"nonResourceURLs":["/healthz","/livez",
            "/readyz","/version","/version/"],"verbs":["get"]}]})"),
        json(
            R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"cluster-admin",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"Group","name":"system:masters"}]})"),
        json(
            R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"system:discovery",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"ClusterRole","name":"system:discovery"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"Group","name":"system:authenticated"}]})"),
        json(
            R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"system:basic-user",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"ClusterRole","name":"system:basic-user"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"Group","name":"system:authenticated"}]})"),
        json(
            R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"system:public-info-viewer",
            "labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"ClusterRole","name":"system:public-info-viewer"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io",
            "kind":"Group","name":"system:authenticated"}]})"),
    };
}

} // namespace apiserver
