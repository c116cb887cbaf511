#pragma once

#include "models/certificate.h"
#include "models/objectref.h"
#include "models/snapshot.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
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
    QStringList labels; ///< "key=value" of the object's labels (for filters)
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

/// Remembers the per-object work of buildLineage() (decoding, fingerprints, certificates, times) by uid and
/// resourceVersion, so that a live view rebuilding after each change only decodes the objects that changed.
/// Keep one per live view; not for concurrent builds.
class LineageCache {
public:
    LineageCache();
    ~LineageCache();
    LineageCache(const LineageCache&) = delete;
    LineageCache& operator=(const LineageCache&) = delete;
    /// Objects remembered (those seen by the last build).
    qsizetype size() const;

    struct Impl; ///< internal
    std::unique_ptr<Impl> d;
};

/// Options for buildLineage().
struct LineageOptions {
    QDateTime now; ///< reference time for freshness and certificate expiry (defaults to snapshot.takenAt)
    int certificateWarningDays = 30; ///< warn when tls.crt expires within this many days
    CertificateParser parseCertificate = &models::parseCertificate; ///< replaceable (e.g. by QSslCertificate)
    LineageCache* cache = nullptr; ///< optional memo across builds
    int threads = 0; ///< decoding threads for large snapshots; 0 = up to 4 by hardware
};

/// Every chain in `snapshot`: one per tenant SyncSecret, plus chains that start at an unmatched management
/// SyncSecret or Secret. Linear in the number of objects (hash lookups only); the per-object decoding runs on
/// several threads for large snapshots and is skipped for objects `options.cache` already knows.
QList<LineageChain> buildLineage(const Snapshot& snapshot, const LineageOptions& options = {});

/// Keys, sizes and fingerprint of a Secret/SyncSecret JSON object (data and stringData; values never kept).
struct DataSummary {
    QList<DataKey> keys;
    QByteArray fingerprint;
};
/// The displayable summary of `object`'s data.
DataSummary summarizeData(const QJsonObject& object);

} // namespace models
