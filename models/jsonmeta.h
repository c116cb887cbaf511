#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

/// Read-only accessors for Kubernetes JSON objects (internal to models/).
namespace models::meta {

/// metadata of `object`.
QJsonObject metadata(const QJsonObject& object);
QString name(const QJsonObject& object);
QString namespaceOf(const QJsonObject& object);
QString uid(const QJsonObject& object);
QString resourceVersion(const QJsonObject& object);
/// The value of label `key`, or an empty string.
QString label(const QJsonObject& object, QLatin1StringView key);
/// kubelb.k8c.io/origin-name.
QString originName(const QJsonObject& object);
/// kubelb.k8c.io/origin-namespace, falling back to upstream's kubelb.k8c.io/origin-ns.
QString originNamespace(const QJsonObject& object);
/// True when origin labels or the syncsecret-owned label mark `object` as produced by KubeLB.
bool isKubelbSecret(const QJsonObject& object);
/// RFC 3339 time, invalid when absent or malformed.
QDateTime parseTime(const QString& text);
QDateTime creationTime(const QJsonObject& object);
QDateTime deletionTime(const QJsonObject& object);
bool hasFinalizer(const QJsonObject& object, QLatin1StringView finalizer);
QJsonArray ownerReferences(const QJsonObject& object);
/// The first ownerReference of kind SyncSecret in group kubelb.k8c.io, or an empty object.
QJsonObject syncSecretOwner(const QJsonObject& object);
qint64 generation(const QJsonObject& object);
/// status.observedGeneration, 0 when absent.
qint64 observedGeneration(const QJsonObject& object);
QString phase(const QJsonObject& object);
/// status.conditions[type == `type`], or an empty object.
QJsonObject condition(const QJsonObject& object, const QString& type);
/// A key for hashes: "namespace/name".
inline QString key(const QString& ns, const QString& name)
{
    return ns + QLatin1Char('/') + name;
}

} // namespace models::meta
