#pragma once

#include "kube/restclient.h"
#include "models/snapshot.h"
#include "syncctl_options.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <map>
#include <memory>

namespace syncctl {

/// One RestClient per kubeconfig context, created on first use; a context that cannot be loaded keeps its error.
class Clusters {
public:
    explicit Clusters(const Options& options);
    ~Clusters();

    /// The management context's name (the kubeconfig's current-context when --management-context is absent).
    QString managementContext();
    /// The client of `context`, or nullptr with *error (bad kubeconfig, unknown context, unreadable files).
    kube::RestClient* client(const QString& context, QString* error);

private:
    QString m_kubeconfig;
    QString m_management;
    std::map<QString, std::unique_ptr<kube::RestClient>> m_clients;
    QHash<QString, QString> m_errors;
};

/// Paths of the collections syncctl reads.
kube::ResourcePath syncSecretsPath(const QString& ns = {}, const QString& name = {});
kube::ResourcePath secretsPath(const QString& ns = {}, const QString& name = {});
kube::ResourcePath namespacesPath();

/// Every item of a collection, following `continue` tokens.
kube::Expected<QList<QJsonObject>> listAll(kube::RestClient& client, const kube::ResourcePath& path);

/// "context: message" of a failed request, for reachable=false snapshots and error lines.
QString describeError(const QString& context, const kube::ApiError& error);

/// Scans the management cluster and every tenant; an unreachable cluster becomes reachable=false, never a crash.
models::Snapshot fetchSnapshot(Clusters& clusters, const Options& options);

} // namespace syncctl
