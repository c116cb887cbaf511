#pragma once

#include <QDeadlineTimer>
#include <QTest>

namespace testsupport {

/// Polls `condition` every `stepMs` (spinning the event loop in between) until it holds or `timeoutMs` pass; true
/// when it held. The suites' one way to wait on a condition with a deadline.
template <typename F> bool waitUntil(F&& condition, int timeoutMs, int stepMs = 50)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (condition())
            return true;
        if (deadline.hasExpired())
            return false;
        QTest::qWait(stepMs);
    }
}

} // namespace testsupport
