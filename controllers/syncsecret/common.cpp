#include "common.h"

#include "desired.h"
#include "syncmetrics.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace syncsecret {

namespace {
std::atomic<quint64> g_reconcileIds { 0 };
} // namespace

kube::ResourcePath syncSecretPath(const QString& ns, const QString& name)
{
    return { QString(kube::kubelb::Group), QString(kube::kubelb::Version), QString(kube::kubelb::SyncSecretPlural), ns,
        name, {} };
}

kube::ResourcePath secretPath(const QString& ns, const QString& name)
{
    return { {}, u"v1"_s, u"secrets"_s, ns, name, {} };
}

ReconcileScope::ReconcileScope(const QString& controller, const runtime::Request& request, SyncMetrics* metrics)
    : m_controller(controller)
    , m_request(request)
    , m_metrics(metrics)
    , m_id(QString::number(++g_reconcileIds))
{
    m_timer.start();
}

ReconcileScope::~ReconcileScope()
{
    if (m_metrics)
        m_metrics->record(m_request.ns, m_result, double(m_timer.nsecsElapsed()) / 1e9);
}

void ReconcileScope::log(runtime::logging::Level level, const QString& message, runtime::logging::Fields fields) const
{
    fields.prepend({ u"reconcileID"_s, m_id });
    fields.prepend({ u"name"_s, m_request.name });
    fields.prepend({ u"namespace"_s, m_request.ns });
    fields.prepend({ u"controller"_s, m_controller });
    runtime::logging::log(level, u"kubelb."_s + m_controller, message, fields);
}

runtime::Result ReconcileScope::finish(runtime::Result result)
{
    // The controller logs the error once (with controller and key); here it only counts.
    if (!result.error.isEmpty())
        m_result = u"error"_s;
    return result;
}

runtime::Result failure(const QString& context, const kube::ApiError& error)
{
    if (error.isConflict()) {
        runtime::Result r;
        r.requeue = true;
        return r;
    }
    return runtime::Result::failed(context.isEmpty() ? describe(error) : context + u": "_s + describe(error));
}

const kube::Expected<QJsonObject>& writtenThrough(runtime::Cache* cache, const kube::Expected<QJsonObject>& answer)
{
    if (cache && answer)
        cache->writeThrough(*answer);
    return answer;
}

runtime::Result writeSyncStatus(kube::RestClient& client, const kube::SyncSecret& object, const QString& phase,
    bool synced, const QString& reason, const QString& message, runtime::Cache* cache)
{
    kube::SyncSecret updated = object;
    if (!setSyncStatus(updated.status, phase, updated.metadata.generation.value_or(1), synced, reason, message,
            QDateTime::currentDateTimeUtc()))
        return runtime::Result::success();
    const auto written = writtenThrough(
        cache, client.updateStatus(syncSecretPath(object.metadata.namespace_, object.metadata.name), updated.toJson()));
    return written ? runtime::Result::success() : failure(u"writing status"_s, written.error());
}

runtime::Result releaseFinalizer(kube::RestClient& client, const QString& ns, const QString& name)
{
    auto fresh = decodeAs<kube::SyncSecret>(client.get(syncSecretPath(ns, name)));
    if (!fresh)
        return fresh.error().isNotFound() ? runtime::Result::success() : failure({}, fresh.error());
    fresh->metadata.removeFinalizer(cleanupFinalizer());
    const auto updated = client.update(syncSecretPath(ns, name), fresh->toJson());
    if (!updated && !updated.error().isNotFound())
        return failure(u"removing the finalizer"_s, updated.error());
    return runtime::Result::success();
}

QString describe(const kube::ApiError& error)
{
    return error.reason().isEmpty() ? error.message() : error.reason() + u": "_s + error.message();
}

} // namespace syncsecret
