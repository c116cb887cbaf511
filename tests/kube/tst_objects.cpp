#include "kube/objects.h"

#include <QDebug>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <functional>

using namespace Qt::StringLiterals;
using namespace kube;

using ByteMap = QMap<QString, QByteArray>;
using StringMap = QMap<QString, QString>;

namespace {

/// JSON written with single quotes (no escapes for moc to trip over); fails the test run when malformed.
QJsonObject object(const char* relaxed)
{
    QJsonParseError error;
    const QByteArray text = QByteArray(relaxed).replace('\'', '"');
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (!doc.isObject())
        qFatal("bad inline JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

/// A fixture from tests/data/objects.
QJsonObject fixture(const QString& name)
{
    QFile file(QString::fromUtf8(KUBELB_SOURCE_DIR) + u"/tests/data/objects/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QString compact(const QJsonObject& json)
{
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

/// Result of decoding then encoding: the JSON, or the error message. Also checks decode(encode(v)) == v.
struct Trip {
    std::optional<QJsonObject> json;
    QString error;
    bool stable = true;
};

template <typename T> Trip roundTrip(const QJsonObject& input)
{
    const Expected<T> decoded = T::fromJson(input);
    if (!decoded)
        return { std::nullopt, decoded.error().message() };
    const QJsonObject encoded = decoded->toJson();
    const Expected<T> again = T::fromJson(encoded);
    return { encoded, {}, again.ok() && *again == *decoded };
}

using Codec = std::function<Trip(const QJsonObject&)>;

const QMap<QString, Codec>& codecs()
{
    static const QMap<QString, Codec> table {
        { u"OwnerReference"_s, roundTrip<OwnerReference> },
        { u"ObjectMeta"_s, roundTrip<ObjectMeta> },
        { u"Condition"_s, roundTrip<Condition> },
        { u"Secret"_s, roundTrip<Secret> },
        { u"SyncSecret"_s, roundTrip<SyncSecret> },
        { u"Namespace"_s, roundTrip<Namespace> },
        { u"Lease"_s, roundTrip<Lease> },
        { u"ObjectReference"_s, roundTrip<ObjectReference> },
        { u"Event"_s, roundTrip<Event> },
        { u"SecretList"_s, roundTrip<ObjectList<Secret>> },
        { u"SyncSecretList"_s, roundTrip<ObjectList<SyncSecret>> },
    };
    return table;
}

Trip runCodec(const QString& type, const QJsonObject& json)
{
    const auto codec = codecs().value(type);
    if (!codec)
        qFatal("no codec for %s", qPrintable(type));
    return codec(json);
}

QString debugText(const auto& value)
{
    QString text;
    QDebug(&text).nospace() << value;
    return text;
}

Condition condition(
    const QString& type, const QString& status, const QString& reason, qint64 generation = 0, const QString& time = {})
{
    Condition c;
    c.type = type;
    c.status = status;
    c.reason = reason;
    c.observedGeneration = generation;
    c.lastTransitionTime = time;
    return c;
}

const QDateTime Now = QDateTime(QDate(2025, 3, 14), QTime(12, 0, 0), Qt::UTC);

} // namespace

class TestObjects : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testRoundTrip_data();
    void testRoundTrip();
    void testFieldOrderDoesNotMatter();
    void testDecodedFields();
    void testTypeMetaDefaultsAndAbsence();
    void testProgrammaticObjectsRoundTrip();
    void testSetFieldOverridesKeptEmptyValue();
    void testDecodeErrors_data();
    void testDecodeErrors();
    void testErrorsNeverCarryValues();
    void testNonCanonicalBase64KeptUntilChanged();
    void testNormalizedData_data();
    void testNormalizedData();
    void testNormalizationAvoidsUpdateStorms();
    void testSetCondition_data();
    void testSetCondition();
    void testSetConditionKeepsUnknownFieldsAndOrder();
    void testFindAndRemoveCondition();
    void testFinalizerHelpers();
    void testRemovingLastFinalizerDropsField();
    void testControllerRef_data();
    void testControllerRef();
    void testIsBeingDeleted();
    void testObjectListDecodes();
    void testTimestamps_data();
    void testTimestamps();
    void testFormatTimestamps();
    void testConstantsAndOriginNamespace();
    void testDebugRedactsSecretValues();
};

void TestObjects::testRoundTrip_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonObject>("json");

    const auto file = [](const char* type, const char* name) {
        QTest::newRow(name) << QString::fromLatin1(type) << fixture(QString::fromLatin1(name));
    };
    file("Secret", "secret-kubectl-create.json");
    file("Secret", "secret-kubectl-docker-registry.json");
    file("Secret", "secret-kubectl-apply.json");
    file("Secret", "secret-tls-management.json");
    file("Secret", "secret-empty-values.json");
    file("Secret", "secret-stringdata.json");
    file("Secret", "secret-future-fields.json");
    file("Secret", "secret-noncanonical-base64.json");
    file("SecretList", "secretlist.json");
    file("SyncSecret", "syncsecret-tenant.json");
    file("SyncSecret", "syncsecret-management.json");
    file("SyncSecret", "syncsecret-terminating.json");
    file("SyncSecretList", "syncsecretlist-page.json");
    file("Namespace", "namespace-kubectl-create.json");
    file("Namespace", "namespace-active.json");
    file("Namespace", "namespace-terminating.json");
    file("Lease", "lease-leader.json");
    file("Lease", "lease-coordinated.json");
    file("Event", "event-legacy.json");
    file("Event", "event-series.json");

    const auto row = [](const char* name, const char* type, const char* json) {
        QTest::newRow(name) << QString::fromLatin1(type) << object(json);
    };
    row("meta empty", "ObjectMeta", "{}");
    row("meta absent labels stay absent", "ObjectMeta", "{'name': 'a'}");
    row("meta empty maps and lists stay", "ObjectMeta",
        "{'labels': {}, 'annotations': {}, 'finalizers': [], 'ownerReferences': []}");
    row("meta nulls stay", "ObjectMeta",
        "{'name': null, 'labels': null, 'generation': null, 'creationTimestamp': null, 'ownerReferences': null}");
    row("meta empty strings stay", "ObjectMeta", "{'name': '', 'namespace': '', 'uid': '', 'resourceVersion': ''}");
    row("meta generation zero", "ObjectMeta", "{'generation': 0, 'deletionGracePeriodSeconds': 0}");
    row("meta generation beyond double precision", "ObjectMeta", "{'generation': 9007199254740993}");
    row("meta label with empty value", "ObjectMeta", "{'labels': {'flag': ''}}");
    row("meta managedFields kept", "ObjectMeta",
        "{'managedFields': [{'manager': 'kubectl', 'operation': 'Apply', 'fieldsV1': {'f:data': {}}}]}");
    row("owner minimal", "OwnerReference", "{'apiVersion': 'v1', 'kind': 'Secret', 'name': 'x', 'uid': 'u'}");
    row("owner controller false stays", "OwnerReference", "{'name': 'x', 'controller': false}");
    row("owner unknown field", "OwnerReference", "{'name': 'x', 'blockOwnerDeletion': true, 'future': [1, 2]}");
    row("condition observedGeneration zero", "Condition", "{'type': 'Synced', 'observedGeneration': 0}");
    row("condition empty message", "Condition", "{'type': 'Synced', 'status': 'True', 'message': ''}");
    row("secret immutable false stays", "Secret", "{'immutable': false}");
    row("secret immutable true", "Secret", "{'immutable': true}");
    row("secret empty data stays", "Secret", "{'data': {}}");
    row("secret null data stays", "Secret", "{'data': null, 'stringData': null}");
    row("secret empty type stays", "Secret", "{'type': ''}");
    row("secret empty value", "Secret", "{'data': {'empty': ''}}");
    row("secret no typemeta", "Secret", "{'metadata': {'name': 'item'}, 'data': {'a': 'Yg=='}}");
    row("secret empty metadata stays", "Secret", "{'metadata': {}}");
    row("syncsecret empty status stays", "SyncSecret", "{'kind': 'SyncSecret', 'status': {}}");
    row("syncsecret empty conditions stay", "SyncSecret", "{'status': {'conditions': [], 'phase': 'Pending'}}");
    row("syncsecret observedGeneration zero", "SyncSecret", "{'status': {'observedGeneration': 0}}");
    row("namespace empty spec and status", "Namespace", "{'spec': {}, 'status': {}}");
    row("lease released holder", "Lease", "{'spec': {'holderIdentity': '', 'leaseTransitions': 0}}");
    row("lease nanosecond renewTime", "Lease", "{'spec': {'renewTime': '2025-03-14T09:30:00.123456789Z'}}");
    row("reference with fieldPath", "ObjectReference", "{'kind': 'Pod', 'fieldPath': 'spec.containers{app}'}");
    row("event zero count stays", "Event", "{'count': 0, 'source': {}, 'involvedObject': {}}");
    row("list null items", "SecretList", "{'kind': 'SecretList', 'items': null, 'metadata': {}}");
    row("list empty items", "SyncSecretList", "{'items': [], 'metadata': {'resourceVersion': '1'}}");
    row("list unknown metadata", "SecretList", "{'items': [], 'metadata': {'selfLink': '/api/v1/secrets'}}");
}

void TestObjects::testRoundTrip()
{
    QFETCH(QString, type);
    QFETCH(QJsonObject, json);

    const Trip trip = runCodec(type, json);
    QVERIFY2(trip.json.has_value(), qPrintable(trip.error));
    QCOMPARE(compact(*trip.json), compact(json));
    QVERIFY2(trip.stable, "fromJson(toJson(value)) != value");
}

void TestObjects::testFieldOrderDoesNotMatter()
{
    const auto a = SyncSecret::fromJson(object(
        "{'kind': 'SyncSecret', 'metadata': {'name': 'n', 'labels': {'b': '2', 'a': '1'}}, 'data': {'y': 'eQ==', "
        "'x': 'eA=='}}"));
    const auto b = SyncSecret::fromJson(object(
        "{'data': {'x': 'eA==', 'y': 'eQ=='}, 'metadata': {'labels': {'a': '1', 'b': '2'}, 'name': 'n'}, 'kind': "
        "'SyncSecret'}"));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(*a == *b);
    QCOMPARE(compact(a->toJson()), compact(b->toJson()));
}

void TestObjects::testDecodedFields()
{
    const auto secret = Secret::fromJson(fixture(u"secret-tls-management.json"_s));
    QVERIFY(secret.ok());
    QCOMPARE(secret->type, u"kubernetes.io/tls"_s);
    QCOMPARE(secret->immutable, std::optional<bool>(true));
    QVERIFY(secret->data.value(u"tls.crt"_s).startsWith("-----BEGIN CERTIFICATE-----"));
    QCOMPARE(secret->metadata.namespace_, u"tenant-primary"_s);
    QCOMPARE(secret->metadata.labels.value(QString(kubelb::OriginNameLabel)), u"app-tls"_s);
    QCOMPARE(secret->metadata.ownerReferences.size(), 1);
    QCOMPARE(secret->metadata.ownerReferences[0].blockOwnerDeletion, std::optional<bool>(true));
    QVERIFY(secret->metadata.unknownFields.contains(u"managedFields"_s));

    const auto lease = Lease::fromJson(fixture(u"lease-leader.json"_s));
    QVERIFY(lease.ok());
    QCOMPARE(lease->spec.leaseDurationSeconds, std::optional<int>(15));
    QCOMPARE(lease->spec.leaseTransitions, std::optional<int>(0));
    QCOMPARE(parseTimestamp(lease->spec.renewTime), QDateTime(QDate(2025, 3, 14), QTime(9, 30, 0, 481), Qt::UTC));

    const auto event = Event::fromJson(fixture(u"event-legacy.json"_s));
    QVERIFY(event.ok());
    QCOMPARE(event->count, 3);
    QCOMPARE(event->involvedObject.kind, u"SyncSecret"_s);
    QCOMPARE(event->source.component, u"kubelb-ccm"_s);
    QVERIFY(event->eventTime.isEmpty());

    const auto ns = Namespace::fromJson(fixture(u"namespace-terminating.json"_s));
    QVERIFY(ns.ok());
    QCOMPARE(ns->spec.finalizers, QStringList { u"kubernetes"_s });
    QVERIFY(ns->isTerminating());
    QVERIFY(ns->status.unknownFields.contains(u"conditions"_s));

    const auto sync = SyncSecret::fromJson(fixture(u"syncsecret-terminating.json"_s));
    QVERIFY(sync.ok());
    QCOMPARE(sync->status.phase, QString(kubelb::PhaseTerminating));
    QCOMPARE(sync->status.conditions.size(), 2);
    QCOMPARE(sync->status.conditions[0].observedGeneration, 4);
    QCOMPARE(sync->metadata.deletionGracePeriodSeconds, std::optional<qint64>(0));
    QVERIFY(sync->unknownFields.contains(u"spec"_s));
}

void TestObjects::testTypeMetaDefaultsAndAbsence()
{
    QCOMPARE(Secret().apiVersion, u"v1"_s);
    QCOMPARE(SyncSecret().apiVersion, u"kubelb.k8c.io/v1alpha1"_s);
    QCOMPARE(SyncSecret().kind, u"SyncSecret"_s);
    QCOMPARE(Lease().apiVersion, u"coordination.k8s.io/v1"_s);
    QCOMPARE(Event().kind, u"Event"_s);
    QCOMPARE(Namespace().kind, u"Namespace"_s);

    // List items come without TypeMeta and must not gain it.
    const auto item = Secret::fromJson(object("{'metadata': {'name': 'x'}}"));
    QVERIFY(item.ok());
    QVERIFY(item->apiVersion.isEmpty());
    QVERIFY(!item->toJson().contains(u"kind"_s));
}

void TestObjects::testProgrammaticObjectsRoundTrip()
{
    SyncSecret s;
    s.metadata.name = u"app-tls"_s;
    s.metadata.namespace_ = u"tenant-a"_s;
    s.metadata.labels.insert(QString(kubelb::OriginNameLabel), u"app-tls"_s);
    s.metadata.addFinalizer(QString(kubelb::CleanupFinalizer));
    s.data.insert(u"tls.crt"_s, QByteArray("\x00\x01\xff", 3));
    s.type = u"kubernetes.io/tls"_s;
    s.immutable = false;
    s.status.phase = QString(kubelb::PhaseSynced);
    setCondition(s.status.conditions, condition(u"Synced"_s, u"True"_s, u"Propagated"_s, 1), Now);

    const QJsonObject json = s.toJson();
    QCOMPARE(json.value(u"apiVersion"_s).toString(), u"kubelb.k8c.io/v1alpha1"_s);
    QCOMPARE(json.value(u"data"_s).toObject().value(u"tls.crt"_s).toString(), u"AAH/"_s);
    QCOMPARE(json.value(u"immutable"_s), QJsonValue(false));
    QVERIFY(!json.contains(u"stringData"_s));
    const auto back = SyncSecret::fromJson(json);
    QVERIFY(back.ok());
    QVERIFY(*back == s);
}

void TestObjects::testSetFieldOverridesKeptEmptyValue()
{
    auto secret = Secret::fromJson(object("{'type': '', 'data': {}, 'metadata': {'labels': {}}}"));
    QVERIFY(secret.ok());
    secret->type = u"Opaque"_s;
    secret->data.insert(u"k"_s, "v");
    secret->metadata.labels.insert(u"a"_s, u"b"_s);
    QCOMPARE(compact(secret->toJson()),
        compact(object("{'type': 'Opaque', 'data': {'k': 'dg=='}, 'metadata': {'labels': {'a': 'b'}}}")));

    auto cleared = Secret::fromJson(object("{'type': 'Opaque', 'metadata': {'labels': {'a': 'b'}}}"));
    QVERIFY(cleared.ok());
    cleared->type.clear();
    cleared->metadata.labels.clear();
    QCOMPARE(compact(cleared->toJson()), u"{}"_s);
}

void TestObjects::testDecodeErrors_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");

    const auto row = [](const char* type, const char* json, const char* field, const char* problem) {
        const QString path = QString::fromLatin1(field);
        QTest::newRow(field) << QString::fromLatin1(type) << object(json) << path
                             << path + u": "_s + QString::fromLatin1(problem);
    };
    row("ObjectMeta", "{'name': 5}", "name", "expected a string");
    row("Secret", "{'metadata': {'ownerReferences': [{'uid': 7}]}}", "metadata.ownerReferences[0].uid",
        "expected a string");
    row("Secret", "{'metadata': {'ownerReferences': [{}, 'x']}}", "metadata.ownerReferences[1]", "expected an object");
    row("Secret", "{'metadata': {'ownerReferences': {}}}", "metadata.ownerReferences", "expected an array");
    row("Secret", "{'metadata': {'ownerReferences': [{'controller': 'yes'}]}}",
        "metadata.ownerReferences[0].controller", "expected a boolean");
    row("Secret", "{'metadata': 'x'}", "metadata", "expected an object");
    row("Secret", "{'metadata': {'labels': {'app': 1}}}", "metadata.labels[app]", "expected a string");
    row("Secret", "{'metadata': {'annotations': []}}", "metadata.annotations", "expected an object");
    row("Secret", "{'metadata': {'finalizers': ['a', 2]}}", "metadata.finalizers[1]", "expected a string");
    row("Secret", "{'metadata': {'generation': 1.5}}", "metadata.generation", "expected an integer");
    row("Secret", "{'metadata': {'deletionGracePeriodSeconds': '30'}}", "metadata.deletionGracePeriodSeconds",
        "expected an integer");
    row("Secret", "{'metadata': {'creationTimestamp': 'yesterday'}}", "metadata.creationTimestamp",
        "expected an RFC 3339 time");
    row("Secret", "{'metadata': {'deletionTimestamp': '2025-03-14 10:00:00Z'}}", "metadata.deletionTimestamp",
        "expected an RFC 3339 time");
    row("Event", "{'lastTimestamp': '2025-02-30T00:00:00Z'}", "lastTimestamp", "expected an RFC 3339 time");
    row("Secret", "{'data': {'tls.key': 'not base64!'}}", "data[tls.key]", "invalid base64");
    row("Secret", "{'data': {'short': 'YWI'}}", "data[short]", "invalid base64");
    row("Secret", "{'data': {'url-safe': 'a-_b'}}", "data[url-safe]", "invalid base64");
    row("Secret", "{'data': {'k': 1}}", "data[k]", "expected a string");
    row("Secret", "{'data': ['a']}", "data", "expected an object");
    row("Secret", "{'stringData': {'k': true}}", "stringData[k]", "expected a string");
    row("Secret", "{'immutable': 'true'}", "immutable", "expected a boolean");
    row("Secret", "{'type': 1}", "type", "expected a string");
    row("SyncSecret", "{'status': {'conditions': [{}, {'status': true}]}}", "status.conditions[1].status",
        "expected a string");
    row("SyncSecret", "{'status': {'observedGeneration': '1'}}", "status.observedGeneration", "expected an integer");
    row("SyncSecret", "{'status': {'conditions': [{'lastTransitionTime': 'now'}]}}",
        "status.conditions[0].lastTransitionTime", "expected an RFC 3339 time");
    row("SyncSecret", "{'status': []}", "status", "expected an object");
    row("Lease", "{'spec': {'leaseDurationSeconds': 4294967296}}", "spec.leaseDurationSeconds", "integer out of range");
    row("Lease", "{'spec': {'renewTime': '2025-03-14T09:30:00.48Z+'}}", "spec.renewTime", "expected an RFC 3339 time");
    row("Namespace", "{'spec': {'finalizers': 'kubernetes'}}", "spec.finalizers", "expected an array");
    row("Event", "{'count': '3'}", "count", "expected an integer");
    row("Event", "{'involvedObject': {'name': []}}", "involvedObject.name", "expected a string");
    row("Event", "{'source': {'host': {}}}", "source.host", "expected a string");
    row("SecretList", "{'items': [{}, {'metadata': {'name': 1}}]}", "items[1].metadata.name", "expected a string");
    row("SecretList", "{'items': [{'data': {'password': '%%%%'}}]}", "items[0].data[password]", "invalid base64");
    row("SyncSecretList", "{'metadata': {'continue': 5}}", "metadata.continue", "expected a string");
    row("SyncSecretList", "{'items': {}}", "items", "expected an array");
}

void TestObjects::testDecodeErrors()
{
    QFETCH(QString, type);
    QFETCH(QJsonObject, json);
    QFETCH(QString, field);
    QFETCH(QString, message);

    const Trip trip = runCodec(type, json);
    QVERIFY(!trip.json.has_value());
    QCOMPARE(trip.error, message);

    // The same error as an ApiError: Bad Request with one cause naming the field.
    if (type == u"Secret"_s) {
        const auto decoded = Secret::fromJson(json);
        QCOMPARE(decoded.error().code(), 400);
        QCOMPARE(decoded.error().reason(), u"BadRequest"_s);
        QCOMPARE(decoded.error().causes().size(), 1);
        QCOMPARE(decoded.error().causes()[0].field, field);
    }
}

void TestObjects::testErrorsNeverCarryValues()
{
    const auto bad = Secret::fromJson(object("{'data': {'password': 's3cr3t!', 'ok': 'b2s='}}"));
    QVERIFY(!bad.ok());
    QVERIFY(!bad.error().message().contains(u"s3cr3t"_s));
    QVERIFY(!QJsonDocument(bad.error().toStatus()).toJson().contains("s3cr3t"));

    const auto wrongType = SyncSecret::fromJson(object("{'stringData': {'token': ['hunter2']}}"));
    QVERIFY(!wrongType.ok());
    QVERIFY(!QJsonDocument(wrongType.error().toStatus()).toJson().contains("hunter2"));
}

void TestObjects::testNonCanonicalBase64KeptUntilChanged()
{
    const QJsonObject input = fixture(u"secret-noncanonical-base64.json"_s);
    const QString wrapped = input.value(u"data"_s).toObject().value(u"long"_s).toString();
    QVERIFY(wrapped.contains(u'\n'));

    auto secret = Secret::fromJson(input);
    QVERIFY(secret.ok());
    QCOMPARE(secret->data.value(u"long"_s), QByteArray(120, 'x'));
    QCOMPARE(secret->dataEncoding.keys(), QStringList { u"long"_s });
    QCOMPARE(secret->toJson().value(u"data"_s).toObject().value(u"long"_s).toString(), wrapped);

    secret->data[u"long"_s] = "changed";
    QCOMPARE(secret->toJson().value(u"data"_s).toObject().value(u"long"_s).toString(), u"Y2hhbmdlZA=="_s);
}

void TestObjects::testNormalizedData_data()
{
    QTest::addColumn<ByteMap>("data");
    QTest::addColumn<StringMap>("stringData");
    QTest::addColumn<ByteMap>("expected");

    QTest::newRow("both empty") << ByteMap {} << StringMap {} << ByteMap {};
    QTest::newRow("data only") << ByteMap { { u"a"_s, "1" } } << StringMap {} << ByteMap { { u"a"_s, "1" } };
    QTest::newRow("stringData only") << ByteMap {} << StringMap { { u"a"_s, u"1"_s } } << ByteMap { { u"a"_s, "1" } };
    QTest::newRow("stringData wins") << ByteMap { { u"token"_s, "old" } } << StringMap { { u"token"_s, u"new"_s } }
                                     << ByteMap { { u"token"_s, "new" } };
    QTest::newRow("disjoint keys merge") << ByteMap { { u"a"_s, "1" } } << StringMap { { u"b"_s, u"2"_s } }
                                         << ByteMap { { u"a"_s, "1" }, { u"b"_s, "2" } };
    QTest::newRow("empty string overrides")
        << ByteMap { { u"a"_s, "1" } } << StringMap { { u"a"_s, u""_s } } << ByteMap { { u"a"_s, "" } };
    QTest::newRow("empty value kept") << ByteMap { { u"a"_s, "" } } << StringMap {} << ByteMap { { u"a"_s, "" } };
    QTest::newRow("utf-8 encoded") << ByteMap {} << StringMap { { u"p"_s, u"pässwörd ✓"_s } }
                                   << ByteMap { { u"p"_s, u"pässwörd ✓"_s.toUtf8() } };
    QTest::newRow("binary data untouched") << ByteMap { { u"bin"_s, QByteArray("\x00\xff", 2) } } << StringMap {}
                                           << ByteMap { { u"bin"_s, QByteArray("\x00\xff", 2) } };
}

void TestObjects::testNormalizedData()
{
    QFETCH(ByteMap, data);
    QFETCH(StringMap, stringData);
    QFETCH(ByteMap, expected);

    SyncSecret sync;
    sync.data = data;
    sync.stringData = stringData;
    QCOMPARE(sync.normalizedData(), expected);
    Secret secret;
    secret.data = data;
    secret.stringData = stringData;
    QCOMPARE(secret.normalizedData(), expected);
}

void TestObjects::testNormalizationAvoidsUpdateStorms()
{
    // The tenant writes stringData; the stored Secret has the same bytes as data: equal after normalisation.
    const auto tenant = SyncSecret::fromJson(fixture(u"syncsecret-tenant.json"_s));
    const auto copy = Secret::fromJson(fixture(u"secret-tls-management.json"_s));
    QVERIFY(tenant.ok() && copy.ok());
    QVERIFY(tenant->data != copy->data);
    QCOMPARE(tenant->normalizedData(), copy->normalizedData());
}

void TestObjects::testSetCondition_data()
{
    QTest::addColumn<QString>("newStatus");
    QTest::addColumn<QString>("newReason");
    QTest::addColumn<qint64>("newGeneration");
    QTest::addColumn<QString>("newTime");
    QTest::addColumn<bool>("changed");
    QTest::addColumn<QString>("time");

    // The existing condition: Synced=True, reason Propagated, generation 1, since 2025-03-14T09:00:00Z.
    const QString old = u"2025-03-14T09:00:00Z"_s;
    const QString now = u"2025-03-14T12:00:00Z"_s;
    const QString given = u"2025-03-14T11:11:11Z"_s;
    QTest::newRow("identical is no change") << u"True"_s << u"Propagated"_s << qint64(1) << QString() << false << old;
    QTest::newRow("same status keeps time") << u"True"_s << u"Refreshed"_s << qint64(1) << QString() << true << old;
    QTest::newRow("same status ignores given time")
        << u"True"_s << u"Propagated"_s << qint64(1) << given << false << old;
    QTest::newRow("generation only") << u"True"_s << u"Propagated"_s << qint64(2) << QString() << true << old;
    QTest::newRow("status change takes now") << u"False"_s << u"Failed"_s << qint64(1) << QString() << true << now;
    QTest::newRow("status change takes given time")
        << u"Unknown"_s << u"Propagated"_s << qint64(1) << given << true << given;
}

void TestObjects::testSetCondition()
{
    QFETCH(QString, newStatus);
    QFETCH(QString, newReason);
    QFETCH(qint64, newGeneration);
    QFETCH(QString, newTime);
    QFETCH(bool, changed);
    QFETCH(QString, time);

    QList<Condition> conditions { condition(u"Synced"_s, u"True"_s, u"Propagated"_s, 1, u"2025-03-14T09:00:00Z"_s) };
    const Condition update = condition(u"Synced"_s, newStatus, newReason, newGeneration, newTime);
    QCOMPARE(setCondition(conditions, update, Now), changed);
    QCOMPARE(conditions.size(), 1);
    QCOMPARE(conditions[0].status, newStatus);
    QCOMPARE(conditions[0].reason, newReason);
    QCOMPARE(conditions[0].observedGeneration, newGeneration);
    QCOMPARE(conditions[0].lastTransitionTime, time);
}

void TestObjects::testSetConditionKeepsUnknownFieldsAndOrder()
{
    QList<Condition> conditions;
    QVERIFY(setCondition(conditions, condition(u"Ready"_s, u"True"_s, u"Ok"_s), Now));
    QCOMPARE(conditions[0].lastTransitionTime, u"2025-03-14T12:00:00Z"_s);
    QVERIFY(
        setCondition(conditions, condition(u"Synced"_s, u"False"_s, u"Pending"_s, 0, u"2025-01-01T00:00:00Z"_s), Now));
    QCOMPARE(conditions[1].lastTransitionTime, u"2025-01-01T00:00:00Z"_s);

    conditions[0].unknownFields.insert(u"future"_s, 1);
    QVERIFY(setCondition(conditions, condition(u"Ready"_s, u"False"_s, u"Broken"_s), Now.addSecs(5)));
    QCOMPARE(conditions[0].type, u"Ready"_s);
    QCOMPARE(conditions[0].unknownFields.value(u"future"_s), QJsonValue(1));
    QCOMPARE(conditions[0].lastTransitionTime, u"2025-03-14T12:00:05Z"_s);
    QCOMPARE(conditions[1].type, u"Synced"_s);
}

void TestObjects::testFindAndRemoveCondition()
{
    QList<Condition> conditions { condition(u"Ready"_s, u"True"_s, u"Ok"_s),
        condition(u"Synced"_s, u"False"_s, u"Failed"_s) };
    QVERIFY(findCondition(conditions, u"Missing"_s) == nullptr);
    QCOMPARE(findCondition(conditions, u"Synced"_s)->reason, u"Failed"_s);
    QVERIFY(isConditionTrue(conditions, u"Ready"_s));
    QVERIFY(!isConditionTrue(conditions, u"Synced"_s));
    QVERIFY(!isConditionTrue(conditions, u"Missing"_s));
    QVERIFY(removeCondition(conditions, u"Ready"_s));
    QVERIFY(!removeCondition(conditions, u"Ready"_s));
    QCOMPARE(conditions.size(), 1);
}

void TestObjects::testFinalizerHelpers()
{
    const QString finalizer = QString(kubelb::CleanupFinalizer);
    ObjectMeta meta;
    QVERIFY(!meta.hasFinalizer(finalizer));
    QVERIFY(meta.addFinalizer(finalizer));
    QVERIFY(!meta.addFinalizer(finalizer));
    QVERIFY(meta.addFinalizer(u"example.com/other"_s));
    QCOMPARE(meta.finalizers, (QStringList { finalizer, u"example.com/other"_s }));
    QVERIFY(meta.hasFinalizer(finalizer));
    QVERIFY(meta.removeFinalizer(finalizer));
    QVERIFY(!meta.removeFinalizer(finalizer));
    QCOMPARE(meta.finalizers, QStringList { u"example.com/other"_s });

    meta.finalizers = { finalizer, u"x"_s, finalizer };
    QVERIFY(meta.removeFinalizer(finalizer));
    QCOMPARE(meta.finalizers, QStringList { u"x"_s });
}

void TestObjects::testRemovingLastFinalizerDropsField()
{
    auto sync = SyncSecret::fromJson(fixture(u"syncsecret-tenant.json"_s));
    QVERIFY(sync.ok());
    QVERIFY(sync->metadata.removeFinalizer(QString(kubelb::CleanupFinalizer)));
    QVERIFY(!sync->toJson().value(u"metadata"_s).toObject().contains(u"finalizers"_s));
}

void TestObjects::testControllerRef_data()
{
    QTest::addColumn<QJsonObject>("meta");
    QTest::addColumn<QString>("expected"); // controller's name, empty for none

    QTest::newRow("no owners") << object("{}") << QString();
    QTest::newRow("owner without controller") << object("{'ownerReferences': [{'name': 'a'}]}") << QString();
    QTest::newRow("controller false") << object("{'ownerReferences': [{'name': 'a', 'controller': false}]}")
                                      << QString();
    QTest::newRow("second is controller")
        << object("{'ownerReferences': [{'name': 'a'}, {'name': 'b', 'controller': true}]}") << u"b"_s;
}

void TestObjects::testControllerRef()
{
    QFETCH(QJsonObject, meta);
    QFETCH(QString, expected);

    const auto decoded = ObjectMeta::fromJson(meta);
    QVERIFY(decoded.ok());
    const std::optional<OwnerReference> ref = decoded->controllerRef();
    QCOMPARE(ref.has_value(), !expected.isEmpty());
    if (ref)
        QCOMPARE(ref->name, expected);
}

void TestObjects::testIsBeingDeleted()
{
    const auto live = SyncSecret::fromJson(fixture(u"syncsecret-tenant.json"_s));
    const auto dying = SyncSecret::fromJson(fixture(u"syncsecret-terminating.json"_s));
    QVERIFY(live.ok() && dying.ok());
    QVERIFY(!live->metadata.isBeingDeleted());
    QVERIFY(dying->metadata.isBeingDeleted());
    QCOMPARE(dying->metadata.key(), u"tenant-b/api-key"_s);
}

void TestObjects::testObjectListDecodes()
{
    const auto secrets = ObjectList<Secret>::fromJson(fixture(u"secretlist.json"_s));
    QVERIFY(secrets.ok());
    QCOMPARE(secrets->metadata.resourceVersion, u"771209"_s);
    QVERIFY(secrets->metadata.continueToken.isEmpty());
    QCOMPARE(secrets->items.size(), 2);
    QCOMPARE(secrets->items[1].type, u"kubernetes.io/dockerconfigjson"_s);
    QCOMPARE(secrets->items[0].data.value(u"username"_s), QByteArray("admin"));

    const auto page = ObjectList<SyncSecret>::fromJson(fixture(u"syncsecretlist-page.json"_s));
    QVERIFY(page.ok());
    QVERIFY(page->metadata.continueToken.startsWith(u"eyJ2Ijoi"_s));
    QCOMPARE(page->metadata.remainingItemCount, std::optional<qint64>(17));
    QCOMPARE(page->items.size(), 1);
    QCOMPARE(kubelb::originNamespace(page->items[0].metadata), u"tenant-a"_s);
}

void TestObjects::testTimestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected"); // invalid when the text must be rejected

    const auto at
        = [](int h, int m, int s, int ms = 0) { return QDateTime(QDate(2025, 3, 14), QTime(h, m, s, ms), Qt::UTC); };
    QTest::newRow("utc") << u"2025-03-14T09:26:53Z"_s << at(9, 26, 53);
    QTest::newRow("micro") << u"2025-03-14T09:30:00.481257Z"_s << at(9, 30, 0, 481);
    QTest::newRow("nano") << u"2025-03-14T09:30:00.123456789Z"_s << at(9, 30, 0, 123);
    QTest::newRow("offset") << u"2025-03-14T10:26:53+01:00"_s << at(9, 26, 53);
    QTest::newRow("empty") << QString() << QDateTime();
    QTest::newRow("space separator") << u"2025-03-14 09:26:53Z"_s << QDateTime();
    QTest::newRow("no zone") << u"2025-03-14T09:26:53"_s << QDateTime();
    QTest::newRow("lower-case z") << u"2025-03-14T09:26:53z"_s << QDateTime();
    QTest::newRow("garbage") << u"yesterday"_s << QDateTime();
    QTest::newRow("no such day") << u"2025-02-30T00:00:00Z"_s << QDateTime();
    QTest::newRow("hour 24") << u"2025-03-14T24:00:00Z"_s << QDateTime();
}

void TestObjects::testTimestamps()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);

    const QDateTime parsed = parseTimestamp(text);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid())
        QCOMPARE(parsed, expected);
}

void TestObjects::testFormatTimestamps()
{
    const QDateTime t(QDate(2025, 3, 14), QTime(9, 30, 0, 481), Qt::UTC);
    QCOMPARE(formatTime(t), u"2025-03-14T09:30:00Z"_s);
    QCOMPARE(formatMicroTime(t), u"2025-03-14T09:30:00.481000Z"_s);
    QCOMPARE(formatTime(t.toOffsetFromUtc(3600)), u"2025-03-14T09:30:00Z"_s);
    QVERIFY(formatTime(QDateTime()).isEmpty());
    QCOMPARE(parseTimestamp(formatMicroTime(t)), t);
}

void TestObjects::testConstantsAndOriginNamespace()
{
    QCOMPARE(QString(kubelb::ApiVersion), QString(kubelb::Group) + u'/' + QString(kubelb::Version));
    QCOMPARE(QString(kubelb::SyncSecretPlural), u"syncsecrets"_s);
    QCOMPARE(QString(kubelb::CleanupFinalizer), u"kubelb.k8c.io/lb-finalizer"_s);
    QCOMPARE(QString(kubelb::LastAppliedConfigAnnotation), u"kubectl.kubernetes.io/last-applied-configuration"_s);

    ObjectMeta meta;
    QVERIFY(kubelb::originNamespace(meta).isEmpty());
    meta.labels.insert(QString(kubelb::LegacyOriginNamespaceLabel), u"legacy"_s);
    QCOMPARE(kubelb::originNamespace(meta), u"legacy"_s);
    meta.labels.insert(QString(kubelb::OriginNamespaceLabel), u"current"_s);
    QCOMPARE(kubelb::originNamespace(meta), u"current"_s);
}

void TestObjects::testDebugRedactsSecretValues()
{
    const auto secret = Secret::fromJson(fixture(u"secret-kubectl-apply.json"_s));
    QVERIFY(secret.ok());
    const QString text = debugText(*secret);
    QCOMPARE(text, u"Secret(tenant-a/db-creds, type: Opaque, data: [password: 7 bytes, username: 5 bytes])"_s);
    QVERIFY(!text.contains(u"s3cr3t"_s));
    QVERIFY(!text.contains(u"czNjcjN0IQ"_s));

    const auto sync = SyncSecret::fromJson(fixture(u"syncsecret-tenant.json"_s));
    QVERIFY(sync.ok());
    const QString syncText = debugText(*sync);
    QVERIFY(syncText.startsWith(u"SyncSecret(tenant-a/app-tls, type: kubernetes.io/tls, phase: Synced"_s));
    QVERIFY(syncText.contains(u"stringData: [tls.crt: "_s));
    QVERIFY(!syncText.contains(u"BEGIN"_s));
    QVERIFY(!syncText.contains(u"last-applied"_s));

    SyncSecret built;
    built.stringData.insert(u"token"_s, u"hunter2"_s);
    built.data.insert(u"key"_s, "AKIA-TEST-ONLY");
    built.immutable = true;
    const QString builtText = debugText(built);
    QVERIFY(!builtText.contains(u"hunter2"_s));
    QVERIFY(!builtText.contains(u"AKIA"_s));
    QVERIFY(builtText.contains(u"token: 7 bytes"_s));
    QVERIFY(builtText.contains(u"immutable: true"_s));
}

QTEST_APPLESS_MAIN(TestObjects)
#include "tst_objects.moc"
