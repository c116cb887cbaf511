#include "liveworker.h"

#include "controllers/runtime/informer.h"
#include "kube/kubeconfig.h"
#include "kube/restclient.h"

#include <QMutexLocker>

using namespace Qt::StringLiterals;

namespace views {

namespace {

// A watch error counts as recovered after this long without another one (the informer backs off up to 30 s).
constexpr int kErrorMemorySeconds = 35;

} // namespace

struct LiveWorker::Watch {
    std::unique_ptr<runtime::Informer> informer;
    QString resource;
    QString error;
    QDateTime errorAt;
    QDateTime lastEvent;
    int listsAtError = 0;

    bool healthy() const
    {
        if (!informer->hasSynced())
            return false;
        if (error.isEmpty())
            return true;
        return informer->listCount() > listsAtError || (lastEvent.isValid() && lastEvent > errorAt)
            || errorAt.secsTo(QDateTime::currentDateTimeUtc()) > kErrorMemorySeconds;
    }
};

struct LiveWorker::Source {
    QString context;
    QString role;
    QString error; ///< client could not be created
    std::unique_ptr<kube::RestClient> client;
    std::vector<std::unique_ptr<Watch>> watches;

    Watch* watch(const QString& resource) const
    {
        for (const auto& w : watches)
            if (w->resource == resource)
                return w.get();
        return nullptr;
    }
};

LiveWorker::LiveWorker(QObject* parent)
    : QObject(parent)
{
    m_coalesce.setParent(this);
    m_coalesce.setSingleShot(true);
    connect(&m_coalesce, &QTimer::timeout, this, &LiveWorker::rebuild);
    m_health.setParent(this);
    m_health.setInterval(1000);
    connect(&m_health, &QTimer::timeout, this, [this] {
        const QList<ContextStatus> now = computeStatuses();
        QMutexLocker lock(&m_mutex);
        bool same = now.size() == m_statuses.size();
        for (int i = 0; same && i < now.size(); ++i)
            same = now[i].state == m_statuses[i].state && now[i].watchesHealthy == m_statuses[i].watchesHealthy
                && now[i].error == m_statuses[i].error && now[i].lastEvent == m_statuses[i].lastEvent;
        if (same)
            return;
        m_statuses = now;
        lock.unlock();
        Q_EMIT built();
    });
}

LiveWorker::~LiveWorker()
{
    stopAll();
}

void LiveWorker::stopAll()
{
    m_coalesce.stop();
    m_health.stop();
    std::vector<std::unique_ptr<Source>> old;
    {
        QMutexLocker lock(&m_mutex);
        old.swap(m_sources);
    }
    for (auto& s : old)
        for (auto& w : s->watches)
            w->informer->stop();
}

void LiveWorker::configure(const ConsoleConfig& config, int coalesceMs, const QHash<QString, TypedCredential>& typed)
{
    stopAll();
    m_coalesce.setInterval(coalesceMs);
    m_tenants = config.tenants;
    m_management = config.managementContext;
    if (!config.managementContext.isEmpty())
        addSource(config.managementContext, u"management"_s, config, typed);
    for (const auto& tenant : config.tenants)
        addSource(tenant.context, u"tenant"_s, config, typed);
    m_health.start();
    rebuild();
}

void LiveWorker::addSource(const QString& context, const QString& role, const ConsoleConfig& config,
    const QHash<QString, TypedCredential>& typed)
{
    auto source = std::make_unique<Source>();
    source->context = context;
    source->role = role;
    const auto clientConfig = resolveClientConfig(config, typed, context);
    if (!clientConfig) {
        source->error = clientConfig.error().message();
    } else {
        kube::RestOptions options;
        options.maxRetries = 2; // an unreachable cluster is reported, not waited for
        options.timeoutMs = 15000;
        source->client = std::make_unique<kube::RestClient>(*clientConfig, options);
    }
    Source* s = source.get();
    {
        QMutexLocker lock(&m_mutex);
        m_sources.push_back(std::move(source));
    }
    if (!s->client)
        return;
    addWatch(*s, u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s);
    if (role == u"management") {
        addWatch(*s, {}, u"v1"_s, u"secrets"_s);
        addWatch(*s, {}, u"v1"_s, u"namespaces"_s);
    }
}

LiveWorker::Watch* LiveWorker::addWatch(
    Source& source, const QString& group, const QString& version, const QString& resource)
{
    auto watch = std::make_unique<Watch>();
    watch->resource = resource;
    watch->informer = std::make_unique<runtime::Informer>(
        *source.client, kube::ResourcePath { group, version, resource, {}, {}, {} });
    Watch* w = watch.get();
    runtime::EventHandler handler;
    const auto touched = [this, w] {
        w->lastEvent = QDateTime::currentDateTimeUtc();
        changed();
    };
    handler.onAdd = [touched](const QJsonObject&) { touched(); };
    handler.onUpdate = [touched](const QJsonObject& a, const QJsonObject& b) {
        if (a != b)
            touched();
    };
    handler.onDelete = [touched](const QJsonObject&) { touched(); };
    w->informer->addEventHandler(handler);
    connect(w->informer.get(), &runtime::Informer::watchError, this, [this, w](const kube::ApiError& error) {
        w->error = error.message().isEmpty() ? error.reason() : error.message();
        w->errorAt = QDateTime::currentDateTimeUtc();
        w->listsAtError = w->informer->listCount();
        changed();
    });
    connect(w->informer.get(), &runtime::Informer::synced, this, [this, w] {
        w->lastEvent = QDateTime::currentDateTimeUtc();
        changed();
    });
    {
        QMutexLocker lock(&m_mutex);
        source.watches.push_back(std::move(watch));
    }
    w->informer->start();
    return w;
}

void LiveWorker::refresh()
{
    QMutexLocker lock(&m_mutex);
    for (auto& s : m_sources)
        for (auto& w : s->watches) {
            w->informer->stop();
            w->informer->start();
        }
}

void LiveWorker::changed()
{
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void LiveWorker::rebuild()
{
    const models::Snapshot s = snapshot();
    models::LineageOptions options;
    options.cache = &m_lineageCache;
    QList<models::LineageChain> chains = models::buildLineage(s, options);
    QList<ContextStatus> statuses = computeStatuses();
    {
        QMutexLocker lock(&m_mutex);
        m_chains = std::move(chains);
        m_statuses = std::move(statuses);
    }
    Q_EMIT built();
}

QList<ContextStatus> LiveWorker::computeStatuses() const
{
    QMutexLocker lock(&m_mutex);
    QList<ContextStatus> out;
    for (const auto& s : m_sources) {
        ContextStatus st;
        st.context = s->context;
        st.role = s->role;
        if (!s->client) {
            st.state = ContextStatus::State::Failed;
            st.error = s->error;
            out.append(st);
            continue;
        }
        bool anySynced = false;
        for (const auto& w : s->watches) {
            ++st.watches;
            anySynced = anySynced || w->informer->hasSynced();
            if (w->healthy())
                ++st.watchesHealthy;
            else if (!w->error.isEmpty())
                st.error = w->error;
            if (w->lastEvent.isValid() && (!st.lastEvent.isValid() || w->lastEvent > st.lastEvent))
                st.lastEvent = w->lastEvent;
        }
        st.state = st.watchesHealthy == st.watches ? ContextStatus::State::Healthy
            : !anySynced && !st.error.isEmpty()    ? ContextStatus::State::Failed
            : !anySynced                           ? ContextStatus::State::Connecting
                                                   : ContextStatus::State::Degraded;
        out.append(st);
    }
    return out;
}

models::Snapshot LiveWorker::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    models::Snapshot snap;
    snap.takenAt = QDateTime::currentDateTimeUtc();
    snap.management.context = m_management;
    for (const auto& s : m_sources) {
        const auto unreachable = [&s](const Watch* w) {
            return !s->client ? s->error : (w && !w->informer->hasSynced() ? w->error : QString());
        };
        if (s->role == u"management") {
            const Watch* sync = s->watch(u"syncsecrets"_s);
            const QString error = unreachable(sync);
            snap.management.reachable = s->client && sync && sync->informer->hasSynced();
            snap.management.error = error;
            if (sync)
                snap.management.syncSecrets = sync->informer->cache().list();
            if (const Watch* w = s->watch(u"secrets"_s))
                snap.management.secrets = w->informer->cache().list();
            if (const Watch* w = s->watch(u"namespaces"_s))
                snap.management.namespaces = w->informer->cache().list();
            continue;
        }
        models::TenantSnapshot t;
        for (const auto& tenant : m_tenants)
            if (tenant.context == s->context)
                t.tenant = tenant;
        const Watch* sync = s->watch(u"syncsecrets"_s);
        t.reachable = s->client && sync && sync->informer->hasSynced();
        t.error = unreachable(sync);
        if (sync)
            t.syncSecrets = sync->informer->cache().list();
        snap.tenants.append(t);
    }
    return snap;
}

std::optional<QJsonObject> LiveWorker::object(const models::ObjectRef& ref) const
{
    QMutexLocker lock(&m_mutex);
    const QString resource = ref.kind == u"Secret" ? u"secrets"_s : u"syncsecrets"_s;
    for (const auto& s : m_sources)
        if (s->context == ref.context)
            if (const Watch* w = s->watch(resource))
                if (auto o = w->informer->cache().get(ref.namespace_, ref.name))
                    return o;
    return std::nullopt;
}

kube::RestClient* LiveWorker::client(const QString& context) const
{
    QMutexLocker lock(&m_mutex);
    for (const auto& s : m_sources)
        if (s->context == context)
            return s->client.get();
    return nullptr;
}

QList<models::LineageChain> LiveWorker::chains() const
{
    QMutexLocker lock(&m_mutex);
    return m_chains;
}

QList<ContextStatus> LiveWorker::statuses() const
{
    QMutexLocker lock(&m_mutex);
    return m_statuses;
}

} // namespace views
