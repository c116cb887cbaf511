#include "manager.h"

#include "common.h"
#include "desired.h"

#include <QDateTime>

using namespace Qt::StringLiterals;
using runtime::Result;
using Level = runtime::logging::Level;

namespace syncsecret {

namespace {

const QString kFinalizer = cleanupFinalizer();

} // namespace

TenantNamespaces::TenantNamespaces(kube::LabelSelector selector)
    : m_selector(std::move(selector))
{
}

bool TenantNamespaces::contains(const QString& name, const std::optional<QJsonObject>& namespaceObject) const
{
    const QJsonObject labels = namespaceObject
        ? namespaceObject->value(u"metadata"_s).toObject().value(u"labels"_s).toObject()
        : QJsonObject {};
    if (m_selector)
        return namespaceObject && m_selector->matches(labels);
    return name.startsWith(u"tenant-"_s) || labels.contains(u"kubelb.k8c.io/tenant"_s);
}

ManagerReconciler::ManagerReconciler(kube::RestClient& client, runtime::Cache& syncSecrets, runtime::Cache& secrets,
    const runtime::Cache& namespaces, TenantNamespaces tenants, SyncMetrics* metrics)
    : m_client(client)
    , m_syncSecrets(syncSecrets)
    , m_secrets(secrets)
    , m_namespaces(namespaces)
    , m_tenants(std::move(tenants))
    , m_metrics(metrics)
{
}

QList<runtime::Request> ManagerReconciler::ownerOf(const QJsonObject& secret)
{
    const auto meta = kube::ObjectMeta::fromJson(secret.value(u"metadata"_s).toObject());
    if (!meta)
        return {};
    const auto ref = meta->controllerRef();
    if (!ref || ref->kind != kube::kubelb::SyncSecretKind)
        return {};
    return { { meta->namespace_, ref->name } };
}

Result ManagerReconciler::reconcile(const runtime::Request& request)
{
    ReconcileScope scope(name(), request, m_metrics);
    const auto cached = m_syncSecrets.get(request.ns, request.name);
    if (!cached)
        return scope.finish(Result::success()); // its Secret goes with it (owner reference)
    auto owner = kube::SyncSecret::fromJson(*cached);
    if (!owner)
        return scope.finish(Result::terminalError(u"cannot decode the SyncSecret: "_s + owner.error().message()));
    if (owner->metadata.isBeingDeleted())
        return scope.finish(finalize(*owner, scope));
    if (!m_tenants.contains(request.ns, m_namespaces.get({}, request.ns))) {
        writeSyncStatus(m_client, *owner, QString(kube::kubelb::PhaseFailed), false, u"NotATenantNamespace"_s,
            u"namespace %1 is not a tenant namespace; no Secret is created"_s.arg(request.ns), &m_syncSecrets);
        return scope.finish(Result::success());
    }
    return scope.finish(sync(*owner, scope));
}

Result ManagerReconciler::sync(kube::SyncSecret owner, ReconcileScope& scope)
{
    if (owner.metadata.addFinalizer(kFinalizer)) {
        auto updated = writtenThrough(&m_syncSecrets,
            m_client.update(syncSecretPath(owner.metadata.namespace_, owner.metadata.name), owner.toJson()));
        if (!updated)
            return failure(u"adding the finalizer"_s, updated.error());
        auto decoded = kube::SyncSecret::fromJson(*updated);
        if (!decoded)
            return Result::terminalError(decoded.error().message());
        owner = *decoded;
    }
    auto secret = ensureSecret(managedSecret(owner), scope);
    if (!secret && secret.error().isConflict())
        return failure({}, secret.error());
    if (!secret) {
        const bool invalid = secret.error().isInvalid();
        const bool transient = secret.error().isTransient();
        // Pending while retrying a transient error (the CCM shows it to the tenant as it is); Failed when someone
        // has to act.
        writeSyncStatus(m_client, owner, QString(transient ? kube::kubelb::PhasePending : kube::kubelb::PhaseFailed),
            false,
            invalid         ? u"InvalidSecret"_s
                : transient ? u"SecretWriteRetrying"_s
                            : u"SecretWriteFailed"_s,
            secret.error().message(), &m_syncSecrets);
        // An invalid Secret will not become valid by retrying: wait for the SyncSecret to change.
        return invalid ? Result::terminalError(describe(secret.error()))
                       : failure(u"writing the Secret"_s, secret.error());
    }
    return writeSyncStatus(m_client, owner, QString(kube::kubelb::PhaseSynced), true, u"SecretSynced"_s,
        u"Secret %1/%2 is up to date"_s.arg(owner.metadata.namespace_, owner.metadata.uid), &m_syncSecrets);
}

kube::Expected<kube::Secret> ManagerReconciler::ensureSecret(const kube::Secret& desired, ReconcileScope& scope)
{
    const QString ns = desired.metadata.namespace_;
    const QString name = desired.metadata.name;
    std::optional<kube::Secret> existing;
    if (const auto cached = m_secrets.get(ns, name)) {
        auto decoded = kube::Secret::fromJson(*cached);
        if (!decoded)
            return decoded.error();
        existing = *decoded;
    }
    if (!existing) {
        auto created
            = decodeAs<kube::Secret>(writtenThrough(&m_secrets, m_client.create(secretPath(ns), desired.toJson())));
        if (created || !created.error().isAlreadyExists()) {
            if (created)
                scope.log(Level::Info, u"created Secret"_s, { { u"secret"_s, ns + u'/' + name } });
            return created;
        }
        auto live = decodeAs<kube::Secret>(m_client.get(secretPath(ns, name)));
        if (!live)
            return live.error();
        existing = *live;
    }
    switch (secretAction(*existing, desired)) {
    case SecretAction::None:
        return *existing;
    case SecretAction::Update: {
        auto updated = decodeAs<kube::Secret>(writtenThrough(
            &m_secrets, m_client.update(secretPath(ns, name), applySecret(*existing, desired).toJson())));
        if (updated)
            scope.log(Level::Info, u"updated Secret"_s, { { u"secret"_s, ns + u'/' + name } });
        return updated;
    }
    case SecretAction::Recreate: {
        // Type changes and data changes of immutable Secrets need a new object.
        const QJsonObject options { { u"preconditions"_s, QJsonObject { { u"uid"_s, existing->metadata.uid } } } };
        const auto removed = m_client.remove(secretPath(ns, name), options);
        if (!removed && !removed.error().isNotFound())
            return removed.error();
        auto created
            = decodeAs<kube::Secret>(writtenThrough(&m_secrets, m_client.create(secretPath(ns), desired.toJson())));
        if (created)
            scope.log(Level::Info, u"recreated Secret"_s, { { u"secret"_s, ns + u'/' + name } });
        return created;
    }
    }
    return *existing;
}

Result ManagerReconciler::finalize(const kube::SyncSecret& owner, ReconcileScope& scope)
{
    if (!owner.metadata.hasFinalizer(kFinalizer))
        return Result::success();
    const QString ns = owner.metadata.namespace_;
    const auto secret = m_client.get(secretPath(ns, owner.metadata.uid));
    if (secret) {
        writeSyncStatus(m_client, owner, QString(kube::kubelb::PhaseTerminating), false, u"DeletingSecret"_s,
            u"waiting for the Secret to be deleted"_s, &m_syncSecrets);
        const auto removed = m_client.remove(secretPath(ns, owner.metadata.uid));
        if (!removed && !removed.error().isNotFound())
            return failure(u"deleting the Secret"_s, removed.error());
        scope.log(Level::Info, u"deleting Secret"_s, { { u"secret"_s, ns + u'/' + owner.metadata.uid } });
        return Result::after(std::chrono::seconds(1));
    }
    if (!secret.error().isNotFound())
        return failure(u"checking the Secret"_s, secret.error());
    if (auto released = releaseFinalizer(m_client, ns, owner.metadata.name);
        !released.error.isEmpty() || released.requeue)
        return released;
    scope.log(Level::Info, u"Secret deleted; released the SyncSecret"_s);
    return Result::success();
}

} // namespace syncsecret
