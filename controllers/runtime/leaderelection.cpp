#include "leaderelection.h"

#include "kube/restclient.h"
#include "metrics_p.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>
#include <prometheus/gauge.h>

using namespace Qt::StringLiterals;

namespace runtime {

Q_LOGGING_CATEGORY(lcLeader, "kubelb.runtime.leaderelection")

namespace {

QString microNow()
{
    return QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"_s);
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
    m_thread = QThread::create([this] { run(); });
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
    if (leading)
        Q_EMIT startedLeading();
    else
        Q_EMIT stoppedLeading();
}

void LeaderElector::run()
{
    qint64 lastRenewMs = 0;
    while (!m_stopping.load()) {
        if (!m_leading.load()) {
            if (tryAcquireOrRenew()) {
                lastRenewMs = monotonicMs();
                setLeading(true);
                continue;
            }
            sleepFor(m_config.retryPeriodMs);
            continue;
        }
        if (!sleepFor(m_config.retryPeriodMs))
            break;
        if (tryAcquireOrRenew())
            lastRenewMs = monotonicMs();
        else if (monotonicMs() - lastRenewMs > m_config.renewDeadlineMs)
            setLeading(false);
    }
    if (m_leading.load() && m_config.releaseOnCancel)
        release();
    setLeading(false);
}

bool LeaderElector::tryAcquireOrRenew()
{
    const kube::ResourcePath path { u"coordination.k8s.io"_s, u"v1"_s, u"leases"_s, m_config.leaseNamespace,
        m_config.leaseName, {} };
    const QString now = microNow();
    const int durationSeconds = std::max(1, m_config.leaseDurationMs / 1000);
    auto current = m_client.get(path);
    if (!current) {
        if (!current.error().isNotFound())
            return false;
        QJsonObject lease { { u"apiVersion"_s, u"coordination.k8s.io/v1"_s }, { u"kind"_s, u"Lease"_s },
            { u"metadata"_s,
                QJsonObject { { u"name"_s, m_config.leaseName }, { u"namespace"_s, m_config.leaseNamespace } } },
            { u"spec"_s,
                QJsonObject { { u"holderIdentity"_s, m_config.identity },
                    { u"leaseDurationSeconds"_s, durationSeconds }, { u"acquireTime"_s, now }, { u"renewTime"_s, now },
                    { u"leaseTransitions"_s, 0 } } } };
        const bool created = m_client.create(path, lease).ok();
        if (created)
            Q_EMIT newLeader(m_config.identity);
        return created;
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
    const int heldFor = spec.value(u"leaseDurationSeconds"_s).toInt(durationSeconds) * 1000;
    if (!holder.isEmpty() && holder != m_config.identity && m_observedAtMs + heldFor > monotonicMs())
        return false;
    if (holder != m_config.identity) {
        spec[u"acquireTime"_s] = now;
        spec[u"leaseTransitions"_s] = spec.value(u"leaseTransitions"_s).toInt() + 1;
    }
    spec[u"holderIdentity"_s] = m_config.identity;
    spec[u"leaseDurationSeconds"_s] = durationSeconds;
    spec[u"renewTime"_s] = now;
    QJsonObject updated = *current;
    updated[u"spec"_s] = spec;
    const auto result = m_client.update(path, updated);
    if (!result)
        return false;
    m_observedHolder = m_config.identity;
    m_observedRenewTime = now;
    m_observedAtMs = monotonicMs();
    return true;
}

// Hands the lease back with a one-second duration so a standby takes over on its next try (client-go's
// ReleaseOnCancel).
void LeaderElector::release()
{
    const kube::ResourcePath path { u"coordination.k8s.io"_s, u"v1"_s, u"leases"_s, m_config.leaseNamespace,
        m_config.leaseName, {} };
    auto current = m_client.get(path);
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
    if (m_client.update(path, updated))
        qCInfo(lcLeader).noquote() << "released lease" << m_config.leaseNamespace + u'/' + m_config.leaseName;
}

} // namespace runtime
