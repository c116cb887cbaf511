#pragma once

#include "models/objectref.h"
#include "models/snapshot.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <chrono>

namespace models {

/// The orphan classes of issue 6 (numbered as there).
enum class OrphanClass {
    OwnerGone = 1, ///< Secret in a tenant namespace whose owner SyncSecret is gone or has another UID
    NoOwnerReference = 2, ///< Secret with origin labels (or the owned label) but no ownerReference
    OriginGone = 3, ///< management SyncSecret whose tenant SyncSecret no longer exists (tenant reachable)
    StuckTerminating = 4, ///< SyncSecret with an old deletionTimestamp and the finalizer still present
    UnmappedNamespace = 5, ///< management SyncSecret in a namespace no tenant maps to
};
/// "owner-gone", "no-owner-reference", "origin-gone", "stuck-terminating", "unmapped-namespace".
QString orphanClassName(OrphanClass cls);

/// One leftover object, with why it was classified so.
struct Orphan {
    OrphanClass cls = OrphanClass::OwnerGone;
    QString reason; ///< human sentence (names and UIDs only, never data)
    ObjectRef object; ///< the orphan itself, with the scanned resourceVersion
    ObjectRef related; ///< class 1: the owner reference; 3: the tenant origin; 4: the counterpart; else invalid
    bool relatedConfirmedGone = false; ///< the related object was looked up in a reachable cluster and is absent
    QString likelyCause; ///< class 4: counterpart cluster unreachable, controller not running, RBAC, ...
    qint64 ageSeconds = 0; ///< since creation (class 4: since deletionTimestamp)
};

/// An object that looks orphaned but cannot be judged (its tenant was unreachable).
struct UnknownVerdict {
    ObjectRef object;
    QString reason;
};

/// Options for findOrphans().
struct OrphanOptions {
    std::chrono::seconds olderThan { std::chrono::minutes(10) }; ///< younger objects are never flagged
    QStringList excludedNamespaces; ///< never flagged
    QDateTime now; ///< reference time (defaults to snapshot.takenAt)
};

/// The orphans and the undecidable lookalikes of one scan.
struct OrphanScan {
    QList<Orphan> orphans;
    QList<UnknownVerdict> unknown;
};

/// Classifies every object of `snapshot`; an object is reported at most once (class 4 before 5 before 3).
OrphanScan scanOrphans(const Snapshot& snapshot, const OrphanOptions& options = {});
/// scanOrphans(snapshot, options).orphans.
QList<Orphan> findOrphans(const Snapshot& snapshot, const OrphanOptions& options = {});

/// True when `object` carries kubelb.k8c.io/keep=true.
bool isKept(const QJsonObject& object);

} // namespace models
