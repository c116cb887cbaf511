#include "leaderelection.h"

#include "kube/restclient.h"
#include "kube/tsan.h"
#include "metrics_p.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>
#include <algorithm>
#include <prometheus/gauge.h>

using namespace Qt::StringLiterals;

namespace runtime {

Q_LOGGING_CATEGORY(lcLeader, "kubelb.runtime.leaderelection")

namespace {

QString microNow()
{
    return QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"_s);
}

kube::ResourcePath leasePath(const LeaderElectionConfig& config)
{
    return { u"coordination.k8s.io"_s, u"v1"_s, u"leases"_s, config.leaseNamespace, config.leaseName, {} };
}

qint64 monotonicMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

} // namespace

struct LeaderElector::Metrics {
    std::shared_ptr<prometheus::Registry> registry; // keeps the gauge alive
    prometheus::Gauge* status = nullptr;
};

LeaderElector::LeaderElector(
    kube::RestClient& client, LeaderElectionConfig config, MetricsRegistry* metrics, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_config(std::move(config))
{
    if (!metrics)
        return;
    try {
        auto prom = detail::MetricsRegistryAccess::prometheusRegistry(*metrics);
        m_metrics = std::make_unique<Metrics>();
        m_metrics->registry = prom;
        m_metrics->status = &prometheus::BuildGauge()
                                 .Name("leader_election_master_status")
                                 .Help("Gauge of if the reporting system is master of the relevant lease, 0 "
                                       "indicates backup, 1 indicates master. 'name' is the string used to identify "
                                       "the lease.")
                                 .Register(*prom)
                                 .Add({ { "name", m_config.leaseName.toStdString() } });
    } catch (const std::exception& e) {
        qCWarning(lcLeader) << "leader election metric unavailable:" << e.what();
        m_metrics.reset();
    }
}

LeaderElector::~LeaderElector()
{
    stop();
}

void LeaderElector::start()
{
    if (m_thread)
        return;
    m_stopping = false;
    m_thread = QThread::create([this] {
        run();
        kubelbHappensBefore(this); // pairs with stop()
    });
    m_thread->setObjectName(u"leader-election"_s);
    m_thread->start();
}

void LeaderElector::stop()
{
    if (!m_thread)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread->wait();
    // QThread::wait() on a thread that already finished only checks a flag under Qt's futex QMutex, which TSan
    // cannot see: the election thread's last accesses happen-before what follows (the destructor; kube/tsan.h).
    kubelbHappensAfter(this);
    delete m_thread;
    m_thread = nullptr;
}

bool LeaderElector::sleepFor(int ms)
{
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopping.load(); });
    return !m_stopping.load();
}

void LeaderElector::setLeading(bool leading)
{
    if (m_leading.exchange(leading) == leading)
        return;
    if (m_metrics)
        m_metrics->status->Set(leading ? 1 : 0);
    qCInfo(lcLeader).noquote() << (leading ? "acquired" : "lost") << "lease"
                               << m_config.leaseNamespace + u'/' + m_config.leaseName << "as" << m_config.identity;
    // Emitted from the election thread, queued to receivers on others (kube/tsan.h).
    KubelbTsanPost post(this);
    if (leading)
        Q_EMIT startedLeading();
    else
        Q_EMIT stoppedLeading();
}

void LeaderElector::run()
{
    if (m_config.renewDeadlineMs >= m_config.leaseDurationMs)
        qCWarning(lcLeader) << "renew deadline" << m_config.renewDeadlineMs << "ms is not below the lease duration"
                            << m_config.leaseDurationMs << "ms: two leaders may overlap";
    qint64 lastRenewMs = 0;
    while (!m_stopping.load()) {
        if (!m_leading.load()) {
            if (tryAcquireOrRenew(QDeadlineTimer(m_config.renewDeadlineMs)) == Attempt::Held) {
                lastRenewMs = monotonicMs();
                setLeading(true);
                continue;
            }
            sleepFor(m_config.retryPeriodMs);
            continue;
        }
        // client-go's renew loop: try every retry period until the renew deadline, each try bounded by it.
        const qint64 renewBy = lastRenewMs + m_config.renewDeadlineMs;
        if (!sleepFor(int(std::clamp<qint64>(renewBy - monotonicMs(), 0, m_config.retryPeriodMs))))
            break;
        const qint64 remaining = renewBy - monotonicMs();
        const Attempt attempt = remaining > 0 ? tryAcquireOrRenew(QDeadlineTimer(remaining)) : Attempt::Failed;
        if (attempt == Attempt::Held) {
            lastRenewMs = monotonicMs();
        } else if (attempt == Attempt::HeldByOther || monotonicMs() >= renewBy) {
            qCWarning(lcLeader).noquote()
                << "failed to renew lease" << m_config.leaseNamespace + u'/' + m_config.leaseName
                << (attempt == Attempt::HeldByOther ? "(another replica holds it)" : "before the renew deadline");
            setLeading(false);
        }
    }
    if (m_leading.load() && m_config.releaseOnCancel)
        release();
    setLeading(false);
}

// One request, never retried by the client and bounded by `deadline`.
kube::Expected<QJsonObject> LeaderElector::call(
    const QByteArray& verb, const QJsonObject& body, const QDeadlineTimer& deadline)
{
    const qint64 remaining = deadline.remainingTime();
    if (remaining == 0)
        return kube::ApiError(504, u"Timeout"_s, u"the renew deadline passed"_s);
    kube::RestRequest request;
    request.verb = verb;
    request.path = leasePath(m_config).path();
    if (verb == "POST")
        request.path = leasePath(m_config).withName({}).path();
    if (!body.isEmpty())
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const kube::RestResponse response
        = m_client.sendOnce(request, remaining < 0 ? 0 : int(std::max<qint64>(1, remaining)));
    if (!response.ok()) {
        // As client-go does ("error retrieving resource lock …"): a refused or failing lock call is visible in the
        // log (a 403 here means the Role lacks this verb). A missing Lease and a lost update race are routine.
        const kube::ApiError error = response.error();
        if (!(verb == "GET" && error.isNotFound()) && !error.isConflict())
            qCWarning(lcLeader).noquote() << "lease" << m_config.leaseNamespace + u'/' + m_config.leaseName << verb
                                          << "failed:" << error.message();
        return error;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(response.body);
    if (!doc.isObject())
        return kube::ApiError::internal(u"the server answered with invalid JSON"_s);
    return doc.object();
}

LeaderElector::Attempt LeaderElector::tryAcquireOrRenew(const QDeadlineTimer& deadline)
{
    const QString now = microNow();
    const int durationSeconds = std::max(1, (m_config.leaseDurationMs + 999) / 1000);
    auto current = call("GET", {}, deadline);
    if (!current) {
        if (!current.error().isNotFound())
            return Attempt::Failed;
        QJsonObject lease { { u"apiVersion"_s, u"coordination.k8s.io/v1"_s }, { u"kind"_s, u"Lease"_s },
            { u"metadata"_s,
                QJsonObject { { u"name"_s, m_config.leaseName }, { u"namespace"_s, m_config.leaseNamespace } } },
            { u"spec"_s,
                QJsonObject { { u"holderIdentity"_s, m_config.identity },
                    { u"leaseDurationSeconds"_s, durationSeconds }, { u"acquireTime"_s, now }, { u"renewTime"_s, now },
                    { u"leaseTransitions"_s, 0 } } } };
        if (!call("POST", lease, deadline))
            return Attempt::Failed;
        m_observedHolder = m_config.identity;
        m_observedRenewTime = now;
        m_observedAtMs = monotonicMs();
        Q_EMIT newLeader(m_config.identity);
        return Attempt::Held;
    }
    QJsonObject spec = current->value(u"spec"_s).toObject();
    const QString holder = spec.value(u"holderIdentity"_s).toString();
    const QString renewTime = spec.value(u"renewTime"_s).toString();
    if (holder != m_observedHolder || renewTime != m_observedRenewTime) {
        if (holder != m_observedHolder && !holder.isEmpty())
            Q_EMIT newLeader(holder);
        m_observedHolder = holder;
        m_observedRenewTime = renewTime;
        m_observedAtMs = monotonicMs();
    }
    const qint64 heldForMs = qint64(spec.value(u"leaseDurationSeconds"_s).toInt(durationSeconds)) * 1000;
    if (!holder.isEmpty() && holder != m_config.identity && m_observedAtMs + heldForMs > monotonicMs())
        return Attempt::HeldByOther;
    if (holder != m_config.identity) {
        spec[u"acquireTime"_s] = now;
        spec[u"leaseTransitions"_s] = spec.value(u"leaseTransitions"_s).toInt() + 1;
    }
    spec[u"holderIdentity"_s] = m_config.identity;
    spec[u"leaseDurationSeconds"_s] = durationSeconds;
    spec[u"renewTime"_s] = now;
    QJsonObject updated = *current;
    updated[u"spec"_s] = spec;
    // The update carries the resourceVersion just read: of two replicas racing for an expired lease, one gets 409.
    if (!call("PUT", updated, deadline))
        return Attempt::Failed;
    if (holder != m_config.identity)
        Q_EMIT newLeader(m_config.identity);
    m_observedHolder = m_config.identity;
    m_observedRenewTime = now;
    m_observedAtMs = monotonicMs();
    return Attempt::Held;
}

// Hands the lease back with a one-second duration so a standby takes over on its next try (client-go's
// ReleaseOnCancel). Bounded by the renew deadline, so stop() never hangs on an unreachable server.
void LeaderElector::release()
{
    const QDeadlineTimer deadline(m_config.renewDeadlineMs);
    auto current = call("GET", {}, deadline);
    if (!current)
        return;
    QJsonObject spec = current->value(u"spec"_s).toObject();
    if (spec.value(u"holderIdentity"_s).toString() != m_config.identity)
        return;
    spec[u"holderIdentity"_s] = QString();
    spec[u"leaseDurationSeconds"_s] = 1;
    spec[u"renewTime"_s] = microNow();
    QJsonObject updated = *current;
    updated[u"spec"_s] = spec;
    if (call("PUT", updated, deadline))
        qCInfo(lcLeader).noquote() << "released lease" << m_config.leaseNamespace + u'/' + m_config.leaseName;
}

} // namespace runtime
