#pragma once

#include "informer.h"
#include "leaderelection.h"
#include "metrics.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <memory>
#include <optional>

class QThread;
class QHttpServer;

namespace runtime {

class Controller;

/// Manager settings (controller-runtime's manager.Options).
struct ManagerOptions {
    QString metricsBindAddress = QStringLiteral(":8080"); ///< "0" disables
    QString healthProbeBindAddress = QStringLiteral(":8081"); ///< "0" disables
    std::optional<LeaderElectionConfig> leaderElection; ///< unset: run without election
    int gracefulShutdownMs = 30000;
};

/// Runs informers (on one I/O thread), controllers (once the caches synced and, with leader election, only
/// while leading), serves /metrics, /healthz and /readyz, and shuts down gracefully: stop taking work, finish
/// in-flight reconciles within the deadline, release the Lease.
class Manager : public QObject {
    Q_OBJECT
public:
    explicit Manager(ManagerOptions options, QObject* parent = nullptr);
    ~Manager() override;

    MetricsRegistry& metrics() { return m_metrics; }
    /// Creates an informer living on the manager's I/O thread; owned by the manager (deleted at shutdown, unless a
    /// reconcile outlived the graceful deadline and may still read its cache). One added after start() starts at once.
    Informer* addInformer(kube::RestClient& client, const kube::ResourcePath& collection, InformerOptions options = {});
    /// Registers a controller (not owned, must outlive the manager's shutdown); it starts when the caches synced and,
    /// with leader election, the lease is held.
    void addController(Controller* controller);
    /// The client leader election uses (required when options.leaderElection is set).
    void setLeaderElectionClient(kube::RestClient* client) { m_leaderClient = client; }

    /// Starts endpoints, informers and leader election; false with *error when an endpoint cannot bind.
    bool start(QString* error);
    /// Graceful shutdown: stops the controllers (one gracefulShutdownMs deadline for all in-flight reconciles),
    /// the informers and the endpoints, then releases the Lease; emits stopped() when done. Safe to call twice.
    void shutdown();

    bool cachesSynced() const;
    bool isLeader() const;
    quint16 metricsPort() const { return m_metricsPort; }
    quint16 healthPort() const { return m_healthPort; }

Q_SIGNALS:
    void stopped();
    /// Leadership was lost while controllers ran: they have been stopped (without waiting, as controller-runtime
    /// skips the graceful period) and the manager no longer campaigns; the daemon should shut down and exit.
    void leadershipLost();

private:
    void maybeStartControllers();
    void onStoppedLeading();
    bool listen(const QString& address, QHttpServer* server, quint16* port, QString* error);

    ManagerOptions m_options;
    MetricsRegistry m_metrics;
    QThread* m_io = nullptr;
    QList<Informer*> m_informers;
    QList<Controller*> m_controllers;
    kube::RestClient* m_leaderClient = nullptr;
    std::unique_ptr<LeaderElector> m_elector;
    QHttpServer* m_metricsServer = nullptr;
    QHttpServer* m_healthServer = nullptr;
    quint16 m_metricsPort = 0;
    quint16 m_healthPort = 0;
    bool m_started = false;
    bool m_controllersStarted = false;
    bool m_shutdown = false;
};

/// Parses ":8080", "127.0.0.1:0", "[::1]:9090" (an empty host means all interfaces).
bool parseBindAddress(const QString& text, QHostAddress* host, quint16* port);

} // namespace runtime
