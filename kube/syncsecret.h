#pragma once

#include "condition.h"
#include "expected.h"
#include "objectmeta.h"

#include <QByteArray>
#include <QJsonObject>
#include <QLatin1StringView>
#include <QList>
#include <QMap>
#include <QString>
#include <optional>

class QDebug;

/// Names of the KubeLB API and the SyncSecret contract (see DESIGN.md).
namespace kube::kubelb {

/// API group of the KubeLB CRDs.
inline constexpr QLatin1StringView Group { "kubelb.k8c.io" };
/// API version of SyncSecret.
inline constexpr QLatin1StringView Version { "v1alpha1" };
/// `group/version`, the apiVersion field of a SyncSecret.
inline constexpr QLatin1StringView ApiVersion { "kubelb.k8c.io/v1alpha1" };
/// Kind of the SyncSecret CRD.
inline constexpr QLatin1StringView SyncSecretKind { "SyncSecret" };
/// Resource (plural) name of the SyncSecret CRD, as in URLs.
inline constexpr QLatin1StringView SyncSecretPlural { "syncsecrets" };
/// Label on the management copy: the tenant object's name.
inline constexpr QLatin1StringView OriginNameLabel { "kubelb.k8c.io/origin-name" };
/// Label on the management copy: the tenant object's namespace.
inline constexpr QLatin1StringView OriginNamespaceLabel { "kubelb.k8c.io/origin-namespace" };
/// Upstream KubeLB's spelling of the origin namespace label; read, never written.
inline constexpr QLatin1StringView LegacyOriginNamespaceLabel { "kubelb.k8c.io/origin-ns" };
/// Label naming the controller that manages an object.
inline constexpr QLatin1StringView ManagedByLabel { "kubelb.k8c.io/managed-by" };
/// Finalizer the controllers hold until the copies are cleaned up.
inline constexpr QLatin1StringView CleanupFinalizer { "kubelb.k8c.io/lb-finalizer" };
/// kubectl's client-side apply annotation; it contains the secret data, so it is never copied.
inline constexpr QLatin1StringView LastAppliedConfigAnnotation { "kubectl.kubernetes.io/last-applied-configuration" };

/// SyncSecret phase: not yet propagated.
inline constexpr QLatin1StringView PhasePending { "Pending" };
/// SyncSecret phase: the copy matches.
inline constexpr QLatin1StringView PhaseSynced { "Synced" };
/// SyncSecret phase: the last attempt failed (see conditions).
inline constexpr QLatin1StringView PhaseFailed { "Failed" };
/// SyncSecret phase: deletion in progress, waiting for cleanup.
inline constexpr QLatin1StringView PhaseTerminating { "Terminating" };

/// The origin namespace label of `meta`, falling back to upstream's `origin-ns`.
QString originNamespace(const ObjectMeta& meta);

} // namespace kube::kubelb

namespace kube {

/// The `status` of a SyncSecret.
struct SyncSecretStatus {
    std::optional<qint64> observedGeneration;
    QString phase; ///< Pending, Synced, Failed or Terminating (kubelb::Phase*)
    QList<Condition> conditions;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes a status object; the error names the field.
    static Expected<SyncSecretStatus> fromJson(const QJsonObject& json);
    /// Encodes the status; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const SyncSecretStatus&, const SyncSecretStatus&) = default;
};

/// A kubelb.k8c.io/v1alpha1 SyncSecret: a Secret's fields plus status. Values are never printed.
struct SyncSecret {
    QString apiVersion = QString(kubelb::ApiVersion); ///< empty after fromJson when the input had none
    QString kind = QString(kubelb::SyncSecretKind);
    ObjectMeta metadata;
    QMap<QString, QByteArray> data; ///< decoded values
    QMap<QString, QString> stringData;
    QString type;
    std::optional<bool> immutable;
    SyncSecretStatus status;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson
    /// Base64 text of values fromJson read in a non-canonical form (line breaks), re-emitted while unchanged.
    QMap<QString, QString> dataEncoding;

    /// Decodes a SyncSecret; invalid base64 fails naming `data[key]` (never the value).
    static Expected<SyncSecret> fromJson(const QJsonObject& json);
    /// Encodes the SyncSecret; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;
    /// data with stringData merged in (stringData wins): compare this, not the raw maps, to avoid update storms.
    QMap<QString, QByteArray> normalizedData() const;

    friend bool operator==(const SyncSecret&, const SyncSecret&) = default;
};

/// Prints the SyncSecret's name, type, phase, key names and value sizes; never a value or an annotation.
QDebug operator<<(QDebug debug, const SyncSecret& syncSecret);

} // namespace kube
