#include "conversion.h"

#include "common.h"
#include "desired.h"

using namespace Qt::StringLiterals;
using runtime::Result;
using Level = runtime::logging::Level;

namespace syncsecret {

namespace {

bool ownedBy(const kube::SyncSecret& syncSecret, const kube::Secret& secret)
{
    const auto ref = syncSecret.metadata.controllerRef();
    return ref && ref->kind == u"Secret" && ref->uid == secret.metadata.uid;
}

kube::SyncSecret wrap(const kube::Secret& secret)
{
    kube::SyncSecret s;
    s.metadata.name = secret.metadata.name;
    s.metadata.namespace_ = secret.metadata.namespace_;
    s.metadata.labels = secret.metadata.labels;
    s.metadata.labels.remove(QString(kube::kubelb::ManagedByLabel));
    s.metadata.annotations = secret.metadata.annotations;
    s.metadata.annotations.remove(QString(kube::kubelb::LastAppliedConfigAnnotation));
    kube::OwnerReference ref;
    ref.apiVersion = u"v1"_s;
    ref.kind = u"Secret"_s;
    ref.name = secret.metadata.name;
    ref.uid = secret.metadata.uid;
    ref.controller = true;
    s.metadata.ownerReferences = { ref };
    s.data = secret.normalizedData();
    s.type = secret.type;
    s.immutable = secret.immutable;
    return s;
}

} // namespace

ConversionReconciler::ConversionReconciler(kube::RestClient& tenant, const runtime::Cache& labelledSecrets,
    const runtime::Cache& tenantSyncSecrets, SyncMetrics* metrics)
    : m_tenant(tenant)
    , m_secrets(labelledSecrets)
    , m_syncSecrets(tenantSyncSecrets)
    , m_metrics(metrics)
{
}

Result ConversionReconciler::reconcile(const runtime::Request& request)
{
    ReconcileScope scope(name(), request, m_metrics);
    const auto cachedSecret = m_secrets.get(request.ns, request.name);
    const auto cachedSync = m_syncSecrets.get(request.ns, request.name);
    std::optional<kube::SyncSecret> existing;
    if (cachedSync) {
        auto decoded = kube::SyncSecret::fromJson(*cachedSync);
        if (!decoded)
            return scope.finish(Result::terminalError(decoded.error().message()));
        existing = *decoded;
    }
    if (!cachedSecret) {
        // The Secret is gone or lost its label: remove the SyncSecret we made from it.
        const auto ref = existing ? existing->metadata.controllerRef() : std::nullopt;
        if (!existing || !ref || ref->kind != u"Secret" || existing->metadata.isBeingDeleted())
            return scope.finish(Result::success());
        const auto removed = m_tenant.remove(syncSecretPath(request.ns, request.name));
        if (!removed && !removed.error().isNotFound())
            return scope.finish(failure({}, removed.error()));
        scope.log(Level::Info, u"Secret no longer converted; deleted its SyncSecret"_s);
        return scope.finish(Result::success());
    }
    auto secret = kube::Secret::fromJson(*cachedSecret);
    if (!secret)
        return scope.finish(Result::terminalError(secret.error().message()));
    if (secret->metadata.isBeingDeleted())
        return scope.finish(Result::success());
    const kube::SyncSecret desired = wrap(*secret);
    if (!existing) {
        const auto created = m_tenant.create(syncSecretPath(request.ns), desired.toJson());
        if (!created && !created.error().isAlreadyExists())
            return scope.finish(failure(u"creating the SyncSecret"_s, created.error()));
        scope.log(Level::Info, u"wrapped Secret into a SyncSecret"_s);
        return scope.finish(Result::success());
    }
    if (!ownedBy(*existing, *secret)) {
        scope.log(Level::Warning, u"a SyncSecret of this name exists and is not owned by the Secret; leaving it"_s);
        return scope.finish(Result::success());
    }
    if (existing->metadata.isBeingDeleted() || !copyNeedsUpdate(*existing, desired))
        return scope.finish(Result::success());
    const kube::SyncSecret updated = applyCopy(*existing, desired);
    const auto written = m_tenant.update(syncSecretPath(request.ns, request.name), updated.toJson());
    if (!written)
        return scope.finish(failure(u"updating the SyncSecret"_s, written.error()));
    return scope.finish(Result::success());
}

} // namespace syncsecret
