#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// Lineage, orphan detection and guarded cleanup of SyncSecret propagation (QtCore only, shared by kubelb-syncctl
/// and the console). Everything here works on value snapshots of cluster state; fetching them and acting on the
/// clusters happens behind interfaces implemented by the callers.
namespace models {

/// One tenant cluster as the admin configured it: a kubeconfig context and its management namespace.
struct TenantContext {
    QString context; ///< kubeconfig context name ("tenant1")
    QString managementNamespace; ///< where its copies live ("tenant-primary")
};

/// What one tenant cluster looked like when scanned.
struct TenantSnapshot {
    TenantContext tenant;
    bool reachable = true; ///< false: listing failed; nothing about this tenant may be called an orphan
    QString error; ///< why it was unreachable
    QList<QJsonObject> syncSecrets; ///< every kubelb.k8c.io SyncSecret in the tenant cluster
};

/// What the management cluster looked like when scanned.
struct ManagementSnapshot {
    QString context;
    bool reachable = true;
    QString error;
    QList<QJsonObject> syncSecrets; ///< all namespaces
    QList<QJsonObject> secrets; ///< Secrets in the namespaces of interest (tenant namespaces at least)
    QList<QJsonObject> namespaces;
    bool managerRunning = true; ///< whether a Manager appears to be active (e.g. its Lease is fresh); for reasons
};

/// A consistent-enough view of all clusters, taken at `takenAt`.
struct Snapshot {
    QDateTime takenAt;
    ManagementSnapshot management;
    QList<TenantSnapshot> tenants;
};

} // namespace models
