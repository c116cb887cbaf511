#include "daemonprocess.h"

#include "e2elogs.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace testsupport {

bool DaemonProcess::start(QString* error)
{
    if (m_logPath.isEmpty())
        m_logPath = e2eLogFile(m_name);
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncd"));
    m_process->setArguments(m_args);
    m_process->setStandardErrorFile(m_logPath, QIODevice::Append);
    m_process->setStandardOutputFile(m_logPath + u".out"_s, QIODevice::Append);
    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        *error = u"%1: cannot start: %2"_s.arg(m_name, m_process->errorString());
        return false;
    }
    return true;
}

void DaemonProcess::kill9()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(10000);
    }
    m_process.reset();
}

QString DaemonProcess::exitReport() const
{
    if (running())
        return m_name + u" is running"_s;
    QFile f(m_logPath);
    const QByteArray log = f.open(QIODevice::ReadOnly) ? f.readAll().right(1500) : QByteArray();
    return u"%1 exited (code %2); log tail: %3"_s.arg(m_name)
        .arg(m_process ? m_process->exitCode() : -1)
        .arg(QString::fromUtf8(log));
}

} // namespace testsupport
