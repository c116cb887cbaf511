#pragma once

#include "httpclient.h"

#include <QProcess>
#include <QString>

namespace bench {

/// User + system CPU seconds of process `pid` so far (/proc/PID/stat).
double processCpuSeconds(qint64 pid);
/// A /proc/PID/status field in MiB ("VmRSS", "VmHWM"); 0 when unreadable.
double processMemoryMiB(qint64 pid, const char* field);

/// A `kubelb-syncd apiserver` child process on a free loopback port, in memory or with `--data-dir`.
class ServerProcess {
public:
    /// `workDir` receives the kubeconfig (and the SQLite data dir when `persistent`).
    ServerProcess(QString program, QString workDir, bool persistent);
    ~ServerProcess();

    /// Starts the process and waits for its `serving https://…` line; false with *error otherwise.
    bool start(QString* error, int timeoutMs = 30000);
    /// SIGTERM, then SIGKILL if it has not exited after 15 s.
    void stop();
    /// Address, admin token and CA read from the written kubeconfig.
    const Endpoint& endpoint() const { return m_endpoint; }
    /// User + system CPU seconds the server has used so far (/proc/PID/stat).
    double cpuSeconds() const;
    /// Peak resident set size in MiB (/proc/PID/status VmHWM).
    double peakRssMiB() const;
    /// Path of the admin kubeconfig the server wrote.
    QString kubeconfigPath() const;

private:
    bool readKubeconfig(const QString& path, QString* error);

    QString m_program;
    QString m_workDir;
    bool m_persistent;
    QProcess m_process;
    Endpoint m_endpoint;
};

} // namespace bench
