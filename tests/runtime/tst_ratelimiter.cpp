#include "controllers/runtime/ratelimiter.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using runtime::BucketRateLimiter;
using runtime::Clock;
using runtime::FakeClock;
using runtime::ItemExponentialFailureRateLimiter;
using runtime::MaxOfRateLimiter;
using runtime::RateLimiter;

namespace {

/// when() called `count` times for `item`, in nanoseconds.
QList<qint64> delays(RateLimiter& limiter, const QString& item, int count)
{
    QList<qint64> out;
    for (int i = 0; i < count; ++i)
        out << limiter.when(item).count();
    return out;
}

QList<qint64> ms(std::initializer_list<qint64> values)
{
    QList<qint64> out;
    for (qint64 v : values)
        out << v * 1000 * 1000;
    return out;
}

/// A limiter that always answers the same delay and counts its calls per item.
class FixedRateLimiter final : public RateLimiter {
public:
    explicit FixedRateLimiter(Clock::Duration delay)
        : m_delay(delay)
    {
    }
    Clock::Duration when(const QString& item) override
    {
        ++m_calls[item];
        return m_delay;
    }
    void forget(const QString& item) override { m_calls.remove(item); }
    int numRequeues(const QString& item) const override { return m_calls.value(item); }

private:
    Clock::Duration m_delay;
    QHash<QString, int> m_calls;
};

} // namespace

class TestRateLimiter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testExponentialBackoffSequence_data();
    void testExponentialBackoffSequence();
    void testExponentialNeverOverflows();
    void testExponentialForgetRestartsBackoff();
    void testExponentialItemsAreIndependent();
    void testBucketBurstThenQpsSpacing_data();
    void testBucketBurstThenQpsSpacing();
    void testBucketRefillsAsTheClockSteps();
    void testBucketRefillStopsAtBurst();
    void testBucketIsNotPerItem();
    void testMaxOfTakesTheLongestDelay_data();
    void testMaxOfTakesTheLongestDelay();
    void testMaxOfForgetsEverywhere();
    void testDefaultControllerRateLimiter();
};

void TestRateLimiter::testExponentialBackoffSequence_data()
{
    QTest::addColumn<qint64>("baseMs");
    QTest::addColumn<qint64>("maxMs");
    QTest::addColumn<QList<qint64>>("expected");

    QTest::newRow("controller-runtime default")
        << qint64(5) << qint64(1000 * 1000) << ms({ 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560 });
    QTest::newRow("capped at max") << qint64(1) << qint64(10) << ms({ 1, 2, 4, 8, 10, 10, 10 });
    QTest::newRow("max below base") << qint64(100) << qint64(50) << ms({ 50, 50, 50 });
    QTest::newRow("zero base stays zero") << qint64(0) << qint64(1000) << ms({ 0, 0, 0 });
}

void TestRateLimiter::testExponentialBackoffSequence()
{
    QFETCH(qint64, baseMs);
    QFETCH(qint64, maxMs);
    QFETCH(QList<qint64>, expected);

    ItemExponentialFailureRateLimiter limiter { std::chrono::milliseconds(baseMs), std::chrono::milliseconds(maxMs) };
    QCOMPARE(delays(limiter, u"ns/a"_s, int(expected.size())), expected);
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), int(expected.size()));
}

void TestRateLimiter::testExponentialNeverOverflows()
{
    ItemExponentialFailureRateLimiter limiter(1s, 1000s);
    // 2^64 · 1 s overflows int64 nanoseconds many times over: every answer must still be the cap, never negative.
    const QList<qint64> all = delays(limiter, u"ns/a"_s, 200);
    QCOMPARE(all.first(), qint64(1000 * 1000 * 1000));
    for (int i = 10; i < all.size(); ++i)
        QCOMPARE(all.at(i), std::chrono::nanoseconds(1000s).count());

    ItemExponentialFailureRateLimiter huge(Clock::Duration::max(), Clock::Duration::max());
    QCOMPARE(huge.when(u"ns/a"_s), Clock::Duration::max());
    QCOMPARE(huge.when(u"ns/a"_s), Clock::Duration::max());
}

void TestRateLimiter::testExponentialForgetRestartsBackoff()
{
    ItemExponentialFailureRateLimiter limiter(5ms, 1000s);
    QCOMPARE(delays(limiter, u"ns/a"_s, 3), ms({ 5, 10, 20 }));
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), 3);
    limiter.forget(u"ns/a"_s);
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), 0);
    QCOMPARE(delays(limiter, u"ns/a"_s, 2), ms({ 5, 10 }));
}

void TestRateLimiter::testExponentialItemsAreIndependent()
{
    ItemExponentialFailureRateLimiter limiter(5ms, 1000s);
    QCOMPARE(delays(limiter, u"ns/a"_s, 3), ms({ 5, 10, 20 }));
    QCOMPARE(delays(limiter, u"ns/b"_s, 1), ms({ 5 }));
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), 3);
    QCOMPARE(limiter.numRequeues(u"ns/b"_s), 1);
    QCOMPARE(limiter.numRequeues(u"ns/never"_s), 0);
}

void TestRateLimiter::testBucketBurstThenQpsSpacing_data()
{
    QTest::addColumn<double>("qps");
    QTest::addColumn<int>("burst");
    QTest::addColumn<QList<qint64>>("expected"); // all asked at the same instant

    QTest::newRow("10 qps burst 3") << 10.0 << 3 << ms({ 0, 0, 0, 100, 200, 300 });
    QTest::newRow("1 qps burst 1") << 1.0 << 1 << ms({ 0, 1000, 2000 });
    QTest::newRow("4 qps burst 2") << 4.0 << 2 << ms({ 0, 0, 250, 500, 750 });
    QTest::newRow("zero burst never grants")
        << 10.0 << 0 << QList<qint64> { Clock::Duration::max().count(), Clock::Duration::max().count() };
}

void TestRateLimiter::testBucketBurstThenQpsSpacing()
{
    QFETCH(double, qps);
    QFETCH(int, burst);
    QFETCH(QList<qint64>, expected);

    auto clock = std::make_shared<FakeClock>();
    BucketRateLimiter limiter(qps, burst, clock);
    QCOMPARE(delays(limiter, u"ns/a"_s, int(expected.size())), expected);
}

void TestRateLimiter::testBucketRefillsAsTheClockSteps()
{
    auto clock = std::make_shared<FakeClock>();
    BucketRateLimiter limiter(10, 100, clock);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(limiter.when(u"ns/k%1"_s.arg(i)), Clock::Duration::zero());
    QCOMPARE(limiter.when(u"ns/late"_s), Clock::Duration(100ms)); // one token in debt

    clock->step(1s); // 10 tokens accrue: the debt is paid, 9 remain
    for (int i = 0; i < 9; ++i)
        QCOMPARE(limiter.when(u"ns/k%1"_s.arg(i)), Clock::Duration::zero());
    QCOMPARE(limiter.when(u"ns/late"_s), Clock::Duration(100ms));

    clock->step(50ms); // half a token
    QCOMPARE(limiter.when(u"ns/late"_s), Clock::Duration(150ms));
}

void TestRateLimiter::testBucketRefillStopsAtBurst()
{
    auto clock = std::make_shared<FakeClock>();
    BucketRateLimiter limiter(10, 2, clock);
    QCOMPARE(delays(limiter, u"ns/a"_s, 2), ms({ 0, 0 }));
    clock->step(1h); // would be 36000 tokens; the bucket holds 2
    QCOMPARE(delays(limiter, u"ns/a"_s, 3), ms({ 0, 0, 100 }));
}

void TestRateLimiter::testBucketIsNotPerItem()
{
    auto clock = std::make_shared<FakeClock>();
    BucketRateLimiter limiter(1, 1, clock);
    QCOMPARE(limiter.when(u"ns/a"_s), Clock::Duration::zero());
    QCOMPARE(limiter.when(u"ns/b"_s), Clock::Duration(1s));
    limiter.forget(u"ns/b"_s);
    QCOMPARE(limiter.when(u"ns/c"_s), Clock::Duration(2s)); // forget returns no token
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), 0);
}

void TestRateLimiter::testMaxOfTakesTheLongestDelay_data()
{
    QTest::addColumn<QList<qint64>>("fixedMs"); // one FixedRateLimiter per entry
    QTest::addColumn<qint64>("expectedMs");

    QTest::newRow("first is longest") << QList<qint64> { 30, 10, 20 } << qint64(30);
    QTest::newRow("last is longest") << QList<qint64> { 1, 2, 3 } << qint64(3);
    QTest::newRow("single") << QList<qint64> { 7 } << qint64(7);
    QTest::newRow("none") << QList<qint64> {} << qint64(0);
}

void TestRateLimiter::testMaxOfTakesTheLongestDelay()
{
    QFETCH(QList<qint64>, fixedMs);
    QFETCH(qint64, expectedMs);

    std::vector<std::unique_ptr<RateLimiter>> limiters;
    for (qint64 delay : std::as_const(fixedMs))
        limiters.push_back(std::make_unique<FixedRateLimiter>(std::chrono::milliseconds(delay)));
    MaxOfRateLimiter limiter(std::move(limiters));
    QCOMPARE(limiter.when(u"ns/a"_s), Clock::Duration(std::chrono::milliseconds(expectedMs)));
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), fixedMs.isEmpty() ? 0 : 1); // every limiter saw the call
}

void TestRateLimiter::testMaxOfForgetsEverywhere()
{
    std::vector<std::unique_ptr<RateLimiter>> limiters;
    limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(1ms, 1s));
    limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(2ms, 1s));
    MaxOfRateLimiter limiter(std::move(limiters));
    QCOMPARE(delays(limiter, u"ns/a"_s, 3), ms({ 2, 4, 8 }));
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), 3);
    limiter.forget(u"ns/a"_s);
    QCOMPARE(limiter.numRequeues(u"ns/a"_s), 0);
    QCOMPARE(limiter.when(u"ns/a"_s), Clock::Duration(2ms));
}

void TestRateLimiter::testDefaultControllerRateLimiter()
{
    auto clock = std::make_shared<FakeClock>();
    const std::unique_ptr<RateLimiter> limiter = runtime::defaultControllerRateLimiter(clock);

    // Per-item backoff while the bucket has tokens: 5 ms, 10 ms, 20 ms ...
    QCOMPARE(delays(*limiter, u"ns/a"_s, 4), ms({ 5, 10, 20, 40 }));
    QCOMPARE(limiter->numRequeues(u"ns/a"_s), 4);
    limiter->forget(u"ns/a"_s);
    QCOMPARE(limiter->numRequeues(u"ns/a"_s), 0);
    QCOMPARE(limiter->when(u"ns/a"_s), Clock::Duration(5ms));

    // 5 tokens used; 95 fresh items drain the bucket, then the bucket's 10 qps spacing dominates.
    for (int i = 0; i < 95; ++i)
        QCOMPARE(limiter->when(u"ns/item-%1"_s.arg(i)), Clock::Duration(5ms));
    QCOMPARE(limiter->when(u"ns/next"_s), Clock::Duration(100ms));
    QCOMPARE(limiter->when(u"ns/after"_s), Clock::Duration(200ms));
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
