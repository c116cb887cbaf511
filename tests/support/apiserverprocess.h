#pragma once

#include <QDeadlineTimer>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace testsupport {

/// One static token of the server's `--token-file` (kube-apiserver's --token-auth-file line).
struct StaticToken {
    QString token;
    QString user;
    QString uid;
    QStringList groups;
};

/// The real `kubelb-syncd apiserver` binary as a child process: a private data dir, a written admin kubeconfig
/// and token file, a random port; kill -9 and restart on the same data dir.
class ApiServerProcess {
public:
    /// Prepares a fresh temporary directory; the server starts with start().
    ApiServerProcess();
    ~ApiServerProcess();

    /// Adds a token user; takes effect at the next start().
    void addToken(const StaticToken& token) { m_tokens.append(token); }
    /// Launches the server and waits for its `serving https://…` line; false with *error on failure.
    bool start(QString* error, QDeadlineTimer deadline = QDeadlineTimer(30000));
    /// Sends SIGKILL and waits for the process to be gone.
    void kill();
    /// kill() then start() with the same data dir (the port changes).
    bool restart(QString* error);
    /// kill() then start() with the same data dir on the same port (clients keep their kubeconfigs).
    bool restartOnSamePort(QString* error);
    /// More `kubelb-syncd apiserver` flags (e.g. --faults, --context-name); take effect at the next start().
    void setExtraArguments(const QStringList& args) { m_extraArgs = args; }

    /// Whether the process is running.
    bool isRunning() const { return m_process && m_process->state() == QProcess::Running; }
    /// "https://127.0.0.1:PORT" of the current run.
    QString url() const { return m_url; }
    /// The admin kubeconfig the server wrote (rewritten on every start).
    QString kubeconfigPath() const { return path(u"kubeconfig"); }
    /// The data dir kept across restarts.
    QString dataDir() const { return path(u"data"); }
    /// A file name inside the private temporary directory.
    QString path(QStringView name) const;
    /// Writes a copy of the admin kubeconfig that authenticates with `token` instead; returns its path.
    QString writeKubeconfigWithToken(const QString& fileName, const QString& token) const;
    /// Everything the server wrote to stderr so far (for failure diagnostics).
    QByteArray log() const;
    /// The server's stderr log, under testsupport::e2eLogDir() (kept across restarts, scanned by tst_logscan).
    QString logPath() const { return m_logPath; }

private:
    bool writeTokenFile(QString* error) const;
    bool waitForServingLine(QDeadlineTimer deadline, QString* error);

    QTemporaryDir m_dir;
    QList<StaticToken> m_tokens;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stdout;
    QString m_url;
    QString m_bind = QStringLiteral("127.0.0.1:0");
    QStringList m_extraArgs;
    QString m_logPath;
};

} // namespace testsupport
