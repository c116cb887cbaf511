#pragma once

// Private to kubelb_runtime: includes prometheus-cpp, so never include it from a public header.

#include "metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

namespace runtime::detail {

/// MetricsRegistryAccess: the prometheus-cpp side of a MetricsRegistry, for runtime .cpp files adding families.
class MetricsRegistryAccess {
public:
    /// prometheusRegistry returns the registry that families are built into (Build*().Register(*registry)).
    static std::shared_ptr<prometheus::Registry> prometheusRegistry(const MetricsRegistry& registry);
    /// addCollectable adds a collectable computed on every scrape; it is held weakly and dropped once it expires.
    static void addCollectable(MetricsRegistry& registry, std::weak_ptr<prometheus::Collectable> collectable);
};

/// newPrometheusWorkQueueMetricsProvider creates the workqueue_* families in `registry` (workqueuemetrics.cpp).
std::shared_ptr<WorkQueueMetricsProvider> newPrometheusWorkQueueMetricsProvider(MetricsRegistry& registry);

} // namespace runtime::detail
