#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace runtime {

/// Clock: the time source of everything time-based in the runtime (k8s.io/utils/clock.Clock), injected so
/// tests step time instead of sleeping.
class Clock {
public:
    /// Duration: the unit of every runtime delay (nanoseconds, like Go's time.Duration).
    using Duration = std::chrono::nanoseconds;
    /// TimePoint: a monotonic instant on some Clock.
    using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

    virtual ~Clock() = default;

    /// now returns the current instant.
    virtual TimePoint now() const = 0;
    /// since returns the time elapsed between `t` and now().
    Duration since(TimePoint t) const { return now() - t; }
    /// waitUntil blocks on `cv` (guarded by `lock`, which the caller holds) until it is notified or this clock
    /// reaches `deadline`. Like condition_variable::wait_until it may return early: callers re-check their state.
    virtual std::cv_status waitUntil(
        std::condition_variable& cv, std::unique_lock<std::mutex>& lock, TimePoint deadline)
        = 0;
};

/// RealClock: the Clock backed by std::chrono::steady_clock.
class RealClock final : public Clock {
public:
    TimePoint now() const override;
    std::cv_status waitUntil(
        std::condition_variable& cv, std::unique_lock<std::mutex>& lock, TimePoint deadline) override;
};

/// realClock returns the process-wide RealClock, the default of every runtime component.
std::shared_ptr<Clock> realClock();

/// FakeClock: a Clock that moves only when told (k8s.io/utils/clock/testing.FakeClock); moving it wakes every
/// waitUntil() whose deadline it reaches.
class FakeClock final : public Clock {
public:
    /// Creates a clock reading `start` (by default an arbitrary instant one hour after the epoch).
    explicit FakeClock(TimePoint start = TimePoint(std::chrono::hours(1)));
    ~FakeClock() override;

    TimePoint now() const override;
    std::cv_status waitUntil(
        std::condition_variable& cv, std::unique_lock<std::mutex>& lock, TimePoint deadline) override;

    /// step advances the clock by `d` and wakes the waiters whose deadline has come. The caller must not hold
    /// a mutex that a waiter waits with (waking it takes that mutex).
    void step(Duration d);
    /// setTime sets the clock to `t` and wakes the waiters whose deadline has come.
    void setTime(TimePoint t);
    /// hasWaiters tells whether some thread is inside waitUntil().
    bool hasWaiters() const;
    /// awaitWaiters blocks (in real time, at most `timeout`) until `count` threads are inside waitUntil();
    /// returns whether they are. Lets a test step the clock after a worker went to sleep, without sleeping.
    bool awaitWaiters(std::size_t count, std::chrono::milliseconds timeout) const;

private:
    struct Waiter;

    /// Moves the clock to `next(now())` and wakes the waiters whose deadline has come.
    void update(const std::function<TimePoint(TimePoint)>& next);

    std::atomic<TimePoint::rep> m_now; // read without m_mutex so now() never blocks
    mutable std::mutex m_mutex; // guards m_waiters; never held while taking a waiter's mutex
    mutable std::condition_variable m_waitersChanged;
    std::vector<std::shared_ptr<Waiter>> m_waiters;
};

} // namespace runtime
