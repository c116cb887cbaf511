#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

// Fails the test unless a process result exited 0; the message carries stderr (never stdout: it may hold data).
#define KVERIFY(result) QVERIFY2((result).exitCode == 0, (result).describe().constData())
// Fails the test unless kubectl exited 1, kubectl's code for a failed request (and `auth can-i`'s "no").
#define KFAIL(result) QVERIFY2((result).exitCode == 1, (result).describe().constData())

namespace testsupport {

/// The lines of a kubectl table with blank runs collapsed and every age cell ("0s", "5m3s") replaced by "AGE".
QStringList tableRows(const QString& out);
/// The last non-empty line of kubectl's stderr (earlier lines are klog noise such as memcache retries).
QString lastLine(const QString& text);

/// What one kubectl invocation produced.
struct KubectlResult {
    int exitCode = -1; ///< -1 when kubectl crashed, did not start or missed its deadline
    QString out;
    QString err;
    bool timedOut = false;

    /// A one-line summary for failure messages: exit code and stderr (never stdout, which may hold secret data).
    QByteArray describe() const;
};

/// Runs the real `kubectl` against one kubeconfig with a private discovery cache (fresh per Kubectl object).
class Kubectl {
public:
    /// Uses `kubeconfig` for every run; the discovery cache lives in a private temporary directory.
    explicit Kubectl(QString kubeconfig);

    /// Runs `kubectl <args>` with optional stdin and waits at most `timeoutMs` (then kills it).
    KubectlResult run(const QStringList& args, const QByteArray& stdinData = {}, int timeoutMs = 30000) const;
    /// Starts `kubectl <args>` in the background (e.g. `get -w`, a waiting delete); the caller owns the process.
    std::unique_ptr<QProcess> start(const QStringList& args) const;
    /// The kubectl program used ($KUBECTL or `kubectl` from PATH).
    static QString program();
    /// Whether a kubectl binary can be found.
    static bool available();

private:
    QStringList fullArguments(const QStringList& args) const;

    QString m_kubeconfig;
    std::shared_ptr<QTemporaryDir> m_cache;
};

/// Collects the result of a finished (or killed) background process.
KubectlResult finish(QProcess& process, int timeoutMs = 30000);

} // namespace testsupport
