#pragma once

#include <QByteArray>
#include <memory>

namespace runtime {

class WorkQueueMetricsProvider;

namespace detail {
class MetricsRegistryAccess;
}

/// MetricsRegistry: the Prometheus registry a manager (or a test) exposes on /metrics (controller-runtime's
/// metrics.Registry). prometheus-cpp stays behind this pimpl; runtime .cpp files reach it through metrics_p.h.
class MetricsRegistry {
public:
    /// Creates an empty registry.
    MetricsRegistry();
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;

    /// exposition returns every family, sorted by name, in the Prometheus text format (empty if collection failed).
    QByteArray exposition() const;
    /// workQueueMetricsProvider returns the provider writing client-go's workqueue_* families into this registry
    /// (one per registry, created on first use).
    std::shared_ptr<WorkQueueMetricsProvider> workQueueMetricsProvider();

private:
    friend class detail::MetricsRegistryAccess;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace runtime
