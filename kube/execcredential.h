#pragma once

#include "clientconfig.h"
#include "expected.h"

#include <QByteArray>
#include <QDateTime>
#include <QProcessEnvironment>
#include <QString>

namespace kube {

/// The status of an ExecCredential an exec plugin printed (client.authentication.k8s.io v1 / v1beta1).
struct ExecCredentialStatus {
    QString token;
    QByteArray clientCertPem;
    QByteArray clientKeyPem;
    QDateTime expirationTimestamp; ///< invalid when the credential does not expire
};

/// The KUBERNETES_EXEC_INFO value: an ExecCredential with spec.interactive=false and, with provideClusterInfo,
/// spec.cluster {server, certificate-authority-data, insecure-skip-tls-verify, tls-server-name, proxy-url}.
QByteArray execInfo(const ClientConfig& config);
/// Parses a plugin's stdout; errors never quote the output (it carries secrets).
Expected<ExecCredentialStatus> parseExecCredential(const QByteArray& output, const QString& apiVersion);
/// Runs `config.exec` non-interactively in `environment` plus its env entries, bounded by `timeoutMs`.
Expected<ExecCredentialStatus> runExecPlugin(
    const ClientConfig& config, const QProcessEnvironment& environment, int timeoutMs);

} // namespace kube
