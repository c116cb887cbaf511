#include "workqueuemetrics.h"

#include "metrics_p.h"

#include <QLoggingCategory>
#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>

namespace runtime {

Q_DECLARE_LOGGING_CATEGORY(lcRuntimeMetrics)

namespace {

// controller-runtime's workqueue histograms: prometheus.ExponentialBuckets(10e-9, 10, 12).
const prometheus::Histogram::BucketBoundaries durationBuckets { 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10,
    100, 1000 };

/// The gauges of every live queue, computed on scrape; queues sharing a name are summed (longest: maximum).
class QueueGaugeCollector final : public prometheus::Collectable {
public:
    std::uint64_t add(const QString& name, std::function<WorkQueueGauges()> gauges)
    {
        std::lock_guard guard(m_mutex);
        m_sources.emplace(++m_lastId, Source { name.toStdString(), std::move(gauges) });
        return m_lastId;
    }

    void remove(std::uint64_t id)
    {
        std::lock_guard guard(m_mutex); // waits for a scrape that may be calling this source
        m_sources.erase(id);
    }

    std::vector<prometheus::MetricFamily> Collect() const override
    {
        std::map<std::string, WorkQueueGauges> byName;
        {
            std::lock_guard guard(m_mutex);
            for (const auto& [id, source] : m_sources) {
                const WorkQueueGauges g = source.gauges();
                WorkQueueGauges& sum = byName[source.name];
                sum.depth += g.depth;
                sum.unfinishedWorkSeconds += g.unfinishedWorkSeconds;
                sum.longestRunningProcessorSeconds
                    = std::max(sum.longestRunningProcessorSeconds, g.longestRunningProcessorSeconds);
            }
        }
        if (byName.empty())
            return {};
        std::vector<prometheus::MetricFamily> families {
            family("workqueue_depth", "Current depth of workqueue", byName, &WorkQueueGauges::depth),
            family("workqueue_unfinished_work_seconds",
                "How many seconds of work has been done that is in progress and hasn't been observed by "
                "work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by "
                "observing the rate at which this increases.",
                byName, &WorkQueueGauges::unfinishedWorkSeconds),
            family("workqueue_longest_running_processor_seconds",
                "How many seconds has the longest running processor for workqueue been running.", byName,
                &WorkQueueGauges::longestRunningProcessorSeconds),
        };
        return families;
    }

private:
    struct Source {
        std::string name;
        std::function<WorkQueueGauges()> gauges;
    };

    static prometheus::MetricFamily family(const char* name, const char* help,
        const std::map<std::string, WorkQueueGauges>& byName, double WorkQueueGauges::*field)
    {
        prometheus::MetricFamily f { name, help, prometheus::MetricType::Gauge, {} };
        for (const auto& [queue, gauges] : byName) {
            prometheus::ClientMetric metric;
            metric.label.push_back({ "name", queue });
            metric.gauge.value = gauges.*field;
            f.metric.push_back(std::move(metric));
        }
        return f;
    }

    mutable std::mutex m_mutex; // held while calling sources: lock order is collector, then queue
    std::map<std::uint64_t, Source> m_sources;
    std::uint64_t m_lastId = 0;
};

/// The families shared by every queue of one provider; keeps the registry alive for the handles.
struct Families {
    std::shared_ptr<prometheus::Registry> registry;
    prometheus::Family<prometheus::Counter>* adds = nullptr; // null when building the family failed
    prometheus::Family<prometheus::Counter>* retries = nullptr;
    prometheus::Family<prometheus::Histogram>* queueDuration = nullptr;
    prometheus::Family<prometheus::Histogram>* workDuration = nullptr;
    std::shared_ptr<QueueGaugeCollector> gauges = std::make_shared<QueueGaugeCollector>();
};

class PrometheusQueueMetrics final : public WorkQueueMetrics {
public:
    PrometheusQueueMetrics(
        std::shared_ptr<Families> families, const QString& name, std::function<WorkQueueGauges()> gauges)
        : m_families(std::move(families))
    {
        const std::map<std::string, std::string> labels { { "name", name.toStdString() } };
        try {
            // Add()ed once and cached: every call below is a lock-free update.
            m_adds = m_families->adds ? &m_families->adds->Add(labels) : nullptr;
            m_retries = m_families->retries ? &m_families->retries->Add(labels) : nullptr;
            m_queueDuration
                = m_families->queueDuration ? &m_families->queueDuration->Add(labels, durationBuckets) : nullptr;
            m_workDuration
                = m_families->workDuration ? &m_families->workDuration->Add(labels, durationBuckets) : nullptr;
        } catch (const std::exception& e) {
            qCWarning(lcRuntimeMetrics) << "cannot create the metrics of work queue" << name << ':' << e.what();
        }
        m_gaugeId = m_families->gauges->add(name, std::move(gauges));
    }

    ~PrometheusQueueMetrics() override { m_families->gauges->remove(m_gaugeId); }

    void countAdd() override
    {
        if (m_adds)
            m_adds->Increment();
    }
    void countRetry() override
    {
        if (m_retries)
            m_retries->Increment();
    }
    void observeQueueDuration(double seconds) override
    {
        if (m_queueDuration)
            m_queueDuration->Observe(seconds);
    }
    void observeWorkDuration(double seconds) override
    {
        if (m_workDuration)
            m_workDuration->Observe(seconds);
    }

private:
    const std::shared_ptr<Families> m_families;
    prometheus::Counter* m_adds = nullptr;
    prometheus::Counter* m_retries = nullptr;
    prometheus::Histogram* m_queueDuration = nullptr;
    prometheus::Histogram* m_workDuration = nullptr;
    std::uint64_t m_gaugeId = 0;
};

/// The WorkQueueMetricsProvider writing client-go's workqueue_* families into one MetricsRegistry.
class PrometheusWorkQueueMetricsProvider final : public WorkQueueMetricsProvider {
public:
    explicit PrometheusWorkQueueMetricsProvider(MetricsRegistry& registry)
        : m_families(std::make_shared<Families>())
    {
        m_families->registry = detail::MetricsRegistryAccess::prometheusRegistry(registry);
        prometheus::Registry& r = *m_families->registry;
        try {
            m_families->adds = &prometheus::BuildCounter()
                                    .Name("workqueue_adds_total")
                                    .Help("Total number of adds handled by workqueue")
                                    .Register(r);
            m_families->retries = &prometheus::BuildCounter()
                                       .Name("workqueue_retries_total")
                                       .Help("Total number of retries handled by workqueue")
                                       .Register(r);
            m_families->queueDuration
                = &prometheus::BuildHistogram()
                       .Name("workqueue_queue_duration_seconds")
                       .Help("How long in seconds an item stays in workqueue before being requested")
                       .Register(r);
            m_families->workDuration = &prometheus::BuildHistogram()
                                            .Name("workqueue_work_duration_seconds")
                                            .Help("How long in seconds processing an item from workqueue takes.")
                                            .Register(r);
        } catch (const std::exception& e) {
            qCWarning(lcRuntimeMetrics) << "cannot register the work queue metrics:" << e.what();
        }
        detail::MetricsRegistryAccess::addCollectable(registry, m_families->gauges);
    }

    std::unique_ptr<WorkQueueMetrics> newQueueMetrics(
        const QString& name, std::function<WorkQueueGauges()> gauges) override
    {
        return std::make_unique<PrometheusQueueMetrics>(m_families, name, std::move(gauges));
    }

private:
    std::shared_ptr<Families> m_families;
};

} // namespace

namespace detail {

std::shared_ptr<WorkQueueMetricsProvider> newPrometheusWorkQueueMetricsProvider(MetricsRegistry& registry)
{
    return std::make_shared<PrometheusWorkQueueMetricsProvider>(registry);
}

} // namespace detail

} // namespace runtime
