#pragma once

#include <QMetaObject>
#include <QObject>
#include <QThreadPool>

namespace views {

/// Runs `work` on `pool` and hands its result to `done` on `context`'s thread (a queued call). The owner of `pool`
/// waits for it before `context` is destroyed, so `context` is alive when the call is posted.
template <typename Work, typename Done> void runInBackground(QThreadPool& pool, QObject* context, Work work, Done done)
{
    pool.start([context, work, done]() mutable {
        auto result = work();
        QMetaObject::invokeMethod(
            context, [done, result] { done(result); }, Qt::QueuedConnection);
    });
}

} // namespace views
