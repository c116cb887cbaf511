#pragma once

#include "kube/clientconfig.h"
#include "kube/expected.h"
#include "kube/restclient.h"
#include "models/snapshot.h"
#include "syncctl_options.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>
#include <map>
#include <memory>

namespace syncctl {

/// One RestClient per kubeconfig context, created on first use; a context that cannot be loaded keeps its error.
class Clusters {
public:
    explicit Clusters(const Options& options);
    /// Resolves a context into its client configuration (e.g. the console's: all of its kubeconfig files plus
    /// typed credentials) instead of reading `options.kubeconfig`.
    using Resolver = std::function<kube::Expected<kube::ClientConfig>(const QString& context)>;
    Clusters(const Options& options, Resolver resolver);
    ~Clusters();

    /// The management context's name (the kubeconfig's current-context when --management-context is absent).
    QString managementContext();
    /// The client of `context`, or nullptr with *error (bad kubeconfig, unknown context, unreadable files).
    kube::RestClient* client(const QString& context, QString* error);

private:
    QString m_kubeconfig;
    QString m_management;
    Resolver m_resolver;
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
