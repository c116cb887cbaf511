// The controller's result handling, worker pool and shutdown, with a fake clock stepping every delay.
#include "controllers/runtime/controller.h"
#include "controllers/runtime/metrics.h"

#include <QTest>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using runtime::Request;
using runtime::Result;

namespace {

/// A reconciler made of a function.
class FuncReconciler : public runtime::Reconciler {
public:
    explicit FuncReconciler(std::function<Result(const Request&)> f)
        : m_f(std::move(f))
    {
    }
    Result reconcile(const Request& request) override { return m_f(request); }

private:
    std::function<Result(const Request&)> m_f;
};

/// A one-shot gate that reconcilers wait at until the test opens it (never longer than 20 s).
class Gate {
public:
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_cv.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, 20s, [this] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_open = false;
};

/// The value of one sample line of a Prometheus exposition ("name{labels} value"), or -1.
double sample(const QByteArray& exposition, const QByteArray& series)
{
    for (const QByteArray& line : exposition.split('\n'))
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    return -1;
}

} // namespace

class TestController : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void testSuccessIsForgottenAndCounted();
    void testErrorRetriesWithRateLimitedBackoff();
    void testThrowingReconcilerIsRequeuedAndCounted();
    void testRequeueAfterComesBackAfterTheDelay();
    void testRequeueUsesTheRateLimiter();
    void testTerminalErrorIsNotRequeued();
    void testConcurrentWorkersNeverShareAKey();
    void testStopWaitsForInFlightReconcilesAndTakesNoNewWork();
    void testStopDeadlineLeavesStragglersToTheDestructor();
    void testLaterStopWaitsForStragglers();

private:
    runtime::ControllerOptions options(const QString& name, int concurrency = 1);

    std::shared_ptr<runtime::FakeClock> m_clock;
    std::unique_ptr<runtime::MetricsRegistry> m_metrics;
};

void TestController::init()
{
    m_clock = std::make_shared<runtime::FakeClock>();
    m_metrics = std::make_unique<runtime::MetricsRegistry>();
}

runtime::ControllerOptions TestController::options(const QString& name, int concurrency)
{
    runtime::ControllerOptions o;
    o.name = name;
    o.concurrency = concurrency;
    o.clock = m_clock;
    o.metrics = m_metrics.get();
    return o;
}

void TestController::testSuccessIsForgottenAndCounted()
{
    std::atomic<int> calls { 0 };
    FuncReconciler reconciler([&](const Request& r) {
        if (r == Request { u"ns"_s, u"a"_s })
            ++calls;
        return Result::success();
    });
    runtime::Controller controller(options(u"ok"_s), reconciler);
    controller.start();
    controller.queue().add(u"ns/a"_s);
    QTRY_COMPARE(controller.reconcileCount(), 1);
    QCOMPARE(calls.load(), 1);
    QCOMPARE(controller.queue().numRequeues(u"ns/a"_s), 0);
    const QByteArray text = m_metrics->exposition();
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_total{controller="ok",result="success"})"), 1.0);
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_errors_total{controller="ok"})"), 0.0);
    QCOMPARE(sample(text, R"(controller_runtime_max_concurrent_reconciles{controller="ok"})"), 1.0);
    QVERIFY(sample(text, R"(workqueue_adds_total{name="ok"})") >= 1);
    QVERIFY(controller.stop(5000));
}

// Failures come back after 5 ms, 10 ms, 20 ms (controller-runtime's per-item exponential backoff), on the fake clock.
void TestController::testErrorRetriesWithRateLimitedBackoff()
{
    std::atomic<int> calls { 0 };
    FuncReconciler reconciler(
        [&](const Request&) { return ++calls <= 3 ? Result::failed(u"not yet"_s) : Result::success(); });
    runtime::Controller controller(options(u"flaky"_s), reconciler);
    controller.start();
    controller.queue().add(u"ns/a"_s);
    QTRY_COMPARE(controller.reconcileCount(), 1);
    for (int failure = 1; failure <= 3; ++failure) {
        const auto backoff = std::chrono::milliseconds(5 << (failure - 1));
        QCOMPARE(controller.queue().numRequeues(u"ns/a"_s), failure);
        QVERIFY(m_clock->awaitWaiters(1, 5000ms));
        m_clock->step(backoff - 1ms);
        QVERIFY(m_clock->awaitWaiters(1, 5000ms));
        QCOMPARE(controller.reconcileCount(), failure); // not due yet
        m_clock->step(1ms);
        QTRY_COMPARE(controller.reconcileCount(), failure + 1);
    }
    QCOMPARE(calls.load(), 4);
    QCOMPARE(controller.queue().numRequeues(u"ns/a"_s), 0); // success forgets the backoff
    const QByteArray text = m_metrics->exposition();
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_total{controller="flaky",result="error"})"), 3.0);
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_total{controller="flaky",result="success"})"), 1.0);
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_errors_total{controller="flaky"})"), 3.0);
    QCOMPARE(sample(text, R"(workqueue_retries_total{name="flaky"})"), 3.0);
}

void TestController::testThrowingReconcilerIsRequeuedAndCounted()
{
    std::atomic<int> calls { 0 };
    FuncReconciler reconciler([&](const Request&) -> Result {
        const int call = ++calls;
        if (call == 1)
            throw std::runtime_error("boom");
        if (call == 2)
            throw 42; // not even a std::exception
        return Result::success();
    });
    runtime::Controller controller(options(u"throwing"_s), reconciler);
    controller.start();
    controller.queue().add(u"a"_s);
    QTRY_COMPARE(controller.reconcileCount(), 1);
    QVERIFY(m_clock->awaitWaiters(1, 5000ms));
    m_clock->step(5ms);
    QTRY_COMPARE(controller.reconcileCount(), 2);
    QVERIFY(m_clock->awaitWaiters(1, 5000ms));
    m_clock->step(10ms);
    QTRY_COMPARE(controller.reconcileCount(), 3);
    QCOMPARE(calls.load(), 3);
    QVERIFY(controller.isRunning()); // the workers survived
    const QByteArray text = m_metrics->exposition();
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_panics_total{controller="throwing"})"), 2.0);
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_errors_total{controller="throwing"})"), 2.0);
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_total{controller="throwing",result="error"})"), 2.0);
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_total{controller="throwing",result="success"})"), 1.0);
}

void TestController::testRequeueAfterComesBackAfterTheDelay()
{
    std::atomic<int> calls { 0 };
    FuncReconciler reconciler([&](const Request&) { return ++calls == 1 ? Result::after(30s) : Result::success(); });
    runtime::Controller controller(options(u"periodic"_s), reconciler);
    controller.start();
    controller.queue().add(u"ns/a"_s);
    QTRY_COMPARE(controller.reconcileCount(), 1);
    QCOMPARE(controller.queue().numRequeues(u"ns/a"_s), 0); // requeueAfter forgets the backoff
    QVERIFY(m_clock->awaitWaiters(1, 5000ms));
    m_clock->step(29s);
    QVERIFY(m_clock->awaitWaiters(1, 5000ms));
    QCOMPARE(controller.reconcileCount(), 1);
    m_clock->step(1s);
    QTRY_COMPARE(controller.reconcileCount(), 2);
    QCOMPARE(sample(m_metrics->exposition(),
                 R"(controller_runtime_reconcile_total{controller="periodic",result="requeue_after"})"),
        1.0);
}

void TestController::testRequeueUsesTheRateLimiter()
{
    std::atomic<int> calls { 0 };
    FuncReconciler reconciler([&](const Request&) {
        Result r;
        r.requeue = ++calls == 1;
        return r;
    });
    runtime::Controller controller(options(u"requeue"_s), reconciler);
    controller.start();
    controller.queue().add(u"ns/a"_s);
    QTRY_COMPARE(controller.reconcileCount(), 1);
    QCOMPARE(controller.queue().numRequeues(u"ns/a"_s), 1);
    QVERIFY(m_clock->awaitWaiters(1, 5000ms));
    m_clock->step(5ms);
    QTRY_COMPARE(controller.reconcileCount(), 2);
    QCOMPARE(
        sample(m_metrics->exposition(), R"(controller_runtime_reconcile_total{controller="requeue",result="requeue"})"),
        1.0);
}

void TestController::testTerminalErrorIsNotRequeued()
{
    std::atomic<int> calls { 0 };
    FuncReconciler reconciler([&](const Request&) {
        ++calls;
        return Result::terminalError(u"invalid spec"_s);
    });
    runtime::Controller controller(options(u"terminal"_s), reconciler);
    controller.start();
    controller.queue().add(u"ns/a"_s);
    QTRY_COMPARE(controller.reconcileCount(), 1);
    QCOMPARE(controller.queue().numRequeues(u"ns/a"_s), 0);
    m_clock->step(std::chrono::hours(1));
    QCOMPARE(controller.queue().len(), 0); // nothing was scheduled, so nothing became due
    QCOMPARE(calls.load(), 1);
    const QByteArray text = m_metrics->exposition();
    QCOMPARE(sample(text, R"(controller_runtime_terminal_reconcile_errors_total{controller="terminal"})"), 1.0);
    QCOMPARE(sample(text, R"(controller_runtime_reconcile_errors_total{controller="terminal"})"), 1.0);
    QCOMPARE(sample(text, R"(workqueue_retries_total{name="terminal"})"), 0.0);
}

// Four workers run different keys in parallel but never the same key twice at once, and an add that arrives
// while its key is being reconciled is not lost (it is reconciled again afterwards).
void TestController::testConcurrentWorkersNeverShareAKey()
{
    const QStringList keys { u"k0"_s, u"k1"_s, u"k2"_s, u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s, u"k7"_s };
    std::mutex mutex;
    std::condition_variable cv;
    QSet<QString> inFlight;
    int maxInFlight = 0;
    int overlaps = 0;
    QHash<QString, int> requested; // generation of each key's latest add
    QHash<QString, int> seen; // latest generation a reconcile started after
    bool bothStarted = false;
    FuncReconciler reconciler([&](const Request& r) {
        const QString key = r.key();
        {
            std::unique_lock lock(mutex);
            if (inFlight.contains(key))
                ++overlaps;
            inFlight.insert(key);
            maxInFlight = std::max(maxInFlight, int(inFlight.size()));
            seen[key] = requested.value(key);
            // The first two keys wait for each other: proof that two workers run at the same time.
            if ((key == u"first" || key == u"second") && !bothStarted) {
                bothStarted = inFlight.contains(u"first"_s) && inFlight.contains(u"second"_s);
                cv.notify_all();
                cv.wait_for(lock, 10s, [&] { return bothStarted; });
            }
        }
        for (int i = 0; i < 50; ++i)
            std::this_thread::yield();
        std::lock_guard lock(mutex);
        inFlight.remove(key);
        return Result::success();
    });
    runtime::Controller controller(options(u"parallel"_s, 4), reconciler);
    controller.start();
    controller.queue().add(u"first"_s);
    controller.queue().add(u"second"_s);
    QTRY_VERIFY([&] {
        std::lock_guard lock(mutex);
        return bothStarted;
    }());

    for (int round = 1; round <= 300; ++round) {
        for (const auto& key : keys) {
            {
                std::lock_guard lock(mutex);
                requested[key] = round;
            }
            controller.queue().add(key);
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            std::lock_guard lock(mutex);
            for (const auto& key : keys)
                if (seen.value(key) != 300)
                    return false;
            return true;
        }(),
        20000);
    QVERIFY(controller.stop(10000));
    std::lock_guard lock(mutex);
    QCOMPARE(overlaps, 0);
    QVERIFY2(maxInFlight >= 2, qPrintable(QString::number(maxInFlight)));
    QVERIFY(maxInFlight <= 4);
}

void TestController::testStopWaitsForInFlightReconcilesAndTakesNoNewWork()
{
    Gate gate;
    std::atomic<bool> started { false };
    std::atomic<bool> finished { false };
    std::mutex mutex;
    QStringList reconciled;
    FuncReconciler reconciler([&](const Request& r) {
        {
            std::lock_guard lock(mutex);
            reconciled.append(r.key());
        }
        if (r.name == u"slow") {
            started = true;
            gate.wait();
            finished = true;
        }
        return Result::success();
    });
    runtime::Controller controller(options(u"graceful"_s), reconciler);
    controller.start();
    controller.queue().add(u"slow"_s);
    QTRY_VERIFY(started.load());
    controller.queue().add(u"queued-1"_s);
    controller.queue().add(u"queued-2"_s);

    std::atomic<bool> stopReturned { false };
    std::atomic<bool> finishedWhenStopReturned { false };
    bool stopResult = false;
    std::thread stopper([&] {
        stopResult = controller.stop(20000);
        finishedWhenStopReturned = finished.load();
        stopReturned = true;
    });
    QTRY_VERIFY(controller.queue().shuttingDown());
    QVERIFY(!stopReturned.load()); // the reconcile is still blocked, so stop() cannot have returned
    gate.open();
    stopper.join();
    QVERIFY(stopResult);
    QVERIFY(finishedWhenStopReturned.load());
    QVERIFY(!controller.isRunning());
    std::lock_guard lock(mutex);
    QCOMPARE(reconciled, QStringList { u"slow"_s }); // queued work was not started after stop()
}

void TestController::testStopDeadlineLeavesStragglersToTheDestructor()
{
    Gate gate;
    std::atomic<bool> started { false };
    std::atomic<bool> finished { false };
    FuncReconciler reconciler([&](const Request&) {
        started = true;
        gate.wait();
        finished = true;
        return Result::success();
    });
    auto controller = std::make_unique<runtime::Controller>(options(u"stuck"_s), reconciler);
    controller->start();
    controller->queue().add(u"a"_s);
    QTRY_VERIFY(started.load());
    QVERIFY(!controller->stop(50)); // the deadline passes with the reconcile still running
    QVERIFY(!finished.load());
    gate.open();
    controller.reset(); // joins the straggler instead of leaving it a dangling controller
    QVERIFY(finished.load());
}

// The manager stops controllers without waiting when the lease is lost, and waits at its shutdown.
void TestController::testLaterStopWaitsForStragglers()
{
    Gate gate;
    std::atomic<bool> started { false };
    std::atomic<bool> finished { false };
    FuncReconciler reconciler([&](const Request&) {
        started = true;
        gate.wait();
        finished = true;
        return Result::success();
    });
    runtime::Controller controller(options(u"straggler"_s), reconciler);
    controller.start();
    controller.queue().add(u"a"_s);
    QTRY_VERIFY(started.load());
    QVERIFY(!controller.stop(0));
    QVERIFY(!controller.isRunning());
    gate.open();
    QVERIFY(controller.stop(20000)); // joins the worker the first stop() left behind
    QVERIFY(finished.load());
}

QTEST_GUILESS_MAIN(TestController)
#include "tst_controller.moc"
