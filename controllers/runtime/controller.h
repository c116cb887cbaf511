#pragma once

#include "clock.h"
#include "reconciler.h"
#include "workqueue.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

class QThread;

namespace runtime {

class Cache;
class Informer;
class MetricsRegistry;

/// Controller settings.
struct ControllerOptions {
    QString name; ///< labels metrics and logs ("syncsecret-ccm")
    int concurrency = 1; ///< worker threads (--concurrency)
    std::shared_ptr<Clock> clock;
    std::unique_ptr<RateLimiter> rateLimiter; ///< null: defaultControllerRateLimiter
    MetricsRegistry* metrics = nullptr; ///< controller_runtime_* and workqueue_* land here when set
};

/// Maps a changed object to the requests it should trigger (controller-runtime's handler.EnqueueRequestsFromMapFunc).
using MapFunc = std::function<QList<Request>(const QJsonObject& object)>;

/// A controller: a work queue fed by informers, drained by `concurrency` worker threads that call the reconciler.
/// Results follow controller-runtime: error → rate-limited requeue; requeueAfter → forget + delayed add; requeue →
/// rate-limited add; success → forget. A throwing reconciler is caught, logged, counted and requeued.
class Controller {
public:
    Controller(ControllerOptions options, Reconciler& reconciler);
    ~Controller();

    const QString& name() const { return m_name; }
    WorkQueue& queue() { return *m_queue; }

    /// Enqueues requests for objects of `informer` (default: the object's own key). Call before start().
    /// An added or updated object whose request is being reconciled right now is held until that reconcile ends;
    /// it queues the request again only if it is not a version the reconciler wrote through itself
    /// (Cache::wroteThrough(): the watch delivered the write before the reconciler stored its answer).
    void watch(Informer& informer, MapFunc map = {});
    /// Starts the workers. A controller runs once: start() after stop() does nothing.
    void start();
    /// Stops taking work (queued items are dropped, in-flight reconciles finish) and waits up to `deadlineMs` for
    /// the workers (a negative deadline waits as long as it takes); true when all finished. Workers still busy at the
    /// deadline are waited for by a later stop() and by the destructor.
    bool stop(int deadlineMs = 30000);
    bool isRunning() const { return m_running.load(); }
    /// Reconciles finished so far (any result), counted once the result has been applied to the queue.
    qint64 reconcileCount() const { return m_reconciles.load(); }

private:
    void work();
    void processOne(const QString& key);
    /// An event of `object` (from `cache`) for the request `key`: held while `key` is reconciled, else queued.
    void enqueueOrHold(const QString& key, const Cache* cache, const QJsonObject& object);
    /// Ends `key`'s reconcile: held events that are not its own writes queue it again.
    void releaseHeld(const QString& key);

    /// An event that arrived while its request was being reconciled.
    struct HeldEvent {
        const Cache* cache;
        QString objectKey;
        qint64 version;
    };

    QString m_name;
    int m_concurrency;
    Reconciler& m_reconciler;
    std::unique_ptr<WorkQueue> m_queue;
    QList<QThread*> m_workers; ///< owned; any still running are joined by the destructor
    std::atomic<bool> m_running { false };
    std::atomic<bool> m_stopped { false };
    std::atomic<qint64> m_reconciles { 0 };
    std::mutex m_heldMutex;
    QHash<QString, QList<HeldEvent>> m_held; ///< requests being reconciled → events held for them
    struct Metrics;
    std::unique_ptr<Metrics> m_metrics;
};

} // namespace runtime
