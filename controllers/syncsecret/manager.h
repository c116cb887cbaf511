#pragma once

#include "controllers/runtime/cache.h"
#include "controllers/runtime/reconciler.h"
#include "kube/objects.h"
#include "kube/restclient.h"
#include "kube/selector.h"

#include <functional>
#include <optional>

namespace syncsecret {

class SyncMetrics;
class ReconcileScope;

/// Which namespaces of the management cluster belong to tenants (`--tenant-namespace-selector`).
class TenantNamespaces {
public:
    /// The default: namespaces labelled `kubelb.k8c.io/tenant` or named `tenant-*`.
    TenantNamespaces() = default;
    /// Namespaces whose labels match `selector`.
    explicit TenantNamespaces(kube::LabelSelector selector);
    /// Decides for one namespace, given its labels from the namespace cache (nullopt: unknown namespace).
    bool contains(const QString& name, const std::optional<QJsonObject>& namespaceObject) const;

private:
    std::optional<kube::LabelSelector> m_selector;
};

/// The management-side controller (KubeLB's Manager): turns every SyncSecret in a tenant namespace into a Secret
/// named by the SyncSecret's UID with an owner reference, keeps it equal, repairs drift, reports status, and
/// deletes the Secret before releasing the SyncSecret.
class ManagerReconciler : public runtime::Reconciler {
public:
    /// `syncSecrets`, `secrets` (label `kubelb.k8c.io/syncsecret-owned`) and `namespaces` are informer caches.
    ManagerReconciler(kube::RestClient& client, runtime::Cache& syncSecrets, runtime::Cache& secrets,
        const runtime::Cache& namespaces, TenantNamespaces tenants, SyncMetrics* metrics = nullptr);

    runtime::Result reconcile(const runtime::Request& request) override;

    /// Maps an owned Secret to its SyncSecret (controller owner reference), for drift repair.
    static QList<runtime::Request> ownerOf(const QJsonObject& secret);
    static QString name() { return QStringLiteral("syncsecret-manager"); }

private:
    runtime::Result sync(kube::SyncSecret owner, ReconcileScope& scope);
    runtime::Result finalize(const kube::SyncSecret& owner, ReconcileScope& scope);
    kube::Expected<kube::Secret> ensureSecret(const kube::Secret& desired, ReconcileScope& scope);

    kube::RestClient& m_client;
    runtime::Cache& m_syncSecrets; ///< written through with every successful write
    runtime::Cache& m_secrets;
    const runtime::Cache& m_namespaces;
    TenantNamespaces m_tenants;
    SyncMetrics* m_metrics;
};

} // namespace syncsecret
