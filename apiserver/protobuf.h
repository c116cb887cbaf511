#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

/// Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which kubectl's typed
/// clients send for `create secret|namespace|configmap|serviceaccount|token|role|rolebinding|clusterrole|...` and
/// `auth can-i`.
namespace apiserver::protobuf {

/// The media type of Kubernetes protobuf bodies.
inline constexpr char ContentType[] = "application/vnd.kubernetes.protobuf";

/// Decodes a `k8s\0`-prefixed runtime.Unknown envelope into the JSON object the JSON API would have received
/// (apiVersion and kind from TypeMeta; known fields mapped to their JSON names; bytes fields base64 as JSON does).
/// Supports v1 Secret, v1 Namespace, v1 ConfigMap, v1 ServiceAccount, authorization.k8s.io/v1
/// SelfSubjectAccessReview, authentication.k8s.io/v1 TokenRequest and rbac.authorization.k8s.io/v1 Role,
/// ClusterRole, RoleBinding and ClusterRoleBinding; other kinds → nullopt with
/// "unsupported protobuf kind <apiVersion>/<kind>".
std::optional<QJsonObject> decodeRequest(const QByteArray& body, QString* error);

} // namespace apiserver::protobuf
