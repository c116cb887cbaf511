#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <shared_mutex>

namespace runtime {

/// "namespace/name" (or "name" for cluster-scoped objects), client-go's MetaNamespaceKeyFunc.
QString keyOf(const QJsonObject& object);

/// A thread-safe, indexed object cache (client-go's Indexer). Writers are the informer's thread; readers are any
/// reconciler thread, under a shared lock.
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
    QList<QJsonObject> byIndex(const QString& index, const QString& value) const;
    QStringList keys() const;
    qsizetype size() const;

    /// Stores or replaces one object; returns the previous version if any.
    std::optional<QJsonObject> upsert(const QJsonObject& object);
    /// Removes one object; returns what was stored.
    std::optional<QJsonObject> remove(const QString& key);
    /// Replaces everything (after a relist); returns the keys that disappeared with their last state.
    QList<QJsonObject> replace(const QList<QJsonObject>& objects);

private:
    void indexLocked(const QString& key, const QJsonObject& object);
    void unindexLocked(const QString& key, const QJsonObject& object);

    mutable std::shared_mutex m_mutex;
    QHash<QString, QJsonObject> m_objects;
    QHash<QString, IndexFunc> m_indexFuncs;
    QHash<QString, QHash<QString, QSet<QString>>> m_indexes; ///< index → value → keys
};

} // namespace runtime
