#include "serverprocess.h"

#include <QDir>
#include <QFile>
#include <QUrl>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bench {

namespace {

// The value after "key: " on the first kubeconfig line that has it.
QByteArray kubeconfigValue(const QByteArray& yaml, const QByteArray& key)
{
    for (const auto& raw : yaml.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.startsWith(key + ':'))
            return line.mid(key.size() + 1).trimmed();
    }
    return {};
}

QByteArray readProcFile(qint64 pid, const char* name)
{
    QFile f(u"/proc/%1/%2"_s.arg(pid).arg(QLatin1StringView(name)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

ServerProcess::ServerProcess(QString program, QString workDir, bool persistent)
    : m_program(std::move(program))
    , m_workDir(std::move(workDir))
    , m_persistent(persistent)
{
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // Never leave a server behind, even when the benchmark is killed.
    m_process.setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

ServerProcess::~ServerProcess()
{
    stop();
}

bool ServerProcess::start(QString* error, int timeoutMs)
{
    const QDir dir(m_workDir);
    const QString kubeconfig = dir.filePath(u"kubeconfig"_s);
    QStringList args { u"apiserver"_s, u"--bind"_s, u"127.0.0.1:0"_s, u"--write-kubeconfig"_s, kubeconfig };
    if (m_persistent)
        args << u"--data-dir"_s << dir.filePath(u"data"_s);
    m_process.start(m_program, args);
    if (!m_process.waitForStarted(timeoutMs)) {
        *error = u"cannot start %1: %2"_s.arg(m_program, m_process.errorString());
        return false;
    }
    QByteArray out;
    while (!out.contains("serving https://")) {
        if (!m_process.waitForReadyRead(timeoutMs)) {
            *error = u"%1 did not report its address: %2"_s.arg(m_program, QString::fromUtf8(out));
            return false;
        }
        out += m_process.readAllStandardOutput();
    }
    const qsizetype at = out.indexOf("serving https://");
    const QUrl url(QString::fromUtf8(out.mid(at + 8, out.indexOf('\n', at) - at - 8).trimmed()));
    m_endpoint.host = url.host();
    m_endpoint.port = quint16(url.port());
    return readKubeconfig(kubeconfig, error);
}

bool ServerProcess::readKubeconfig(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1"_s.arg(path);
        return false;
    }
    const QByteArray yaml = f.readAll();
    m_endpoint.token = kubeconfigValue(yaml, "token");
    m_endpoint.ca = QSslCertificate(QByteArray::fromBase64(kubeconfigValue(yaml, "certificate-authority-data")));
    if (m_endpoint.token.isEmpty() || m_endpoint.ca.isNull()) {
        *error = u"%1 lacks a token or CA"_s.arg(path);
        return false;
    }
    return true;
}

void ServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString ServerProcess::kubeconfigPath() const
{
    return QDir(m_workDir).filePath(u"kubeconfig"_s);
}

double ServerProcess::cpuSeconds() const
{
    return processCpuSeconds(m_process.processId());
}

double ServerProcess::peakRssMiB() const
{
    return processMemoryMiB(m_process.processId(), "VmHWM");
}

double processCpuSeconds(qint64 pid)
{
    const QByteArray stat = readProcFile(pid, "stat");
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return 0;
    // Fields after "pid (comm)": state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / ticks;
}

double processMemoryMiB(qint64 pid, const char* field)
{
    const QByteArray status = readProcFile(pid, "status");
    const QByteArray key = QByteArray(field) + ':';
    const qsizetype at = status.indexOf(key);
    if (at < 0)
        return 0;
    const qsizetype start = at + key.size();
    const QByteArray kb = status.mid(start, status.indexOf('\n', at) - start).replace("kB", "").trimmed();
    return kb.toDouble() / 1024.0;
}

} // namespace bench
