// The pure decisions of the SyncSecret controllers (controllers/syncsecret/desired.h), table-driven: what the
// management copy and the managed Secret look like, when an existing copy or Secret must be written, and when a
// status write is due. No I/O.
#include "controllers/syncsecret/desired.h"

#include <QJsonArray>
#include <QTest>
#include <functional>

using namespace Qt::StringLiterals;
using kube::Secret;
using kube::SyncSecret;

using ByteMap = QMap<QString, QByteArray>;
using StringMap = QMap<QString, QString>;
using SyncMutation = std::function<void(SyncSecret&)>;
using SecretMutation = std::function<void(Secret&)>;

Q_DECLARE_METATYPE(SyncMutation)
Q_DECLARE_METATYPE(SecretMutation)
Q_DECLARE_METATYPE(syncsecret::SecretAction)
Q_DECLARE_METATYPE(std::optional<bool>)

namespace {

const QString kOriginName = QString(kube::kubelb::OriginNameLabel);
const QString kOriginNamespace = QString(kube::kubelb::OriginNamespaceLabel);
const QString kLegacyOriginNamespace = QString(kube::kubelb::LegacyOriginNamespaceLabel);
const QString kOwned = QString(syncsecret::OwnedSecretLabel);
const QString kLastApplied = QString(kube::kubelb::LastAppliedConfigAnnotation);
const QString kFinalizer = QString(kube::kubelb::CleanupFinalizer);

/// A tenant SyncSecret as the tenant API server returns it: server-owned metadata, a finalizer, status.
SyncSecret tenantObject()
{
    SyncSecret s;
    s.metadata.name = u"app-tls"_s;
    s.metadata.namespace_ = u"production"_s;
    s.metadata.uid = u"3f1c2a9e-0000-4000-8000-000000000001"_s;
    s.metadata.resourceVersion = u"42"_s;
    s.metadata.generation = 3;
    s.metadata.creationTimestamp = u"2025-01-01T00:00:00Z"_s;
    s.metadata.labels = { { u"app"_s, u"web"_s } };
    s.metadata.annotations = { { u"team"_s, u"payments"_s } };
    s.metadata.finalizers = { kFinalizer };
    s.metadata.unknownFields
        = QJsonObject { { u"managedFields"_s, QJsonArray { QJsonObject { { u"manager"_s, u"kubectl"_s } } } } };
    s.type = u"kubernetes.io/tls"_s;
    s.data = { { u"tls.crt"_s, "CERT" }, { u"tls.key"_s, "KEY" } };
    s.status.phase = QString(kube::kubelb::PhaseSynced);
    s.status.observedGeneration = 3;
    return s;
}

/// A management SyncSecret (the copy the CCM made) as the management API server returns it.
SyncSecret managementObject()
{
    SyncSecret s;
    s.metadata.name = u"3f1c2a9e-0000-4000-8000-000000000001"_s;
    s.metadata.namespace_ = u"tenant-primary"_s;
    s.metadata.uid = u"9d0b7c11-0000-4000-8000-000000000002"_s;
    s.metadata.resourceVersion = u"77"_s;
    s.metadata.generation = 1;
    s.metadata.labels
        = { { u"app"_s, u"web"_s }, { kOriginName, u"app-tls"_s }, { kOriginNamespace, u"production"_s } };
    s.metadata.annotations = { { u"team"_s, u"payments"_s } };
    s.metadata.finalizers = { kFinalizer };
    s.type = u"kubernetes.io/tls"_s;
    s.data = { { u"tls.crt"_s, "CERT" }, { u"tls.key"_s, "KEY" } };
    return s;
}

/// The Secret the API server returns after the Manager created managedSecret(managementObject()).
Secret storedSecret()
{
    Secret s = syncsecret::managedSecret(managementObject());
    s.metadata.uid = u"5e5e5e5e-0000-4000-8000-000000000003"_s;
    s.metadata.resourceVersion = u"78"_s;
    s.metadata.creationTimestamp = u"2025-01-01T00:00:01Z"_s;
    s.metadata.unknownFields = QJsonObject { { u"managedFields"_s, QJsonArray {} } };
    return s;
}

} // namespace

class TestDesired : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testIsReservedLabel_data();
    void testIsReservedLabel();
    void testManagementCopyNamingAndPlacement();
    void testManagementCopyLabels_data();
    void testManagementCopyLabels();
    void testManagementCopyDropsLastAppliedKeepsOtherAnnotations();
    void testManagementCopyFoldsStringData_data();
    void testManagementCopyFoldsStringData();
    void testManagementCopyCopiesTypeAndImmutable_data();
    void testManagementCopyCopiesTypeAndImmutable();
    void testManagementCopyCarriesNoServerState();
    void testManagedSecretOwnerReference();
    void testManagedSecretFields_data();
    void testManagedSecretFields();
    void testManagedSecretLabelsAndAnnotations();
    void testCopyNeedsUpdate_data();
    void testCopyNeedsUpdate();
    void testApplyCopyKeepsServerStateAndConverges();
    void testSecretAction_data();
    void testSecretAction();
    void testApplySecretKeepsServerStateAndConverges();
    void testSetSyncStatus_data();
    void testSetSyncStatus();
    void testSetSyncStatusKeepsTransitionTimeWhileStatusHolds();
};

void TestDesired::testIsReservedLabel_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("reserved");
    QTest::newRow("origin-name") << kOriginName << true;
    QTest::newRow("origin-namespace") << kOriginNamespace << true;
    QTest::newRow("legacy origin-ns") << kLegacyOriginNamespace << true;
    QTest::newRow("syncsecret-owned") << kOwned << true;
    QTest::newRow("app") << u"app"_s << false;
    QTest::newRow("tenant label") << u"kubelb.k8c.io/tenant"_s << false;
    QTest::newRow("managed-by") << QString(kube::kubelb::ManagedByLabel) << false;
    QTest::newRow("prefix only") << u"kubelb.k8c.io/origin-name-x"_s << false;
    QTest::newRow("other domain") << u"example.com/origin-name"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestDesired::testIsReservedLabel()
{
    QFETCH(QString, key);
    QFETCH(bool, reserved);
    QCOMPARE(syncsecret::isReservedLabel(key), reserved);
}

void TestDesired::testManagementCopyNamingAndPlacement()
{
    const SyncSecret tenant = tenantObject();
    const SyncSecret copy = syncsecret::managementCopy(tenant, u"tenant-primary"_s);
    QCOMPARE(copy.metadata.name, tenant.metadata.uid);
    QCOMPARE(copy.metadata.namespace_, u"tenant-primary"_s);
    QCOMPARE(copy.apiVersion, QString(kube::kubelb::ApiVersion));
    QCOMPARE(copy.kind, QString(kube::kubelb::SyncSecretKind));
    // Two tenants' objects of the same name never collide: the name is the (unique) UID.
    SyncSecret other = tenant;
    other.metadata.uid = u"3f1c2a9e-0000-4000-8000-00000000000f"_s;
    QVERIFY(syncsecret::managementCopy(other, u"tenant-secondary"_s).metadata.name != copy.metadata.name);
}

void TestDesired::testManagementCopyLabels_data()
{
    QTest::addColumn<StringMap>("tenantLabels");
    QTest::addColumn<StringMap>("expected");
    const StringMap origin { { kOriginName, u"app-tls"_s }, { kOriginNamespace, u"production"_s } };
    auto with = [&](StringMap extra) {
        for (auto it = origin.cbegin(); it != origin.cend(); ++it)
            extra.insert(it.key(), it.value());
        return extra;
    };
    QTest::newRow("no labels") << StringMap {} << origin;
    QTest::newRow("tenant labels kept") << StringMap { { u"app"_s, u"web"_s }, { u"tier"_s, u"edge"_s } }
                                        << with({ { u"app"_s, u"web"_s }, { u"tier"_s, u"edge"_s } });
    QTest::newRow("spoofed origin-name overwritten") << StringMap { { kOriginName, u"someone-else"_s } } << origin;
    QTest::newRow("spoofed origin-namespace overwritten")
        << StringMap { { kOriginNamespace, u"kube-system"_s } } << origin;
    QTest::newRow("spoofed legacy origin-ns dropped") << StringMap { { kLegacyOriginNamespace, u"kube-system"_s },
        { u"app"_s, u"web"_s } } << with({ { u"app"_s, u"web"_s } });
    QTest::newRow("spoofed owned label dropped") << StringMap { { kOwned, u"true"_s } } << origin;
    QTest::newRow("all reserved spoofed at once") << StringMap { { kOriginName, u"x"_s }, { kOriginNamespace, u"y"_s },
        { kLegacyOriginNamespace, u"z"_s }, { kOwned, u"true"_s }, { u"keep"_s, u"me"_s } }
                                                  << with({ { u"keep"_s, u"me"_s } });
}

void TestDesired::testManagementCopyLabels()
{
    QFETCH(StringMap, tenantLabels);
    QFETCH(StringMap, expected);
    SyncSecret tenant = tenantObject();
    tenant.metadata.labels = tenantLabels;
    QCOMPARE(syncsecret::managementCopy(tenant, u"tenant-primary"_s).metadata.labels, expected);
}

void TestDesired::testManagementCopyDropsLastAppliedKeepsOtherAnnotations()
{
    SyncSecret tenant = tenantObject();
    tenant.metadata.annotations.insert(kLastApplied, u"{\"stringData\":{\"tls.key\":\"KEY\"}}"_s);
    const SyncSecret copy = syncsecret::managementCopy(tenant, u"tenant-primary"_s);
    QCOMPARE(copy.metadata.annotations, (StringMap { { u"team"_s, u"payments"_s } }));
    QVERIFY(!copy.toJson().value(u"metadata"_s).toObject().value(u"annotations"_s).toObject().contains(kLastApplied));

    tenant.metadata.annotations = { { kLastApplied, u"{}"_s } };
    QVERIFY(syncsecret::managementCopy(tenant, u"tenant-primary"_s).metadata.annotations.isEmpty());
}

void TestDesired::testManagementCopyFoldsStringData_data()
{
    QTest::addColumn<ByteMap>("data");
    QTest::addColumn<StringMap>("stringData");
    QTest::addColumn<ByteMap>("expected");
    QTest::newRow("data only") << ByteMap { { u"a"_s, "1" } } << StringMap {} << ByteMap { { u"a"_s, "1" } };
    QTest::newRow("stringData only") << ByteMap {} << StringMap { { u"database-url"_s, u"postgresql://h/db"_s } }
                                     << ByteMap { { u"database-url"_s, "postgresql://h/db" } };
    QTest::newRow("disjoint keys merged") << ByteMap { { u"a"_s, "1" } } << StringMap { { u"b"_s, u"2"_s } }
                                          << ByteMap { { u"a"_s, "1" }, { u"b"_s, "2" } };
    QTest::newRow("stringData wins") << ByteMap { { u"a"_s, "old" } } << StringMap { { u"a"_s, u"new"_s } }
                                     << ByteMap { { u"a"_s, "new" } };
    QTest::newRow("utf-8 encoded") << ByteMap {} << StringMap { { u"k"_s, u"grüße"_s } }
                                   << ByteMap { { u"k"_s, QString(u"grüße"_s).toUtf8() } };
    QTest::newRow("binary data kept") << ByteMap { { u"bin"_s, QByteArray("\x00\xff\x01", 3) } } << StringMap {}
                                      << ByteMap { { u"bin"_s, QByteArray("\x00\xff\x01", 3) } };
    QTest::newRow("empty") << ByteMap {} << StringMap {} << ByteMap {};
}

void TestDesired::testManagementCopyFoldsStringData()
{
    QFETCH(ByteMap, data);
    QFETCH(StringMap, stringData);
    QFETCH(ByteMap, expected);
    SyncSecret tenant = tenantObject();
    tenant.data = data;
    tenant.stringData = stringData;
    const SyncSecret copy = syncsecret::managementCopy(tenant, u"tenant-primary"_s);
    QCOMPARE(copy.data, expected);
    QVERIFY(copy.stringData.isEmpty());
    QVERIFY(!copy.toJson().contains(u"stringData"_s));
}

void TestDesired::testManagementCopyCopiesTypeAndImmutable_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<std::optional<bool>>("immutable");
    QTest::newRow("tls, unset") << u"kubernetes.io/tls"_s << std::optional<bool>();
    QTest::newRow("dockerconfigjson, immutable") << u"kubernetes.io/dockerconfigjson"_s << std::optional<bool>(true);
    QTest::newRow("Opaque, explicitly mutable") << u"Opaque"_s << std::optional<bool>(false);
    QTest::newRow("no type (kept empty)") << QString() << std::optional<bool>(true);
    QTest::newRow("basic-auth") << u"kubernetes.io/basic-auth"_s << std::optional<bool>();
}

void TestDesired::testManagementCopyCopiesTypeAndImmutable()
{
    QFETCH(QString, type);
    QFETCH(std::optional<bool>, immutable);
    SyncSecret tenant = tenantObject();
    tenant.type = type;
    tenant.immutable = immutable;
    const SyncSecret copy = syncsecret::managementCopy(tenant, u"tenant-primary"_s);
    QCOMPARE(copy.type, type);
    QCOMPARE(copy.immutable, immutable);
}

void TestDesired::testManagementCopyCarriesNoServerState()
{
    SyncSecret tenant = tenantObject();
    tenant.metadata.ownerReferences = { { u"v1"_s, u"Secret"_s, u"app-tls"_s, u"owner-uid"_s, true, {}, {} } };
    tenant.metadata.deletionTimestamp = u"2025-01-02T00:00:00Z"_s;
    tenant.metadata.deletionGracePeriodSeconds = 0;
    tenant.metadata.generateName = u"app-"_s;
    tenant.status.conditions.append({ u"Synced"_s, u"True"_s, 3, u"2025-01-01T00:00:00Z"_s, u"R"_s, u"m"_s, {} });
    const SyncSecret copy = syncsecret::managementCopy(tenant, u"tenant-primary"_s);
    QVERIFY(copy.metadata.uid.isEmpty());
    QVERIFY(copy.metadata.resourceVersion.isEmpty());
    QVERIFY(!copy.metadata.generation);
    QVERIFY(copy.metadata.creationTimestamp.isEmpty());
    QVERIFY(copy.metadata.deletionTimestamp.isEmpty());
    QVERIFY(!copy.metadata.deletionGracePeriodSeconds);
    QVERIFY(copy.metadata.generateName.isEmpty());
    QVERIFY(copy.metadata.finalizers.isEmpty());
    QVERIFY(copy.metadata.ownerReferences.isEmpty());
    QVERIFY(copy.metadata.unknownFields.isEmpty()); // no managedFields
    QCOMPARE(copy.status, kube::SyncSecretStatus {});
    // What is sent to the server: only these top-level fields and metadata keys.
    const QJsonObject json = copy.toJson();
    QStringList keys = json.keys();
    keys.sort();
    QCOMPARE(keys, (QStringList { u"apiVersion"_s, u"data"_s, u"kind"_s, u"metadata"_s, u"type"_s }));
    QStringList metaKeys = json.value(u"metadata"_s).toObject().keys();
    metaKeys.sort();
    QCOMPARE(metaKeys, (QStringList { u"annotations"_s, u"labels"_s, u"name"_s, u"namespace"_s }));
}

void TestDesired::testManagedSecretOwnerReference()
{
    const SyncSecret owner = managementObject();
    const Secret secret = syncsecret::managedSecret(owner);
    QCOMPARE(secret.metadata.name, owner.metadata.uid);
    QCOMPARE(secret.metadata.namespace_, owner.metadata.namespace_);
    QCOMPARE(secret.metadata.ownerReferences.size(), 1);
    const kube::OwnerReference& ref = secret.metadata.ownerReferences.first();
    QCOMPARE(ref.apiVersion, u"kubelb.k8c.io/v1alpha1"_s);
    QCOMPARE(ref.kind, u"SyncSecret"_s);
    QCOMPARE(ref.name, owner.metadata.name);
    QCOMPARE(ref.uid, owner.metadata.uid);
    QCOMPARE(ref.controller, std::optional<bool>(true));
    QCOMPARE(ref.blockOwnerDeletion, std::optional<bool>(true));
    QVERIFY(secret.metadata.controllerRef());
    // Nothing the server owns, no finalizers of the SyncSecret.
    QVERIFY(secret.metadata.uid.isEmpty());
    QVERIFY(secret.metadata.resourceVersion.isEmpty());
    QVERIFY(secret.metadata.finalizers.isEmpty());
    QVERIFY(secret.stringData.isEmpty());
    QVERIFY(!secret.toJson().contains(u"stringData"_s));
}

void TestDesired::testManagedSecretFields_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("expectedType");
    QTest::addColumn<std::optional<bool>>("immutable");
    QTest::addColumn<ByteMap>("data");
    QTest::addColumn<StringMap>("stringData");
    QTest::addColumn<ByteMap>("expectedData");
    QTest::newRow("no type → Opaque") << QString() << u"Opaque"_s << std::optional<bool>()
                                      << ByteMap { { u"k"_s, "v" } } << StringMap {} << ByteMap { { u"k"_s, "v" } };
    QTest::newRow("Opaque kept") << u"Opaque"_s << u"Opaque"_s << std::optional<bool>(false) << ByteMap {}
                                 << StringMap { { u"api-key"_s, u"sk-1"_s } } << ByteMap { { u"api-key"_s, "sk-1" } };
    QTest::newRow("tls kept, immutable") << u"kubernetes.io/tls"_s << u"kubernetes.io/tls"_s
                                         << std::optional<bool>(true)
                                         << ByteMap { { u"tls.crt"_s, "C" }, { u"tls.key"_s, "K" } } << StringMap {}
                                         << ByteMap { { u"tls.crt"_s, "C" }, { u"tls.key"_s, "K" } };
    QTest::newRow("dockerconfigjson, stringData wins")
        << u"kubernetes.io/dockerconfigjson"_s << u"kubernetes.io/dockerconfigjson"_s << std::optional<bool>()
        << ByteMap { { u".dockerconfigjson"_s, "{}" } } << StringMap { { u".dockerconfigjson"_s, u"{\"auths\":{}}"_s } }
        << ByteMap { { u".dockerconfigjson"_s, "{\"auths\":{}}" } };
}

void TestDesired::testManagedSecretFields()
{
    QFETCH(QString, type);
    QFETCH(QString, expectedType);
    QFETCH(std::optional<bool>, immutable);
    QFETCH(ByteMap, data);
    QFETCH(StringMap, stringData);
    QFETCH(ByteMap, expectedData);
    SyncSecret owner = managementObject();
    owner.type = type;
    owner.immutable = immutable;
    owner.data = data;
    owner.stringData = stringData;
    const Secret secret = syncsecret::managedSecret(owner);
    QCOMPARE(secret.type, expectedType);
    QCOMPARE(secret.immutable, immutable);
    QCOMPARE(secret.data, expectedData);
    QVERIFY(secret.stringData.isEmpty());
}

void TestDesired::testManagedSecretLabelsAndAnnotations()
{
    SyncSecret owner = managementObject();
    owner.metadata.labels.insert(kOwned, u"false"_s); // spoofed: the controller's value wins
    owner.metadata.annotations.insert(kLastApplied, u"{\"data\":{}}"_s);
    const Secret secret = syncsecret::managedSecret(owner);
    QCOMPARE(secret.metadata.labels,
        (StringMap { { u"app"_s, u"web"_s }, { kOriginName, u"app-tls"_s }, { kOriginNamespace, u"production"_s },
            { kOwned, u"true"_s } }));
    QCOMPARE(secret.metadata.annotations, (StringMap { { u"team"_s, u"payments"_s } }));
}

void TestDesired::testCopyNeedsUpdate_data()
{
    QTest::addColumn<SyncMutation>("tenantChange");
    QTest::addColumn<SyncMutation>("existingChange");
    QTest::addColumn<bool>("needsUpdate");
    const SyncMutation none = [](SyncSecret&) {};

    // Equivalent content, however it is spelled: never a write (no update storm).
    QTest::newRow("identical") << none << none << false;
    QTest::newRow("tenant stringData vs copy data") << SyncMutation([](SyncSecret& t) {
        t.data.clear();
        t.stringData = { { u"tls.crt"_s, u"CERT"_s }, { u"tls.key"_s, u"KEY"_s } };
    }) << none << false;
    QTest::newRow("tenant data+stringData overlap vs copy data") << SyncMutation([](SyncSecret& t) {
        t.data = { { u"tls.crt"_s, "OLD" }, { u"tls.key"_s, "KEY" } };
        t.stringData = { { u"tls.crt"_s, u"CERT"_s } };
    }) << none << false;
    QTest::newRow("copy holds stringData equal to the data") << none << SyncMutation([](SyncSecret& e) {
        e.data.remove(u"tls.key"_s);
        e.stringData = { { u"tls.key"_s, u"KEY"_s } };
    }) << false;
    QTest::newRow("copy data in non-canonical base64") << none << SyncMutation([](SyncSecret& e) {
        e.dataEncoding = { { u"tls.crt"_s, u"Q0VS\nVA=="_s } };
    }) << false;
    QTest::newRow("server state on the copy (uid, rv, finalizers, status, owner)")
        << none << SyncMutation([](SyncSecret& e) {
               e.metadata.resourceVersion = u"900"_s;
               e.metadata.generation = 9;
               e.metadata.finalizers.append(u"other/finalizer"_s);
               e.metadata.ownerReferences = { { u"v1"_s, u"X"_s, u"x"_s, u"u"_s, {}, {}, {} } };
               e.status.phase = u"Failed"_s;
               e.status.observedGeneration = 8;
           })
        << false;
    QTest::newRow("immutable unset vs false")
        << SyncMutation([](SyncSecret& t) { t.immutable = false; }) << none << false;
    QTest::newRow("tenant last-applied annotation")
        << SyncMutation([](SyncSecret& t) { t.metadata.annotations.insert(kLastApplied, u"{\"data\":{}}"_s); }) << none
        << false;
    QTest::newRow("tenant status and finalizers") << SyncMutation([](SyncSecret& t) {
        t.metadata.finalizers.clear();
        t.status = {};
        t.metadata.resourceVersion = u"1"_s;
    }) << none << false;

    // Every real difference is written.
    QTest::newRow("data value changed") << SyncMutation([](SyncSecret& t) { t.data[u"tls.key"_s] = "KEY2"; }) << none
                                        << true;
    QTest::newRow("data key added") << SyncMutation([](SyncSecret& t) { t.data[u"ca.crt"_s] = "CA"; }) << none << true;
    QTest::newRow("data key removed") << SyncMutation([](SyncSecret& t) { t.data.remove(u"tls.key"_s); }) << none
                                      << true;
    QTest::newRow("stringData changes a value") << SyncMutation([](SyncSecret& t) {
        t.stringData = { { u"tls.key"_s, u"KEY2"_s } };
    }) << none << true;
    QTest::newRow("copy data edited (drift)")
        << none << SyncMutation([](SyncSecret& e) { e.data[u"tls.key"_s] = "HACKED"; }) << true;
    QTest::newRow("copy key added (drift)")
        << none << SyncMutation([](SyncSecret& e) { e.data[u"extra"_s] = "x"; }) << true;
    QTest::newRow("copy stringData overrides a value (drift)") << none << SyncMutation([](SyncSecret& e) {
        e.stringData = { { u"tls.key"_s, u"HACKED"_s } };
    }) << true;
    QTest::newRow("type changed") << SyncMutation([](SyncSecret& t) { t.type = u"Opaque"_s; }) << none << true;
    QTest::newRow("type removed") << SyncMutation([](SyncSecret& t) { t.type.clear(); }) << none << true;
    QTest::newRow("label added") << SyncMutation([](SyncSecret& t) { t.metadata.labels[u"new"_s] = u"1"_s; }) << none
                                 << true;
    QTest::newRow("label value changed") << SyncMutation([](SyncSecret& t) { t.metadata.labels[u"app"_s] = u"api"_s; })
                                         << none << true;
    QTest::newRow("label removed") << SyncMutation([](SyncSecret& t) { t.metadata.labels.remove(u"app"_s); }) << none
                                   << true;
    QTest::newRow("origin label removed from copy (drift)")
        << none << SyncMutation([](SyncSecret& e) { e.metadata.labels.remove(kOriginName); }) << true;
    QTest::newRow("annotation changed") << SyncMutation([](SyncSecret& t) {
        t.metadata.annotations[u"team"_s] = u"infra"_s;
    }) << none << true;
    QTest::newRow("annotation added to copy (drift)")
        << none << SyncMutation([](SyncSecret& e) { e.metadata.annotations[u"x"_s] = u"y"_s; }) << true;
    QTest::newRow("immutable set") << SyncMutation([](SyncSecret& t) { t.immutable = true; }) << none << true;
    QTest::newRow("immutable unset on copy") << SyncMutation([](SyncSecret& t) { t.immutable = true; })
                                             << SyncMutation([](SyncSecret& e) { e.immutable = false; }) << true;
}

void TestDesired::testCopyNeedsUpdate()
{
    QFETCH(SyncMutation, tenantChange);
    QFETCH(SyncMutation, existingChange);
    QFETCH(bool, needsUpdate);
    SyncSecret tenant = tenantObject();
    tenantChange(tenant);
    const SyncSecret desired = syncsecret::managementCopy(tenant, u"tenant-primary"_s);
    SyncSecret existing = managementObject();
    existingChange(existing);
    QCOMPARE(syncsecret::copyNeedsUpdate(existing, desired), needsUpdate);
    // Whatever was decided, applying the desired state reaches a fixpoint.
    QVERIFY(!syncsecret::copyNeedsUpdate(syncsecret::applyCopy(existing, desired), desired));
}

void TestDesired::testApplyCopyKeepsServerStateAndConverges()
{
    SyncSecret tenant = tenantObject();
    tenant.stringData = { { u"tls.key"_s, u"KEY2"_s } };
    tenant.immutable = true;
    tenant.metadata.labels.insert(u"new"_s, u"1"_s);
    const SyncSecret desired = syncsecret::managementCopy(tenant, u"tenant-primary"_s);
    SyncSecret existing = managementObject();
    existing.stringData = { { u"leftover"_s, u"x"_s } };
    existing.dataEncoding = { { u"tls.crt"_s, u"Q0VS\nVA=="_s } };
    existing.status.phase = QString(kube::kubelb::PhaseSynced);
    const SyncSecret applied = syncsecret::applyCopy(existing, desired);
    QCOMPARE(applied.data, desired.data);
    QVERIFY(applied.stringData.isEmpty());
    QVERIFY(applied.dataEncoding.isEmpty());
    QCOMPARE(applied.type, desired.type);
    QCOMPARE(applied.immutable, std::optional<bool>(true));
    QCOMPARE(applied.metadata.labels, desired.metadata.labels);
    QCOMPARE(applied.metadata.annotations, desired.metadata.annotations);
    // Server- and Manager-owned state stays: the update is made against this resourceVersion.
    QCOMPARE(applied.metadata.uid, existing.metadata.uid);
    QCOMPARE(applied.metadata.resourceVersion, existing.metadata.resourceVersion);
    QCOMPARE(applied.metadata.finalizers, existing.metadata.finalizers);
    QCOMPARE(applied.metadata.name, existing.metadata.name);
    QCOMPARE(applied.status, existing.status);
    QVERIFY(!syncsecret::copyNeedsUpdate(applied, desired));
}

void TestDesired::testSecretAction_data()
{
    using syncsecret::SecretAction;
    QTest::addColumn<SyncMutation>("ownerChange");
    QTest::addColumn<SecretMutation>("existingChange");
    QTest::addColumn<SecretAction>("action");
    const SyncMutation noOwnerChange = [](SyncSecret&) {};
    const SecretMutation noSecretChange = [](Secret&) {};

    QTest::newRow("identical") << noOwnerChange << noSecretChange << SecretAction::None;
    QTest::newRow("server state differs only") << noOwnerChange << SecretMutation([](Secret& e) {
        e.metadata.resourceVersion = u"1000"_s;
        e.metadata.finalizers = { u"x/y"_s };
        e.dataEncoding = { { u"tls.crt"_s, u"Q0VS\nVA=="_s } };
    }) << SecretAction::None;
    QTest::newRow("owner with stringData vs stored data") << SyncMutation([](SyncSecret& o) {
        o.data.clear();
        o.stringData = { { u"tls.crt"_s, u"CERT"_s }, { u"tls.key"_s, u"KEY"_s } };
    }) << noSecretChange << SecretAction::None;
    QTest::newRow("immutable unset vs false")
        << SyncMutation([](SyncSecret& o) { o.immutable = false; }) << noSecretChange << SecretAction::None;
    QTest::newRow("owner status or finalizers change") << SyncMutation([](SyncSecret& o) {
        o.status.phase = u"Failed"_s;
        o.metadata.finalizers.clear();
        o.metadata.resourceVersion = u"5000"_s;
    }) << noSecretChange << SecretAction::None;

    QTest::newRow("data changed") << SyncMutation([](SyncSecret& o) { o.data[u"tls.key"_s] = "KEY2"; })
                                  << noSecretChange << SecretAction::Update;
    QTest::newRow("secret data edited (drift)")
        << noOwnerChange << SecretMutation([](Secret& e) { e.data[u"tls.key"_s] = "HACKED"; }) << SecretAction::Update;
    QTest::newRow("secret key added (drift)")
        << noOwnerChange << SecretMutation([](Secret& e) { e.data[u"extra"_s] = "x"; }) << SecretAction::Update;
    QTest::newRow("label changed") << SyncMutation([](SyncSecret& o) { o.metadata.labels[u"app"_s] = u"api"_s; })
                                   << noSecretChange << SecretAction::Update;
    QTest::newRow("owned label removed (drift)")
        << noOwnerChange << SecretMutation([](Secret& e) { e.metadata.labels.remove(kOwned); }) << SecretAction::Update;
    QTest::newRow("annotation changed") << SyncMutation([](SyncSecret& o) {
        o.metadata.annotations[u"team"_s] = u"x"_s;
    }) << noSecretChange << SecretAction::Update;
    QTest::newRow("owner reference removed (drift)")
        << noOwnerChange << SecretMutation([](Secret& e) { e.metadata.ownerReferences.clear(); })
        << SecretAction::Update;
    QTest::newRow("owner reference loses blockOwnerDeletion") << noOwnerChange << SecretMutation([](Secret& e) {
        e.metadata.ownerReferences.first().blockOwnerDeletion.reset();
    }) << SecretAction::Update;
    QTest::newRow("becomes immutable with new data (one update)") << SyncMutation([](SyncSecret& o) {
        o.immutable = true;
        o.data[u"tls.key"_s] = "KEY2";
    }) << noSecretChange << SecretAction::Update;
    QTest::newRow("immutable secret, label change only") << SyncMutation([](SyncSecret& o) {
        o.immutable = true;
        o.metadata.labels[u"app"_s] = u"api"_s;
    }) << SecretMutation([](Secret& e) { e.immutable = true; })
                                                         << SecretAction::Update;

    QTest::newRow("type changed") << SyncMutation([](SyncSecret& o) { o.type = u"Opaque"_s; }) << noSecretChange
                                  << SecretAction::Recreate;
    QTest::newRow("type changed to default Opaque")
        << SyncMutation([](SyncSecret& o) { o.type.clear(); }) << noSecretChange << SecretAction::Recreate;
    QTest::newRow("immutable secret, data change") << SyncMutation([](SyncSecret& o) {
        o.immutable = true;
        o.data[u"tls.key"_s] = "KEY2";
    }) << SecretMutation([](Secret& e) { e.immutable = true; })
                                                   << SecretAction::Recreate;
    QTest::newRow("immutable secret, data drift") << SyncMutation(
        [](SyncSecret& o) { o.immutable = true; }) << SecretMutation([](Secret& e) {
        e.immutable = true;
        e.data[u"tls.key"_s] = "HACKED";
    }) << SecretAction::Recreate;
    QTest::newRow("immutable secret, immutable unset")
        << noOwnerChange << SecretMutation([](Secret& e) { e.immutable = true; }) << SecretAction::Recreate;
}

void TestDesired::testSecretAction()
{
    QFETCH(SyncMutation, ownerChange);
    QFETCH(SecretMutation, existingChange);
    QFETCH(syncsecret::SecretAction, action);
    SyncSecret owner = managementObject();
    ownerChange(owner);
    const Secret desired = syncsecret::managedSecret(owner);
    Secret existing = storedSecret();
    existingChange(existing);
    QCOMPARE(syncsecret::secretAction(existing, desired), action);
    if (action == syncsecret::SecretAction::Update)
        QCOMPARE(syncsecret::secretAction(syncsecret::applySecret(existing, desired), desired),
            syncsecret::SecretAction::None);
}

void TestDesired::testApplySecretKeepsServerStateAndConverges()
{
    SyncSecret owner = managementObject();
    owner.data[u"tls.key"_s] = "KEY2";
    owner.metadata.labels.insert(u"new"_s, u"1"_s);
    owner.metadata.annotations.insert(u"note"_s, u"n"_s);
    const Secret desired = syncsecret::managedSecret(owner);
    Secret existing = storedSecret();
    existing.stringData = { { u"leftover"_s, u"x"_s } };
    existing.dataEncoding = { { u"tls.crt"_s, u"Q0VS\nVA=="_s } };
    existing.metadata.ownerReferences.clear();
    const Secret applied = syncsecret::applySecret(existing, desired);
    QCOMPARE(applied.data, desired.data);
    QVERIFY(applied.stringData.isEmpty());
    QVERIFY(applied.dataEncoding.isEmpty());
    QCOMPARE(applied.type, desired.type);
    QCOMPARE(applied.immutable, desired.immutable);
    QCOMPARE(applied.metadata.labels, desired.metadata.labels);
    QCOMPARE(applied.metadata.annotations, desired.metadata.annotations);
    QCOMPARE(applied.metadata.ownerReferences, desired.metadata.ownerReferences);
    QCOMPARE(applied.metadata.uid, existing.metadata.uid);
    QCOMPARE(applied.metadata.resourceVersion, existing.metadata.resourceVersion);
    QCOMPARE(applied.metadata.creationTimestamp, existing.metadata.creationTimestamp);
    QCOMPARE(syncsecret::secretAction(applied, desired), syncsecret::SecretAction::None);
}

void TestDesired::testSetSyncStatus_data()
{
    QTest::addColumn<QString>("phase");
    QTest::addColumn<qint64>("generation");
    QTest::addColumn<bool>("synced");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("changed");
    // The starting point of every row: Synced at generation 2, reason SecretSynced, message "ok".
    QTest::newRow("nothing changed") << u"Synced"_s << qint64(2) << true << u"SecretSynced"_s << u"ok"_s << false;
    QTest::newRow("phase") << u"Terminating"_s << qint64(2) << true << u"SecretSynced"_s << u"ok"_s << true;
    QTest::newRow("generation") << u"Synced"_s << qint64(3) << true << u"SecretSynced"_s << u"ok"_s << true;
    QTest::newRow("synced flips") << u"Synced"_s << qint64(2) << false << u"SecretSynced"_s << u"ok"_s << true;
    QTest::newRow("reason") << u"Synced"_s << qint64(2) << true << u"Other"_s << u"ok"_s << true;
    QTest::newRow("message") << u"Synced"_s << qint64(2) << true << u"SecretSynced"_s << u"ok!"_s << true;
    QTest::newRow("all changed") << u"Failed"_s << qint64(4) << false << u"InvalidSecret"_s << u"bad"_s << true;
}

void TestDesired::testSetSyncStatus()
{
    QFETCH(QString, phase);
    QFETCH(qint64, generation);
    QFETCH(bool, synced);
    QFETCH(QString, reason);
    QFETCH(QString, message);
    QFETCH(bool, changed);
    const QDateTime t0 = QDateTime::fromString(u"2025-01-01T00:00:00Z"_s, Qt::ISODate);
    kube::SyncSecretStatus status;
    QVERIFY(syncsecret::setSyncStatus(status, u"Synced"_s, 2, true, u"SecretSynced"_s, u"ok"_s, t0));
    const kube::SyncSecretStatus before = status;

    const QDateTime later = t0.addSecs(60);
    QCOMPARE(syncsecret::setSyncStatus(status, phase, generation, synced, reason, message, later), changed);
    if (!changed) {
        QCOMPARE(status, before);
        return;
    }
    QCOMPARE(status.phase, phase);
    QCOMPARE(status.observedGeneration, std::optional<qint64>(generation));
    QCOMPARE(status.conditions.size(), 1);
    const kube::Condition& c = status.conditions.first();
    QCOMPARE(c.type, u"Synced"_s);
    QCOMPARE(c.status, synced ? u"True"_s : u"False"_s);
    QCOMPARE(c.reason, reason);
    QCOMPARE(c.message, message);
    QCOMPARE(c.observedGeneration, generation);
    // The same call again is no change (the controllers write only then).
    QVERIFY(!syncsecret::setSyncStatus(status, phase, generation, synced, reason, message, later.addSecs(60)));
}

void TestDesired::testSetSyncStatusKeepsTransitionTimeWhileStatusHolds()
{
    const QDateTime t0 = QDateTime::fromString(u"2025-01-01T00:00:00Z"_s, Qt::ISODate);
    kube::SyncSecretStatus status;
    QVERIFY(syncsecret::setSyncStatus(status, u"Pending"_s, 1, false, u"WaitingForManager"_s, u"m"_s, t0));
    QCOMPARE(status.phase, u"Pending"_s);
    QCOMPARE(status.observedGeneration, std::optional<qint64>(1));
    const QString firstTransition = status.conditions.first().lastTransitionTime;
    QVERIFY(!firstTransition.isEmpty());
    // Same condition status, new phase: lastTransitionTime stays.
    QVERIFY(syncsecret::setSyncStatus(status, u"Failed"_s, 1, false, u"PropagationFailed"_s, u"x"_s, t0.addSecs(10)));
    QCOMPARE(status.conditions.first().lastTransitionTime, firstTransition);
    // Status flips: it moves.
    QVERIFY(syncsecret::setSyncStatus(status, u"Synced"_s, 1, true, u"SecretSynced"_s, u"ok"_s, t0.addSecs(20)));
    QVERIFY(status.conditions.first().lastTransitionTime != firstTransition);
    QCOMPARE(status.conditions.size(), 1);
    // Other conditions on the status are left alone.
    status.conditions.append({ u"Ready"_s, u"True"_s, 1, u"2025-01-01T00:00:00Z"_s, u"R"_s, u"m"_s, {} });
    QVERIFY(!syncsecret::setSyncStatus(status, u"Synced"_s, 1, true, u"SecretSynced"_s, u"ok"_s, t0.addSecs(30)));
    QCOMPARE(status.conditions.size(), 2);
}

QTEST_GUILESS_MAIN(TestDesired)
#include "tst_desired.moc"
