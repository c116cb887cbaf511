#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <optional>
#include <shared_mutex>

namespace runtime {

/// "namespace/name" (or "name" for cluster-scoped objects), client-go's MetaNamespaceKeyFunc.
QString keyOf(const QJsonObject& object);

/// A thread-safe, indexed object cache (client-go's Indexer). Writers are the informer's thread; readers are any
/// reconciler thread, under a shared lock.
///
/// Objects are stored as compact JSON text and parsed again on every read: a QJsonObject costs 3–4 × its JSON
/// size in memory (UTF-16 strings, one container per nested object), the text about 1 ×, and parsing one object of
/// a few KiB takes microseconds, next to the reconcile's own API calls (bench/PROFILE.md).
class Cache {
public:
    /// Computes the index values of one object.
    using IndexFunc = std::function<QStringList(const QJsonObject&)>;

    /// Index names provided by default.
    static constexpr const char* ByNamespace = "namespace";
    static constexpr const char* ByOwnerUid = "ownerUid";

    Cache();
    /// Adds an index; must happen before the first object is stored.
    void addIndex(const QString& name, IndexFunc func);
    /// An index over one label's values (e.g. "label:kubelb.k8c.io/origin-name").
    void addLabelIndex(const QString& label);

    std::optional<QJsonObject> get(const QString& key) const;
    std::optional<QJsonObject> get(const QString& ns, const QString& name) const;
    QList<QJsonObject> list() const;
    /// Calls `visit` with every object, parsed one at a time: no list of every object is built (metrics scrapes
    /// of 100,000 objects would otherwise hold them all parsed at once).
    void forEach(const std::function<void(const QJsonObject&)>& visit) const;
    QList<QJsonObject> byIndex(const QString& index, const QString& value) const;
    /// The keys byIndex() would return objects of, without parsing any object.
    QStringList keysByIndex(const QString& index, const QString& value) const;
    QStringList keys() const;
    qsizetype size() const;

    /// Stores or replaces one object; returns the previous version if any.
    std::optional<QJsonObject> upsert(const QJsonObject& object);
    /// Removes one object; returns what was stored.
    std::optional<QJsonObject> remove(const QString& key);
    /// Replaces everything (after a relist); returns the keys that disappeared with their last state.
    QList<QJsonObject> replace(const QList<QJsonObject>& objects);
    /// replace() for objects already in the cache's form (encode()): a relist of many objects never holds them all
    /// parsed at once.
    QList<QJsonObject> replaceEncoded(const QList<QByteArray>& objects);
    /// Every stored object in the cache's form, by key (shares the stored buffers).
    QHash<QString, QByteArray> snapshot() const;
    /// The cache's form of an object: compact JSON.
    static QByteArray encode(const QJsonObject& object);
    static QJsonObject decode(const QByteArray& json);

    /// The informer's path for watch events: like upsert(), except when the cache already holds this
    /// resourceVersion or a later one — a reconciler wrote it through (writeThrough()) before the watch delivered
    /// it. Then nothing is stored, *alreadyCached is set and nullopt returned: the event adds nothing the writer has
    /// not already acted on. Otherwise returns what was stored before.
    std::optional<QJsonObject> upsertUnlessOlder(const QJsonObject& object, bool* alreadyCached);
    /// The highest resourceVersion the informer has seen (list, event or bookmark); write-throughs at or below
    /// it are ignored because the watch has already delivered that write (or a later state, e.g. a deletion).
    void setObservedVersion(const QString& resourceVersion);
    /// Stores the object a successful write returned (write-through, as controller-runtime users do with the
    /// returned object), so that the next reconcile sees its own write instead of acting on the version it just
    /// replaced (which costs a 409 Conflict and a retry). Ignored when its resourceVersion is not newer than both
    /// the cached object's and the informer's observed version. The watch event of the same write (and of any
    /// earlier version) is then not dispatched to event handlers (upsertUnlessOlder()): the writer has acted on it
    /// already, and reconciling again would find nothing to do. Handlers that share an informer with a writer
    /// therefore see its written-through changes only at the next change by someone else or at resync.
    /// resourceVersions that are not integers are never written through.
    /// Returns true when stored.
    bool writeThrough(const QJsonObject& object);
    /// True when a reconciler wrote `key` through at `resourceVersion` or later (writeThrough(), also when the watch
    /// had delivered that write first and nothing was stored). With optimistic concurrency an event of such a
    /// version is the writer's own write or a state its write was based on: news to nobody who wrote it.
    bool wroteThrough(const QString& key, qint64 resourceVersion) const;
    /// metadata.resourceVersion as an integer; 0 when absent or not a number.
    static qint64 versionOf(const QJsonObject& object);

private:
    /// One stored object: its compact JSON and its resourceVersion as a number (0 when not a number).
    struct Entry {
        QByteArray json;
        qint64 version = 0;
        qint64 written = 0; ///< the highest version a reconciler wrote through (kept across later versions)
    };
    static Entry entryOf(const QJsonObject& object);
    static QJsonObject decode(const Entry& entry);
    void indexLocked(const QString& key, const QJsonObject& object);
    void unindexLocked(const QString& key, const QJsonObject& object);
    void storeLocked(const QString& key, const QJsonObject& object, Entry entry, const std::optional<QJsonObject>& old);

    mutable std::shared_mutex m_mutex;
    QHash<QString, Entry> m_objects;
    QHash<QString, IndexFunc> m_indexFuncs;
    QHash<QString, QHash<QString, QSet<QString>>> m_indexes; ///< index → value → keys
    std::atomic<qint64> m_observedVersion { 0 };
};

} // namespace runtime
