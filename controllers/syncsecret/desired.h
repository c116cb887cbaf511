#pragma once

#include "kube/objects.h"

#include <QString>

/// The pure decisions of the SyncSecret controllers: what the copies should look like and whether an existing
/// copy differs. No I/O, so every rule is unit-tested directly.
namespace syncsecret {

/// Management namespace labels and names that a tenant may never set on its copy (spoofing): they are dropped
/// from tenant labels before the origin labels are written.
bool isReservedLabel(const QString& key);

/// The management-cluster copy of a tenant SyncSecret: named by the tenant UID in `managementNamespace`,
/// tenant labels plus origin labels (tenant-supplied reserved labels replaced), annotations without kubectl's
/// last-applied configuration, stringData folded into data, type and immutable copied; no uid, resourceVersion,
/// finalizers, owner references or status.
kube::SyncSecret managementCopy(const kube::SyncSecret& tenant, const QString& managementNamespace);

/// The Secret the Manager keeps for a management SyncSecret: named by its UID, same data (normalised), type
/// (Opaque when empty), labels (plus `kubelb.k8c.io/syncsecret-owned`), annotations (without last-applied) and
/// immutable, with a controller owner reference that blocks the owner's deletion.
kube::Secret managedSecret(const kube::SyncSecret& owner);

/// The label that marks Secrets the Manager owns (its Secret informer selects on it).
inline constexpr QLatin1StringView OwnedSecretLabel { "kubelb.k8c.io/syncsecret-owned" };

/// True when `existing` differs from `desired` in anything the CCM controls (data after normalisation, type,
/// labels, annotations, immutable). Unchanged content never causes a write.
bool copyNeedsUpdate(const kube::SyncSecret& existing, const kube::SyncSecret& desired);
/// `existing` with the controlled fields of `desired` (keeps metadata the server or others own, clears stringData).
kube::SyncSecret applyCopy(kube::SyncSecret existing, const kube::SyncSecret& desired);

/// How an existing Secret must change to match `desired`.
enum class SecretAction { None, Update, Recreate };
/// Update in place when allowed; Recreate when the type changes or an immutable Secret's data must change.
SecretAction secretAction(const kube::Secret& existing, const kube::Secret& desired);
/// `existing` with the controlled fields of `desired`.
kube::Secret applySecret(kube::Secret existing, const kube::Secret& desired);

/// Sets phase, observedGeneration and the Synced condition; true when the status changed (write only then).
bool setSyncStatus(kube::SyncSecretStatus& status, const QString& phase, qint64 generation, bool synced,
    const QString& reason, const QString& message, const QDateTime& now);

} // namespace syncsecret
