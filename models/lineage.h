#pragma once

#include "models/certificate.h"
#include "models/objectref.h"
#include "models/snapshot.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace models {

/// State of one link of a chain (tenant SyncSecret, management SyncSecret, Secret).
enum class LinkState { Synced, Pending, Failed, Terminating, Drifted, Missing };
/// "Synced", "Pending", ... for tables and JSON.
QString linkStateName(LinkState state);

/// One data key as it may be shown: name, decoded size and SHA-256 of the decoded value — never the value.
struct DataKey {
    QString name;
    qint64 size = 0;
    QByteArray sha256Hex;
};

/// One link of a lineage chain, reduced to what may be displayed (no secret values).
struct LineageLink {
    ObjectRef object; ///< invalid when the object is missing
    LinkState state = LinkState::Missing;
    QString phase; ///< status.phase as written by the controller (empty for Secrets)
    QString message; ///< message of the Synced condition, or why the state was chosen
    qint64 generation = 0;
    qint64 observedGeneration = 0; ///< 0 when the controller never wrote status
    bool upToDate = true; ///< observedGeneration >= generation (always true for Secrets)
    QDateTime lastChange; ///< newest of creation, managedFields and condition transition times
    qint64 secondsSinceChange = -1; ///< relative to the options' `now`; -1 when unknown
    QString type; ///< Secret type ("Opaque", "kubernetes.io/tls", ...)
    QList<DataKey> keys; ///< sorted by name
    QByteArray fingerprint; ///< SHA-256 over sorted key names and decoded values (hex); equal data, equal print
    std::optional<CertificateInfo> certificate; ///< for kubernetes.io/tls with a parseable tls.crt

    bool present() const { return state != LinkState::Missing; }
};

/// tenant SyncSecret → management SyncSecret → Secret; any link may be missing.
struct LineageChain {
    QString tenantContext; ///< empty when no tenant maps to the management namespace
    QString originNamespace; ///< tenant namespace of the SyncSecret (from the object or the origin labels)
    QString originName;
    LineageLink tenant;
    LineageLink management;
    LineageLink secret;
    QStringList warnings; ///< human findings (certificate expiring, unreachable tenant, drift, ...)
};

/// Options for buildLineage().
struct LineageOptions {
    QDateTime now; ///< reference time for freshness and certificate expiry (defaults to snapshot.takenAt)
    int certificateWarningDays = 30; ///< warn when tls.crt expires within this many days
    CertificateParser parseCertificate = &models::parseCertificate; ///< replaceable (e.g. by QSslCertificate)
};

/// Every chain in `snapshot`: one per tenant SyncSecret, plus chains that start at an unmatched management
/// SyncSecret or Secret. Linear in the number of objects (hash lookups only).
QList<LineageChain> buildLineage(const Snapshot& snapshot, const LineageOptions& options = {});

/// Keys, sizes and fingerprint of a Secret/SyncSecret JSON object (data and stringData; values never kept).
struct DataSummary {
    QList<DataKey> keys;
    QByteArray fingerprint;
};
/// The displayable summary of `object`'s data.
DataSummary summarizeData(const QJsonObject& object);

} // namespace models
