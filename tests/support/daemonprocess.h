#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>

namespace testsupport {

/// A `kubelb-syncd ccm|manager` daemon as a child process; stderr and stdout are appended to
/// testsupport::e2eLogFile(name) and its ".out" sibling, across kill -9 restarts.
class DaemonProcess {
public:
    DaemonProcess() = default;
    ~DaemonProcess() { kill9(); }

    /// Names the daemon (its log file) and sets its `kubelb-syncd` arguments; takes effect at the next start().
    void configure(const QString& name, const QStringList& args)
    {
        m_name = name;
        m_args = args;
    }

    QString name() const { return m_name; }
    const QStringList& arguments() const { return m_args; }
    void setArguments(const QStringList& args) { m_args = args; }
    /// The stderr log (the stdout log is logPath() + ".out").
    QString logPath() const { return m_logPath; }

    /// Starts the daemon; false with *error when it cannot be started.
    bool start(QString* error);
    /// Whether the process is running.
    bool running() const { return m_process && m_process->state() == QProcess::Running; }
    /// SIGKILL: no shutdown code runs; waits for the process to be gone.
    void kill9();
    /// For failure messages: running, or its exit code and the last lines of its (redacted) log.
    QString exitReport() const;

private:
    QString m_name;
    QStringList m_args;
    QString m_logPath;
    std::unique_ptr<QProcess> m_process;
};

} // namespace testsupport
