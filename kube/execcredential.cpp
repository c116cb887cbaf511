// client-go's exec credential plugin protocol: KUBERNETES_EXEC_INFO in, ExecCredential JSON out.
#include "execcredential.h"

#include "tls.h"
#include "yaml.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

constexpr qsizetype kMaxStderr = 512;
constexpr qint64 kMaxStdout = 1 << 20;

ApiError execError(const QString& message)
{
    return ApiError(0, u"ExecPluginFailed"_s, message);
}

/// The plugin's stderr for an error message: trimmed and bounded.
QString boundedStderr(const QByteArray& stderrData)
{
    QString text = QString::fromUtf8(stderrData).trimmed();
    if (text.size() > kMaxStderr)
        text = text.left(kMaxStderr) + u" [truncated]"_s;
    return text;
}

/// The program to start: a path as given, or a bare name looked up on the PATH of `environment`.
Expected<QString> resolveCommand(const ExecConfig& exec, const QProcessEnvironment& environment)
{
    const QString hint = exec.installHint.isEmpty() ? QString() : u'\n' + exec.installHint;
    if (exec.command.contains(u'/')) {
        const QFileInfo info(exec.command);
        if (!info.exists())
            return execError(u"exec plugin: executable \"%1\" not found%2"_s.arg(exec.command, hint));
        if (!info.isExecutable() || info.isDir())
            return execError(u"exec plugin: \"%1\" is not executable"_s.arg(exec.command));
        return exec.command;
    }
    const QString path = environment.value(u"PATH"_s);
    const QStringList dirs = path.split(QDir::listSeparator(), Qt::SkipEmptyParts);
    const QString found = dirs.isEmpty() ? QString() : QStandardPaths::findExecutable(exec.command, dirs);
    if (found.isEmpty())
        return execError(u"exec plugin: executable \"%1\" not found on PATH (%2)%3"_s.arg(exec.command, path, hint));
    return found;
}

std::optional<ApiError> validate(const ExecConfig& exec)
{
    if (exec.apiVersion != "client.authentication.k8s.io/v1"_L1
        && exec.apiVersion != "client.authentication.k8s.io/v1beta1"_L1)
        return execError(u"exec plugin: invalid apiVersion \"%1\""_s.arg(exec.apiVersion));
    if (exec.interactiveMode.isEmpty() && exec.apiVersion.endsWith("/v1"_L1))
        return execError(u"exec plugin: interactiveMode must be specified for apiVersion %1"_s.arg(exec.apiVersion));
    // Controllers and the console never hand the plugin a terminal.
    if (exec.interactiveMode == "Always"_L1)
        return execError(u"exec plugin cannot support interactive mode: standard input is not a terminal"_s);
    return std::nullopt;
}

QProcessEnvironment pluginEnvironment(const ClientConfig& config, const QProcessEnvironment& base)
{
    QProcessEnvironment env = base;
    for (const auto& [name, value] : config.exec->env)
        env.insert(name, value);
    env.insert(u"KUBERNETES_EXEC_INFO"_s, QString::fromUtf8(execInfo(config)));
    return env;
}

Expected<QByteArray> runProcess(
    const QString& program, const ClientConfig& config, const QProcessEnvironment& environment, int timeoutMs)
{
    const QString name = config.exec->command;
    QProcess process;
    process.setProgram(program);
    process.setArguments(config.exec->args);
    process.setProcessEnvironment(pluginEnvironment(config, environment));
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(QIODevice::ReadOnly);
    if (!process.waitForStarted(timeoutMs))
        return execError(u"exec plugin: cannot start \"%1\": %2"_s.arg(name, process.errorString()));
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(1000);
        return execError(
            u"exec plugin: \"%1\" did not finish within %2 s"_s.arg(name, QString::number(timeoutMs / 1000.0)));
    }
    const QString stderrText = boundedStderr(process.readAllStandardError());
    const QString detail = stderrText.isEmpty() ? QString() : u": "_s + stderrText;
    if (process.exitStatus() != QProcess::NormalExit)
        return execError(u"exec plugin: \"%1\" crashed%2"_s.arg(name, detail));
    if (process.exitCode() != 0)
        return execError(
            u"exec plugin: \"%1\" failed with exit code %2%3"_s.arg(name, QString::number(process.exitCode()), detail));
    const QByteArray output = process.readAllStandardOutput();
    if (output.size() > kMaxStdout)
        return execError(u"exec plugin: \"%1\" printed more than %2 bytes"_s.arg(name, QString::number(kMaxStdout)));
    return output;
}

Expected<ExecCredentialStatus> statusFrom(const QJsonObject& status)
{
    ExecCredentialStatus out;
    out.token = status.value(u"token"_s).toString();
    out.clientCertPem = status.value(u"clientCertificateData"_s).toString().toUtf8();
    out.clientKeyPem = status.value(u"clientKeyData"_s).toString().toUtf8();
    if (out.token.isEmpty() && out.clientCertPem.isEmpty() && out.clientKeyPem.isEmpty())
        return execError(u"exec plugin didn't return a token or cert/key pair"_s);
    if (out.clientCertPem.isEmpty() != out.clientKeyPem.isEmpty())
        return execError(u"exec plugin returned only certificate or key, not both"_s);
    QString reason;
    if (!out.clientCertPem.isEmpty() && !privateKeyMatchesCertificate(out.clientCertPem, out.clientKeyPem, &reason))
        return execError(u"exec plugin: failed parsing client key/certificate: %1"_s.arg(reason));
    const QString expiry = status.value(u"expirationTimestamp"_s).toString();
    if (!expiry.isEmpty()) {
        out.expirationTimestamp = QDateTime::fromString(expiry, Qt::ISODateWithMs);
        if (!out.expirationTimestamp.isValid())
            return execError(u"exec plugin: invalid expirationTimestamp \"%1\""_s.arg(expiry));
    }
    return out;
}

} // namespace

QByteArray execInfo(const ClientConfig& config)
{
    QJsonObject spec { { u"interactive"_s, false } };
    if (config.exec && config.exec->provideClusterInfo) {
        QJsonObject cluster { { u"server"_s, config.server } };
        if (!config.caPem.isEmpty())
            cluster[u"certificate-authority-data"_s] = QString::fromLatin1(config.caPem.toBase64());
        if (config.insecureSkipTlsVerify)
            cluster[u"insecure-skip-tls-verify"_s] = true;
        if (!config.tlsServerName.isEmpty())
            cluster[u"tls-server-name"_s] = config.tlsServerName;
        if (!config.proxyUrl.isEmpty())
            cluster[u"proxy-url"_s] = config.proxyUrl;
        spec[u"cluster"_s] = cluster;
    }
    const QString apiVersion = config.exec ? config.exec->apiVersion : QString();
    const QJsonObject info { { u"kind"_s, u"ExecCredential"_s }, { u"apiVersion"_s, apiVersion }, { u"spec"_s, spec } };
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

Expected<ExecCredentialStatus> parseExecCredential(const QByteArray& output, const QString& apiVersion)
{
    ParseError error;
    const std::optional<QJsonObject> credential = parseJsonObject(output, &error);
    if (!credential)
        return execError(u"exec plugin: invalid ExecCredential on stdout: %1"_s.arg(error.toString()));
    const QString kind = credential->value(u"kind"_s).toString();
    if (kind != "ExecCredential"_L1)
        return execError(u"exec plugin: expected an ExecCredential on stdout, got kind \"%1\""_s.arg(kind));
    const QString returned = credential->value(u"apiVersion"_s).toString();
    if (returned != apiVersion)
        return execError(u"exec plugin is configured to use API version %1, plugin returned version %2"_s.arg(
            apiVersion, returned.isEmpty() ? u"(none)"_s : returned));
    if (!credential->value(u"status"_s).isObject())
        return execError(u"exec plugin didn't return a status field"_s);
    return statusFrom(credential->value(u"status"_s).toObject());
}

Expected<ExecCredentialStatus> runExecPlugin(
    const ClientConfig& config, const QProcessEnvironment& environment, int timeoutMs)
{
    if (!config.exec)
        return execError(u"exec plugin: no exec configuration for user \"%1\""_s.arg(config.userName));
    if (auto invalid = validate(*config.exec))
        return *invalid;
    const Expected<QString> program = resolveCommand(*config.exec, environment);
    if (!program)
        return program.error();
    const Expected<QByteArray> output = runProcess(*program, config, environment, timeoutMs);
    if (!output)
        return output.error();
    return parseExecCredential(*output, config.exec->apiVersion);
}

} // namespace kube
