#include "metrics.h"

#include "metrics_p.h"
#include "workqueuemetrics.h"

#include <QLoggingCategory>
#include <algorithm>
#include <iterator>
#include <mutex>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>
#include <vector>

namespace runtime {

Q_LOGGING_CATEGORY(lcRuntimeMetrics, "kubelb.runtime.metrics")

struct MetricsRegistry::Private {
    const std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    std::mutex mutex; // guards the members below; never held while collecting
    std::vector<std::weak_ptr<prometheus::Collectable>> collectables;
    std::shared_ptr<WorkQueueMetricsProvider> workQueueMetrics;
};

MetricsRegistry::MetricsRegistry()
    : d(std::make_unique<Private>())
{
}

MetricsRegistry::~MetricsRegistry() = default;

QByteArray MetricsRegistry::exposition() const
{
    std::vector<std::shared_ptr<prometheus::Collectable>> live;
    {
        std::lock_guard guard(d->mutex);
        std::erase_if(d->collectables, [](const auto& weak) { return weak.expired(); });
        for (const std::weak_ptr<prometheus::Collectable>& weak : d->collectables) {
            if (auto collectable = weak.lock())
                live.push_back(std::move(collectable));
        }
    }
    try {
        // Scrape-time collectables first: computing them may move counters (a due delayed add becomes an add),
        // and the families read afterwards then agree with them.
        std::vector<prometheus::MetricFamily> families;
        for (const std::shared_ptr<prometheus::Collectable>& collectable : live) {
            std::vector<prometheus::MetricFamily> more = collectable->Collect();
            std::move(more.begin(), more.end(), std::back_inserter(families));
        }
        std::vector<prometheus::MetricFamily> built = d->registry->Collect();
        std::move(built.begin(), built.end(), std::back_inserter(families));
        std::stable_sort(families.begin(), families.end(),
            [](const prometheus::MetricFamily& a, const prometheus::MetricFamily& b) { return a.name < b.name; });
        return QByteArray::fromStdString(prometheus::TextSerializer().Serialize(families));
    } catch (const std::exception& e) {
        qCWarning(lcRuntimeMetrics) << "cannot collect metrics:" << e.what();
        return {};
    }
}

std::shared_ptr<WorkQueueMetricsProvider> MetricsRegistry::workQueueMetricsProvider()
{
    {
        std::lock_guard guard(d->mutex);
        if (d->workQueueMetrics)
            return d->workQueueMetrics;
    }
    // Built outside the lock: the provider registers its collectable through addCollectable().
    std::shared_ptr<WorkQueueMetricsProvider> created = detail::newPrometheusWorkQueueMetricsProvider(*this);
    std::lock_guard guard(d->mutex);
    if (!d->workQueueMetrics)
        d->workQueueMetrics = std::move(created);
    return d->workQueueMetrics;
}

namespace detail {

std::shared_ptr<prometheus::Registry> MetricsRegistryAccess::prometheusRegistry(const MetricsRegistry& registry)
{
    return registry.d->registry;
}

void MetricsRegistryAccess::addCollectable(
    MetricsRegistry& registry, std::weak_ptr<prometheus::Collectable> collectable)
{
    std::lock_guard guard(registry.d->mutex);
    registry.d->collectables.push_back(std::move(collectable));
}

} // namespace detail

} // namespace runtime
