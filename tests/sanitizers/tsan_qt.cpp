// Linked into every test executable of a -fsanitize=thread build (cmake/KubelbTargets.cmake, docs/testing.md).
//
// 1. Every event delivered acquires on its receiver: the receiving half of KubelbTsanPost (kube/tsan.h), which our
//    code holds around each post to another thread.
//
// 2. Qt runs some threads of its own that never run our code, chiefly QNetworkAccessManager's HTTP thread: our
//    QNetworkAccessManager calls post events to it and it posts the replies back, all through Qt's event queue,
//    whose futex-based locking is invisible to TSan in Debian's uninstrumented Qt. Every request would be reported
//    as a race between an allocation in one thread and its use or free in the other, with no frame of ours on the
//    Qt side to name in a suppression (TSan sees only instrumented frames and the direct caller of
//    malloc/free/memcpy, here an unexported function of libQt6Core). So TSan ignores the memory accesses of exactly
//    those threads, recognised by the object name Qt gives them, from the first event they deliver on; their
//    synchronisation still counts, and every thread that runs our code (the main thread, our QThreads,
//    std::threads) stays fully checked.

#include "kube/tsan.h"

#include <QCoreApplication>
#include <QString>
#include <QThread>

#ifdef KUBELB_TSAN

// Qt's hook table (qhooks_p.h; exported from libQt6Core, the private header is not installed).
extern quintptr qtHookData[];

namespace {

using namespace Qt::StringLiterals;

// Qt's own threads that never run our code, by QThread::objectName().
bool isQtInternalThread(const QString& name)
{
    return name == "QNetworkAccessManager thread"_L1;
}

// Starts ignoring a Qt-internal thread's memory accesses the first time it runs here, for the rest of its life:
// thread_local destructors run before TSan's end-of-thread check (which reports a thread that finishes with ignores
// still on), so the ignore ends there.
void checkThread()
{
    struct Ignore {
        bool on = false;
        ~Ignore()
        {
            if (on)
                __tsan_ignore_thread_end();
        }
    };
    thread_local bool checked = false;
    thread_local Ignore ignore;
    if (checked)
        return;
    checked = true;
    const QThread* thread = QThread::currentThread();
    if (thread && isQtInternalThread(thread->objectName())) {
        __tsan_ignore_thread_begin();
        ignore.on = true;
    }
}

// QInternal::EventNotifyCallback: called in QCoreApplication::notifyInternal2 for every event in every thread,
// before it is delivered ({receiver, event, result}). Returning false lets Qt deliver it as usual.
bool onEvent(void** data)
{
    // The receiving half of KubelbTsanPost (kube/tsan.h): what the poster did before posting to this receiver
    // happens-before the delivery.
    if (data[0])
        __tsan_acquire(data[0]);
    checkThread();
    return false;
}

// Qt's QHooks::AddQObject hook (qhooks_p.h, the one GammaRay uses): called in every QObject constructor. A new
// QThread constructs its event dispatcher first thing, so a Qt-internal thread is recognised here before it does
// any work of its own.
void onAddQObject(QObject*)
{
    checkThread();
}
constexpr int kHookAddQObject = 3; // QHooks::AddQObject

void installHook()
{
    QInternal::registerCallback(QInternal::EventNotifyCallback, onEvent);
    if (!qtHookData[kHookAddQObject])
        qtHookData[kHookAddQObject] = reinterpret_cast<quintptr>(&onAddQObject);
}

} // namespace

Q_CONSTRUCTOR_FUNCTION(installHook)

#endif
