#pragma once

#include "kube/clientconfig.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <memory>
#include <vector>

namespace apiserver {
class ApiServer;
}
namespace syncsecret {
class CcmRuntime;
class ManagerRuntime;
} // namespace syncsecret

/// The demo world shared by `kubelb-syncd demo` and `kubelb-console --demo` (no widgets): three embedded API
/// servers (tenant1, tenant2, management "kubelb"), optionally the CCMs and the Manager, the spec's examples.
namespace demo {

/// What to start.
struct DemoOptions {
    QString dataDir; ///< kubeconfig, demo.json and (unless inMemory) the clusters' SQLite state
    uint basePort = 0; ///< 0: free ports
    bool inMemory = false;
    bool controllers = true; ///< start the CCMs and the Manager in-process
    bool seed = true; ///< create the example SyncSecrets in namespace production
    bool garbageCollector = true;
};

/// One demo cluster as clients see it.
struct DemoContext {
    QString name; ///< kubeconfig context ("tenant1")
    QString role; ///< "tenant" or "management"
    QString managementNamespace; ///< tenants: where their copies land on the management cluster
    QString server; ///< https URL
    QString metricsUrl; ///< the controller's /metrics in this cluster's role; empty without controllers
};

/// The running demo. start() and shutdown() must run on the same thread; the servers serve from its event loop.
class Demo {
public:
    explicit Demo(DemoOptions options);
    ~Demo();

    /// Starts servers, controllers (if enabled), seeds, writes kubeconfig and demo.json.
    bool start(QString* error);
    /// Stops controllers and servers.
    void shutdown();

    QList<DemoContext> contexts() const;
    QString kubeconfigPath() const;
    QString demoJsonPath() const;
    /// The admin ClientConfig of `context` (token, CA) without reading the kubeconfig file.
    kube::ClientConfig adminConfig(const QString& context) const;
    /// The embedded server of `context`, or nullptr.
    apiserver::ApiServer* server(const QString& context) const;
    /// One line with the SyncSecret/Secret counts per cluster, for the live summary.
    QString summary() const;

    struct Cluster; ///< internal

private:
    bool startControllers(QString* error);
    bool seed(QString* error);

    DemoOptions m_options;
    std::vector<std::unique_ptr<Cluster>> m_clusters;
    std::vector<std::unique_ptr<syncsecret::CcmRuntime>> m_ccms;
    std::unique_ptr<syncsecret::ManagerRuntime> m_manager;
};

/// Creates or updates one object in-process, as `kubectl apply` would.
bool applyObject(apiserver::ApiServer& server, const QJsonObject& object, QString* error);
/// The spec's examples for `tenant`: a TLS certificate, and for tenant1 registry credentials, an Opaque
/// configuration and a Secret converted by label. Values are demo placeholders.
QList<QJsonObject> seedObjects(const QString& tenant);

} // namespace demo
