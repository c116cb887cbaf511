#include "workqueue.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

namespace runtime {

namespace {

double seconds(Clock::Duration d)
{
    return std::chrono::duration<double>(d).count();
}

/// `now + delay` without overflowing: a delay past the end of time means never.
Clock::TimePoint dueTime(Clock::TimePoint now, Clock::Duration delay)
{
    if (delay >= Clock::TimePoint::max() - std::max(now, Clock::TimePoint {}))
        return Clock::TimePoint::max();
    return now + delay;
}

} // namespace

struct WorkQueue::Private {
    /// Orders delayed adds by due time, then by arrival.
    using DueKey = std::pair<Clock::TimePoint, quint64>;

    QString name;
    std::shared_ptr<Clock> clock;
    std::unique_ptr<RateLimiter> rateLimiter;

    mutable std::mutex mutex; // guards everything below
    // Signalled when an item is queued, a delayed add becomes the earliest, the last processing item is done,
    // or the queue shuts down.
    std::condition_variable cond;
    std::deque<QString> queue; // invariant: each item at most once, and only if in `dirty` and not `processing`
    QSet<QString> dirty; // items that need processing: queued, or re-added while a worker holds them
    QSet<QString> processing; // items a worker holds
    bool shuttingDown = false;
    bool drain = false; // a shutDownWithDrain() waits for `processing` to empty
    std::map<DueKey, QString> waiting; // delayed adds; invariant: one entry per item, indexed by `waitingIndex`
    QHash<QString, DueKey> waitingIndex;
    quint64 arrivals = 0;

    // Metrics bookkeeping, only with `metrics` (client-go's defaultQueueMetrics).
    std::unique_ptr<WorkQueueMetrics> metrics;
    QHash<QString, Clock::TimePoint> addTimes; // first add of an item not yet handed to a worker
    QHash<QString, Clock::TimePoint> processingStartTimes;

    void addLocked(const QString& item)
    {
        if (shuttingDown || dirty.contains(item))
            return;
        if (metrics) {
            metrics->countAdd();
            if (!addTimes.contains(item))
                addTimes.insert(item, clock->now());
        }
        dirty.insert(item);
        if (processing.contains(item))
            return; // queued again by done()
        queue.push_back(item);
        cond.notify_one();
    }

    /// Moves the delayed adds that are due into the queue, earliest first (client-go's waitingLoop).
    void promoteDueLocked()
    {
        if (waiting.empty())
            return;
        const Clock::TimePoint now = clock->now();
        while (!waiting.empty() && waiting.begin()->first.first <= now) {
            const QString item = waiting.begin()->second;
            waiting.erase(waiting.begin());
            waitingIndex.remove(item);
            addLocked(item);
        }
    }

    void shutDownLocked(bool drainFirst)
    {
        drain = drainFirst;
        shuttingDown = true;
        waiting.clear();
        waitingIndex.clear();
        cond.notify_all();
    }

    WorkQueueGauges gauges()
    {
        std::lock_guard guard(mutex);
        promoteDueLocked();
        WorkQueueGauges g;
        g.depth = dirty.size(); // client-go's depth: +1 on an add that dirties, -1 on get
        const Clock::TimePoint now = clock->now();
        for (const Clock::TimePoint& start : std::as_const(processingStartTimes)) {
            const double age = seconds(now - start);
            g.unfinishedWorkSeconds += age;
            g.longestRunningProcessorSeconds = std::max(g.longestRunningProcessorSeconds, age);
        }
        return g;
    }
};

WorkQueue::WorkQueue(WorkQueueConfig config)
    : d(std::make_unique<Private>())
{
    d->name = std::move(config.name);
    d->clock = config.clock ? std::move(config.clock) : realClock();
    d->rateLimiter = config.rateLimiter ? std::move(config.rateLimiter) : defaultControllerRateLimiter(d->clock);
    if (config.metricsProvider && !d->name.isEmpty())
        d->metrics = config.metricsProvider->newQueueMetrics(d->name, [p = d.get()] { return p->gauges(); });
}

WorkQueue::~WorkQueue()
{
    shutDown();
    d->metrics.reset(); // first: it stops the scrape-time gauges that read this queue
}

QString WorkQueue::name() const
{
    return d->name;
}

void WorkQueue::add(const QString& item)
{
    std::lock_guard guard(d->mutex);
    d->addLocked(item);
}

int WorkQueue::len() const
{
    std::lock_guard guard(d->mutex);
    d->promoteDueLocked();
    return static_cast<int>(d->queue.size());
}

WorkQueue::GetResult WorkQueue::get()
{
    std::unique_lock lock(d->mutex);
    for (;;) {
        d->promoteDueLocked();
        if (!d->queue.empty() || d->shuttingDown)
            break;
        const Clock::TimePoint due = d->waiting.empty() ? Clock::TimePoint::max() : d->waiting.begin()->first.first;
        if (due == Clock::TimePoint::max())
            d->cond.wait(lock);
        else
            d->clock->waitUntil(d->cond, lock, due);
    }
    if (d->queue.empty())
        return { {}, true };
    QString item = d->queue.front();
    d->queue.pop_front();
    if (d->metrics) {
        const Clock::TimePoint now = d->clock->now();
        d->processingStartTimes.insert(item, now);
        if (const auto added = d->addTimes.constFind(item); added != d->addTimes.cend()) {
            d->metrics->observeQueueDuration(seconds(now - *added));
            d->addTimes.erase(added);
        }
    }
    d->processing.insert(item);
    d->dirty.remove(item);
    return { item, false };
}

void WorkQueue::done(const QString& item)
{
    std::lock_guard guard(d->mutex);
    if (d->metrics) {
        if (const auto started = d->processingStartTimes.constFind(item); started != d->processingStartTimes.cend()) {
            d->metrics->observeWorkDuration(seconds(d->clock->now() - *started));
            d->processingStartTimes.erase(started);
        }
    }
    d->processing.remove(item);
    if (d->dirty.contains(item)) {
        d->queue.push_back(item);
        d->cond.notify_one();
    } else if (d->processing.isEmpty()) {
        d->cond.notify_all(); // a draining shutdown may be waiting
    }
}

void WorkQueue::shutDown()
{
    std::lock_guard guard(d->mutex);
    d->shutDownLocked(false);
}

void WorkQueue::shutDownWithDrain()
{
    std::unique_lock lock(d->mutex);
    d->shutDownLocked(true);
    while (d->drain && !d->processing.isEmpty())
        d->cond.wait(lock);
}

bool WorkQueue::shuttingDown() const
{
    std::lock_guard guard(d->mutex);
    return d->shuttingDown;
}

void WorkQueue::addAfter(const QString& item, Clock::Duration delay)
{
    std::lock_guard guard(d->mutex);
    if (d->shuttingDown)
        return;
    if (d->metrics)
        d->metrics->countRetry();
    if (delay <= Clock::Duration::zero()) {
        d->addLocked(item);
        return;
    }
    const Private::DueKey key { dueTime(d->clock->now(), delay), ++d->arrivals };
    if (const auto known = d->waitingIndex.constFind(item); known != d->waitingIndex.cend()) {
        if (known->first <= key.first)
            return; // the pending add is due first
        d->waiting.erase(*known);
    }
    d->waiting.emplace(key, item);
    d->waitingIndex.insert(item, key);
    if (d->waiting.begin()->first == key)
        d->cond.notify_all(); // getters sleep until the earliest due time: this one is sooner
}

void WorkQueue::addRateLimited(const QString& item)
{
    addAfter(item, d->rateLimiter->when(item));
}

void WorkQueue::forget(const QString& item)
{
    d->rateLimiter->forget(item);
}

int WorkQueue::numRequeues(const QString& item) const
{
    return d->rateLimiter->numRequeues(item);
}

} // namespace runtime
