#include "ratelimiter.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace runtime {

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(Clock::Duration base, Clock::Duration max)
    : m_base(base)
    , m_max(max)
{
}

Clock::Duration ItemExponentialFailureRateLimiter::when(const QString& item)
{
    std::lock_guard guard(m_mutex);
    const int exp = m_failures.value(item);
    m_failures.insert(item, exp + 1);
    // Computed in double so a large exponent saturates instead of overflowing the nanosecond count.
    const double backoff = std::ldexp(static_cast<double>(m_base.count()), exp);
    if (backoff >= static_cast<double>(std::numeric_limits<Clock::Duration::rep>::max()))
        return m_max;
    return std::min(Clock::Duration(static_cast<Clock::Duration::rep>(backoff)), m_max);
}

void ItemExponentialFailureRateLimiter::forget(const QString& item)
{
    std::lock_guard guard(m_mutex);
    m_failures.remove(item);
}

int ItemExponentialFailureRateLimiter::numRequeues(const QString& item) const
{
    std::lock_guard guard(m_mutex);
    return m_failures.value(item);
}

BucketRateLimiter::BucketRateLimiter(double qps, int burst, std::shared_ptr<Clock> clock)
    : m_qps(qps)
    , m_burst(burst)
    , m_clock(std::move(clock))
    , m_tokens(burst)
    , m_last(m_clock->now())
{
}

Clock::Duration BucketRateLimiter::when(const QString&)
{
    if (std::isinf(m_qps) && m_qps > 0)
        return Clock::Duration::zero();
    if (m_burst < 1)
        return Clock::Duration::max(); // x/time/rate: a token the bucket cannot hold is never granted
    std::lock_guard guard(m_mutex);
    const Clock::TimePoint now = m_clock->now();
    // advance(): tokens accrue for the time since the last update, up to the burst.
    const double elapsed = std::chrono::duration<double>(now - std::min(m_last, now)).count();
    m_tokens = std::min(m_tokens + elapsed * m_qps, static_cast<double>(m_burst));
    m_last = now;
    if (m_tokens >= 1) {
        m_tokens -= 1;
        return Clock::Duration::zero();
    }
    if (m_qps <= 0)
        return Clock::Duration::max(); // never refills: nothing is reserved
    // reserveN(now, 1): take the token anyway; the deficit is the wait until the bucket has refilled it.
    m_tokens -= 1;
    const double wait = -m_tokens / m_qps * 1e9;
    if (wait >= static_cast<double>(std::numeric_limits<Clock::Duration::rep>::max()))
        return Clock::Duration::max();
    return Clock::Duration(static_cast<Clock::Duration::rep>(wait));
}

void BucketRateLimiter::forget(const QString&) { }

int BucketRateLimiter::numRequeues(const QString&) const
{
    return 0;
}

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : m_limiters(std::move(limiters))
{
}

Clock::Duration MaxOfRateLimiter::when(const QString& item)
{
    Clock::Duration longest = Clock::Duration::zero();
    for (const std::unique_ptr<RateLimiter>& limiter : m_limiters)
        longest = std::max(longest, limiter->when(item));
    return longest;
}

void MaxOfRateLimiter::forget(const QString& item)
{
    for (const std::unique_ptr<RateLimiter>& limiter : m_limiters)
        limiter->forget(item);
}

int MaxOfRateLimiter::numRequeues(const QString& item) const
{
    int most = 0;
    for (const std::unique_ptr<RateLimiter>& limiter : m_limiters)
        most = std::max(most, limiter->numRequeues(item));
    return most;
}

std::unique_ptr<RateLimiter> defaultControllerRateLimiter(std::shared_ptr<Clock> clock)
{
    std::vector<std::unique_ptr<RateLimiter>> limiters;
    limiters.push_back(
        std::make_unique<ItemExponentialFailureRateLimiter>(std::chrono::milliseconds(5), std::chrono::seconds(1000)));
    limiters.push_back(std::make_unique<BucketRateLimiter>(10.0, 100, std::move(clock)));
    return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

} // namespace runtime
