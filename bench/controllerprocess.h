#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace bench {

/// A `kubelb-syncd ccm|manager` child process with its metrics and readiness endpoints on free loopback ports
/// (plain HTTP); its log goes to a file.
class ControllerProcess {
public:
    /// `args` are the command and its flags without the endpoint flags, which this class adds.
    ControllerProcess(QString program, QStringList args, QString logFile);
    ~ControllerProcess();

    /// Starts the process and waits until /readyz answers 200 (informer caches synced).
    bool start(QString* error, int timeoutMs = 60000);
    /// SIGTERM, then SIGKILL after 15 s.
    void stop();
    qint64 pid() const { return m_process.processId(); }
    /// The controller's Prometheus exposition (empty when unreachable).
    QByteArray metrics() const;
    /// Sum of the samples of `family` whose label set contains `labelPair` (e.g. `name="syncsecret-ccm"`).
    double metric(const QByteArray& family, const QByteArray& labelPair) const;

private:
    QString m_program;
    QStringList m_args;
    QString m_logFile;
    QProcess m_process;
    quint16 m_metricsPort = 0;
    quint16 m_healthPort = 0;
};

/// Plain HTTP GET on loopback (status, body); status 0 when the connection failed.
QPair<int, QByteArray> httpGet(quint16 port, const QByteArray& path, int timeoutMs = 5000);
/// A currently free loopback TCP port.
quint16 freePort();
/// Sum of the samples of `family` in a Prometheus exposition whose label set contains `labelPair`.
double metricSum(const QByteArray& exposition, const QByteArray& family, const QByteArray& labelPair = {});

} // namespace bench
