#pragma once

#include "kube/expected.h"

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <mutex>

class QThread;

namespace kube {
class RestClient;
}

namespace runtime {

class MetricsRegistry;

/// Leader election settings, client-go's defaults (leaseDuration > renewDeadline > retryPeriod).
struct LeaderElectionConfig {
    QString leaseNamespace;
    QString leaseName;
    QString identity; ///< unique per replica (hostname + random suffix)
    int leaseDurationMs = 15000;
    int renewDeadlineMs = 10000;
    int retryPeriodMs = 2000;
    bool releaseOnCancel = true;
};

/// client-go's LeaderElector on a coordination.k8s.io/v1 Lease: acquire when the lease is free or expired (judged
/// by the local time the holder's record was last seen to change, so clock skew does not matter), renew every
/// retry period, give up once the renew deadline passes without a successful renewal (every request is bounded
/// by that deadline and never retried by the client), release on stop so a standby takes over at once. Runs its
/// loop on its own thread; signals are emitted from that thread.
class LeaderElector : public QObject {
    Q_OBJECT
public:
    LeaderElector(kube::RestClient& client, LeaderElectionConfig config, MetricsRegistry* metrics = nullptr,
        QObject* parent = nullptr);
    ~LeaderElector() override;

    void start();
    /// Stops campaigning; releases the lease when leading (and releaseOnCancel).
    void stop();
    bool isLeader() const { return m_leading.load(); }
    const LeaderElectionConfig& config() const { return m_config; }

Q_SIGNALS:
    void startedLeading();
    void stoppedLeading();
    /// The holder changed (another replica or this one).
    void newLeader(const QString& identity);

private:
    enum class Attempt { Held, Failed, HeldByOther };

    void run();
    Attempt tryAcquireOrRenew(const QDeadlineTimer& deadline);
    kube::Expected<QJsonObject> call(const QByteArray& verb, const QJsonObject& body, const QDeadlineTimer& deadline);
    void release();
    bool sleepFor(int ms); ///< false when stopping
    void setLeading(bool leading);

    kube::RestClient& m_client;
    LeaderElectionConfig m_config;
    QThread* m_thread = nullptr;
    std::atomic<bool> m_leading { false };
    std::atomic<bool> m_stopping { false };
    std::mutex m_mutex;
    std::condition_variable m_wake;
    QString m_observedHolder;
    QString m_observedRenewTime;
    qint64 m_observedAtMs = 0;
    struct Metrics;
    std::unique_ptr<Metrics> m_metrics;
};

} // namespace runtime
