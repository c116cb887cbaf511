#pragma once

#include <QString>
#include <memory>

namespace runtime {
class Cache;
class MetricsRegistry;
} // namespace runtime

namespace syncsecret {

/// The seed's SyncSecret metrics for one controller (`prefix` "kubelb_ccm" or "kubelb_manager"):
/// `<prefix>_sync_secret_reconcile_total{namespace,result}`, `<prefix>_sync_secret_reconcile_duration_seconds
/// {namespace}`, and, computed from the informer cache on every scrape, `<prefix>_sync_secrets{namespace,phase}` and
/// `<prefix>_sync_secret_oldest_unsynced_seconds{namespace}`.
class SyncMetrics {
public:
    SyncMetrics(runtime::MetricsRegistry& registry, const QString& prefix, const runtime::Cache& syncSecrets);
    ~SyncMetrics();

    /// Records one reconcile of an object in `ns`; `result` is "success" or "error".
    void record(const QString& ns, const QString& result, double seconds);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace syncsecret
