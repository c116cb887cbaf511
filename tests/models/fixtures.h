#pragma once

#include "models/snapshot.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>

/// Builders for the models/ tests: Kubernetes JSON objects and a healthy one-tenant world.
namespace fixtures {

/// The scan time of every fixture snapshot.
inline QDateTime now()
{
    return QDateTime(QDate(2025, 1, 1), QTime(12, 0), Qt::UTC);
}
inline QString minutesAgo(int minutes)
{
    return now().addSecs(-60 * minutes).toString(Qt::ISODate);
}

/// base64("secret-value"): tests assert this never appears in any output.
inline constexpr QLatin1StringView SecretValueB64 { "c2VjcmV0LXZhbHVl" };
inline constexpr QLatin1StringView SecretValue { "secret-value" };
/// A self-signed certificate: CN app.example.com, SANs app/www.example.com, notAfter 2036-11-25 10:54:48 UTC.
inline constexpr QLatin1StringView CertificateB64 {
    "MIIB1TCCAXugAwIBAgIUHmM39UiyyUyVlUSTc6mpWL6MoocwCgYIKoZIzj0EAwIwKTENMAsGA1UECgwERGVtbzEYMBYGA1UEAwwPYXBwLmV4YW1wbG"
    "UuY29tMB4XDTI2MTEyODEwNTQ0OFoXDTM2MTEyNTEwNTQ0OFowKTENMAsGA1UECgwERGVtbzEYMBYGA1UEAwwPYXBwLmV4YW1wbGUuY29tMFkwEwYH"
    "KoZIzj0CAQYIKoZIzj0DAQcDQgAEu/4KoDiwKMXzkgf2/"
    "8rv4gfP+BtOQgqZTsUgnxn+vyzxnL5T7ZuW48nuFH5PXVOlirCCfoEiLKQ7398gQLOo46OBgDB+MB0GA1UdDgQWBBQwmeHcmCk75iehyrNH5+"
    "PwwDjd/zAfBgNVHSMEGDAWgBQwmeHcmCk75iehyrNH5+PwwDjd/zAPBgNVHRMBAf8EBTADAQH/"
    "MCsGA1UdEQQkMCKCD2FwcC5leGFtcGxlLmNvbYIPd3d3LmV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0gAMEUCIQCfEORu+"
    "HrQ80VJIl08OQSeahoCsAXErM6Ci4PLmC5nUwIgV1TzFczCbJslVBnHLlswzLegulSzalHmJQLzVl8vilA="
};

inline QJsonObject object(const QString& kind, const QString& ns, const QString& name, const QString& uid,
    int ageMinutes = 60, const QString& rv = QStringLiteral("1"))
{
    QJsonObject metadata { { QLatin1String("namespace"), ns }, { QLatin1String("name"), name },
        { QLatin1String("uid"), uid }, { QLatin1String("resourceVersion"), rv },
        { QLatin1String("creationTimestamp"), minutesAgo(ageMinutes) }, { QLatin1String("generation"), 1 } };
    const bool syncSecret = kind == QLatin1String("SyncSecret");
    return QJsonObject { { QLatin1String("apiVersion"),
                             syncSecret ? QStringLiteral("kubelb.k8c.io/v1alpha1") : QStringLiteral("v1") },
        { QLatin1String("kind"), kind }, { QLatin1String("metadata"), metadata },
        { QLatin1String("type"), QStringLiteral("Opaque") },
        { QLatin1String("data"), QJsonObject { { QLatin1String("password"), SecretValueB64 } } } };
}

/// Sets metadata[field] = value.
inline void setMeta(QJsonObject& o, const QString& field, const QJsonValue& value)
{
    QJsonObject metadata = o.value(QLatin1String("metadata")).toObject();
    metadata.insert(field, value);
    o.insert(QLatin1String("metadata"), metadata);
}

inline void setLabel(QJsonObject& o, const QString& key, const QString& value)
{
    QJsonObject labels = o.value(QLatin1String("metadata")).toObject().value(QLatin1String("labels")).toObject();
    labels.insert(key, value);
    setMeta(o, QStringLiteral("labels"), labels);
}

inline void setStatus(QJsonObject& o, const QString& phase, qint64 observedGeneration = 1)
{
    o.insert(QLatin1String("status"),
        QJsonObject { { QLatin1String("phase"), phase }, { QLatin1String("observedGeneration"), observedGeneration } });
}

inline void terminate(QJsonObject& o, int minutes, bool finalizer = true)
{
    setMeta(o, QStringLiteral("deletionTimestamp"), minutesAgo(minutes));
    if (finalizer)
        setMeta(o, QStringLiteral("finalizers"), QJsonArray { QStringLiteral("kubelb.k8c.io/lb-finalizer") });
}

inline QJsonObject tenantSyncSecret(const QString& ns, const QString& name, const QString& uid, int age = 60)
{
    QJsonObject o = object(QStringLiteral("SyncSecret"), ns, name, uid, age);
    setMeta(o, QStringLiteral("finalizers"), QJsonArray { QStringLiteral("kubelb.k8c.io/lb-finalizer") });
    setStatus(o, QStringLiteral("Synced"));
    return o;
}

inline QJsonObject managementSyncSecret(const QString& ns, const QString& tenantUid, const QString& uid,
    const QString& originNs, const QString& originName, int age = 60)
{
    QJsonObject o = object(QStringLiteral("SyncSecret"), ns, tenantUid, uid, age);
    setLabel(o, QStringLiteral("kubelb.k8c.io/origin-name"), originName);
    setLabel(o, QStringLiteral("kubelb.k8c.io/origin-namespace"), originNs);
    setMeta(o, QStringLiteral("finalizers"), QJsonArray { QStringLiteral("kubelb.k8c.io/lb-finalizer") });
    setStatus(o, QStringLiteral("Synced"));
    return o;
}

inline QJsonObject ownedSecret(const QString& ns, const QString& ownerName, const QString& ownerUid, int age = 60)
{
    QJsonObject o = object(QStringLiteral("Secret"), ns, ownerUid, QStringLiteral("s-") + ownerUid, age);
    setLabel(o, QStringLiteral("kubelb.k8c.io/syncsecret-owned"), QStringLiteral("true"));
    setLabel(o, QStringLiteral("kubelb.k8c.io/origin-name"), QStringLiteral("app"));
    setMeta(o, QStringLiteral("ownerReferences"),
        QJsonArray { QJsonObject { { QLatin1String("apiVersion"), QStringLiteral("kubelb.k8c.io/v1alpha1") },
            { QLatin1String("kind"), QStringLiteral("SyncSecret") }, { QLatin1String("name"), ownerName },
            { QLatin1String("uid"), ownerUid }, { QLatin1String("controller"), true } } });
    return o;
}

/// tenant1 (production/app, uid t1) → tenant-primary/t1 (uid m1) → tenant-primary/m1; all an hour old.
inline models::Snapshot healthy()
{
    models::Snapshot s;
    s.takenAt = now();
    s.management.context = QStringLiteral("mgmt");
    models::TenantSnapshot tenant;
    tenant.tenant = { QStringLiteral("tenant1"), QStringLiteral("tenant-primary") };
    tenant.syncSecrets.append(
        tenantSyncSecret(QStringLiteral("production"), QStringLiteral("app"), QStringLiteral("t1")));
    s.tenants.append(tenant);
    s.management.syncSecrets.append(managementSyncSecret(QStringLiteral("tenant-primary"), QStringLiteral("t1"),
        QStringLiteral("m1"), QStringLiteral("production"), QStringLiteral("app")));
    s.management.secrets.append(
        ownedSecret(QStringLiteral("tenant-primary"), QStringLiteral("t1"), QStringLiteral("m1")));
    return s;
}

} // namespace fixtures
