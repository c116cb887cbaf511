#pragma once

#include "expected.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace kube {

/// A metav1.OwnerReference: the object that owns this one, for garbage collection and controller lookup.
struct OwnerReference {
    QString apiVersion;
    QString kind;
    QString name;
    QString uid;
    std::optional<bool> controller; ///< true on the one managing controller's reference
    std::optional<bool> blockOwnerDeletion; ///< foreground deletion waits for this dependent
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes an ownerReferences entry; the error names the field (`uid: expected a string`).
    static Expected<OwnerReference> fromJson(const QJsonObject& json);
    /// Encodes the reference; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;
    /// True when `controller` is set and true.
    bool isController() const { return controller.value_or(false); }

    friend bool operator==(const OwnerReference&, const OwnerReference&) = default;
};

/// A metav1.ObjectMeta. Empty strings, maps and lists mean absent; a present-but-empty value in the input is
/// kept in unknownFields so it round-trips. Timestamps stay as their RFC 3339 text (see timestamps.h).
struct ObjectMeta {
    QString name;
    QString generateName;
    QString namespace_; ///< JSON "namespace"
    QString uid;
    QString resourceVersion;
    std::optional<qint64> generation;
    QString creationTimestamp;
    QString deletionTimestamp; ///< empty unless the object is being deleted
    std::optional<qint64> deletionGracePeriodSeconds;
    QMap<QString, QString> labels;
    QMap<QString, QString> annotations;
    QList<OwnerReference> ownerReferences;
    QStringList finalizers;
    QJsonObject unknownFields; ///< managedFields, selfLink and anything newer

    /// Decodes a metadata object; the error names the field (`ownerReferences[0].uid: expected a string`).
    static Expected<ObjectMeta> fromJson(const QJsonObject& json);
    /// Encodes the metadata; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    /// True when `finalizer` is listed.
    bool hasFinalizer(const QString& finalizer) const { return finalizers.contains(finalizer); }
    /// Appends `finalizer` unless present; true when the list changed.
    bool addFinalizer(const QString& finalizer);
    /// Removes every occurrence of `finalizer`; true when the list changed.
    bool removeFinalizer(const QString& finalizer);
    /// The owner reference with controller=true, as metav1.GetControllerOf returns it.
    std::optional<OwnerReference> controllerRef() const;
    /// True once a deletionTimestamp is set (the object waits for its finalizers).
    bool isBeingDeleted() const { return !deletionTimestamp.isEmpty(); }
    /// `namespace/name`, or just `name` for cluster-scoped objects: the work-queue key.
    QString key() const { return namespace_.isEmpty() ? name : namespace_ + u'/' + name; }

    friend bool operator==(const ObjectMeta&, const ObjectMeta&) = default;
};

} // namespace kube
