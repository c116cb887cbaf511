#pragma once

#include "expected.h"
#include "objectmeta.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace kube {

/// The `spec` of a core/v1 Namespace.
struct NamespaceSpec {
    QStringList finalizers; ///< e.g. "kubernetes"; the namespace controller removes it when emptied
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes a Namespace spec; the error names the field.
    static Expected<NamespaceSpec> fromJson(const QJsonObject& json);
    /// Encodes the spec; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const NamespaceSpec&, const NamespaceSpec&) = default;
};

/// The `status` of a core/v1 Namespace; its conditions stay in unknownFields.
struct NamespaceStatus {
    QString phase; ///< Active or Terminating
    QJsonObject unknownFields; ///< conditions and anything newer

    /// Decodes a Namespace status; the error names the field.
    static Expected<NamespaceStatus> fromJson(const QJsonObject& json);
    /// Encodes the status; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const NamespaceStatus&, const NamespaceStatus&) = default;
};

/// A core/v1 Namespace.
struct Namespace {
    QString apiVersion = QStringLiteral("v1"); ///< empty after fromJson when the input had none
    QString kind = QStringLiteral("Namespace");
    ObjectMeta metadata;
    NamespaceSpec spec;
    NamespaceStatus status;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes a Namespace; the error names the field.
    static Expected<Namespace> fromJson(const QJsonObject& json);
    /// Encodes the Namespace; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;
    /// True while the namespace is being deleted (phase Terminating or a deletionTimestamp).
    bool isTerminating() const;

    friend bool operator==(const Namespace&, const Namespace&) = default;
};

/// The `spec` of a coordination.k8s.io/v1 Lease; times are MicroTime text (`2006-01-02T15:04:05.000000Z`).
struct LeaseSpec {
    QString holderIdentity;
    std::optional<int> leaseDurationSeconds;
    QString acquireTime;
    QString renewTime;
    std::optional<int> leaseTransitions;
    QString preferredHolder; ///< coordinated leader election (1.31+)
    QString strategy; ///< coordinated leader election (1.31+)
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes a Lease spec; the error names the field.
    static Expected<LeaseSpec> fromJson(const QJsonObject& json);
    /// Encodes the spec; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const LeaseSpec&, const LeaseSpec&) = default;
};

/// A coordination.k8s.io/v1 Lease, the lock of leader election.
struct Lease {
    QString apiVersion = QStringLiteral("coordination.k8s.io/v1"); ///< empty after fromJson when the input had none
    QString kind = QStringLiteral("Lease");
    ObjectMeta metadata;
    LeaseSpec spec;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes a Lease; the error names the field.
    static Expected<Lease> fromJson(const QJsonObject& json);
    /// Encodes the Lease; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const Lease&, const Lease&) = default;
};

/// A core/v1 ObjectReference: enough to find one object (an Event's involvedObject).
struct ObjectReference {
    QString kind;
    QString namespace_; ///< JSON "namespace"
    QString name;
    QString uid;
    QString apiVersion;
    QString resourceVersion;
    QString fieldPath;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes a reference; the error names the field.
    static Expected<ObjectReference> fromJson(const QJsonObject& json);
    /// Encodes the reference; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const ObjectReference&, const ObjectReference&) = default;
};

/// The `source` of a core/v1 Event.
struct EventSource {
    QString component;
    QString host;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes an event source; the error names the field.
    static Expected<EventSource> fromJson(const QJsonObject& json);
    /// Encodes the source; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const EventSource&, const EventSource&) = default;
};

/// A core/v1 Event as a controller's event recorder writes it; series and related stay in unknownFields.
struct Event {
    QString apiVersion = QStringLiteral("v1"); ///< empty after fromJson when the input had none
    QString kind = QStringLiteral("Event");
    ObjectMeta metadata;
    ObjectReference involvedObject;
    QString reason;
    QString message;
    EventSource source;
    QString firstTimestamp;
    QString lastTimestamp;
    int count = 0;
    QString type; ///< Normal or Warning
    QString eventTime; ///< MicroTime, set by events.k8s.io style recorders
    QString action;
    QString reportingComponent;
    QString reportingInstance;
    QJsonObject unknownFields; ///< series, related and anything newer

    /// Decodes an Event; the error names the field.
    static Expected<Event> fromJson(const QJsonObject& json);
    /// Encodes the Event; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const Event&, const Event&) = default;
};

} // namespace kube
