#include "store.h"

#include "persistence.h"

#include <QDir>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace apiserver {

ObjectStore::ObjectStore(int windowSize)
    : m_windowSize(windowSize)
{
}

ObjectStore::~ObjectStore() = default;

bool ObjectStore::open(const QString& dataDir, QString* error)
{
    if (!QDir().mkpath(dataDir)) {
        *error = u"cannot create data directory %1"_s.arg(dataDir);
        return false;
    }
    auto persistence = std::make_unique<SqlitePersistence>();
    if (!persistence->open(QDir(dataDir).filePath(u"store.db"_s), error))
        return false;
    m_objects.clear();
    m_window.clear();
    m_rv = persistence->load([this](const QString& gr, const QJsonObject& object) {
        const QJsonObject meta = object.value(u"metadata"_s).toObject();
        m_objects[gr].insert(keyOf(meta.value(u"namespace"_s).toString(), meta.value(u"name"_s).toString()), object);
    });
    m_windowStart = m_rv;
    m_persistence = std::move(persistence);
    return true;
}

void ObjectStore::setWindowSize(int size)
{
    m_windowSize = qMax(1, size);
    while (m_window.size() > size_t(m_windowSize)) {
        m_windowStart = m_window.front().resourceVersion;
        m_window.pop_front();
    }
}

std::optional<QJsonObject> ObjectStore::get(const QString& groupResource, const QString& ns, const QString& name) const
{
    const auto objects = m_objects.constFind(groupResource);
    if (objects == m_objects.cend())
        return std::nullopt;
    const auto it = objects->constFind(keyOf(ns, name));
    if (it == objects->cend())
        return std::nullopt;
    return *it;
}

QList<QJsonObject> ObjectStore::list(const QString& groupResource, const QString& ns) const
{
    QList<QJsonObject> out;
    const auto objects = m_objects.constFind(groupResource);
    if (objects == m_objects.cend())
        return out;
    if (ns.isEmpty()) {
        out.reserve(objects->size());
        for (const auto& o : *objects)
            out.append(o);
        return out;
    }
    const QString prefix = ns + u'/';
    for (auto it = objects->lowerBound(prefix); it != objects->cend() && it.key().startsWith(prefix); ++it)
        out.append(*it);
    return out;
}

qsizetype ObjectStore::count(const QString& groupResource) const
{
    return m_objects.value(groupResource).size();
}

QStringList ObjectStore::groupResources() const
{
    QStringList out;
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
        if (!it->isEmpty())
            out.append(it.key());
    return out;
}

std::optional<QJsonObject> ObjectStore::put(
    const QString& groupResource, QJsonObject object, const QJsonObject& previous, QString* error)
{
    const quint64 rv = m_rv + 1;
    QJsonObject meta = object.value(u"metadata"_s).toObject();
    meta[u"resourceVersion"_s] = QString::number(rv);
    object[u"metadata"_s] = meta;
    const QString ns = meta.value(u"namespace"_s).toString();
    const QString key = keyOf(ns, meta.value(u"name"_s).toString());
    if (m_persistence && !m_persistence->write(groupResource, key, object, rv, error))
        return std::nullopt;
    m_rv = rv;
    m_objects[groupResource].insert(key, object);
    record({ previous.isEmpty() ? WatchEvent::Type::Added : WatchEvent::Type::Modified, rv, groupResource, ns, object,
        previous });
    return object;
}

std::optional<QJsonObject> ObjectStore::remove(const QString& groupResource, const QJsonObject& object, QString* error)
{
    const quint64 rv = m_rv + 1;
    QJsonObject last = object;
    QJsonObject meta = last.value(u"metadata"_s).toObject();
    const QString ns = meta.value(u"namespace"_s).toString();
    const QString key = keyOf(ns, meta.value(u"name"_s).toString());
    if (m_persistence && !m_persistence->erase(groupResource, key, rv, error))
        return std::nullopt;
    m_rv = rv;
    m_objects[groupResource].remove(key);
    meta[u"resourceVersion"_s] = QString::number(rv);
    last[u"metadata"_s] = meta;
    record({ WatchEvent::Type::Deleted, rv, groupResource, ns, last, object });
    return last;
}

void ObjectStore::record(WatchEvent event)
{
    m_window.push_back(event);
    const auto listeners = m_listeners;
    if (m_window.size() > size_t(m_windowSize)) {
        m_windowStart = m_window.front().resourceVersion;
        m_window.pop_front();
    }
    // Listeners may add or remove listeners while being notified: iterate over a snapshot.
    for (const auto& listener : listeners)
        listener(event);
}

bool ObjectStore::replaySince(quint64 rv, const std::function<void(const WatchEvent&)>& visit) const
{
    if (rv < m_windowStart)
        return false;
    // Events are ordered by resourceVersion: binary search for the first one after rv.
    auto it = std::upper_bound(
        m_window.begin(), m_window.end(), rv, [](quint64 v, const WatchEvent& e) { return v < e.resourceVersion; });
    for (; it != m_window.end(); ++it)
        visit(*it);
    return true;
}

int ObjectStore::addListener(Listener listener)
{
    const int id = m_nextListener++;
    m_listeners.insert(id, std::move(listener));
    return id;
}

void ObjectStore::removeListener(int id)
{
    m_listeners.remove(id);
}

} // namespace apiserver
