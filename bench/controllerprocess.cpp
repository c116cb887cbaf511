#include "controllerprocess.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <csignal>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace bench {

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

QPair<int, QByteArray> httpGet(quint16 port, const QByteArray& path, int timeoutMs)
{
    // Blocking calls are fine here: these endpoints are read between phases, never while a phase is timed.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return { 0, {} };
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray response;
    const QDeadlineTimer deadline(timeoutMs);
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        if (socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            response += socket.readAll();
    }
    response += socket.readAll();
    const qsizetype headEnd = response.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return { 0, {} };
    const int status = response.left(response.indexOf('\n')).split(' ').value(1).toInt();
    QByteArray body = response.mid(headEnd + 4);
    if (response.left(headEnd).toLower().contains("transfer-encoding: chunked")) {
        QByteArray decoded;
        qsizetype pos = 0;
        for (;;) {
            const qsizetype lineEnd = body.indexOf("\r\n", pos);
            if (lineEnd < 0)
                break;
            const qsizetype size = body.mid(pos, lineEnd - pos).trimmed().toLongLong(nullptr, 16);
            if (size <= 0)
                break;
            decoded += body.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        body = decoded;
    }
    return { status, body };
}

double metricSum(const QByteArray& exposition, const QByteArray& family, const QByteArray& labelPair)
{
    double sum = 0;
    for (const QByteArray& line : exposition.split('\n')) {
        if (!line.startsWith(family) || line.size() <= family.size())
            continue;
        const char next = line.at(family.size());
        if (next != '{' && next != ' ')
            continue;
        if (!labelPair.isEmpty() && !line.contains(labelPair))
            continue;
        sum += line.mid(line.lastIndexOf(' ') + 1).toDouble();
    }
    return sum;
}

ControllerProcess::ControllerProcess(QString program, QStringList args, QString logFile)
    : m_program(std::move(program))
    , m_args(std::move(args))
    , m_logFile(std::move(logFile))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

ControllerProcess::~ControllerProcess()
{
    stop();
}

bool ControllerProcess::start(QString* error, int timeoutMs)
{
    m_metricsPort = freePort();
    m_healthPort = freePort();
    QStringList args = m_args;
    args << u"--metrics-bind-address"_s << u"127.0.0.1:%1"_s.arg(m_metricsPort) << u"--health-probe-bind-address"_s
         << u"127.0.0.1:%1"_s.arg(m_healthPort);
    m_process.setStandardOutputFile(m_logFile, QIODevice::Append);
    m_process.start(m_program, args);
    if (!m_process.waitForStarted(timeoutMs)) {
        *error = u"cannot start %1: %2"_s.arg(m_program, m_process.errorString());
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning) {
            *error = u"%1 %2 exited (see %3)"_s.arg(m_program, m_args.join(u' '), m_logFile);
            return false;
        }
        if (httpGet(m_healthPort, "/readyz", 2000).first == 200)
            return true;
        QThread::msleep(100);
    }
    *error = u"%1 %2 not ready after %3 ms (see %4)"_s.arg(m_program, m_args.value(0)).arg(timeoutMs).arg(m_logFile);
    return false;
}

void ControllerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QByteArray ControllerProcess::metrics() const
{
    const auto [status, body] = httpGet(m_metricsPort, "/metrics");
    return status == 200 ? body : QByteArray();
}

double ControllerProcess::metric(const QByteArray& family, const QByteArray& labelPair) const
{
    return metricSum(metrics(), family, labelPair);
}

} // namespace bench
