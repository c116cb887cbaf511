#include "orphans.h"

#include "models/jsonmeta.h"

#include <QHash>
#include <QSet>

using namespace Qt::StringLiterals;

namespace models {

QString orphanClassName(OrphanClass cls)
{
    switch (cls) {
    case OrphanClass::OwnerGone:
        return u"owner-gone"_s;
    case OrphanClass::NoOwnerReference:
        return u"no-owner-reference"_s;
    case OrphanClass::OriginGone:
        return u"origin-gone"_s;
    case OrphanClass::StuckTerminating:
        return u"stuck-terminating"_s;
    case OrphanClass::UnmappedNamespace:
        return u"unmapped-namespace"_s;
    }
    return {};
}

bool isKept(const QJsonObject& object)
{
    return meta::label(object, names::KeepLabel) == "true"_L1;
}

namespace {

QString ageText(qint64 seconds)
{
    if (seconds >= 86400)
        return u"%1d"_s.arg(seconds / 86400);
    if (seconds >= 3600)
        return u"%1h"_s.arg(seconds / 3600);
    return u"%1m"_s.arg(seconds / 60);
}

/// One pass over a snapshot with hash indexes (no quadratic loops).
class Classifier {
public:
    Classifier(const Snapshot& snapshot, const OrphanOptions& options)
        : m_snapshot(snapshot)
        , m_options(options)
        , m_now(options.now.isValid() ? options.now : snapshot.takenAt)
    {
        const ManagementSnapshot& mgmt = snapshot.management;
        for (const QJsonObject& object : mgmt.syncSecrets)
            m_managementSyncSecrets.insert(meta::key(meta::namespaceOf(object), meta::name(object)), &object);
        for (const QJsonObject& object : mgmt.secrets)
            m_secrets.insert(meta::key(meta::namespaceOf(object), meta::name(object)));
        for (const TenantSnapshot& tenant : snapshot.tenants) {
            m_tenantsByNamespace[tenant.tenant.managementNamespace].append(&tenant);
            if (tenant.reachable) // an unreachable tenant's list is stale or empty: never evidence
                for (const QJsonObject& object : tenant.syncSecrets)
                    m_tenantUids.insert(tenant.tenant.context + u'/' + meta::uid(object));
        }
    }

    OrphanScan run()
    {
        for (const TenantSnapshot& tenant : m_snapshot.tenants)
            if (tenant.reachable)
                for (const QJsonObject& object : tenant.syncSecrets)
                    classifyTenantSyncSecret(tenant, object);
        if (!m_snapshot.management.reachable)
            return m_scan;
        for (const QJsonObject& object : m_snapshot.management.syncSecrets)
            classifyManagementSyncSecret(object);
        for (const QJsonObject& object : m_snapshot.management.secrets)
            classifySecret(object);
        return m_scan;
    }

private:
    qint64 ageOf(const QDateTime& since) const { return since.isValid() ? since.secsTo(m_now) : -1; }

    bool eligible(const QJsonObject& object) const
    {
        if (isKept(object) || m_options.excludedNamespaces.contains(meta::namespaceOf(object)))
            return false;
        return ageOf(meta::creationTime(object)) >= m_options.olderThan.count();
    }

    /// Class 4 for either side; returns true when `object` is terminating (classified or too recent).
    bool checkTerminating(const QJsonObject& object, const ObjectRef& ref, const ObjectRef& counterpart,
        bool counterpartGone, const QString& cause)
    {
        const QDateTime deleted = meta::deletionTime(object);
        if (!deleted.isValid())
            return false;
        const qint64 age = ageOf(deleted);
        if (!meta::hasFinalizer(object, names::Finalizer) || age < m_options.olderThan.count())
            return true;
        Orphan orphan { OrphanClass::StuckTerminating,
            u"Terminating for %1 with finalizer %2 still present"_s.arg(ageText(age), names::Finalizer), ref,
            counterpart, counterpartGone, cause, age };
        m_scan.orphans.append(orphan);
        return true;
    }

    void classifyTenantSyncSecret(const TenantSnapshot& tenant, const QJsonObject& object)
    {
        if (!eligible(object))
            return;
        const ManagementSnapshot& mgmt = m_snapshot.management;
        const QString ns = tenant.tenant.managementNamespace;
        const ObjectRef counterpart { mgmt.context, names::SyncSecretKind, ns, meta::uid(object), {}, {} };
        const bool present = m_managementSyncSecrets.contains(meta::key(ns, counterpart.name));
        QString cause;
        if (!mgmt.reachable)
            cause = u"management cluster unreachable (%1)"_s.arg(mgmt.error);
        else if (present)
            cause = u"the CCM cannot delete the management copy %1/%2 (CCM not running, or RBAC: delete "
                    "syncsecrets in %1)"_s.arg(ns, counterpart.name);
        else
            cause = u"the management copy is gone; the CCM is not running or lacks RBAC to update syncsecrets"_s;
        checkTerminating(object, refOf(object, tenant.tenant.context, names::SyncSecretKind), counterpart,
            mgmt.reachable && !present, cause);
    }

    void classifyManagementSyncSecret(const QJsonObject& object)
    {
        if (!eligible(object))
            return;
        const ManagementSnapshot& mgmt = m_snapshot.management;
        const ObjectRef ref = refOf(object, mgmt.context, names::SyncSecretKind);
        const ObjectRef secret { mgmt.context, names::SecretKind, ref.namespace_, ref.uid, {}, {} };
        const bool secretPresent = m_secrets.contains(meta::key(ref.namespace_, ref.uid));
        const QString cause = !mgmt.managerRunning ? u"the Manager is not running"_s
            : secretPresent
            ? u"the Manager cannot delete Secret %1 (RBAC: delete secrets in %2)"_s.arg(ref.uid, ref.namespace_)
            : u"the Secret is gone; the Manager lacks RBAC to update syncsecrets"_s;
        if (checkTerminating(object, ref, secret, !secretPresent, cause))
            return;
        classifyOrigin(object, ref);
    }

    void classifyOrigin(const QJsonObject& object, const ObjectRef& ref)
    {
        const auto tenants = m_tenantsByNamespace.value(ref.namespace_);
        if (tenants.isEmpty()) {
            if (m_snapshot.tenants.isEmpty())
                m_scan.unknown.append({ ref, u"no tenant contexts configured"_s });
            else
                m_scan.orphans.append({ OrphanClass::UnmappedNamespace,
                    u"Namespace %1 is not the management namespace of any configured tenant"_s.arg(ref.namespace_), ref,
                    {}, false, {}, ageOf(meta::creationTime(object)) });
            return;
        }
        QStringList unreachable;
        for (const TenantSnapshot* tenant : tenants) {
            if (m_tenantUids.contains(tenant->tenant.context + u'/' + ref.name))
                return;
            if (!tenant->reachable)
                unreachable.append(tenant->tenant.context);
        }
        const ObjectRef origin { tenants.first()->tenant.context, names::SyncSecretKind, meta::originNamespace(object),
            meta::originName(object), ref.name, {} };
        if (!unreachable.isEmpty()) {
            m_scan.unknown.append({ ref,
                u"tenant %1 unreachable; cannot tell whether %2/%3 still exists"_s.arg(
                    unreachable.join(u", "_s), origin.namespace_, origin.name) });
            return;
        }
        m_scan.orphans.append({ OrphanClass::OriginGone,
            u"Tenant SyncSecret %1/%2 (uid %3) no longer exists in %4"_s.arg(
                origin.namespace_, origin.name, ref.name, origin.context),
            ref, origin, true, {}, ageOf(meta::creationTime(object)) });
    }

    void classifySecret(const QJsonObject& object)
    {
        if (!eligible(object))
            return;
        const ObjectRef ref = refOf(object, m_snapshot.management.context, names::SecretKind);
        const QJsonObject owner = meta::syncSecretOwner(object);
        const qint64 age = ageOf(meta::creationTime(object));
        if (owner.isEmpty()) {
            if (meta::ownerReferences(object).isEmpty() && meta::isKubelbSecret(object))
                m_scan.orphans.append({ OrphanClass::NoOwnerReference,
                    u"Secret carries KubeLB origin labels but has no ownerReference"_s, ref, {}, false, {}, age });
            return;
        }
        const ObjectRef ownerRef { ref.context, names::SyncSecretKind, ref.namespace_,
            owner.value("name"_L1).toString(), owner.value("uid"_L1).toString(), {} };
        const QJsonObject* current = m_managementSyncSecrets.value(meta::key(ref.namespace_, ownerRef.name));
        if (current && meta::uid(*current) == ownerRef.uid)
            return;
        const QString reason = current
            ? u"Owner SyncSecret %1 was replaced (uid %2, owner reference says %3)"_s.arg(
                ownerRef.name, meta::uid(*current), ownerRef.uid)
            : u"Owner SyncSecret %1 (uid %2) no longer exists"_s.arg(ownerRef.name, ownerRef.uid);
        m_scan.orphans.append({ OrphanClass::OwnerGone, reason, ref, ownerRef, true, {}, age });
    }

    const Snapshot& m_snapshot;
    const OrphanOptions& m_options;
    QDateTime m_now;
    QHash<QString, const QJsonObject*> m_managementSyncSecrets;
    QSet<QString> m_secrets;
    QHash<QString, QList<const TenantSnapshot*>> m_tenantsByNamespace;
    QSet<QString> m_tenantUids;
    OrphanScan m_scan;
};

} // namespace

OrphanScan scanOrphans(const Snapshot& snapshot, const OrphanOptions& options)
{
    return Classifier(snapshot, options).run();
}

QList<Orphan> findOrphans(const Snapshot& snapshot, const OrphanOptions& options)
{
    return scanOrphans(snapshot, options).orphans;
}

} // namespace models
