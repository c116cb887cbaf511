#pragma once

#include "controllers/runtime/cache.h"
#include "controllers/runtime/reconciler.h"
#include "kube/restclient.h"

namespace syncsecret {

class SyncMetrics;

/// The optional secret-conversion controller (`--enable-secret-conversion`): a tenant Secret labelled
/// `kubelb.k8c.io/managed-by=kubelb` is wrapped into a SyncSecret of the same name (owned by the Secret, so
/// deleting the Secret removes it); unlabelled Secrets are never read. A SyncSecret of that name that the
/// Secret does not own is left alone.
class ConversionReconciler : public runtime::Reconciler {
public:
    /// `labelledSecrets` is an informer cache selecting `kubelb.k8c.io/managed-by=kubelb`.
    ConversionReconciler(kube::RestClient& tenant, const runtime::Cache& labelledSecrets,
        const runtime::Cache& tenantSyncSecrets, SyncMetrics* metrics = nullptr);

    runtime::Result reconcile(const runtime::Request& request) override;

    /// The label selector of Secrets to convert.
    static QString selector() { return QStringLiteral("kubelb.k8c.io/managed-by=kubelb"); }
    static QString name() { return QStringLiteral("secret-conversion"); }

private:
    kube::RestClient& m_tenant;
    const runtime::Cache& m_secrets;
    const runtime::Cache& m_syncSecrets;
    SyncMetrics* m_metrics;
};

} // namespace syncsecret
