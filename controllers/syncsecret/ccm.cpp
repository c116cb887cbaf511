#include "ccm.h"

#include "common.h"
#include "desired.h"

#include <QDateTime>

using namespace Qt::StringLiterals;
using runtime::Result;
using Level = runtime::logging::Level;

namespace syncsecret {

namespace {

const QString kFinalizer = cleanupFinalizer();
constexpr int kManagerGraceSeconds = 2; ///< how long a fresh copy may wait for the Manager before Pending shows

} // namespace

CcmReconciler::CcmReconciler(kube::RestClient& tenant, kube::RestClient& management, runtime::Cache& tenantSyncSecrets,
    runtime::Cache& managementCopies, QString managementNamespace, SyncMetrics* metrics)
    : m_tenant(tenant)
    , m_management(management)
    , m_tenantSyncSecrets(tenantSyncSecrets)
    , m_copies(managementCopies)
    , m_namespace(std::move(managementNamespace))
    , m_metrics(metrics)
{
}

QList<runtime::Request> CcmReconciler::tenantOf(const QJsonObject& copy)
{
    const auto meta = kube::ObjectMeta::fromJson(copy.value(u"metadata"_s).toObject());
    if (!meta)
        return {};
    const QString name = meta->labels.value(QString(kube::kubelb::OriginNameLabel));
    const QString ns = kube::kubelb::originNamespace(*meta);
    if (name.isEmpty() || ns.isEmpty())
        return {};
    return { { ns, name } };
}

Result CcmReconciler::reconcile(const runtime::Request& request)
{
    ReconcileScope scope(name(), request, m_metrics);
    const auto cached = m_tenantSyncSecrets.get(request.ns, request.name);
    if (!cached)
        return scope.finish(deleteCopiesOf(request, {}, scope));
    auto tenant = kube::SyncSecret::fromJson(*cached);
    if (!tenant)
        return scope.finish(
            Result::terminalError(u"cannot decode the tenant SyncSecret: "_s + tenant.error().message()));
    if (tenant->metadata.isBeingDeleted())
        return scope.finish(finalize(*tenant, scope));
    return scope.finish(sync(*tenant, scope));
}

Result CcmReconciler::sync(kube::SyncSecret tenant, ReconcileScope& scope)
{
    // The finalizer comes first: without it a deleted tenant object could leave its copy behind.
    if (tenant.metadata.addFinalizer(kFinalizer)) {
        auto updated = decodeAs<kube::SyncSecret>(writtenThrough(&m_tenantSyncSecrets,
            m_tenant.update(syncSecretPath(tenant.metadata.namespace_, tenant.metadata.name), tenant.toJson())));
        if (!updated)
            return failure(u"adding the finalizer"_s, updated.error());
        tenant = *updated;
    }
    const kube::SyncSecret desired = managementCopy(tenant, m_namespace);
    auto copy = ensureCopy(desired, scope);
    if (!copy && copy.error().isConflict())
        return failure({}, copy.error());
    if (!copy) {
        // A management cluster that is briefly unreachable or overloaded leaves the object Pending (it is being
        // retried); Failed is for what needs someone to act (RBAC, validation).
        const bool transient = copy.error().isTransient();
        writeSyncStatus(m_tenant, tenant, QString(transient ? kube::kubelb::PhasePending : kube::kubelb::PhaseFailed),
            false, transient ? u"PropagationRetrying"_s : u"PropagationFailed"_s, describe(copy.error()),
            &m_tenantSyncSecrets);
        return failure(u"propagating to "_s + m_namespace, copy.error());
    }
    if (auto stale = deleteCopiesOf({ tenant.metadata.namespace_, tenant.metadata.name }, desired.metadata.name, scope);
        !stale.error.isEmpty())
        return stale;
    if (copy->metadata.isBeingDeleted()) {
        // Someone deleted the copy; recreate it once the Manager has let it go.
        writeSyncStatus(m_tenant, tenant, QString(kube::kubelb::PhasePending), false, u"CopyBeingDeleted"_s,
            u"the management copy is being deleted; it will be recreated"_s, &m_tenantSyncSecrets);
        return Result::after(std::chrono::seconds(1));
    }
    const kube::SyncSecretStatus& remote = copy->status;
    // A copy the Manager has not answered yet usually is seconds old: wait for its status instead of writing
    // Pending first (one tenant write fewer); only a Manager that stays silent makes Pending visible.
    const QDateTime created = QDateTime::fromString(copy->metadata.creationTimestamp, Qt::ISODate);
    if (remote.phase.isEmpty() && tenant.status.phase.isEmpty() && created.isValid()
        && created.secsTo(QDateTime::currentDateTimeUtc()) < kManagerGraceSeconds)
        return Result::after(std::chrono::seconds(kManagerGraceSeconds));
    const bool current = remote.observedGeneration == copy->metadata.generation;
    const kube::Condition* synced = kube::findCondition(remote.conditions, u"Synced"_s);
    QString phase = QString(kube::kubelb::PhasePending);
    if (current && remote.phase == kube::kubelb::PhaseSynced)
        phase = QString(kube::kubelb::PhaseSynced);
    else if (current && remote.phase == kube::kubelb::PhaseFailed)
        phase = QString(kube::kubelb::PhaseFailed);
    const QString reason = synced && current ? synced->reason : u"WaitingForManager"_s;
    const QString message = synced && current
        ? synced->message
        : u"propagated to %1/%2; waiting for the management cluster"_s.arg(m_namespace, copy->metadata.name);
    return writeSyncStatus(
        m_tenant, tenant, phase, phase == kube::kubelb::PhaseSynced, reason, message, &m_tenantSyncSecrets);
}

kube::Expected<kube::SyncSecret> CcmReconciler::ensureCopy(const kube::SyncSecret& desired, ReconcileScope& scope)
{
    const auto cached = m_copies.get(m_namespace, desired.metadata.name);
    if (!cached) {
        // The copy is created holding the cleanup finalizer the Manager would add anyway: one write fewer.
        kube::SyncSecret fresh = desired;
        fresh.metadata.addFinalizer(kFinalizer);
        auto created = decodeAs<kube::SyncSecret>(
            writtenThrough(&m_copies, m_management.create(syncSecretPath(m_namespace), fresh.toJson())));
        if (created) {
            scope.log(
                Level::Info, u"propagated SyncSecret"_s, { { u"copy"_s, m_namespace + u'/' + desired.metadata.name } });
            return created;
        }
        if (!created.error().isAlreadyExists())
            return created.error();
        // The cache has not seen our earlier create yet: compare against the live object.
        auto live = decodeAs<kube::SyncSecret>(m_management.get(syncSecretPath(m_namespace, desired.metadata.name)));
        if (!live)
            return live.error();
        return copyNeedsUpdate(*live, desired) ? decodeAs<kube::SyncSecret>(writtenThrough(&m_copies,
                   m_management.update(
                       syncSecretPath(m_namespace, desired.metadata.name), applyCopy(*live, desired).toJson())))
                                               : live;
    }
    auto existing = kube::SyncSecret::fromJson(*cached);
    if (!existing)
        return existing.error();
    if (existing->metadata.isBeingDeleted() || !copyNeedsUpdate(*existing, desired))
        return existing;
    auto updated = decodeAs<kube::SyncSecret>(writtenThrough(&m_copies,
        m_management.update(
            syncSecretPath(m_namespace, desired.metadata.name), applyCopy(*existing, desired).toJson())));
    if (updated)
        scope.log(
            Level::Info, u"updated management copy"_s, { { u"copy"_s, m_namespace + u'/' + desired.metadata.name } });
    return updated;
}

// Copies whose tenant object is gone (or was recreated under a new UID) are removed.
Result CcmReconciler::deleteCopiesOf(const runtime::Request& origin, const QString& keepName, ReconcileScope& scope)
{
    // Keys first: the copy being kept (usually the only one) is not parsed on every reconcile.
    const QString keepKey = keepName.isEmpty() ? QString() : m_namespace + u'/' + keepName;
    for (const auto& key : m_copies.keysByIndex(u"label:"_s + QString(kube::kubelb::OriginNameLabel), origin.name)) {
        if (key == keepKey)
            continue;
        const auto cached = m_copies.get(key);
        if (!cached)
            continue; // removed meanwhile
        const QJsonObject& c = *cached;
        const auto matches = tenantOf(c);
        const QString copyName = c.value(u"metadata"_s).toObject().value(u"name"_s).toString();
        if (matches.isEmpty() || !(matches.first() == origin) || copyName == keepName)
            continue;
        if (c.value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s))
            continue;
        const auto removed = m_management.remove(syncSecretPath(m_namespace, copyName));
        if (!removed && !removed.error().isNotFound())
            return failure(u"deleting stale copy "_s + copyName, removed.error());
        scope.log(Level::Info, u"deleted stale management copy"_s, { { u"copy"_s, m_namespace + u'/' + copyName } });
    }
    return Result::success();
}

Result CcmReconciler::finalize(kube::SyncSecret tenant, ReconcileScope& scope)
{
    if (!tenant.metadata.hasFinalizer(kFinalizer))
        return Result::success();
    const QString copyName = tenant.metadata.uid;
    auto copy = m_management.get(syncSecretPath(m_namespace, copyName));
    if (copy) {
        writeSyncStatus(m_tenant, tenant, QString(kube::kubelb::PhaseTerminating), false, u"DeletingCopy"_s,
            u"waiting for the management copy to be deleted"_s, &m_tenantSyncSecrets);
        if (!copy->value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s)) {
            const auto removed = m_management.remove(syncSecretPath(m_namespace, copyName));
            if (!removed && !removed.error().isNotFound())
                return failure(u"deleting the management copy"_s, removed.error());
            scope.log(Level::Info, u"deleting management copy"_s, { { u"copy"_s, m_namespace + u'/' + copyName } });
        }
        // The copy's DELETED event requeues us; the timer is a safety net.
        return Result::after(std::chrono::seconds(2));
    }
    if (!copy.error().isNotFound())
        return failure(u"checking the management copy"_s, copy.error());
    if (auto released = releaseFinalizer(m_tenant, tenant.metadata.namespace_, tenant.metadata.name);
        !released.error.isEmpty() || released.requeue)
        return released;
    scope.log(Level::Info, u"management copy deleted; released the tenant SyncSecret"_s);
    return Result::success();
}

} // namespace syncsecret
