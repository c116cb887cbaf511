#include "desired.h"

using namespace Qt::StringLiterals;

namespace syncsecret {

namespace {

QMap<QString, QString> withoutLastApplied(QMap<QString, QString> annotations)
{
    annotations.remove(QString(kube::kubelb::LastAppliedConfigAnnotation));
    return annotations;
}

} // namespace

bool isReservedLabel(const QString& key)
{
    return key == kube::kubelb::OriginNameLabel || key == kube::kubelb::OriginNamespaceLabel
        || key == kube::kubelb::LegacyOriginNamespaceLabel || key == OwnedSecretLabel;
}

kube::SyncSecret managementCopy(const kube::SyncSecret& tenant, const QString& managementNamespace)
{
    kube::SyncSecret copy;
    copy.metadata.name = tenant.metadata.uid;
    copy.metadata.namespace_ = managementNamespace;
    for (auto it = tenant.metadata.labels.cbegin(); it != tenant.metadata.labels.cend(); ++it)
        if (!isReservedLabel(it.key()))
            copy.metadata.labels.insert(it.key(), it.value());
    copy.metadata.labels.insert(QString(kube::kubelb::OriginNameLabel), tenant.metadata.name);
    copy.metadata.labels.insert(QString(kube::kubelb::OriginNamespaceLabel), tenant.metadata.namespace_);
    copy.metadata.annotations = withoutLastApplied(tenant.metadata.annotations);
    copy.data = tenant.normalizedData();
    copy.type = tenant.type;
    copy.immutable = tenant.immutable;
    return copy;
}

kube::Secret managedSecret(const kube::SyncSecret& owner)
{
    kube::Secret secret;
    secret.metadata.name = owner.metadata.uid;
    secret.metadata.namespace_ = owner.metadata.namespace_;
    for (auto it = owner.metadata.labels.cbegin(); it != owner.metadata.labels.cend(); ++it)
        if (it.key() != OwnedSecretLabel)
            secret.metadata.labels.insert(it.key(), it.value());
    secret.metadata.labels.insert(QString(OwnedSecretLabel), u"true"_s);
    secret.metadata.annotations = withoutLastApplied(owner.metadata.annotations);
    kube::OwnerReference ref;
    ref.apiVersion = QString(kube::kubelb::ApiVersion);
    ref.kind = QString(kube::kubelb::SyncSecretKind);
    ref.name = owner.metadata.name;
    ref.uid = owner.metadata.uid;
    ref.controller = true;
    ref.blockOwnerDeletion = true;
    secret.metadata.ownerReferences = { ref };
    secret.data = owner.normalizedData();
    secret.type = owner.type.isEmpty() ? u"Opaque"_s : owner.type;
    secret.immutable = owner.immutable;
    return secret;
}

bool copyNeedsUpdate(const kube::SyncSecret& existing, const kube::SyncSecret& desired)
{
    // Semantic comparison: a copy that spells the same values through stringData is equal (no rewrite).
    return existing.normalizedData() != desired.normalizedData() || existing.type != desired.type
        || existing.metadata.labels != desired.metadata.labels
        || existing.metadata.annotations != desired.metadata.annotations
        || existing.immutable.value_or(false) != desired.immutable.value_or(false);
}

kube::SyncSecret applyCopy(kube::SyncSecret existing, const kube::SyncSecret& desired)
{
    existing.data = desired.data;
    existing.dataEncoding.clear();
    existing.stringData.clear();
    existing.type = desired.type;
    existing.metadata.labels = desired.metadata.labels;
    existing.metadata.annotations = desired.metadata.annotations;
    existing.immutable = desired.immutable;
    return existing;
}

SecretAction secretAction(const kube::Secret& existing, const kube::Secret& desired)
{
    const bool dataDiffers = existing.normalizedData() != desired.normalizedData();
    const bool immutableDiffers = existing.immutable.value_or(false) != desired.immutable.value_or(false);
    const bool metaDiffers = existing.metadata.labels != desired.metadata.labels
        || existing.metadata.annotations != desired.metadata.annotations
        || existing.metadata.ownerReferences != desired.metadata.ownerReferences;
    if (!dataDiffers && !immutableDiffers && !metaDiffers && existing.type == desired.type)
        return SecretAction::None;
    // The API server refuses a type change, and any data change (or un-setting immutable) on an immutable Secret.
    if (existing.type != desired.type || (existing.immutable.value_or(false) && (dataDiffers || immutableDiffers)))
        return SecretAction::Recreate;
    return SecretAction::Update;
}

kube::Secret applySecret(kube::Secret existing, const kube::Secret& desired)
{
    existing.data = desired.data;
    existing.dataEncoding.clear();
    existing.stringData.clear();
    existing.type = desired.type;
    existing.immutable = desired.immutable;
    existing.metadata.labels = desired.metadata.labels;
    existing.metadata.annotations = desired.metadata.annotations;
    existing.metadata.ownerReferences = desired.metadata.ownerReferences;
    return existing;
}

bool setSyncStatus(kube::SyncSecretStatus& status, const QString& phase, qint64 generation, bool synced,
    const QString& reason, const QString& message, const QDateTime& now)
{
    bool changed = status.phase != phase || status.observedGeneration != generation;
    status.phase = phase;
    status.observedGeneration = generation;
    kube::Condition condition;
    condition.type = u"Synced"_s;
    condition.status = synced ? QString(kube::ConditionTrue) : QString(kube::ConditionFalse);
    condition.observedGeneration = generation;
    condition.reason = reason;
    condition.message = message;
    changed |= kube::setCondition(status.conditions, condition, now);
    return changed;
}

} // namespace syncsecret
