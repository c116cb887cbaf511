#include "coreobjects.h"

#include "jsonfields.h"

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const auto namespaceSpecFields = [](auto& io, auto& s) { io.field("finalizers"_L1, s.finalizers); };

const auto namespaceStatusFields = [](auto& io, auto& s) { io.field("phase"_L1, s.phase); };

const auto namespaceFields = [](auto& io, auto& n) {
    io.field("apiVersion"_L1, n.apiVersion);
    io.field("kind"_L1, n.kind);
    io.field("metadata"_L1, n.metadata);
    io.field("spec"_L1, n.spec);
    io.field("status"_L1, n.status);
};

const auto leaseSpecFields = [](auto& io, auto& s) {
    io.field("holderIdentity"_L1, s.holderIdentity);
    io.field("leaseDurationSeconds"_L1, s.leaseDurationSeconds);
    io.time("acquireTime"_L1, s.acquireTime);
    io.time("renewTime"_L1, s.renewTime);
    io.field("leaseTransitions"_L1, s.leaseTransitions);
    io.field("preferredHolder"_L1, s.preferredHolder);
    io.field("strategy"_L1, s.strategy);
};

const auto leaseFields = [](auto& io, auto& l) {
    io.field("apiVersion"_L1, l.apiVersion);
    io.field("kind"_L1, l.kind);
    io.field("metadata"_L1, l.metadata);
    io.field("spec"_L1, l.spec);
};

const auto objectReferenceFields = [](auto& io, auto& r) {
    io.field("kind"_L1, r.kind);
    io.field("namespace"_L1, r.namespace_);
    io.field("name"_L1, r.name);
    io.field("uid"_L1, r.uid);
    io.field("apiVersion"_L1, r.apiVersion);
    io.field("resourceVersion"_L1, r.resourceVersion);
    io.field("fieldPath"_L1, r.fieldPath);
};

const auto eventSourceFields = [](auto& io, auto& s) {
    io.field("component"_L1, s.component);
    io.field("host"_L1, s.host);
};

const auto eventFields = [](auto& io, auto& e) {
    io.field("apiVersion"_L1, e.apiVersion);
    io.field("kind"_L1, e.kind);
    io.field("metadata"_L1, e.metadata);
    io.field("involvedObject"_L1, e.involvedObject);
    io.field("reason"_L1, e.reason);
    io.field("message"_L1, e.message);
    io.field("source"_L1, e.source);
    io.time("firstTimestamp"_L1, e.firstTimestamp);
    io.time("lastTimestamp"_L1, e.lastTimestamp);
    io.field("count"_L1, e.count);
    io.field("type"_L1, e.type);
    io.time("eventTime"_L1, e.eventTime);
    io.field("action"_L1, e.action);
    io.field("reportingComponent"_L1, e.reportingComponent);
    io.field("reportingInstance"_L1, e.reportingInstance);
};

} // namespace

Expected<NamespaceSpec> NamespaceSpec::fromJson(const QJsonObject& json)
{
    return json::decode<NamespaceSpec>(json, namespaceSpecFields);
}

QJsonObject NamespaceSpec::toJson() const
{
    return json::encode(*this, namespaceSpecFields);
}

Expected<NamespaceStatus> NamespaceStatus::fromJson(const QJsonObject& json)
{
    return json::decode<NamespaceStatus>(json, namespaceStatusFields);
}

QJsonObject NamespaceStatus::toJson() const
{
    return json::encode(*this, namespaceStatusFields);
}

Expected<Namespace> Namespace::fromJson(const QJsonObject& json)
{
    return json::decode<Namespace>(json, namespaceFields);
}

QJsonObject Namespace::toJson() const
{
    return json::encode(*this, namespaceFields);
}

bool Namespace::isTerminating() const
{
    return status.phase == "Terminating"_L1 || metadata.isBeingDeleted();
}

Expected<LeaseSpec> LeaseSpec::fromJson(const QJsonObject& json)
{
    return json::decode<LeaseSpec>(json, leaseSpecFields);
}

QJsonObject LeaseSpec::toJson() const
{
    return json::encode(*this, leaseSpecFields);
}

Expected<Lease> Lease::fromJson(const QJsonObject& json)
{
    return json::decode<Lease>(json, leaseFields);
}

QJsonObject Lease::toJson() const
{
    return json::encode(*this, leaseFields);
}

Expected<ObjectReference> ObjectReference::fromJson(const QJsonObject& json)
{
    return json::decode<ObjectReference>(json, objectReferenceFields);
}

QJsonObject ObjectReference::toJson() const
{
    return json::encode(*this, objectReferenceFields);
}

Expected<EventSource> EventSource::fromJson(const QJsonObject& json)
{
    return json::decode<EventSource>(json, eventSourceFields);
}

QJsonObject EventSource::toJson() const
{
    return json::encode(*this, eventSourceFields);
}

Expected<Event> Event::fromJson(const QJsonObject& json)
{
    return json::decode<Event>(json, eventFields);
}

QJsonObject Event::toJson() const
{
    return json::encode(*this, eventFields);
}

} // namespace kube
