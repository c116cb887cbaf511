#pragma once

#include "controllers/runtime/cache.h"
#include "controllers/runtime/logging.h"
#include "controllers/runtime/reconciler.h"
#include "kube/objects.h"
#include "kube/restclient.h"

#include <QElapsedTimer>
#include <QString>
#include <atomic>

namespace syncsecret {

class SyncMetrics;

/// kubelb.k8c.io/v1alpha1 syncsecrets in `ns` (name optional).
kube::ResourcePath syncSecretPath(const QString& ns, const QString& name = {});
/// core/v1 secrets in `ns` (name optional).
kube::ResourcePath secretPath(const QString& ns, const QString& name = {});

/// Per-reconcile context: a reconcile ID, structured log fields, metrics on destruction.
class ReconcileScope {
public:
    ReconcileScope(const QString& controller, const runtime::Request& request, SyncMetrics* metrics);
    ~ReconcileScope();

    /// Logs with controller, namespace, name and reconcileID fields (never object data).
    void log(runtime::logging::Level level, const QString& message, runtime::logging::Fields fields = {}) const;
    /// Marks the outcome recorded in metrics ("success" unless set).
    runtime::Result finish(runtime::Result result);

private:
    QString m_controller;
    runtime::Request m_request;
    SyncMetrics* m_metrics;
    QString m_id;
    QString m_result = QStringLiteral("success");
    QElapsedTimer m_timer;
};

/// The result for a failed API call: a conflict (stale cache, another writer) is requeued quietly with backoff,
/// anything else is an error `context: reason: message`.
runtime::Result failure(const QString& context, const kube::ApiError& error);

/// Decodes an API answer into a typed object (kube::SyncSecret or kube::Secret), passing errors through.
template <typename T> kube::Expected<T> decodeAs(const kube::Expected<QJsonObject>& json)
{
    if (!json)
        return json.error();
    return T::fromJson(*json);
}

/// The finalizer both controllers hold (kubelb.k8c.io/lb-finalizer).
inline QString cleanupFinalizer()
{
    return QString(kube::kubelb::CleanupFinalizer);
}

/// Stores a successful write's answer in `cache` (runtime::Cache::writeThrough), so that the next reconcile sees
/// its own write before the watch delivers it; passes the answer on unchanged.
const kube::Expected<QJsonObject>& writtenThrough(runtime::Cache* cache, const kube::Expected<QJsonObject>& answer);

/// Writes phase, observedGeneration and the Synced condition to `object`'s /status, only when they change; the
/// written object goes to `cache` (write-through) when given.
runtime::Result writeSyncStatus(kube::RestClient& client, const kube::SyncSecret& object, const QString& phase,
    bool synced, const QString& reason, const QString& message, runtime::Cache* cache = nullptr);
/// Removes the cleanup finalizer from the live SyncSecret `ns/name` (re-read first, so that a status written
/// meanwhile is not undone); an object already gone counts as released.
runtime::Result releaseFinalizer(kube::RestClient& client, const QString& ns, const QString& name);

/// A short description of an API error for status messages and logs (reason: message).
QString describe(const kube::ApiError& error);

} // namespace syncsecret
