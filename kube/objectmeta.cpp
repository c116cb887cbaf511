#include "objectmeta.h"

#include "jsonfields.h"

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const auto ownerReferenceFields = [](auto& io, auto& o) {
    io.field("apiVersion"_L1, o.apiVersion);
    io.field("kind"_L1, o.kind);
    io.field("name"_L1, o.name);
    io.field("uid"_L1, o.uid);
    io.field("controller"_L1, o.controller);
    io.field("blockOwnerDeletion"_L1, o.blockOwnerDeletion);
};

const auto objectMetaFields = [](auto& io, auto& m) {
    io.field("name"_L1, m.name);
    io.field("generateName"_L1, m.generateName);
    io.field("namespace"_L1, m.namespace_);
    io.field("uid"_L1, m.uid);
    io.field("resourceVersion"_L1, m.resourceVersion);
    io.field("generation"_L1, m.generation);
    io.time("creationTimestamp"_L1, m.creationTimestamp);
    io.time("deletionTimestamp"_L1, m.deletionTimestamp);
    io.field("deletionGracePeriodSeconds"_L1, m.deletionGracePeriodSeconds);
    io.field("labels"_L1, m.labels);
    io.field("annotations"_L1, m.annotations);
    io.field("ownerReferences"_L1, m.ownerReferences);
    io.field("finalizers"_L1, m.finalizers);
};

} // namespace

Expected<OwnerReference> OwnerReference::fromJson(const QJsonObject& json)
{
    return json::decode<OwnerReference>(json, ownerReferenceFields);
}

QJsonObject OwnerReference::toJson() const
{
    return json::encode(*this, ownerReferenceFields);
}

Expected<ObjectMeta> ObjectMeta::fromJson(const QJsonObject& json)
{
    return json::decode<ObjectMeta>(json, objectMetaFields);
}

QJsonObject ObjectMeta::toJson() const
{
    return json::encode(*this, objectMetaFields);
}

bool ObjectMeta::addFinalizer(const QString& finalizer)
{
    if (hasFinalizer(finalizer))
        return false;
    finalizers.append(finalizer);
    return true;
}

bool ObjectMeta::removeFinalizer(const QString& finalizer)
{
    return finalizers.removeAll(finalizer) > 0;
}

std::optional<OwnerReference> ObjectMeta::controllerRef() const
{
    for (const OwnerReference& ref : ownerReferences) {
        if (ref.isController())
            return ref;
    }
    return std::nullopt;
}

} // namespace kube
