#include "clock.h"

#include <algorithm>
#include <iterator>

namespace runtime {

Clock::TimePoint RealClock::now() const
{
    return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
}

std::cv_status RealClock::waitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, TimePoint deadline)
{
    return cv.wait_until(lock, deadline);
}

std::shared_ptr<Clock> realClock()
{
    static const std::shared_ptr<Clock> clock = std::make_shared<RealClock>();
    return clock;
}

/// One thread inside FakeClock::waitUntil. Lock order: `guard`, then `*mutex`; the waiting thread releases
/// `*mutex` before taking `guard` to leave, so a concurrent step() never deadlocks with it.
struct FakeClock::Waiter {
    std::condition_variable* cv = nullptr;
    std::mutex* mutex = nullptr;
    TimePoint deadline;
    std::mutex guard;
    bool active = true; // guarded by `guard`; false once the waiter left and `cv`/`mutex` may be gone
};

FakeClock::FakeClock(TimePoint start)
    : m_now(start.time_since_epoch().count())
{
}

FakeClock::~FakeClock() = default;

Clock::TimePoint FakeClock::now() const
{
    return TimePoint(Duration(m_now.load()));
}

std::cv_status FakeClock::waitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, TimePoint deadline)
{
    if (now() >= deadline)
        return std::cv_status::timeout;
    auto waiter = std::make_shared<Waiter>();
    waiter->cv = &cv;
    waiter->mutex = lock.mutex();
    waiter->deadline = deadline;
    {
        std::lock_guard guard(m_mutex);
        m_waiters.push_back(waiter);
    }
    m_waitersChanged.notify_all();
    // Registered before this check, and `lock` is held from here until wait() releases it: a step() that
    // reaches the deadline either is seen here or locks `lock` before notifying, so its wake-up is never lost.
    if (now() < deadline)
        cv.wait(lock);
    lock.unlock();
    {
        std::lock_guard guard(waiter->guard);
        waiter->active = false;
    }
    {
        std::lock_guard guard(m_mutex);
        std::erase(m_waiters, waiter);
    }
    m_waitersChanged.notify_all();
    lock.lock();
    return now() >= deadline ? std::cv_status::timeout : std::cv_status::no_timeout;
}

void FakeClock::step(Duration d)
{
    update([d](TimePoint t) { return t + d; });
}

void FakeClock::setTime(TimePoint t)
{
    update([t](TimePoint) { return t; });
}

void FakeClock::update(const std::function<TimePoint(TimePoint)>& next)
{
    std::vector<std::shared_ptr<Waiter>> due;
    TimePoint t;
    {
        std::lock_guard guard(m_mutex); // also serialises concurrent steps
        t = next(now());
        m_now.store(t.time_since_epoch().count());
        std::copy_if(m_waiters.begin(), m_waiters.end(), std::back_inserter(due),
            [t](const std::shared_ptr<Waiter>& w) { return w->deadline <= t; });
    }
    for (const std::shared_ptr<Waiter>& waiter : due) {
        std::lock_guard guard(waiter->guard);
        if (!waiter->active)
            continue;
        // Taking the waiter's mutex orders this wake-up after its check of now() (see waitUntil).
        {
            std::lock_guard sync(*waiter->mutex);
        }
        waiter->cv->notify_all();
    }
}

bool FakeClock::hasWaiters() const
{
    std::lock_guard guard(m_mutex);
    return !m_waiters.empty();
}

bool FakeClock::awaitWaiters(std::size_t count, std::chrono::milliseconds timeout) const
{
    std::unique_lock guard(m_mutex);
    return m_waitersChanged.wait_for(guard, timeout, [&] { return m_waiters.size() >= count; });
}

} // namespace runtime
