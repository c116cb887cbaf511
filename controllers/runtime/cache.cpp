#include "cache.h"

#include <QJsonArray>
#include <mutex>

using namespace Qt::StringLiterals;

namespace runtime {

QString keyOf(const QJsonObject& object)
{
    const QJsonObject meta = object.value(u"metadata"_s).toObject();
    const QString ns = meta.value(u"namespace"_s).toString();
    const QString name = meta.value(u"name"_s).toString();
    return ns.isEmpty() ? name : ns + u'/' + name;
}

Cache::Cache()
{
    addIndex(QString::fromLatin1(ByNamespace), [](const QJsonObject& o) {
        return QStringList { o.value(u"metadata"_s).toObject().value(u"namespace"_s).toString() };
    });
    addIndex(QString::fromLatin1(ByOwnerUid), [](const QJsonObject& o) {
        QStringList uids;
        for (const auto& ref : o.value(u"metadata"_s).toObject().value(u"ownerReferences"_s).toArray())
            uids.append(ref.toObject().value(u"uid"_s).toString());
        return uids;
    });
}

void Cache::addIndex(const QString& name, IndexFunc func)
{
    std::unique_lock lock(m_mutex);
    m_indexFuncs.insert(name, std::move(func));
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        for (const auto& v : m_indexFuncs.value(name)(it.value()))
            m_indexes[name][v].insert(it.key());
}

void Cache::addLabelIndex(const QString& label)
{
    addIndex(u"label:"_s + label, [label](const QJsonObject& o) {
        const QJsonObject labels = o.value(u"metadata"_s).toObject().value(u"labels"_s).toObject();
        return labels.contains(label) ? QStringList { labels.value(label).toString() } : QStringList {};
    });
}

std::optional<QJsonObject> Cache::get(const QString& key) const
{
    std::shared_lock lock(m_mutex);
    const auto it = m_objects.constFind(key);
    if (it == m_objects.cend())
        return std::nullopt;
    return *it;
}

std::optional<QJsonObject> Cache::get(const QString& ns, const QString& name) const
{
    return get(ns.isEmpty() ? name : ns + u'/' + name);
}

QList<QJsonObject> Cache::list() const
{
    std::shared_lock lock(m_mutex);
    return m_objects.values();
}

QList<QJsonObject> Cache::byIndex(const QString& index, const QString& value) const
{
    std::shared_lock lock(m_mutex);
    QList<QJsonObject> out;
    for (const auto& key : m_indexes.value(index).value(value))
        out.append(m_objects.value(key));
    return out;
}

QStringList Cache::keys() const
{
    std::shared_lock lock(m_mutex);
    return m_objects.keys();
}

qsizetype Cache::size() const
{
    std::shared_lock lock(m_mutex);
    return m_objects.size();
}

void Cache::indexLocked(const QString& key, const QJsonObject& object)
{
    for (auto it = m_indexFuncs.cbegin(); it != m_indexFuncs.cend(); ++it)
        for (const auto& v : it.value()(object))
            m_indexes[it.key()][v].insert(key);
}

void Cache::unindexLocked(const QString& key, const QJsonObject& object)
{
    for (auto it = m_indexFuncs.cbegin(); it != m_indexFuncs.cend(); ++it) {
        auto& index = m_indexes[it.key()];
        for (const auto& v : it.value()(object)) {
            auto values = index.find(v);
            if (values == index.end())
                continue;
            values->remove(key);
            if (values->isEmpty())
                index.erase(values);
        }
    }
}

std::optional<QJsonObject> Cache::upsert(const QJsonObject& object)
{
    const QString key = keyOf(object);
    std::unique_lock lock(m_mutex);
    std::optional<QJsonObject> previous;
    if (const auto it = m_objects.constFind(key); it != m_objects.cend()) {
        previous = *it;
        unindexLocked(key, *previous);
    }
    m_objects.insert(key, object);
    indexLocked(key, object);
    return previous;
}

std::optional<QJsonObject> Cache::remove(const QString& key)
{
    std::unique_lock lock(m_mutex);
    const auto it = m_objects.find(key);
    if (it == m_objects.end())
        return std::nullopt;
    const QJsonObject previous = *it;
    unindexLocked(key, previous);
    m_objects.erase(it);
    return previous;
}

QList<QJsonObject> Cache::replace(const QList<QJsonObject>& objects)
{
    QHash<QString, QJsonObject> fresh;
    fresh.reserve(objects.size());
    for (const auto& o : objects)
        fresh.insert(keyOf(o), o);
    std::unique_lock lock(m_mutex);
    QList<QJsonObject> gone;
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        if (!fresh.contains(it.key()))
            gone.append(it.value());
    m_objects = std::move(fresh);
    m_indexes.clear();
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        indexLocked(it.key(), it.value());
    return gone;
}

} // namespace runtime
