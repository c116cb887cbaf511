#include "syncmetrics.h"

#include "controllers/runtime/cache.h"
#include "controllers/runtime/metrics_p.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QLoggingCategory>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>

using namespace Qt::StringLiterals;

namespace syncsecret {

Q_LOGGING_CATEGORY(lcMetrics, "kubelb.syncsecret.metrics")

namespace {

// Phase counts and the oldest unsynced age, computed from the cache when Prometheus scrapes.
class PhaseCollector : public prometheus::Collectable {
public:
    PhaseCollector(std::string prefix, const runtime::Cache& cache)
        : m_prefix(std::move(prefix))
        , m_cache(cache)
    {
    }

    std::vector<prometheus::MetricFamily> Collect() const override
    {
        QHash<QString, QHash<QString, int>> counts;
        QHash<QString, qint64> oldest;
        const auto now = QDateTime::currentDateTimeUtc();
        m_cache.forEach([&](const QJsonObject& o) {
            const QJsonObject meta = o.value(u"metadata"_s).toObject();
            const QString ns = meta.value(u"namespace"_s).toString();
            QString phase = o.value(u"status"_s).toObject().value(u"phase"_s).toString();
            if (phase.isEmpty())
                phase = u"Pending"_s;
            ++counts[ns][phase];
            if (phase != u"Synced") {
                const auto created = QDateTime::fromString(meta.value(u"creationTimestamp"_s).toString(), Qt::ISODate);
                oldest[ns] = std::max(oldest.value(ns), created.isValid() ? created.secsTo(now) : 0);
            }
        });
        prometheus::MetricFamily phases { m_prefix + "_sync_secrets", "SyncSecrets by namespace and phase",
            prometheus::MetricType::Gauge, {} };
        for (auto ns = counts.cbegin(); ns != counts.cend(); ++ns)
            for (auto p = ns->cbegin(); p != ns->cend(); ++p) {
                prometheus::ClientMetric m;
                m.label = { { "namespace", ns.key().toStdString() }, { "phase", p.key().toStdString() } };
                m.gauge.value = p.value();
                phases.metric.push_back(m);
            }
        prometheus::MetricFamily age { m_prefix + "_sync_secret_oldest_unsynced_seconds",
            "Age of the oldest SyncSecret that is not Synced, per namespace", prometheus::MetricType::Gauge, {} };
        for (auto it = oldest.cbegin(); it != oldest.cend(); ++it) {
            prometheus::ClientMetric m;
            m.label = { { "namespace", it.key().toStdString() } };
            m.gauge.value = double(it.value());
            age.metric.push_back(m);
        }
        return { phases, age };
    }

private:
    std::string m_prefix;
    const runtime::Cache& m_cache;
};

} // namespace

struct SyncMetrics::Private {
    prometheus::Family<prometheus::Counter>* total = nullptr;
    prometheus::Family<prometheus::Histogram>* duration = nullptr;
    std::shared_ptr<PhaseCollector> collector;
};

SyncMetrics::SyncMetrics(runtime::MetricsRegistry& registry, const QString& prefix, const runtime::Cache& syncSecrets)
    : d(std::make_unique<Private>())
{
    try {
        auto prom = runtime::detail::MetricsRegistryAccess::prometheusRegistry(registry);
        const std::string p = prefix.toStdString();
        d->total = &prometheus::BuildCounter()
                        .Name(p + "_sync_secret_reconcile_total")
                        .Help("Total SyncSecret reconciliations by namespace and result")
                        .Register(*prom);
        d->duration = &prometheus::BuildHistogram()
                           .Name(p + "_sync_secret_reconcile_duration_seconds")
                           .Help("SyncSecret reconciliation duration by namespace")
                           .Register(*prom);
        d->collector = std::make_shared<PhaseCollector>(p, syncSecrets);
        runtime::detail::MetricsRegistryAccess::addCollectable(registry, d->collector);
    } catch (const std::exception& e) {
        qCWarning(lcMetrics) << "SyncSecret metrics unavailable:" << e.what();
        d->total = nullptr;
        d->duration = nullptr;
    }
}

SyncMetrics::~SyncMetrics() = default;

void SyncMetrics::record(const QString& ns, const QString& result, double seconds)
{
    if (!d->total)
        return;
    try {
        d->total->Add({ { "namespace", ns.toStdString() }, { "result", result.toStdString() } }).Increment();
        d->duration
            ->Add(
                {
                    { "namespace", ns.toStdString() },
                },
                prometheus::Histogram::BucketBoundaries {
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 })
            .Observe(seconds);
    } catch (const std::exception& e) {
        qCWarning(lcMetrics) << "cannot record a SyncSecret metric:" << e.what();
    }
}

} // namespace syncsecret
