#include "controller.h"

#include "cache.h"
#include "informer.h"
#include "kube/tsan.h"
#include "logging.h"
#include "metrics_p.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QThread>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

using namespace Qt::StringLiterals;

namespace runtime {

Q_LOGGING_CATEGORY(lcController, "kubelb.runtime.controller")

Request Request::fromKey(const QString& key)
{
    const qsizetype slash = key.indexOf(u'/');
    return slash < 0 ? Request { {}, key } : Request { key.left(slash), key.mid(slash + 1) };
}

// controller-runtime's standard controller metrics, cached per controller.
struct Controller::Metrics {
    std::shared_ptr<prometheus::Registry> registry; // keeps the families below alive
    prometheus::Counter* success = nullptr;
    prometheus::Counter* error = nullptr;
    prometheus::Counter* requeue = nullptr;
    prometheus::Counter* requeueAfter = nullptr;
    prometheus::Counter* errors = nullptr;
    prometheus::Counter* panics = nullptr;
    prometheus::Counter* terminal = nullptr;
    prometheus::Histogram* time = nullptr;
    prometheus::Gauge* activeWorkers = nullptr;

    Metrics(MetricsRegistry& registry, const QString& controller, int concurrency)
    {
        auto prom = detail::MetricsRegistryAccess::prometheusRegistry(registry);
        this->registry = prom;
        const std::string name = controller.toStdString();
        auto& total = prometheus::BuildCounter()
                          .Name("controller_runtime_reconcile_total")
                          .Help("Total number of reconciliations per controller")
                          .Register(*prom);
        success = &total.Add({ { "controller", name }, { "result", "success" } });
        error = &total.Add({ { "controller", name }, { "result", "error" } });
        requeue = &total.Add({ { "controller", name }, { "result", "requeue" } });
        requeueAfter = &total.Add({ { "controller", name }, { "result", "requeue_after" } });
        errors = &prometheus::BuildCounter()
                      .Name("controller_runtime_reconcile_errors_total")
                      .Help("Total number of reconciliation errors per controller")
                      .Register(*prom)
                      .Add({ { "controller", name } });
        panics = &prometheus::BuildCounter()
                      .Name("controller_runtime_reconcile_panics_total")
                      .Help("Total number of reconciliation panics (exceptions) per controller")
                      .Register(*prom)
                      .Add({ { "controller", name } });
        terminal = &prometheus::BuildCounter()
                        .Name("controller_runtime_terminal_reconcile_errors_total")
                        .Help("Total number of terminal reconciliation errors per controller")
                        .Register(*prom)
                        .Add({ { "controller", name } });
        time = &prometheus::BuildHistogram()
                    .Name("controller_runtime_reconcile_time_seconds")
                    .Help("Length of time per reconciliation per controller")
                    .Register(*prom)
                    .Add({ { "controller", name } },
                        prometheus::Histogram::BucketBoundaries { 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3,
                            0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0,
                            4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60 });
        prometheus::BuildGauge()
            .Name("controller_runtime_max_concurrent_reconciles")
            .Help("Maximum number of concurrent reconciles per controller")
            .Register(*prom)
            .Add({ { "controller", name } })
            .Set(concurrency);
        activeWorkers = &prometheus::BuildGauge()
                             .Name("controller_runtime_active_workers")
                             .Help("Number of currently used workers per controller")
                             .Register(*prom)
                             .Add({ { "controller", name } });
    }
};

Controller::Controller(ControllerOptions options, Reconciler& reconciler)
    : m_name(options.name)
    , m_concurrency(std::max(1, options.concurrency))
    , m_reconciler(reconciler)
{
    WorkQueueConfig config;
    config.name = options.name;
    config.clock = options.clock;
    config.rateLimiter = std::move(options.rateLimiter);
    if (options.metrics) {
        config.metricsProvider = options.metrics->workQueueMetricsProvider();
        try {
            m_metrics = std::make_unique<Metrics>(*options.metrics, m_name, m_concurrency);
        } catch (const std::exception& e) {
            qCWarning(lcController) << "controller metrics unavailable:" << e.what();
        }
    }
    m_queue = std::make_unique<WorkQueue>(std::move(config));
}

Controller::~Controller()
{
    stop(-1); // every worker uses this controller, even one that outlived an earlier stop()'s deadline
}

void Controller::watch(Informer& informer, MapFunc map)
{
    const Cache* cache = &informer.cache();
    // Additions and updates may be held while their request is reconciled; deletions always queue it.
    const auto enqueue = [this, map, cache](const QJsonObject& o, bool mayHold) {
        const auto add = [&](const QString& key) {
            if (mayHold)
                enqueueOrHold(key, cache, o);
            else
                m_queue->add(key);
        };
        if (!map) {
            add(keyOf(o));
            return;
        }
        for (const auto& r : map(o))
            add(r.key());
    };
    EventHandler handler;
    handler.onAdd = [enqueue](const QJsonObject& o) { enqueue(o, true); };
    handler.onUpdate = [enqueue](const QJsonObject& oldObject, const QJsonObject& newObject) {
        enqueue(newObject, true);
        if (keyOf(oldObject) != keyOf(newObject))
            enqueue(oldObject, false);
    };
    handler.onDelete = [enqueue](const QJsonObject& o) { enqueue(o, false); };
    informer.addEventHandler(handler);
}

void Controller::enqueueOrHold(const QString& key, const Cache* cache, const QJsonObject& object)
{
    {
        std::lock_guard lock(m_heldMutex);
        if (const auto held = m_held.find(key); held != m_held.end()) {
            held->append({ cache, keyOf(object), Cache::versionOf(object) });
            return;
        }
    }
    m_queue->add(key);
}

void Controller::releaseHeld(const QString& key)
{
    QList<HeldEvent> held;
    {
        std::lock_guard lock(m_heldMutex);
        held = m_held.take(key);
    }
    // The reconcile has stored its answers by now: an event it wrote itself is no news.
    for (const auto& e : std::as_const(held)) {
        if (!e.cache->wroteThrough(e.objectKey, e.version)) {
            m_queue->add(key); // still processing: queued again by done()
            return;
        }
    }
}

void Controller::start()
{
    if (m_stopped.load() || m_running.exchange(true))
        return;
    for (int i = 0; i < m_concurrency; ++i) {
        QThread* worker = QThread::create([this] {
            work();
            kubelbHappensBefore(this); // pairs with stop(): see there
        });
        worker->setObjectName(u"%1-worker-%2"_s.arg(m_name).arg(i));
        worker->start();
        m_workers.append(worker);
    }
}

bool Controller::stop(int deadlineMs)
{
    m_stopped = true;
    if (m_running.exchange(false))
        m_queue->shutDown();
    // Also waits for workers an earlier stop() left running.
    QDeadlineTimer deadline(deadlineMs);
    QList<QThread*> busy;
    for (QThread* worker : std::as_const(m_workers)) {
        if (worker->wait(deadline)) {
            // QThread::wait() on a thread that already finished only checks a flag under Qt's futex QMutex, which
            // TSan cannot see: make the worker's last accesses happen-before the deletes that may follow (the
            // destructor frees the metrics the worker used; kube/tsan.h).
            kubelbHappensAfter(this);
            delete worker;
        } else
            busy.append(worker);
    }
    m_workers = busy;
    if (!busy.isEmpty() && deadlineMs != 0)
        qCWarning(lcController).noquote()
            << m_name << busy.size() << "reconcile(s) did not finish before the shutdown deadline";
    return busy.isEmpty();
}

void Controller::work()
{
    for (;;) {
        const auto next = m_queue->get();
        if (next.shutdown)
            return;
        if (!m_running.load()) {
            // Stopping: the queue still hands out what was waiting, but no new reconcile starts.
            m_queue->done(next.item);
            continue;
        }
        if (m_metrics)
            m_metrics->activeWorkers->Increment();
        {
            std::lock_guard lock(m_heldMutex);
            m_held.insert(next.item, {});
        }
        processOne(next.item);
        releaseHeld(next.item);
        if (m_metrics)
            m_metrics->activeWorkers->Decrement();
        m_queue->done(next.item);
        ++m_reconciles;
    }
}

void Controller::processOne(const QString& key)
{
    QElapsedTimer timer;
    timer.start();
    Result result;
    bool threw = false;
    try {
        result = m_reconciler.reconcile(Request::fromKey(key));
    } catch (const std::exception& e) {
        threw = true;
        result = Result::failed(u"reconciler threw: "_s + QString::fromUtf8(e.what()));
    } catch (...) {
        threw = true;
        result = Result::failed(u"reconciler threw a non-standard exception"_s);
    }
    if (m_metrics) {
        m_metrics->time->Observe(double(timer.nsecsElapsed()) / 1e9);
        if (threw)
            m_metrics->panics->Increment();
    }
    if (!result.error.isEmpty()) {
        logging::log(logging::Level::Error, u"kubelb.runtime.controller"_s, u"Reconciler error"_s,
            { { u"controller"_s, m_name }, { u"key"_s, key }, { u"error"_s, result.error },
                { u"terminal"_s, result.terminal ? u"true"_s : u"false"_s } });
        if (m_metrics) {
            m_metrics->errors->Increment();
            m_metrics->error->Increment();
            if (result.terminal)
                m_metrics->terminal->Increment();
        }
        if (result.terminal)
            m_queue->forget(key);
        else
            m_queue->addRateLimited(key);
        return;
    }
    if (result.requeueAfter.count() > 0) {
        if (m_metrics)
            m_metrics->requeueAfter->Increment();
        m_queue->forget(key);
        m_queue->addAfter(key, std::chrono::duration_cast<Clock::Duration>(result.requeueAfter));
        return;
    }
    if (result.requeue) {
        if (m_metrics)
            m_metrics->requeue->Increment();
        m_queue->addRateLimited(key);
        return;
    }
    if (m_metrics)
        m_metrics->success->Increment();
    m_queue->forget(key);
}

} // namespace runtime
