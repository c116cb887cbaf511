#pragma once

#include "clock.h"

#include <QHash>
#include <QString>
#include <memory>
#include <mutex>
#include <vector>

namespace runtime {

/// RateLimiter: the policy that decides how long an item waits before its next retry (client-go's
/// workqueue.TypedRateLimiter). Items are queue keys ("namespace/name"). Implementations are thread-safe.
class RateLimiter {
public:
    virtual ~RateLimiter() = default;

    /// when returns how long `item` waits before it is retried, and records the retry.
    virtual Clock::Duration when(const QString& item) = 0;
    /// forget stops tracking `item` (it succeeded or was given up on): its backoff starts over.
    virtual void forget(const QString& item) = 0;
    /// numRequeues returns how many times `item` went through when() since it was last forgotten.
    virtual int numRequeues(const QString& item) const = 0;
};

/// ItemExponentialFailureRateLimiter: per-item backoff base·2^failures, capped at `max`
/// (client-go's TypedItemExponentialFailureRateLimiter).
class ItemExponentialFailureRateLimiter final : public RateLimiter {
public:
    /// Creates a limiter starting at `base` and never exceeding `max` (controller-runtime's 5 ms … 1000 s).
    explicit ItemExponentialFailureRateLimiter(
        Clock::Duration base = std::chrono::milliseconds(5), Clock::Duration max = std::chrono::seconds(1000));

    Clock::Duration when(const QString& item) override;
    void forget(const QString& item) override;
    int numRequeues(const QString& item) const override;

private:
    const Clock::Duration m_base;
    const Clock::Duration m_max;
    mutable std::mutex m_mutex;
    QHash<QString, int> m_failures; // guarded by m_mutex; absent means zero
};

/// BucketRateLimiter: one token bucket shared by all items, filled at `qps` up to `burst` tokens; when() reserves
/// a token and returns the wait until it exists (client-go's TypedBucketRateLimiter over golang.org/x/time/rate).
class BucketRateLimiter final : public RateLimiter {
public:
    /// Creates a full bucket of `burst` tokens refilled at `qps` tokens per second of `clock`.
    BucketRateLimiter(double qps, int burst, std::shared_ptr<Clock> clock = realClock());

    Clock::Duration when(const QString& item) override;
    /// forget does nothing: the bucket is not per item.
    void forget(const QString& item) override;
    /// numRequeues is always 0: the bucket is not per item.
    int numRequeues(const QString& item) const override;

private:
    const double m_qps;
    const int m_burst;
    const std::shared_ptr<Clock> m_clock;
    std::mutex m_mutex;
    double m_tokens; // guarded by m_mutex; negative while reservations wait for future tokens
    Clock::TimePoint m_last; // guarded by m_mutex; when m_tokens was last brought up to date
};

/// MaxOfRateLimiter: the longest delay of several limiters; every limiter sees every call
/// (client-go's TypedMaxOfRateLimiter).
class MaxOfRateLimiter final : public RateLimiter {
public:
    /// Creates the maximum of `limiters`.
    explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

    Clock::Duration when(const QString& item) override;
    void forget(const QString& item) override;
    /// numRequeues is the largest count any limiter reports.
    int numRequeues(const QString& item) const override;

private:
    const std::vector<std::unique_ptr<RateLimiter>> m_limiters;
};

/// defaultControllerRateLimiter returns controller-runtime's default: the maximum of per-item exponential backoff
/// (5 ms … 1000 s) and an overall token bucket (10 qps, burst 100).
std::unique_ptr<RateLimiter> defaultControllerRateLimiter(std::shared_ptr<Clock> clock = realClock());

} // namespace runtime
