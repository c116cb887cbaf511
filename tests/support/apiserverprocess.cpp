#include "apiserverprocess.h"

#include "e2elogs.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QThread>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace testsupport {

namespace {

QString csvField(const QString& value)
{
    return value.contains(u',') ? u'"' + value + u'"' : value;
}

bool writeFile(const QString& path, const QByteArray& content, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

ApiServerProcess::ApiServerProcess() = default;

ApiServerProcess::~ApiServerProcess()
{
    kill();
}

QString ApiServerProcess::path(QStringView name) const
{
    return m_dir.filePath(name.toString());
}

bool ApiServerProcess::writeTokenFile(QString* error) const
{
    QByteArray csv;
    for (const auto& t : m_tokens)
        csv += QStringList { t.token, t.user, t.uid, csvField(t.groups.join(u',')) }.join(u',').toUtf8() + '\n';
    return writeFile(path(u"tokens.csv"), csv, error);
}

bool ApiServerProcess::start(QString* error, QDeadlineTimer deadline)
{
    if (!m_dir.isValid() || !QDir().mkpath(dataDir()) || !writeTokenFile(error)) {
        if (error->isEmpty())
            *error = u"cannot prepare the temporary directory"_s;
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncd"));
    m_process->setArguments(QStringList { u"apiserver"_s, u"--bind"_s, m_bind, u"--data-dir"_s, dataDir(),
                                u"--write-kubeconfig"_s, kubeconfigPath(), u"--token-file"_s, path(u"tokens.csv") }
        + m_extraArgs);
    // stderr goes to a file: nothing drains a pipe while the test blocks on kubectl.
    if (m_logPath.isEmpty())
        m_logPath = e2eLogFile(u"apiserver"_s);
    m_process->setStandardErrorFile(m_logPath, QIODevice::Append);
    m_process->start();
    if (!m_process->waitForStarted(deadline.remainingTime())) {
        *error = u"cannot start %1: %2"_s.arg(m_process->program(), m_process->errorString());
        return false;
    }
    return waitForServingLine(deadline, error);
}

bool ApiServerProcess::waitForServingLine(QDeadlineTimer deadline, QString* error)
{
    static const QRegularExpression serving(
        u"^serving (https://127\\.0\\.0\\.1:\\d+)$"_s, QRegularExpression::MultilineOption);
    m_stdout.clear();
    m_url.clear();
    while (!deadline.hasExpired() && m_process->state() == QProcess::Running) {
        m_process->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        m_stdout += m_process->readAllStandardOutput();
        const auto match = serving.match(QString::fromUtf8(m_stdout));
        if (match.hasMatch()) {
            m_url = match.captured(1);
            return true;
        }
    }
    *error = u"no `serving https://` line from the server (stdout: %1; log: %2)"_s.arg(
        QString::fromUtf8(m_stdout), QString::fromUtf8(log().right(2000)));
    return false;
}

void ApiServerProcess::kill()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill(); // SIGKILL: no shutdown code runs
        m_process->waitForFinished(10000);
    }
    m_process.reset();
}

bool ApiServerProcess::restart(QString* error)
{
    kill();
    return start(error);
}

bool ApiServerProcess::restartOnSamePort(QString* error)
{
    const QUrl url(m_url);
    kill();
    if (url.port() > 0)
        m_bind = u"127.0.0.1:%1"_s.arg(url.port());
    // The kernel may still hold the port for a moment after SIGKILL: retry for a few seconds.
    const QDeadlineTimer deadline(15000);
    for (;;) {
        if (start(error, QDeadlineTimer(qMax<qint64>(1, deadline.remainingTime()))))
            return true;
        kill();
        if (deadline.hasExpired())
            return false;
        QThread::msleep(200);
    }
}

QString ApiServerProcess::writeKubeconfigWithToken(const QString& fileName, const QString& token) const
{
    QFile in(kubeconfigPath());
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QString yaml = QString::fromUtf8(in.readAll());
    yaml.replace(QRegularExpression(u"^(\\s+token:).*$"_s, QRegularExpression::MultilineOption), u"\\1 "_s + token);
    QString error;
    const QString target = path(fileName);
    return writeFile(target, yaml.toUtf8(), &error) ? target : QString();
}

QByteArray ApiServerProcess::log() const
{
    QFile file(m_logPath);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace testsupport
