#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <optional>

namespace kube {

/// An exec credential plugin as a kubeconfig user describes it (client.authentication.k8s.io v1 / v1beta1).
struct ExecConfig {
    QString apiVersion; ///< client.authentication.k8s.io/v1 or /v1beta1
    QString command;
    QStringList args;
    QList<QPair<QString, QString>> env;
    QString installHint;
    bool provideClusterInfo = false;
    QString interactiveMode; ///< Never, IfAvailable, Always ("" = IfAvailable for v1beta1, required for v1)
};

/// Everything needed to talk to one cluster as one user: the resolved kubeconfig context (or in-cluster config).
struct ClientConfig {
    QString server; ///< "https://host:port" (path prefix allowed)
    QByteArray caPem; ///< trusted CA bundle; empty means the system CAs
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QString proxyUrl;
    QString defaultNamespace = QStringLiteral("default");

    QString contextName;
    QString clusterName;
    QString userName;

    // Authentication; at most one kind is normally set.
    QString token;
    QString tokenFile; ///< re-read when it changes (rotated ServiceAccount tokens)
    QByteArray clientCertPem;
    QByteArray clientKeyPem;
    QString username;
    QString password;
    std::optional<ExecConfig> exec;

    /// Where this came from ("/home/u/.kube/config", "in-cluster"), for messages.
    QString source;
};

} // namespace kube
