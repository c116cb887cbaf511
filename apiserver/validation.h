#pragma once

#include "kube/apierror.h"

#include <QJsonObject>
#include <QList>

namespace apiserver {

using kube::StatusCause;

/// Which rule an object name follows (apimachinery's path-segment, DNS-1123 subdomain or label).
enum class NameRule { Dns1123Subdomain, Dns1123Label, PathSegment };

/// Validates ObjectMeta of a new object: name (or generateName) by `rule`, namespace presence for namespaced
/// kinds, labels (qualified keys, label values), annotations (qualified keys, total ≤ 256 KiB), finalizers
/// (qualified names), ownerReferences (apiVersion, kind, name, uid required; at most one controller).
QList<StatusCause> validateObjectMetaCreate(const QJsonObject& meta, bool namespaced, NameRule rule);
/// ObjectMeta rules for an update: everything of create plus immutable name/namespace/uid/creationTimestamp
/// and "no new finalizers can be added if the object is being deleted".
QList<StatusCause> validateObjectMetaUpdate(
    const QJsonObject& newMeta, const QJsonObject& oldMeta, bool namespaced, NameRule rule);

/// Secret rules of kube-apiserver: data keys `[-._a-zA-Z0-9]+` (causes name the key as `data[key]`), values
/// valid base64, total decoded size ≤ 1 MiB, required keys per type (kubernetes.io/tls: tls.crt + tls.key;
/// kubernetes.io/dockerconfigjson: .dockerconfigjson holding valid JSON; kubernetes.io/dockercfg: .dockercfg;
/// kubernetes.io/basic-auth: username or password; kubernetes.io/ssh-auth: ssh-privatekey;
/// kubernetes.io/service-account-token: annotation kubernetes.io/service-account.name). Expects stringData
/// already merged into data.
QList<StatusCause> validateSecret(const QJsonObject& secret);
/// Update rules for a Secret or a SyncSecret: `type` is immutable; when the old object is immutable, `data`
/// (and `stringData`) may not change and `immutable` may not be unset
/// ("field is immutable when `immutable` is set").
QList<StatusCause> validateSecretUpdate(const QJsonObject& newSecret, const QJsonObject& oldSecret);

/// Validates a CustomResourceDefinition (apiextensions.k8s.io/v1): metadata.name == <plural>.<group>, names
/// (plural, singular, kind, listKind, shortNames lowercase DNS labels), scope Namespaced|Cluster, at least one
/// version, exactly one storage version, each served version's schema present and structural.
QList<StatusCause> validateCustomResourceDefinition(const QJsonObject& crd);

} // namespace apiserver
