#pragma once

#include "controllers/runtime/cache.h"
#include "controllers/runtime/reconciler.h"
#include "kube/objects.h"
#include "kube/restclient.h"

namespace syncsecret {

class SyncMetrics;
class ReconcileScope;

/// The tenant-side controller (KubeLB's CCM): keeps one copy of every tenant SyncSecret in the tenant's
/// management namespace, named by the tenant UID, repairs drift, mirrors the management status back, and cleans
/// the copy up before letting the tenant object go.
class CcmReconciler : public runtime::Reconciler {
public:
    /// `tenantSyncSecrets` / `managementCopies` are informer caches (all tenant namespaces / the management
    /// namespace); the latter needs the label index on `kubelb.k8c.io/origin-name`.
    CcmReconciler(kube::RestClient& tenant, kube::RestClient& management, runtime::Cache& tenantSyncSecrets,
        runtime::Cache& managementCopies, QString managementNamespace, SyncMetrics* metrics = nullptr);

    runtime::Result reconcile(const runtime::Request& request) override;

    /// Maps a management copy to the tenant object it came from (origin labels), for drift repair.
    static QList<runtime::Request> tenantOf(const QJsonObject& copy);
    /// The controller's name in logs and metrics.
    static QString name() { return QStringLiteral("syncsecret-ccm"); }

private:
    runtime::Result sync(kube::SyncSecret tenant, ReconcileScope& scope);
    runtime::Result finalize(kube::SyncSecret tenant, ReconcileScope& scope);
    runtime::Result deleteCopiesOf(const runtime::Request& origin, const QString& keepName, ReconcileScope& scope);
    kube::Expected<kube::SyncSecret> ensureCopy(const kube::SyncSecret& desired, ReconcileScope& scope);

    kube::RestClient& m_tenant;
    kube::RestClient& m_management;
    runtime::Cache& m_tenantSyncSecrets; ///< written through with every successful write
    runtime::Cache& m_copies;
    QString m_namespace;
    SyncMetrics* m_metrics;
};

} // namespace syncsecret
