#include "informer.h"

#include "kube/tsan.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QThread>

using namespace Qt::StringLiterals;

namespace runtime {

Q_LOGGING_CATEGORY(lcInformer, "kubelb.runtime.informer")

namespace {

// client-go's reflector treats a watch that ended within a second without any event as a failure ("very short
// watch") and backs off; a watch that did useful work is resumed at once.
constexpr int kShortWatchMs = 1000;

} // namespace

Informer::Informer(kube::RestClient& client, kube::ResourcePath collection, InformerOptions options, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_collection(std::move(collection))
    , m_options(std::move(options))
    , m_watch(client)
{
    m_collection.name.clear();
    // Members are children so that moveToThread() takes them along to the informer's thread.
    m_watch.setParent(this);
    m_resyncTimer.setParent(this);
    m_retryTimer.setParent(this);
    m_retryTimer.setSingleShot(true);
    connect(&m_watch, &kube::WatchClient::event, this, &Informer::onEvent);
    connect(&m_watch, &kube::WatchClient::bookmark, this, [this](const QString& rv) {
        m_resourceVersion = rv;
        m_cache.setObservedVersion(rv);
        ++m_watchEvents;
    });
    connect(&m_watch, &kube::WatchClient::finished, this, &Informer::onWatchFinished);
    connect(&m_resyncTimer, &QTimer::timeout, this, &Informer::resync);
}

Informer::~Informer()
{
    stop();
}

void Informer::addEventHandler(EventHandler handler)
{
    // m_handlers belongs to the informer's thread: dispatching and the synthetic adds below must not interleave.
    if (QThread::currentThread() != thread() && thread() && thread()->isRunning()) {
        kubelbInvokeBlocking(this, [this, handler] { addEventHandler(handler); });
        return;
    }
    m_handlers.append(handler);
    if (!m_synced.load())
        return;
    m_cache.forEach([&handler](const QJsonObject& o) {
        if (handler.onAdd && (!handler.predicate || handler.predicate(o)))
            handler.onAdd(o);
    });
}

void Informer::start()
{
    if (m_running)
        return;
    m_running = true;
    ++m_generation;
    m_failures = 0;
    list({}, {}, {});
    if (m_options.resyncPeriodMs > 0)
        m_resyncTimer.start(m_options.resyncPeriodMs);
}

void Informer::stop()
{
    m_running = false;
    ++m_generation;
    m_watch.stop();
    m_retryTimer.stop();
    m_resyncTimer.stop();
}

// Lists page by page. The watch starts from the first page's resourceVersion: kube-apiserver serves every page
// from that snapshot, and a server whose later pages are fresher only makes the watch replay a few events.
// Each page is kept in the cache's form (compact JSON) as it arrives: a list of 100,000 objects is never held
// parsed all at once (that transient would cost several times the cache and fragment the heap).
void Informer::list(const QString& continueToken, QList<QByteArray> accumulated, const QString& snapshotVersion)
{
    if (!m_running)
        return;
    QUrlQuery query = m_options.selector;
    query.addQueryItem(u"limit"_s, QString::number(m_options.pageSize));
    if (!continueToken.isEmpty())
        query.addQueryItem(u"continue"_s, continueToken);
    auto* job = new kube::RestJob(m_client, { "GET", m_collection.path(), query, {}, {}, "application/json" }, this);
    const quint64 generation = m_generation;
    connect(job, &kube::RestJob::finished, this,
        [this, accumulated, snapshotVersion, generation](kube::RestJob* job) mutable {
            if (!m_running || generation != m_generation)
                return;
            const auto result = job->result();
            if (!result) {
                qCWarning(lcInformer).noquote() << m_collection.path() << "list failed:" << result.error().message();
                Q_EMIT watchError(result.error());
                retryLater(true);
                return;
            }
            for (const auto& item : result->value(u"items"_s).toArray())
                accumulated.append(Cache::encode(item.toObject()));
            const QJsonObject meta = result->value(u"metadata"_s).toObject();
            const QString version
                = snapshotVersion.isEmpty() ? meta.value(u"resourceVersion"_s).toString() : snapshotVersion;
            const QString next = meta.value(u"continue"_s).toString();
            if (!next.isEmpty())
                list(next, std::move(accumulated), version);
            else
                finishList(accumulated, version);
        });
    job->start();
}

// Stores a fresh list and tells handlers what changed since the cache's previous contents.
void Informer::finishList(const QList<QByteArray>& items, const QString& resourceVersion)
{
    ++m_lists;
    m_failures = 0;
    const QHash<QString, QByteArray> before = m_cache.snapshot();
    m_cache.setObservedVersion(resourceVersion);
    const QList<QJsonObject> gone = m_cache.replaceEncoded(items);
    for (const auto& json : items) {
        const QJsonObject o = Cache::decode(json);
        const auto old = before.constFind(keyOf(o));
        if (old == before.cend())
            dispatchAdd(o);
        else if (*old != json)
            dispatchUpdate(Cache::decode(*old), o);
    }
    for (const auto& o : gone)
        dispatchDelete(o);
    m_resourceVersion = resourceVersion;
    if (!m_synced.exchange(true)) {
        KubelbTsanPost post(this); // queued to receivers on other threads (the Manager's; kube/tsan.h)
        Q_EMIT synced();
    }
    watch();
}

void Informer::watch()
{
    if (!m_running)
        return;
    ++m_watches;
    m_watchEvents = 0;
    m_watchStarted.start();
    m_watch.start(m_collection, m_resourceVersion, m_options.selector, m_options.watchTimeoutSeconds);
}

bool Informer::watchWasProductive() const
{
    return m_watchEvents > 0 || (m_watchStarted.isValid() && m_watchStarted.elapsed() >= kShortWatchMs);
}

void Informer::retryLater(bool relist)
{
    // client-go's backoff: 800 ms doubling to the cap, with jitter.
    const int base = std::min(m_options.maxBackoffMs, 800 << std::min(m_failures, 6));
    ++m_failures;
    const int delay = base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
    m_retryTimer.disconnect(this);
    connect(&m_retryTimer, &QTimer::timeout, this, [this, relist] { relist ? list({}, {}, {}) : watch(); });
    m_retryTimer.start(delay);
}

void Informer::onEvent(kube::WatchEventType type, const QJsonObject& object)
{
    ++m_watchEvents;
    m_resourceVersion = object.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
    m_cache.setObservedVersion(m_resourceVersion);
    if (type == kube::WatchEventType::Deleted) {
        // Like client-go's DeltaFIFO, a deletion of an object the cache never held is no news to handlers.
        if (const auto old = m_cache.remove(keyOf(object)))
            dispatchDelete(object);
        return;
    }
    // A reconciler wrote this version (or a later one) through to the cache already and acted on it: the event adds
    // nothing, so no handler runs and no reconcile is queued for it (each would find nothing to do).
    bool alreadyCached = false;
    const auto old = m_cache.upsertUnlessOlder(object, &alreadyCached);
    if (alreadyCached)
        return;
    if (old)
        dispatchUpdate(*old, object);
    else
        dispatchAdd(object);
}

void Informer::onWatchFinished(const kube::ApiError& error, bool gone)
{
    if (!m_running)
        return;
    if (gone) {
        qCInfo(lcInformer).noquote() << m_collection.path() << "watch expired; relisting";
        list({}, {}, {});
        return;
    }
    const bool productive = watchWasProductive();
    if (productive)
        m_failures = 0;
    if (error.code() != 0) {
        if (productive)
            qCInfo(lcInformer).noquote() << m_collection.path() << "watch ended:" << error.message() << "; resuming";
        else
            qCWarning(lcInformer).noquote() << m_collection.path() << "watch failed:" << error.message();
        Q_EMIT watchError(error);
    }
    if (productive)
        watch(); // resume at once from the last resourceVersion
    else
        retryLater(false);
}

void Informer::resync()
{
    m_cache.forEach([this](const QJsonObject& o) { dispatchUpdate(o, o); });
}

void Informer::dispatchAdd(const QJsonObject& o)
{
    const QList<EventHandler> handlers = m_handlers; // a handler may add handlers
    for (const auto& h : handlers)
        if (h.onAdd && (!h.predicate || h.predicate(o)))
            h.onAdd(o);
}

void Informer::dispatchUpdate(const QJsonObject& oldObject, const QJsonObject& newObject)
{
    const QList<EventHandler> handlers = m_handlers;
    for (const auto& h : handlers)
        if (h.onUpdate && (!h.predicate || h.predicate(oldObject) || h.predicate(newObject)))
            h.onUpdate(oldObject, newObject);
}

void Informer::dispatchDelete(const QJsonObject& o)
{
    const QList<EventHandler> handlers = m_handlers;
    for (const auto& h : handlers)
        if (h.onDelete && (!h.predicate || h.predicate(o)))
            h.onDelete(o);
}

} // namespace runtime
