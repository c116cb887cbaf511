#pragma once

#include <QJsonObject>
#include <QLatin1StringView>
#include <QString>

namespace models {

/// Names of the SyncSecret contract as they appear on the wire (kept here so models/ needs no kube/ library).
namespace names {
inline constexpr QLatin1StringView SyncSecretKind { "SyncSecret" };
inline constexpr QLatin1StringView SecretKind { "Secret" };
inline constexpr QLatin1StringView SyncSecretApiVersion { "kubelb.k8c.io/v1alpha1" };
inline constexpr QLatin1StringView OriginNameLabel { "kubelb.k8c.io/origin-name" };
inline constexpr QLatin1StringView OriginNamespaceLabel { "kubelb.k8c.io/origin-namespace" };
inline constexpr QLatin1StringView LegacyOriginNamespaceLabel { "kubelb.k8c.io/origin-ns" };
inline constexpr QLatin1StringView OwnedSecretLabel { "kubelb.k8c.io/syncsecret-owned" };
inline constexpr QLatin1StringView KeepLabel { "kubelb.k8c.io/keep" };
inline constexpr QLatin1StringView Finalizer { "kubelb.k8c.io/lb-finalizer" };
} // namespace names

/// Identity of one object in one cluster, as scanned (resourceVersion is the scan's, used as a precondition).
struct ObjectRef {
    QString context; ///< kubeconfig context the object lives in
    QString kind; ///< "SyncSecret" or "Secret"
    QString namespace_;
    QString name;
    QString uid;
    QString resourceVersion;

    bool isValid() const { return !kind.isEmpty() && !name.isEmpty(); }
    /// "context/kind/namespace/name" for messages and audit records.
    QString display() const;
    /// JSON form for audit records and `-o json` output.
    QJsonObject toJson() const;
    friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

/// The reference of `object` (a Kubernetes JSON object) in `context`; kind comes from the object or `kind`.
ObjectRef refOf(const QJsonObject& object, const QString& context, const QString& kind = {});

} // namespace models
