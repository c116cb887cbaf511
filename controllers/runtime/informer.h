#pragma once

#include "cache.h"
#include "kube/restclient.h"
#include "kube/watchclient.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <atomic>
#include <functional>

namespace runtime {

/// Callbacks for cache changes, called on the informer's thread; keep them cheap (enqueue keys).
struct EventHandler {
    std::function<void(const QJsonObject& object)> onAdd;
    std::function<void(const QJsonObject& oldObject, const QJsonObject& newObject)> onUpdate;
    std::function<void(const QJsonObject& object)> onDelete;
    /// When set, only objects for which it returns true reach the callbacks (both versions are checked on update).
    std::function<bool(const QJsonObject& object)> predicate;
};

/// Informer settings.
struct InformerOptions {
    QUrlQuery selector; ///< labelSelector / fieldSelector for list and watch
    int resyncPeriodMs = 0; ///< periodic onUpdate(obj, obj) for every cached object; 0 = off
    int watchTimeoutSeconds = 300; ///< the server ends each watch after this; the informer resumes
    int pageSize = 500;
    int maxBackoffMs = 30000;
};

/// client-go's SharedIndexInformer: list, then watch from the list's resourceVersion into an indexed cache;
/// resumes dropped watches from the last resourceVersion (no event lost while the server still has it), relists
/// on 410 Gone and hands handlers the difference, backs off on failures, resyncs periodically. Lives in one thread
/// (its event loop drives everything); the cache is readable from any thread.
class Informer : public QObject {
    Q_OBJECT
public:
    Informer(kube::RestClient& client, kube::ResourcePath collection, InformerOptions options = {},
        QObject* parent = nullptr);
    ~Informer() override;

    Cache& cache() { return m_cache; }
    const Cache& cache() const { return m_cache; }
    const kube::ResourcePath& collection() const { return m_collection; }
    /// Adds handlers; those added after sync get synthetic adds for the current cache contents. Safe from any
    /// thread: once the informer's thread runs, the call is carried out there (blocking until done).
    void addEventHandler(EventHandler handler);
    /// True once the first list has been stored (thread-safe).
    bool hasSynced() const { return m_synced.load(); }
    /// How many relists (initial list included) and watch restarts happened, for tests and metrics.
    int listCount() const { return m_lists.load(); }
    int watchCount() const { return m_watches.load(); }

public Q_SLOTS:
    /// Starts listing and watching (call in the informer's thread, or queue it there).
    void start();
    void stop();

Q_SIGNALS:
    void synced();
    /// A list or watch failed; the informer retries by itself.
    void watchError(const kube::ApiError& error);

private:
    void list(const QString& continueToken, QList<QByteArray> accumulated, const QString& snapshotVersion);
    void finishList(const QList<QByteArray>& items, const QString& resourceVersion);
    void watch();
    bool watchWasProductive() const;
    void retryLater(bool relist);
    void onEvent(kube::WatchEventType type, const QJsonObject& object);
    void onWatchFinished(const kube::ApiError& error, bool gone);
    void resync();
    void dispatchAdd(const QJsonObject& o);
    void dispatchUpdate(const QJsonObject& oldObject, const QJsonObject& newObject);
    void dispatchDelete(const QJsonObject& o);

    kube::RestClient& m_client;
    kube::ResourcePath m_collection;
    InformerOptions m_options;
    Cache m_cache;
    QList<EventHandler> m_handlers;
    kube::WatchClient m_watch;
    QString m_resourceVersion;
    QTimer m_resyncTimer;
    QTimer m_retryTimer;
    QElapsedTimer m_watchStarted;
    int m_watchEvents = 0; ///< events received by the current watch
    int m_failures = 0;
    quint64 m_generation = 0; ///< bumped by start()/stop(): answers to older list requests are ignored
    bool m_running = false;
    std::atomic<bool> m_synced { false };
    std::atomic<int> m_lists { 0 };
    std::atomic<int> m_watches { 0 };
};

} // namespace runtime
