#pragma once

#include "controllers/runtime/controller.h"
#include "controllers/runtime/manager.h"
#include "kube/clientconfig.h"
#include "kube/restclient.h"
#include "manager.h"

#include <memory>

namespace syncsecret {

class CcmReconciler;
class ConversionReconciler;
class ManagerReconciler;
class SyncMetrics;

/// Settings of one tenant-side CCM instance.
struct CcmSettings {
    kube::ClientConfig tenant; ///< the tenant cluster
    kube::ClientConfig management; ///< the management cluster (--kubelb-kubeconfig)
    QString clusterName; ///< the tenant's management namespace (--cluster-name)
    bool secretConversion = false;
    int concurrency = 4;
    int resyncPeriodMs = 0; ///< every informer's periodic resync (runtime::InformerOptions); 0 = off
    kube::RestOptions rest;
    runtime::ManagerOptions manager;
};

/// Settings of one management-side Manager instance.
struct ManagerSettings {
    kube::ClientConfig cluster;
    TenantNamespaces tenants;
    int concurrency = 4;
    int resyncPeriodMs = 0; ///< every informer's periodic resync (runtime::InformerOptions); 0 = off
    kube::RestOptions rest;
    runtime::ManagerOptions manager;
};

/// A running CCM: clients, informers (tenant SyncSecrets, management copies, labelled Secrets), the controllers
/// and a runtime::Manager (metrics, probes, leader election). Used by `kubelb-syncd ccm`, the demo and the console.
class CcmRuntime {
public:
    explicit CcmRuntime(CcmSettings settings);
    ~CcmRuntime();
    bool start(QString* error);
    void shutdown();
    runtime::Manager& manager() { return *m_manager; }
    const CcmSettings& settings() const { return m_settings; }

private:
    CcmSettings m_settings;
    std::unique_ptr<kube::RestClient> m_tenant;
    std::unique_ptr<kube::RestClient> m_management;
    std::unique_ptr<runtime::Manager> m_manager;
    std::unique_ptr<SyncMetrics> m_metrics;
    std::unique_ptr<CcmReconciler> m_reconciler;
    std::unique_ptr<runtime::Controller> m_controller;
    std::unique_ptr<ConversionReconciler> m_conversion;
    std::unique_ptr<runtime::Controller> m_conversionController;
};

/// A running Manager controller with its informers (SyncSecrets, owned Secrets, Namespaces) and runtime::Manager.
class ManagerRuntime {
public:
    explicit ManagerRuntime(ManagerSettings settings);
    ~ManagerRuntime();
    bool start(QString* error);
    void shutdown();
    runtime::Manager& manager() { return *m_manager; }

private:
    ManagerSettings m_settings;
    std::unique_ptr<kube::RestClient> m_client;
    std::unique_ptr<runtime::Manager> m_manager;
    std::unique_ptr<SyncMetrics> m_metrics;
    std::unique_ptr<ManagerReconciler> m_reconciler;
    std::unique_ptr<runtime::Controller> m_controller;
};

} // namespace syncsecret
