#include "controllers/runtime/metrics.h"
#include "controllers/runtime/workqueue.h"

#include <QTest>
#include <array>
#include <atomic>
#include <future>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using runtime::Clock;
using runtime::FakeClock;
using runtime::WorkQueue;
using runtime::WorkQueueConfig;

namespace {

/// Real-time bound on waits for other threads: generous, only reached when the queue is broken.
constexpr auto deadline = 10s;

WorkQueueConfig fakeConfig(const std::shared_ptr<FakeClock>& clock, QString name = {})
{
    WorkQueueConfig config;
    config.name = std::move(name);
    config.clock = clock;
    return config;
}

QString key(const QString& name)
{
    return u"ns/"_s + name;
}

/// Runs a scripted sequence of queue operations against `queue`; returns the first mismatch, or "" if none.
/// Ops: "add a", "after a <ms>", "limited a", "step <ms>", "len <n>", "get a", "done a", "shutdown",
/// "get-shutdown", "requeues a <n>", "forget a".
QString runScript(WorkQueue& queue, FakeClock& clock, const QStringList& ops)
{
    for (const QString& op : ops) {
        const QStringList w = op.split(u' ');
        const QString& verb = w.at(0);
        if (verb == "add"_L1) {
            queue.add(key(w.at(1)));
        } else if (verb == "after"_L1) {
            queue.addAfter(key(w.at(1)), std::chrono::milliseconds(w.at(2).toInt()));
        } else if (verb == "limited"_L1) {
            queue.addRateLimited(key(w.at(1)));
        } else if (verb == "forget"_L1) {
            queue.forget(key(w.at(1)));
        } else if (verb == "step"_L1) {
            clock.step(std::chrono::milliseconds(w.at(1).toInt()));
        } else if (verb == "len"_L1) {
            if (queue.len() != w.at(1).toInt())
                return u"%1: len is %2"_s.arg(op).arg(queue.len());
        } else if (verb == "requeues"_L1) {
            if (queue.numRequeues(key(w.at(1))) != w.at(2).toInt())
                return u"%1: numRequeues is %2"_s.arg(op).arg(queue.numRequeues(key(w.at(1))));
        } else if (verb == "get"_L1) {
            if (queue.len() == 0)
                return u"%1: the queue is empty (get would block)"_s.arg(op);
            const WorkQueue::GetResult got = queue.get();
            if (got.shutdown || got.item != key(w.at(1)))
                return u"%1: got '%2' (shutdown %3)"_s.arg(op, got.item).arg(got.shutdown);
        } else if (verb == "done"_L1) {
            queue.done(key(w.at(1)));
        } else if (verb == "shutdown"_L1) {
            queue.shutDown();
        } else if (verb == "get-shutdown"_L1) {
            if (!queue.shuttingDown() || queue.len() != 0)
                return u"%1: not shut down and empty (get would block or return an item)"_s.arg(op);
            if (!queue.get().shutdown)
                return u"%1: get did not report shutdown"_s.arg(op);
        } else {
            return u"unknown op %1"_s.arg(op);
        }
    }
    return {};
}

/// The value of one series (`name{labels}`) in a text exposition, or -1 when absent.
double sample(const QByteArray& exposition, const QByteArray& series)
{
    const QList<QByteArray> lines = exposition.split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

/// Counts down from `count`; wait() gives up after `deadline` of real time.
class Countdown {
public:
    explicit Countdown(int count)
        : m_count(count)
    {
    }
    void countDown()
    {
        std::lock_guard guard(m_mutex);
        if (--m_count <= 0)
            m_reached.notify_all();
    }
    bool wait()
    {
        std::unique_lock lock(m_mutex);
        return m_reached.wait_for(lock, deadline, [this] { return m_count <= 0; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_reached;
    int m_count;
};

void atomicMax(std::atomic<int>& target, int value)
{
    int current = target.load();
    while (current < value && !target.compare_exchange_weak(current, value)) { }
}

} // namespace

class TestWorkQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testFakeClockStepWakesWaiter();
    void testAddDeduplicatesWhileDirty_data();
    void testAddDeduplicatesWhileDirty();
    void testProcessingSemantics_data();
    void testProcessingSemantics();
    void testItemNeverProcessedConcurrently();
    void testAddAfter_data();
    void testAddAfter();
    void testClockStepWakesBlockedGetter();
    void testAddAfterWakesGetterWaitingForever();
    void testAddRateLimitedUsesLimiterDelay();
    void testShutDownUnblocksGetters();
    void testShutDownWithDrainWaitsForInFlight();
    void testShutDownEndsDrain();
    void testMetricsAfterScriptedSequence();
    void testUnnamedQueueRecordsNoMetrics();
};

void TestWorkQueue::testFakeClockStepWakesWaiter()
{
    FakeClock clock;
    std::mutex mutex;
    std::condition_variable cv;
    const Clock::TimePoint due = clock.now() + 10s;
    auto waiter = std::async(std::launch::async, [&] {
        std::unique_lock lock(mutex);
        while (clock.now() < due)
            clock.waitUntil(cv, lock, due);
        return clock.now();
    });
    QVERIFY(clock.awaitWaiters(1, deadline));
    clock.step(9s);
    QVERIFY(waiter.wait_for(0s) != std::future_status::ready); // not due: still waiting
    clock.step(1s);
    QCOMPARE(waiter.wait_for(deadline), std::future_status::ready);
    QCOMPARE(waiter.get(), due);
    QVERIFY(!clock.hasWaiters());
}

void TestWorkQueue::testAddDeduplicatesWhileDirty_data()
{
    QTest::addColumn<QStringList>("adds");
    QTest::addColumn<QStringList>("expected"); // the order get() hands them out

    QTest::newRow("distinct") << QStringList { u"a"_s, u"b"_s, u"c"_s } << QStringList { u"a"_s, u"b"_s, u"c"_s };
    QTest::newRow("duplicate keeps first place")
        << QStringList { u"a"_s, u"b"_s, u"a"_s, u"a"_s } << QStringList { u"a"_s, u"b"_s };
    QTest::newRow("same item only") << QStringList { u"a"_s, u"a"_s, u"a"_s } << QStringList { u"a"_s };
    QTest::newRow("interleaved") << QStringList { u"b"_s, u"a"_s, u"b"_s, u"c"_s, u"a"_s }
                                 << QStringList { u"b"_s, u"a"_s, u"c"_s };
}

void TestWorkQueue::testAddDeduplicatesWhileDirty()
{
    QFETCH(QStringList, adds);
    QFETCH(QStringList, expected);

    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    for (const QString& item : std::as_const(adds))
        queue.add(key(item));
    QCOMPARE(queue.len(), expected.size());
    QStringList got;
    while (queue.len() > 0) {
        const WorkQueue::GetResult result = queue.get();
        QVERIFY(!result.shutdown);
        got << result.item.mid(3);
        queue.done(result.item);
    }
    QCOMPARE(got, expected);
}

void TestWorkQueue::testProcessingSemantics_data()
{
    QTest::addColumn<QStringList>("ops");

    QTest::newRow("re-added while processing waits for done")
        << u"add a|get a|add a|len 0|done a|len 1|get a|done a|len 0"_s.split(u'|');
    QTest::newRow("re-added twice while processing is queued once")
        << u"add a|get a|add a|add a|len 0|done a|len 1"_s.split(u'|');
    QTest::newRow("other items flow while one is processing")
        << u"add a|get a|add b|add a|len 1|get b|done a|len 1|get a|done b|done a|len 0"_s.split(u'|');
    QTest::newRow("re-added item queues behind later adds")
        << u"add a|add b|get a|add a|add c|done a|get b|get c|get a"_s.split(u'|');
    QTest::newRow("done without re-add forgets the item") << u"add a|get a|done a|len 0|add a|len 1"_s.split(u'|');
    QTest::newRow("shut down queue still hands out queued items")
        << u"add a|add b|shutdown|add c|len 2|get a|get b|get-shutdown"_s.split(u'|');
    QTest::newRow("done after shut down requeues a dirty item")
        << u"add a|get a|add a|shutdown|len 0|done a|len 1|get a|done a|get-shutdown"_s.split(u'|');
}

void TestWorkQueue::testProcessingSemantics()
{
    QFETCH(QStringList, ops);
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    const QString error = runScript(queue, *clock, ops);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestWorkQueue::testItemNeverProcessedConcurrently()
{
    constexpr int keys = 8;
    constexpr int workers = 4;
    constexpr int adds = 4000;
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));

    std::array<std::atomic<int>, keys> inFlight {};
    std::array<std::atomic<int>, keys> lastAdded {}; // highest ticket stored before an add of the key
    std::array<std::atomic<int>, keys> lastSeen {}; // highest ticket a worker saw after getting the key
    std::array<std::atomic<int>, keys> processed {};
    std::array<std::atomic<bool>, keys> readded {};
    std::atomic<int> tickets = 0;
    std::atomic<int> overlaps = 0;
    Countdown readds(keys); // every key is re-added once by the worker holding it

    const auto addKey = [&](int k) {
        atomicMax(lastAdded[k], ++tickets);
        queue.add(key(QString::number(k)));
    };
    const auto work = [&] {
        for (;;) {
            const auto [item, shutdown] = queue.get();
            if (shutdown)
                return;
            const int k = item.mid(3).toInt();
            if (inFlight[k].fetch_add(1) != 0)
                ++overlaps;
            atomicMax(lastSeen[k], lastAdded[k].load());
            if (!readded[k].exchange(true)) {
                addKey(k); // while this worker holds it: must come back after done()
                readds.countDown();
            }
            for (int i = 0; i < 50; ++i)
                std::this_thread::yield(); // hold the item so that concurrent adds land while it is processing
            ++processed[k];
            inFlight[k].fetch_sub(1);
            queue.done(item);
        }
    };

    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i)
        threads.emplace_back(work);
    for (int i = 0; i < adds; ++i)
        addKey(i % keys);
    const bool allReadded = readds.wait();
    queue.shutDownWithDrain();
    for (std::thread& t : threads)
        t.join();

    QVERIFY(allReadded);
    QCOMPARE(overlaps.load(), 0);
    for (int k = 0; k < keys; ++k) {
        QVERIFY2(processed[k] >= 2, qPrintable(u"key %1 processed %2 times"_s.arg(k).arg(processed[k].load())));
        // The last add of every key was followed by a processing that saw it.
        QCOMPARE(lastSeen[k].load(), lastAdded[k].load());
    }
    QCOMPARE(queue.len(), 0);
}

void TestWorkQueue::testAddAfter_data()
{
    QTest::addColumn<QStringList>("ops");

    QTest::newRow("due items come out in due order")
        << u"after c 30|after a 10|after b 20|len 0|step 30|len 3|get a|get b|get c"_s.split(u'|');
    QTest::newRow("not ready before due") << u"after a 10|step 9|len 0|step 1|len 1"_s.split(u'|');
    QTest::newRow("staggered steps") << u"after a 10|after b 20|step 15|len 1|get a|len 0|step 5|get b"_s.split(u'|');
    QTest::newRow("later duplicate collapses into earlier")
        << u"after a 10|after a 50|step 10|len 1|get a|done a|step 40|len 0"_s.split(u'|');
    QTest::newRow("earlier duplicate replaces later")
        << u"after a 50|after a 10|step 10|len 1|get a|done a|step 40|len 0"_s.split(u'|');
    QTest::newRow("zero delay adds now") << u"after a 0|len 1|get a"_s.split(u'|');
    QTest::newRow("negative delay adds now") << u"after a -5|len 1"_s.split(u'|');
    QTest::newRow("due while queued collapses with the queued add")
        << u"add a|after a 10|step 10|len 1|get a|done a|len 0"_s.split(u'|');
    QTest::newRow("due while processing is queued after done")
        << u"add a|get a|after a 10|step 10|len 0|done a|len 1|get a"_s.split(u'|');
    QTest::newRow("shut down drops delayed items") << u"after a 10|shutdown|after b 0|step 10|len 0"_s.split(u'|');
}

void TestWorkQueue::testAddAfter()
{
    QFETCH(QStringList, ops);
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    const QString error = runScript(queue, *clock, ops);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestWorkQueue::testClockStepWakesBlockedGetter()
{
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    queue.addAfter(key(u"a"_s), 1s);
    auto getter = std::async(std::launch::async, [&] { return queue.get(); });
    QVERIFY(clock->awaitWaiters(1, deadline)); // the getter sleeps until the item is due
    QVERIFY(getter.wait_for(0s) != std::future_status::ready);
    clock->step(1s);
    QCOMPARE(getter.wait_for(deadline), std::future_status::ready);
    const WorkQueue::GetResult got = getter.get();
    QVERIFY(!got.shutdown);
    QCOMPARE(got.item, key(u"a"_s));
}

void TestWorkQueue::testAddAfterWakesGetterWaitingForever()
{
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    auto getter = std::async(std::launch::async, [&] { return queue.get(); });
    queue.addAfter(key(u"a"_s), 1s); // the getter must now sleep until the item is due, on the clock
    QVERIFY(clock->awaitWaiters(1, deadline));
    clock->step(1s);
    QCOMPARE(getter.wait_for(deadline), std::future_status::ready);
    QCOMPARE(getter.get().item, key(u"a"_s));
}

void TestWorkQueue::testAddRateLimitedUsesLimiterDelay()
{
    auto clock = std::make_shared<FakeClock>();
    WorkQueueConfig config = fakeConfig(clock);
    config.rateLimiter = std::make_unique<runtime::ItemExponentialFailureRateLimiter>(10ms, 1s);
    WorkQueue queue(std::move(config));

    const QString script = u"limited a|requeues a 1|step 9|len 0|step 1|len 1|get a|done a|"
                           "limited a|requeues a 2|step 19|len 0|step 1|get a|done a|"
                           "limited a|step 39|len 0|step 1|get a|done a|requeues a 3|"
                           "forget a|requeues a 0|limited a|step 10|get a|done a"_s;
    const QString error = runScript(queue, *clock, script.split(u'|'));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestWorkQueue::testShutDownUnblocksGetters()
{
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    queue.addAfter(key(u"later"_s), 1h); // two getters sleep on the clock ...
    std::vector<std::future<WorkQueue::GetResult>> getters;
    for (int i = 0; i < 2; ++i)
        getters.push_back(std::async(std::launch::async, [&] { return queue.get(); }));
    QVERIFY(clock->awaitWaiters(2, deadline));
    WorkQueue other(fakeConfig(clock)); // ... and two wait for an add
    for (int i = 0; i < 2; ++i)
        getters.push_back(std::async(std::launch::async, [&] { return other.get(); }));

    queue.shutDown();
    other.shutDown();
    for (auto& getter : getters) {
        QCOMPARE(getter.wait_for(deadline), std::future_status::ready);
        const WorkQueue::GetResult got = getter.get();
        QVERIFY(got.shutdown);
        QVERIFY(got.item.isEmpty());
    }
    QVERIFY(queue.shuttingDown());
    queue.add(key(u"a"_s));
    queue.addAfter(key(u"b"_s), 0s);
    QCOMPARE(queue.len(), 0);
}

void TestWorkQueue::testShutDownWithDrainWaitsForInFlight()
{
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    queue.add(key(u"a"_s));
    queue.add(key(u"b"_s));
    QCOMPARE(queue.get().item, key(u"a"_s));
    QCOMPARE(queue.get().item, key(u"b"_s));

    auto drain = std::async(std::launch::async, [&] { queue.shutDownWithDrain(); });
    QTRY_VERIFY_WITH_TIMEOUT(queue.shuttingDown(), 10000);
    QVERIFY(drain.wait_for(0s) != std::future_status::ready);
    queue.done(key(u"a"_s));
    QVERIFY(drain.wait_for(0s) != std::future_status::ready); // b is still in flight
    queue.done(key(u"b"_s));
    QCOMPARE(drain.wait_for(deadline), std::future_status::ready);
    QVERIFY(queue.get().shutdown);
}

void TestWorkQueue::testShutDownEndsDrain()
{
    auto clock = std::make_shared<FakeClock>();
    WorkQueue queue(fakeConfig(clock));
    queue.add(key(u"a"_s));
    QCOMPARE(queue.get().item, key(u"a"_s));
    auto drain = std::async(std::launch::async, [&] { queue.shutDownWithDrain(); });
    QTRY_VERIFY_WITH_TIMEOUT(queue.shuttingDown(), 10000);
    queue.shutDown(); // client-go: ShutDown stops waiting for the drain
    QCOMPARE(drain.wait_for(deadline), std::future_status::ready);
    queue.done(key(u"a"_s));
}

void TestWorkQueue::testMetricsAfterScriptedSequence()
{
    runtime::MetricsRegistry registry;
    auto clock = std::make_shared<FakeClock>();
    WorkQueueConfig config = fakeConfig(clock, u"secrets"_s);
    config.metricsProvider = registry.workQueueMetricsProvider();
    WorkQueue queue(std::move(config));
    const auto value = [&](const char* series) { return sample(registry.exposition(), series); };

    QVERIFY2(runScript(queue, *clock, u"add a|add b|add a"_s.split(u'|')).isEmpty(), "adds");
    QCOMPARE(value("workqueue_adds_total{name=\"secrets\"}"), 2.0);
    QCOMPARE(value("workqueue_depth{name=\"secrets\"}"), 2.0);
    QCOMPARE(value("workqueue_unfinished_work_seconds{name=\"secrets\"}"), 0.0);

    // a waits 2 s, b 5 s; then a has been processing for 4 s and b for 1 s.
    QVERIFY2(runScript(queue, *clock, u"step 2000|get a|step 3000|get b|step 1000"_s.split(u'|')).isEmpty(), "gets");
    QCOMPARE(value("workqueue_depth{name=\"secrets\"}"), 0.0);
    QCOMPARE(value("workqueue_queue_duration_seconds_count{name=\"secrets\"}"), 2.0);
    QCOMPARE(value("workqueue_queue_duration_seconds_sum{name=\"secrets\"}"), 7.0);
    QCOMPARE(value("workqueue_unfinished_work_seconds{name=\"secrets\"}"), 5.0);
    QCOMPARE(value("workqueue_longest_running_processor_seconds{name=\"secrets\"}"), 4.0);

    // Re-added while processing: dirty (depth counts it), queued on done.
    QVERIFY2(runScript(queue, *clock, u"add a|len 0"_s.split(u'|')).isEmpty(), "re-add");
    QCOMPARE(value("workqueue_adds_total{name=\"secrets\"}"), 3.0);
    QCOMPARE(value("workqueue_depth{name=\"secrets\"}"), 1.0);
    QVERIFY2(runScript(queue, *clock, u"done a|len 1"_s.split(u'|')).isEmpty(), "done");
    QCOMPARE(value("workqueue_work_duration_seconds_count{name=\"secrets\"}"), 1.0);
    QCOMPARE(value("workqueue_work_duration_seconds_sum{name=\"secrets\"}"), 4.0);
    QCOMPARE(value("workqueue_depth{name=\"secrets\"}"), 1.0);
    QCOMPARE(value("workqueue_unfinished_work_seconds{name=\"secrets\"}"), 1.0);
    QCOMPARE(value("workqueue_longest_running_processor_seconds{name=\"secrets\"}"), 1.0);

    // Delayed adds are retries; they count as adds once due (default limiter: 5 ms for a first failure).
    QVERIFY2(runScript(queue, *clock, u"limited c|after d 0"_s.split(u'|')).isEmpty(), "retries");
    QCOMPARE(value("workqueue_retries_total{name=\"secrets\"}"), 2.0);
    QCOMPARE(value("workqueue_adds_total{name=\"secrets\"}"), 4.0);
    QCOMPARE(value("workqueue_depth{name=\"secrets\"}"), 2.0);
    clock->step(5ms);
    QCOMPARE(value("workqueue_adds_total{name=\"secrets\"}"), 5.0);
    QCOMPARE(value("workqueue_depth{name=\"secrets\"}"), 3.0);
    QCOMPARE(value("workqueue_unfinished_work_seconds{name=\"secrets\"}"), 1.005);
}

void TestWorkQueue::testUnnamedQueueRecordsNoMetrics()
{
    runtime::MetricsRegistry registry;
    auto clock = std::make_shared<FakeClock>();
    {
        WorkQueueConfig config = fakeConfig(clock);
        config.metricsProvider = registry.workQueueMetricsProvider();
        WorkQueue queue(std::move(config));
        queue.add(key(u"a"_s));
        queue.addAfter(key(u"b"_s), 0s);
        QVERIFY(!registry.exposition().contains("name=\""));
    }
    {
        WorkQueueConfig config = fakeConfig(clock, u"gone"_s);
        config.metricsProvider = registry.workQueueMetricsProvider();
        WorkQueue queue(std::move(config));
        queue.add(key(u"a"_s));
        QCOMPARE(sample(registry.exposition(), "workqueue_depth{name=\"gone\"}"), 1.0);
    }
    // A destroyed queue's gauges disappear; its counters stay, as Prometheus counters do.
    QCOMPARE(sample(registry.exposition(), "workqueue_depth{name=\"gone\"}"), -1.0);
    QCOMPARE(sample(registry.exposition(), "workqueue_adds_total{name=\"gone\"}"), 1.0);
}

QTEST_GUILESS_MAIN(TestWorkQueue)
#include "tst_workqueue.moc"
