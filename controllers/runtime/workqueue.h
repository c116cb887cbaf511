#pragma once

#include "clock.h"
#include "ratelimiter.h"
#include "workqueuemetrics.h"

#include <QString>
#include <memory>

namespace runtime {

/// WorkQueueConfig: how a WorkQueue is built (client-go's TypedRateLimitingQueueConfig).
struct WorkQueueConfig {
    /// name labels the queue's metrics; an unnamed queue records none, as in client-go.
    QString name;
    /// clock times delays and metrics; null means realClock().
    std::shared_ptr<Clock> clock;
    /// rateLimiter backs addRateLimited(); null means defaultControllerRateLimiter(clock).
    std::unique_ptr<RateLimiter> rateLimiter;
    /// metricsProvider receives the workqueue_* metrics; null records none.
    std::shared_ptr<WorkQueueMetricsProvider> metricsProvider;
};

/// WorkQueue: client-go's rate-limiting work queue of keys ("namespace/name"). An added item waits in the queue
/// once however often it is added (dirty set); an item a worker holds (processing set) is never handed to another
/// worker, and if it is added meanwhile it is queued again when the worker calls done(). Thread-safe.
class WorkQueue {
public:
    /// GetResult: what get() hands a worker: an item, or shutdown once the queue is shut down and empty.
    struct GetResult {
        QString item; ///< empty when `shutdown`
        bool shutdown = false; ///< the queue is shut down and empty: the worker should stop
    };

    /// Creates an empty queue.
    explicit WorkQueue(WorkQueueConfig config = {});
    /// Shuts the queue down; no thread may still be inside get().
    ~WorkQueue();
    WorkQueue(const WorkQueue&) = delete;
    WorkQueue& operator=(const WorkQueue&) = delete;

    /// name returns the queue's metrics name.
    QString name() const;

    /// add queues `item` unless it is already waiting; ignored once shutting down.
    void add(const QString& item);
    /// len returns how many items wait for a worker (delayed items count once they are due).
    int len() const;
    /// get blocks until an item is available and marks it processing, or returns shutdown = true once the queue
    /// is shutting down and empty. Every item obtained must be passed to done().
    GetResult get();
    /// done marks `item` as no longer processing; if it was added meanwhile it is queued again.
    void done(const QString& item);
    /// shutDown makes get() return shutdown = true once the queue is empty; add() is ignored from now on and
    /// delayed items are dropped. Ends a shutDownWithDrain() in progress.
    void shutDown();
    /// shutDownWithDrain shuts down like shutDown(), then blocks until workers called done() on every item
    /// they hold.
    void shutDownWithDrain();
    /// shuttingDown tells whether shutDown() or shutDownWithDrain() was called.
    bool shuttingDown() const;

    /// addAfter adds `item` once `delay` has passed on the queue's clock; a pending delayed add of the same item
    /// keeps whichever is due first. A delay ≤ 0 adds immediately. Counts a retry.
    void addAfter(const QString& item, Clock::Duration delay);
    /// addRateLimited adds `item` after the delay the rate limiter assigns it.
    void addRateLimited(const QString& item);
    /// forget tells the rate limiter that `item` is done being retried; its backoff starts over.
    void forget(const QString& item);
    /// numRequeues returns how often the rate limiter delayed `item` since it was last forgotten.
    int numRequeues(const QString& item) const;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace runtime
