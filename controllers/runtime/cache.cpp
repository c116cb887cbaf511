#include "cache.h"

#include <QJsonArray>
#include <QJsonDocument>
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

// Opaque (non-numeric) versions are 0 and never compared.
qint64 Cache::versionOf(const QJsonObject& object)
{
    return object.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString().toLongLong();
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

QByteArray Cache::encode(const QJsonObject& object)
{
    QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    json.squeeze(); // the serializer over-allocates; the cache keeps this buffer for the object's lifetime
    return json;
}

QJsonObject Cache::decode(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object();
}

Cache::Entry Cache::entryOf(const QJsonObject& object)
{
    return { encode(object), versionOf(object) };
}

QJsonObject Cache::decode(const Entry& entry)
{
    return decode(entry.json);
}

void Cache::addIndex(const QString& name, IndexFunc func)
{
    std::unique_lock lock(m_mutex);
    m_indexFuncs.insert(name, std::move(func));
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        for (const auto& v : m_indexFuncs.value(name)(decode(it.value())))
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
    Entry entry;
    {
        std::shared_lock lock(m_mutex);
        const auto it = m_objects.constFind(key);
        if (it == m_objects.cend())
            return std::nullopt;
        entry = *it; // parsed outside the lock
    }
    return decode(entry);
}

std::optional<QJsonObject> Cache::get(const QString& ns, const QString& name) const
{
    return get(ns.isEmpty() ? name : ns + u'/' + name);
}

QList<QJsonObject> Cache::list() const
{
    QList<Entry> entries;
    {
        std::shared_lock lock(m_mutex);
        entries = m_objects.values();
    }
    QList<QJsonObject> out;
    out.reserve(entries.size());
    for (const auto& e : entries)
        out.append(decode(e));
    return out;
}

void Cache::forEach(const std::function<void(const QJsonObject&)>& visit) const
{
    QList<Entry> entries; // shares the stored buffers; parsed outside the lock
    {
        std::shared_lock lock(m_mutex);
        entries = m_objects.values();
    }
    for (const auto& e : entries)
        visit(decode(e));
}

QList<QJsonObject> Cache::byIndex(const QString& index, const QString& value) const
{
    QList<Entry> entries;
    {
        std::shared_lock lock(m_mutex);
        for (const auto& key : m_indexes.value(index).value(value))
            entries.append(m_objects.value(key));
    }
    QList<QJsonObject> out;
    out.reserve(entries.size());
    for (const auto& e : entries)
        out.append(decode(e));
    return out;
}

QStringList Cache::keysByIndex(const QString& index, const QString& value) const
{
    std::shared_lock lock(m_mutex);
    const auto values = m_indexes.constFind(index);
    if (values == m_indexes.cend())
        return {};
    const auto keys = values->constFind(value);
    return keys == values->cend() ? QStringList {} : QStringList(keys->cbegin(), keys->cend());
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

void Cache::storeLocked(
    const QString& key, const QJsonObject& object, Entry entry, const std::optional<QJsonObject>& old)
{
    if (old)
        unindexLocked(key, *old);
    if (const auto it = m_objects.constFind(key); it != m_objects.cend())
        entry.written = std::max(entry.written, it->written);
    m_objects.insert(key, std::move(entry));
    indexLocked(key, object);
}

std::optional<QJsonObject> Cache::upsert(const QJsonObject& object)
{
    const QString key = keyOf(object);
    Entry entry = entryOf(object);
    std::unique_lock lock(m_mutex);
    std::optional<QJsonObject> previous;
    if (const auto it = m_objects.constFind(key); it != m_objects.cend())
        previous = decode(*it);
    storeLocked(key, object, std::move(entry), previous);
    return previous;
}

std::optional<QJsonObject> Cache::upsertUnlessOlder(const QJsonObject& object, bool* alreadyCached)
{
    const QString key = keyOf(object);
    const qint64 version = versionOf(object);
    const auto cachedAtLeast = [&] {
        const auto it = m_objects.constFind(key);
        return version > 0 && it != m_objects.cend() && it->version >= version;
    };
    *alreadyCached = false;
    {
        // Checked before encoding: the event of a written-through write costs no serialisation.
        std::shared_lock lock(m_mutex);
        if (cachedAtLeast()) {
            *alreadyCached = true;
            return std::nullopt;
        }
    }
    Entry entry = entryOf(object);
    std::unique_lock lock(m_mutex);
    if (cachedAtLeast()) { // a write-through landed meanwhile
        *alreadyCached = true;
        return std::nullopt;
    }
    std::optional<QJsonObject> previous;
    if (const auto it = m_objects.constFind(key); it != m_objects.cend())
        previous = decode(*it);
    storeLocked(key, object, std::move(entry), previous);
    return previous;
}

void Cache::setObservedVersion(const QString& resourceVersion)
{
    const qint64 v = resourceVersion.toLongLong();
    qint64 current = m_observedVersion.load();
    while (v > current && !m_observedVersion.compare_exchange_weak(current, v)) { }
}

bool Cache::writeThrough(const QJsonObject& object)
{
    const qint64 version = versionOf(object);
    if (version <= 0)
        return false;
    const QString key = keyOf(object);
    // What the informer or an earlier write already covers is decided before serialising the object.
    const auto covered = [&](QHash<QString, Entry>::iterator it) {
        if (it != m_objects.end()) // remembered even when the watch was first (wroteThrough())
            it->written = std::max(it->written, version);
        // Checked under the lock: the informer sets the observed version before it takes the lock to apply an event.
        return version <= m_observedVersion.load() || (it != m_objects.end() && it->version >= version);
    };
    {
        std::unique_lock lock(m_mutex);
        if (covered(m_objects.find(key)))
            return false;
    }
    Entry entry { encode(object), version };
    std::unique_lock lock(m_mutex);
    const auto it = m_objects.find(key);
    if (covered(it))
        return false;
    std::optional<QJsonObject> previous;
    if (it != m_objects.end())
        previous = decode(*it);
    entry.written = entry.version;
    storeLocked(key, object, std::move(entry), previous);
    return true;
}

bool Cache::wroteThrough(const QString& key, qint64 resourceVersion) const
{
    if (resourceVersion <= 0)
        return false;
    std::shared_lock lock(m_mutex);
    const auto it = m_objects.constFind(key);
    return it != m_objects.cend() && resourceVersion <= it->written;
}

std::optional<QJsonObject> Cache::remove(const QString& key)
{
    std::unique_lock lock(m_mutex);
    const auto it = m_objects.find(key);
    if (it == m_objects.end())
        return std::nullopt;
    const QJsonObject previous = decode(*it);
    unindexLocked(key, previous);
    m_objects.erase(it);
    return previous;
}

QList<QJsonObject> Cache::replace(const QList<QJsonObject>& objects)
{
    QHash<QString, Entry> fresh;
    fresh.reserve(objects.size());
    QList<QString> keys;
    keys.reserve(objects.size());
    for (const auto& o : objects) {
        keys.append(keyOf(o));
        fresh.insert(keys.last(), entryOf(o));
    }
    std::unique_lock lock(m_mutex);
    QList<QJsonObject> gone;
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        if (!fresh.contains(it.key()))
            gone.append(decode(it.value()));
    m_objects = std::move(fresh);
    m_indexes.clear();
    for (qsizetype i = 0; i < objects.size(); ++i)
        indexLocked(keys[i], objects[i]);
    return gone;
}

QList<QJsonObject> Cache::replaceEncoded(const QList<QByteArray>& objects)
{
    QHash<QString, Entry> fresh;
    fresh.reserve(objects.size());
    QHash<QString, QHash<QString, QSet<QString>>> indexes;
    for (const auto& json : objects) {
        const QJsonObject o = decode(json); // one at a time
        const QString key = keyOf(o);
        fresh.insert(key, { json, versionOf(o) });
        for (auto it = m_indexFuncs.cbegin(); it != m_indexFuncs.cend(); ++it)
            for (const auto& v : it.value()(o))
                indexes[it.key()][v].insert(key);
    }
    std::unique_lock lock(m_mutex);
    QList<QJsonObject> gone;
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        if (!fresh.contains(it.key()))
            gone.append(decode(it.value()));
    m_objects = std::move(fresh);
    m_indexes = std::move(indexes);
    return gone;
}

QHash<QString, QByteArray> Cache::snapshot() const
{
    std::shared_lock lock(m_mutex);
    QHash<QString, QByteArray> out;
    out.reserve(m_objects.size());
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        out.insert(it.key(), it->json);
    return out;
}

} // namespace runtime
