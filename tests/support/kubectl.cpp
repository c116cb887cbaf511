#include "kubectl.h"

#include <QRegularExpression>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace testsupport {

QByteArray KubectlResult::describe() const
{
    const QString state = timedOut ? u"timed out"_s : u"exit code %1"_s.arg(exitCode);
    return (state + u", stderr: "_s + err.trimmed()).toUtf8();
}

Kubectl::Kubectl(QString kubeconfig)
    : m_kubeconfig(std::move(kubeconfig))
    , m_cache(std::make_shared<QTemporaryDir>())
{
}

QString Kubectl::program()
{
    return qEnvironmentVariable("KUBECTL", u"kubectl"_s);
}

bool Kubectl::available()
{
    const QString p = program();
    return p.contains(u'/') || !QStandardPaths::findExecutable(p).isEmpty();
}

QStringList Kubectl::fullArguments(const QStringList& args) const
{
    return QStringList { u"--kubeconfig"_s, m_kubeconfig, u"--cache-dir"_s, m_cache->path() } + args;
}

std::unique_ptr<QProcess> Kubectl::start(const QStringList& args) const
{
    auto process = std::make_unique<QProcess>();
    process->start(program(), fullArguments(args));
    process->waitForStarted(10000);
    return process;
}

KubectlResult Kubectl::run(const QStringList& args, const QByteArray& stdinData, int timeoutMs) const
{
    QProcess process;
    process.start(program(), fullArguments(args));
    if (!process.waitForStarted(10000)) {
        KubectlResult r;
        r.err = u"cannot start %1: %2"_s.arg(program(), process.errorString());
        return r;
    }
    if (!stdinData.isEmpty())
        process.write(stdinData);
    process.closeWriteChannel();
    return finish(process, timeoutMs);
}

KubectlResult finish(QProcess& process, int timeoutMs)
{
    KubectlResult r;
    if (process.state() != QProcess::NotRunning && !process.waitForFinished(timeoutMs)) {
        r.timedOut = true;
        process.kill();
        process.waitForFinished(5000);
    }
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    if (!r.timedOut && process.exitStatus() == QProcess::NormalExit)
        r.exitCode = process.exitCode();
    return r;
}

QStringList tableRows(const QString& out)
{
    static const QRegularExpression age(QStringLiteral("^\\d+[smhdy](\\d+[smh])?$"));
    QStringList rows;
    for (const auto& line : out.split(u'\n', Qt::SkipEmptyParts)) {
        QStringList cells = line.simplified().split(u' ');
        for (auto& cell : cells)
            if (age.match(cell).hasMatch())
                cell = QStringLiteral("AGE");
        rows.append(cells.join(u' '));
    }
    return rows;
}

QString lastLine(const QString& text)
{
    return text.trimmed().split(u'\n').last();
}

} // namespace testsupport
