#pragma once

#include <QString>
#include <functional>
#include <memory>

namespace runtime {

/// WorkQueueGauges: the gauges of one queue, computed when metrics are scraped.
struct WorkQueueGauges {
    /// depth: items added and not yet handed to a worker (workqueue_depth).
    double depth = 0;
    /// unfinishedWorkSeconds: summed age of the items workers hold (workqueue_unfinished_work_seconds).
    double unfinishedWorkSeconds = 0;
    /// longestRunningProcessorSeconds: age of the oldest item a worker holds
    /// (workqueue_longest_running_processor_seconds).
    double longestRunningProcessorSeconds = 0;
};

/// WorkQueueMetrics: the metric handles of one named queue; destroying them stops its scrape-time gauges.
/// The queue calls them with its lock held, so they must not call back into it.
class WorkQueueMetrics {
public:
    virtual ~WorkQueueMetrics() = default;

    /// countAdd counts an item entering the queue (workqueue_adds_total).
    virtual void countAdd() = 0;
    /// countRetry counts a delayed add (workqueue_retries_total).
    virtual void countRetry() = 0;
    /// observeQueueDuration records how long an item waited before a worker got it
    /// (workqueue_queue_duration_seconds).
    virtual void observeQueueDuration(double seconds) = 0;
    /// observeWorkDuration records how long a worker held an item (workqueue_work_duration_seconds).
    virtual void observeWorkDuration(double seconds) = 0;
};

/// WorkQueueMetricsProvider: the sink WorkQueues report to (client-go's workqueue.MetricsProvider).
class WorkQueueMetricsProvider {
public:
    virtual ~WorkQueueMetricsProvider() = default;

    /// newQueueMetrics creates the handles of the queue `name`; while they live, `gauges` is called on every scrape,
    /// from any thread.
    virtual std::unique_ptr<WorkQueueMetrics> newQueueMetrics(
        const QString& name, std::function<WorkQueueGauges()> gauges)
        = 0;
};

} // namespace runtime
