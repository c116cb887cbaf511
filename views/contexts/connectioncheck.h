#pragma once

#include "kube/kubeconfig.h"

#include <QObject>
#include <QString>

template <typename T> class QFutureWatcher;

namespace views {

/// The connection state of one kubeconfig context.
enum class ConnectionState { Unknown, Connecting, Connected, Failed };

/// "Not tested", "Connecting…", "Connected", "Failed".
QString connectionStateText(ConnectionState state);

/// What a connection check found: the state and a message saying what works or what to do about it.
struct ConnectionReport {
    ConnectionState state = ConnectionState::Unknown;
    QString message;
    QString serverVersion; ///< "v1.32.0" when /version answered
};

/// Probes one kubeconfig context without blocking the calling thread: resolves it (running an exec plugin if it
/// has one), GETs /version, then lists kubelb.k8c.io SyncSecrets with limit=1. The report explains failures in
/// terms the user can act on: the missing exec plugin and the PATH searched, rejected credentials (401), the
/// forbidden verb and resource (403), the certificate problem and the kubeconfig field that controls it, and the
/// host:port that refused or did not resolve. Messages never contain a credential.
class ConnectionCheck : public QObject {
    Q_OBJECT
public:
    ConnectionCheck(kube::Kubeconfig kubeconfig, QString context, QObject* parent = nullptr);
    ~ConnectionCheck() override;

    /// Uses this bearer token instead of the kubeconfig's credentials (a token the user typed).
    void setTokenOverride(const QString& token) { m_token = token; }
    /// Uses the kubeconfig user's username with this password (a password the user typed).
    void setPasswordOverride(const QString& password) { m_password = password; }
    /// The limit for each request (default 10 s).
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }

    /// Starts the probe on a thread of its own; stateChanged(Connecting) is emitted at once.
    void start();

    const QString& context() const { return m_context; }
    const ConnectionReport& report() const { return m_report; }

    /// Runs the probe synchronously on the calling thread (which must not be a GUI thread that has to stay live).
    static ConnectionReport probe(const kube::Kubeconfig& kubeconfig, const QString& context, const QString& token,
        const QString& password, int timeoutMs);

Q_SIGNALS:
    void stateChanged(views::ConnectionState state, const QString& message);
    void finished(views::ConnectionCheck* check);

private:
    void setReport(const ConnectionReport& report);

    kube::Kubeconfig m_kubeconfig;
    QString m_context;
    QString m_token;
    QString m_password;
    int m_timeoutMs = 10000;
    ConnectionReport m_report;
    QFutureWatcher<ConnectionReport>* m_watcher = nullptr;
};

} // namespace views
