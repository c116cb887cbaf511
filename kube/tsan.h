#pragma once

#include <QMetaObject>
#include <QObject>
#include <utility>

// ThreadSanitizer annotations for hand-offs between threads that TSan cannot see by itself (docs/testing.md,
// "Sanitizers"). Debian's Qt is not built with TSan, so the synchronisation inside Qt's event queue (queued
// signals, QMetaObject::invokeMethod, BlockingQueuedConnection's semaphore) is invisible to it; a hand-off through
// that queue is made visible at our seam instead: the sending thread calls kubelbHappensBefore(addr) right before it
// posts or emits, the receiving code calls kubelbHappensAfter(addr) first thing, with the same address (usually the
// object the two sides share). Everything the sender did before the first call then happens-before everything the
// receiver does after the second. Both are no-ops unless built with -fsanitize=thread.

#if defined(__SANITIZE_THREAD__)
#define KUBELB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KUBELB_TSAN 1
#endif
#endif

#ifdef KUBELB_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
#endif

/// Release on `addr`: what this thread did so far happens-before a later kubelbHappensAfter(addr) in any thread.
inline void kubelbHappensBefore([[maybe_unused]] const volatile void* addr)
{
#ifdef KUBELB_TSAN
    __tsan_release(const_cast<void*>(addr));
#endif
}

/// Acquire on `addr`: pairs with the kubelbHappensBefore(addr) calls that TSan has already seen.
inline void kubelbHappensAfter([[maybe_unused]] const volatile void* addr)
{
#ifdef KUBELB_TSAN
    __tsan_acquire(const_cast<void*>(addr));
#endif
}

/// While alive, TSan ignores this thread's memory accesses (its synchronisation still counts). Only around a single
/// call into Qt whose work on Qt's own shared state is synchronised by Qt's invisible QMutex, each use commented.
class KubelbTsanIgnore {
public:
    KubelbTsanIgnore()
    {
#ifdef KUBELB_TSAN
        __tsan_ignore_thread_begin();
#endif
    }
    ~KubelbTsanIgnore()
    {
#ifdef KUBELB_TSAN
        __tsan_ignore_thread_end();
#endif
    }
    KubelbTsanIgnore(const KubelbTsanIgnore&) = delete;
    KubelbTsanIgnore& operator=(const KubelbTsanIgnore&) = delete;
};

/// One post to `receiver`'s thread through Qt's event queue (QMetaObject::invokeMethod, QCoreApplication::postEvent),
/// held around exactly that call: kubelbHappensBefore(receiver), then TSan ignores this thread's memory accesses until
/// the scope ends (its synchronisation still counts). Qt allocates the event and copies the arguments after the
/// release, and the receiving thread frees them inside Qt, which TSan would pair with the allocation; in this scope
/// the allocation is not recorded. The receiving side acquires on `receiver` before the event is delivered: the TSan
/// build of the tests does that for every event (tests/sanitizers/tsan_qt.cpp); other code calls
/// kubelbHappensAfter(receiver) in the slot. Around a Q_EMIT whose connections are queued, `receiver` is the sender
/// (`this`) and a receiver that reads data the sender wrote calls kubelbHappensAfter(sender) itself; a slot connected
/// directly runs inside the scope unchecked, so the scope goes only around signals whose receivers live elsewhere.
class KubelbTsanPost {
public:
    // The release is synchronisation, which the ignore scope (already begun by m_ignore) still records.
    explicit KubelbTsanPost(const volatile void* receiver) { kubelbHappensBefore(receiver); }

private:
    KubelbTsanIgnore m_ignore;
};

/// object->deleteLater() from another thread than object's, inside a KubelbTsanPost (it posts a DeferredDelete event).
inline void kubelbDeleteLater(QObject* object)
{
    KubelbTsanPost post(object);
    object->deleteLater();
}

/// QMetaObject::invokeMethod(context, f, Qt::QueuedConnection) inside a KubelbTsanPost.
template <typename F> bool kubelbInvokeQueued(QObject* context, F&& f)
{
    KubelbTsanPost post(context);
    return QMetaObject::invokeMethod(context, std::forward<F>(f), Qt::QueuedConnection);
}

/// QMetaObject::invokeMethod(context, f, Qt::BlockingQueuedConnection) with the hand-off visible both ways: what the
/// caller did before happens-before f, and f happens-before what the caller does after (Qt's semaphore is as
/// invisible to TSan as its event queue).
template <typename F> bool kubelbInvokeBlocking(QObject* context, F&& f)
{
    bool ok = false;
    {
        KubelbTsanPost post(context);
        ok = QMetaObject::invokeMethod(
            context,
            [context, &f] {
                kubelbHappensAfter(context);
                f();
                kubelbHappensBefore(context);
            },
            Qt::BlockingQueuedConnection);
    }
    kubelbHappensAfter(context);
    return ok;
}
