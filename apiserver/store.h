#pragma once

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace apiserver {

class SqlitePersistence;

/// One change as a watcher sees it.
struct WatchEvent {
    enum class Type { Added, Modified, Deleted };
    Type type = Type::Added;
    quint64 resourceVersion = 0;
    QString groupResource; ///< "secrets", "syncsecrets.kubelb.k8c.io"
    QString ns;
    QJsonObject object; ///< the object after the change (for Deleted: its last state with the deletion's RV)
    QJsonObject previous; ///< the object before the change (empty for Added)
};

/// The versioned object store: every write takes the next global resourceVersion, is persisted (when a data dir
/// is open) before it is acknowledged, lands in a bounded window of recent events and is handed to listeners.
/// Not thread-safe: owned and used by the API server's thread.
class ObjectStore {
public:
    using Listener = std::function<void(const WatchEvent&)>;

    explicit ObjectStore(int windowSize = 10000);
    ~ObjectStore();

    /// Opens (or creates) the SQLite database in `dataDir` and loads every object; the resourceVersion counter
    /// continues from the stored one. The watch window starts empty at that version.
    bool open(const QString& dataDir, QString* error);
    bool isPersistent() const { return m_persistence != nullptr; }

    /// The current (latest) resourceVersion.
    quint64 resourceVersion() const { return m_rv; }
    /// The oldest resourceVersion a watch can resume from; older ones are 410 Gone.
    quint64 windowStart() const { return m_windowStart; }
    /// Changes how many events the window keeps (fault injection shrinks it); trims immediately.
    void setWindowSize(int size);

    std::optional<QJsonObject> get(const QString& groupResource, const QString& ns, const QString& name) const;
    /// Objects of one resource, ordered by namespace then name; `ns` empty means all namespaces.
    QList<QJsonObject> list(const QString& groupResource, const QString& ns = {}) const;
    /// Number of stored objects of one resource (all namespaces).
    qsizetype count(const QString& groupResource) const;
    /// Resources (group-resource names) that currently hold objects.
    QStringList groupResources() const;

    /// Stores `object` (create when `previous` is empty, else update): sets metadata.resourceVersion, persists,
    /// records the event and notifies. Returns the stored object, or nullopt with *error when persisting failed
    /// (nothing changed then).
    std::optional<QJsonObject> put(
        const QString& groupResource, QJsonObject object, const QJsonObject& previous, QString* error);
    /// Removes an object; the DELETED event carries the last state with a new resourceVersion.
    std::optional<QJsonObject> remove(const QString& groupResource, const QJsonObject& object, QString* error);

    /// Replays the events after `rv` in order; false (nothing replayed) when `rv` is older than the window.
    bool replaySince(quint64 rv, const std::function<void(const WatchEvent&)>& visit) const;

    int addListener(Listener listener);
    void removeListener(int id);

private:
    static QString keyOf(const QString& ns, const QString& name) { return ns + u'/' + name; }
    void record(WatchEvent event);

    QHash<QString, QMap<QString, QJsonObject>> m_objects;
    std::deque<WatchEvent> m_window;
    int m_windowSize;
    quint64 m_rv = 0;
    quint64 m_windowStart = 0;
    QMap<int, Listener> m_listeners;
    int m_nextListener = 1;
    std::unique_ptr<SqlitePersistence> m_persistence;
};

} // namespace apiserver
