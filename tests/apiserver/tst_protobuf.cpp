#include "apiserver/protobuf.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using apiserver::protobuf::decodeRequest;

namespace {

// A minimal protobuf encoder, enough to build request bodies field by field.
QByteArray varint(quint64 value)
{
    QByteArray out;
    do {
        const auto low = char(value & 0x7f);
        value >>= 7;
        out += value != 0 ? char(low | 0x80) : low;
    } while (value != 0);
    return out;
}

QByteArray key(quint32 field, int wire)
{
    return varint((quint64(field) << 3) | quint64(wire));
}

QByteArray bytes(quint32 field, const QByteArray& value)
{
    return key(field, 2) + varint(quint64(value.size())) + value;
}

QByteArray number(quint32 field, qint64 value)
{
    return key(field, 0) + varint(quint64(value));
}

QByteArray entry(quint32 field, const QByteArray& mapKey, const QByteArray& value)
{
    return bytes(field, bytes(1, mapKey) + bytes(2, value));
}

QByteArray time(quint32 field, qint64 seconds, qint32 nanos = 0)
{
    return bytes(field, number(1, seconds) + number(2, nanos));
}

// Fields of every wire type under numbers no schema uses, which decoding must skip.
QByteArray unknownFields()
{
    return number(90, 7) + key(91, 1) + QByteArray(8, '\x01') + bytes(92, "junk") + key(93, 5) + QByteArray(4, '\x02');
}

QByteArray prefix()
{
    return QByteArray("k8s\0", 4);
}

QByteArray envelope(const QByteArray& apiVersion, const QByteArray& kind, const QByteArray& raw)
{
    return prefix() + bytes(1, bytes(1, apiVersion) + bytes(2, kind)) + bytes(2, raw) + bytes(3, {}) + bytes(4, {});
}

QByteArray meta(const QByteArray& name)
{
    return bytes(1, bytes(1, name));
}

QJsonObject parse(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (!document.isObject())
        qFatal("malformed expected JSON in test: %s", qPrintable(error.errorString()));
    return document.object();
}

// Secret values never reach test output: data maps are shown with their keys only.
QString redacted(const QJsonObject& object)
{
    QJsonObject copy = object;
    for (const QString& field : { u"data"_s, u"stringData"_s, u"binaryData"_s }) {
        if (!copy.contains(field))
            continue;
        QJsonObject keys;
        const QStringList names = copy.value(field).toObject().keys();
        for (const QString& name : names)
            keys.insert(name, u"<redacted>"_s);
        copy.insert(field, keys);
    }
    return QString::fromUtf8(QJsonDocument(copy).toJson(QJsonDocument::Compact));
}

// Compares decoded and expected objects exactly while printing only redacted forms on failure.
void compareObjects(const QJsonObject& actual, const QJsonObject& expected)
{
    const bool same = QJsonDocument(actual).toJson(QJsonDocument::Compact)
        == QJsonDocument(expected).toJson(QJsonDocument::Compact);
    QVERIFY2(same, qPrintable(u"decoded %1\nexpected %2"_s.arg(redacted(actual), redacted(expected))));
}

QByteArray captured(const QString& name)
{
    QFile file(QString::fromUtf8(KUBELB_SOURCE_DIR) + u"/tests/data/protobuf/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(file.fileName()));
    return file.readAll();
}

QByteArray decodedValue(const QJsonObject& object, const QString& dataKey)
{
    return QByteArray::fromBase64(object.value(u"data"_s).toObject().value(dataKey).toString().toLatin1());
}

} // namespace

class TestProtobuf : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testDecodesEachKind_data();
    void testDecodesEachKind();
    void testDecodesCapturedKubectlBodies_data();
    void testDecodesCapturedKubectlBodies();
    void testDecodesCapturedTlsSecret();
    void testDecodesCapturedDockerRegistrySecret();
    void testRejectsMalformedBodies_data();
    void testRejectsMalformedBodies();
    void testSkipsDeeplyNestedUnknownFields();
    void testManyEntriesAndOccurrencesDecodeInLinearTime();
    void testSurvivesEveryTruncationAndByteFlip();
};

void TestProtobuf::testDecodesEachKind_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expected");
    const auto row = [](const char* name, const QByteArray& body, const char* expected) {
        QTest::newRow(name) << body << QByteArray(expected);
    };

    const QByteArray secretMeta
        = bytes(1, bytes(1, "s1") + bytes(3, "team-a") + entry(11, "app", "web") + entry(12, "note", "hi"));
    row("secret",
        envelope("v1", "Secret",
            secretMeta
                + entry(2, "k1",
                    QByteArray("\x00\xff"
                               "ab",
                        4))
                + entry(2, "k2", {}) + bytes(3, "Opaque") + entry(4, "plain", "text") + number(5, 1)),
        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1","namespace":"team-a","labels":{"app":"web"},
        "annotations":{"note":"hi"}},"data":{"k1":"AP9hYg==","k2":""},"type":"Opaque",
        "stringData":{"plain":"text"},"immutable":true})");
    row("secret immutable false is kept", envelope("v1", "Secret", meta("s") + number(5, 0)),
        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"immutable":false})");
    row("configmap",
        envelope("v1", "ConfigMap", meta("cm") + entry(2, "a", "1") + entry(3, "bin", "\x01\x02") + number(4, 0)),
        R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"1"},
        "binaryData":{"bin":"AQI="},"immutable":false})");

    const QByteArray condition = bytes(1, "NamespaceDeletionContentFailure") + bytes(2, "False") + time(4, 1700000000)
        + bytes(5, "r") + bytes(6, "m");
    row("namespace",
        envelope("v1", "Namespace",
            meta("ns") + bytes(2, bytes(1, "kubernetes")) + bytes(3, bytes(1, "Active") + bytes(2, condition))),
        R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns"},"spec":{"finalizers":["kubernetes"]},
        "status":{"phase":"Active","conditions":[{"type":"NamespaceDeletionContentFailure","status":"False",
        "lastTransitionTime":"2023-11-14T22:13:20Z","reason":"r","message":"m"}]}})");

    const QByteArray reference = bytes(1, "Secret") + bytes(2, "ns") + bytes(3, "tok") + bytes(4, "u1") + bytes(5, "v1")
        + bytes(6, "7") + bytes(7, "f");
    row("serviceaccount",
        envelope("v1", "ServiceAccount",
            meta("sa") + bytes(2, reference) + bytes(3, bytes(1, "reg")) + bytes(3, bytes(1, "reg2")) + number(4, 0)),
        R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa"},"secrets":[{"kind":"Secret",
        "namespace":"ns","name":"tok","uid":"u1","apiVersion":"v1","resourceVersion":"7","fieldPath":"f"}],
        "imagePullSecrets":[{"name":"reg"},{"name":"reg2"}],"automountServiceAccountToken":false})");

    const QByteArray requirement = bytes(1, "app") + bytes(2, "In") + bytes(3, "web") + bytes(3, "api");
    const QByteArray attributes = bytes(1, "team-a") + bytes(2, "get") + bytes(3, "apps") + bytes(4, "v1")
        + bytes(5, "deployments") + bytes(6, "scale") + bytes(7, "web") + bytes(8, bytes(1, "a=b"))
        + bytes(9, bytes(2, requirement));
    row("selfsubjectaccessreview resource",
        envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", bytes(2, bytes(1, attributes))),
        R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{
        "namespace":"team-a","verb":"get","group":"apps","version":"v1","resource":"deployments",
        "subresource":"scale","name":"web","fieldSelector":{"rawSelector":"a=b"},"labelSelector":{
        "requirements":[{"key":"app","operator":"In","values":["web","api"]}]}}}})");
    // The request's status (3) is server-owned and dropped.
    row("selfsubjectaccessreview non-resource",
        envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview",
            bytes(2, bytes(2, bytes(1, "/healthz") + bytes(2, "get"))) + bytes(3, number(1, 1))),
        R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
        "spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"}}})");

    const QByteArray boundRef = bytes(1, "Pod") + bytes(2, "v1") + bytes(3, "web") + bytes(4, "u1");
    row("tokenrequest",
        envelope("authentication.k8s.io/v1", "TokenRequest",
            bytes(1, bytes(1, "sa") + bytes(3, "team-a"))
                + bytes(2, bytes(1, "a1") + bytes(1, "a2") + bytes(3, boundRef) + number(4, 900))
                + bytes(3, bytes(1, "t") + time(2, 1700000000))),
        R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{"name":"sa",
        "namespace":"team-a"},"spec":{"audiences":["a1","a2"],"boundObjectRef":{"kind":"Pod","apiVersion":"v1",
        "name":"web","uid":"u1"},"expirationSeconds":900},"status":{"token":"t",
        "expirationTimestamp":"2023-11-14T22:13:20Z"}})");
    // expirationSeconds is a pointer: a zero on the wire is kept (validation, not decoding, refuses it).
    row("tokenrequest zero expiration is kept",
        envelope("authentication.k8s.io/v1", "TokenRequest", bytes(2, number(4, 0))),
        R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":0}})");

    // The core group is the empty string, which a repeated field keeps.
    const QByteArray rule = bytes(1, "get") + bytes(1, "list") + bytes(2, {}) + bytes(2, "apps") + bytes(3, "secrets")
        + bytes(3, "deployments/scale") + bytes(4, "s1");
    row("role",
        envelope("rbac.authorization.k8s.io/v1", "Role",
            bytes(1, bytes(1, "r") + bytes(3, "team-a")) + bytes(2, rule) + bytes(2, bytes(1, "*"))),
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r","namespace":"team-a"},
        "rules":[{"verbs":["get","list"],"apiGroups":["","apps"],"resources":["secrets","deployments/scale"],
        "resourceNames":["s1"]},{"verbs":["*"]}]})");
    const QByteArray selector = entry(1, "tier", "fe") + bytes(2, bytes(1, "app") + bytes(2, "Exists"));
    row("clusterrole",
        envelope("rbac.authorization.k8s.io/v1", "ClusterRole",
            meta("cr") + bytes(2, bytes(1, "get") + bytes(5, "/healthz") + bytes(5, "/logs/*"))
                + bytes(3, bytes(1, selector) + bytes(1, {}))),
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"cr"},
        "rules":[{"verbs":["get"],"nonResourceURLs":["/healthz","/logs/*"]}],"aggregationRule":{
        "clusterRoleSelectors":[{"matchLabels":{"tier":"fe"},"matchExpressions":[{"key":"app",
        "operator":"Exists"}]},{}]}})");
    const QByteArray subjects = bytes(2, bytes(1, "User") + bytes(2, "rbac.authorization.k8s.io") + bytes(3, "alice"))
        + bytes(2, bytes(1, "ServiceAccount") + bytes(2, {}) + bytes(3, "reader") + bytes(4, "team-a"));
    const QByteArray roleRef
        = bytes(3, bytes(1, "rbac.authorization.k8s.io") + bytes(2, "ClusterRole") + bytes(3, "cr"));
    row("rolebinding", envelope("rbac.authorization.k8s.io/v1", "RoleBinding", meta("rb") + subjects + roleRef),
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb"},
        "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"ServiceAccount",
        "name":"reader","namespace":"team-a"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
        "kind":"ClusterRole","name":"cr"}})");
    row("clusterrolebinding",
        envelope("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", meta("crb") + subjects + roleRef),
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"crb"},
        "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"ServiceAccount",
        "name":"reader","namespace":"team-a"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
        "kind":"ClusterRole","name":"cr"}})");

    const QByteArray owner
        = bytes(5, "v1") + bytes(1, "ConfigMap") + bytes(3, "owner") + bytes(4, "ou") + number(6, 1) + number(7, 0);
    const QByteArray managed = bytes(1, "kubectl") + bytes(2, "Update") + bytes(3, "v1") + time(4, 1699999999)
        + bytes(6, "FieldsV1") + bytes(7, bytes(1, R"({"f:data":{}})")) + bytes(8, {});
    const QByteArray fullMeta = bytes(1, "n") + bytes(2, "gen-") + bytes(3, "ns") + bytes(4, "/self") + bytes(5, "u")
        + bytes(6, "42") + number(7, 3) + time(8, 1700000000, 999) + time(9, 1700000100) + number(10, 0)
        + bytes(13, owner) + bytes(14, "a/b") + bytes(14, "c") + bytes(17, managed);
    row("object meta, every field", envelope("v1", "Secret", bytes(1, fullMeta)),
        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"n","generateName":"gen-","namespace":"ns",
        "selfLink":"/self","uid":"u","resourceVersion":"42","generation":3,
        "creationTimestamp":"2023-11-14T22:13:20Z","deletionTimestamp":"2023-11-14T22:15:00Z",
        "deletionGracePeriodSeconds":0,"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner",
        "uid":"ou","controller":true,"blockOwnerDeletion":false}],"finalizers":["a/b","c"],"managedFields":[{
        "manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2023-11-14T22:13:19Z",
        "fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]}})");

    // What kubectl sends: every string field present but empty, a zero generation and an empty creationTimestamp.
    const QByteArray emptyMeta = bytes(1, {}) + bytes(2, {}) + bytes(3, {}) + bytes(6, {}) + number(7, 0) + bytes(8, {})
        + time(9, -62135596800);
    row("empty and zero fields are omitted",
        envelope("v1", "Namespace", bytes(1, emptyMeta) + bytes(2, {}) + bytes(3, bytes(1, {}))),
        R"({"apiVersion":"v1","kind":"Namespace"})");

    const QByteArray skipped
        = bytes(1, unknownFields() + bytes(1, "s") + bytes(8, number(1, 1700000000) + unknownFields()))
        + bytes(2, bytes(1, "k") + unknownFields() + bytes(2, "v"));
    row("unknown fields are skipped everywhere",
        prefix() + bytes(1, bytes(1, "v1") + unknownFields() + bytes(2, "Secret")) + unknownFields()
            + bytes(2, unknownFields() + skipped),
        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","creationTimestamp":"2023-11-14T22:13:20Z"},
        "data":{"k":"dg=="}})");
    row("last scalar wins, messages merge",
        envelope("v1", "Secret",
            bytes(1, bytes(1, "a") + entry(11, "x", "1")) + bytes(1, bytes(1, "b") + entry(11, "y", "2"))
                + bytes(3, "A") + bytes(3, {}) + entry(2, "k", "old") + entry(2, "k", "new")),
        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"b","labels":{"x":"1","y":"2"}},
        "data":{"k":"bmV3"}})");
    row("negative nanos carry into seconds", envelope("v1", "Namespace", bytes(1, time(8, 1700000000, -1))),
        R"({"apiVersion":"v1","kind":"Namespace","metadata":{"creationTimestamp":"2023-11-14T22:13:19Z"}})");
    row("empty raw object", envelope("v1", "ConfigMap", {}), R"({"apiVersion":"v1","kind":"ConfigMap"})");
}

void TestProtobuf::testDecodesEachKind()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expected);
    QString error;
    const std::optional<QJsonObject> decoded = decodeRequest(body, &error);
    QVERIFY2(decoded, qPrintable(error));
    compareObjects(*decoded, parse(expected));
}

void TestProtobuf::testDecodesCapturedKubectlBodies_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("expected");

    // Captured from kubectl v1.32 (`create secret generic gen-secret --from-literal=username=... password=...`).
    QTest::newRow("secret generic") << u"secret-generic.bin"_s << QByteArray(R"({"apiVersion":"v1","kind":"Secret",
        "metadata":{"name":"gen-secret"},"data":{"password":"czNjcjN0","username":"YWRtaW4="}})");
    QTest::newRow("namespace") << u"namespace.bin"_s
                               << QByteArray(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}})");
    QTest::newRow("configmap") << u"configmap.bin"_s << QByteArray(R"({"apiVersion":"v1","kind":"ConfigMap",
        "metadata":{"name":"cm1"},"data":{"k":"v"}})");
    QTest::newRow("serviceaccount") << u"serviceaccount.bin"_s
                                    << QByteArray(R"({"apiVersion":"v1","kind":"ServiceAccount",
        "metadata":{"name":"sa1"}})");
    // `kubectl auth can-i create secrets --namespace team-a`
    QTest::newRow("selfsubjectaccessreview resource")
        << u"selfsubjectaccessreview-resource.bin"_s
        << QByteArray(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
        "spec":{"resourceAttributes":{"namespace":"team-a","verb":"create","resource":"secrets"}}})");
    // `kubectl auth can-i get /healthz`
    QTest::newRow("selfsubjectaccessreview non-resource")
        << u"selfsubjectaccessreview-nonresource.bin"_s
        << QByteArray(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
        "spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"}}})");
    // `kubectl create token reader -n team-a --duration=2h --audience=a1 --audience=a2`
    QTest::newRow("tokenrequest") << u"tokenrequest.bin"_s
                                  << QByteArray(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest",
        "spec":{"audiences":["a1","a2"],"expirationSeconds":7200}})");
    // `kubectl create token reader -n team-a --bound-object-kind=Secret --bound-object-name=reader-token
    //  --bound-object-uid=...` (no --duration: no expirationSeconds)
    QTest::newRow("tokenrequest bound") << u"tokenrequest-bound.bin"_s
                                        << QByteArray(R"({"apiVersion":"authentication.k8s.io/v1",
        "kind":"TokenRequest","spec":{"boundObjectRef":{"kind":"Secret","apiVersion":"v1","name":"reader-token",
        "uid":"0c9e3f4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"}}})");
    // `kubectl create role secret-reader -n team-a --verb=get,list,watch --resource=secrets --resource-name=s1`
    QTest::newRow("role") << u"role.bin"_s << QByteArray(R"({"apiVersion":"rbac.authorization.k8s.io/v1",
        "kind":"Role","metadata":{"name":"secret-reader","namespace":"team-a"},"rules":[{"verbs":["get","list",
        "watch"],"apiGroups":[""],"resources":["secrets"],"resourceNames":["s1"]}]})");
    // `kubectl create clusterrole secret-lister --verb=get --resource=secrets,leases.coordination.k8s.io
    //  --resource-name=s1 --non-resource-url=/healthz,/logs/*`
    QTest::newRow("clusterrole") << u"clusterrole.bin"_s << QByteArray(R"({"apiVersion":"rbac.authorization.k8s.io/v1",
        "kind":"ClusterRole","metadata":{"name":"secret-lister"},"rules":[{"verbs":["get"],"apiGroups":[""],
        "resources":["secrets"],"resourceNames":["s1"]},{"verbs":["get"],"apiGroups":["coordination.k8s.io"],
        "resources":["leases"],"resourceNames":["s1"]},{"verbs":["get"],"nonResourceURLs":["/healthz","/logs/*"]}]})");
    // `kubectl create clusterrole monitoring --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true`
    QTest::newRow("clusterrole aggregated")
        << u"clusterrole-aggregated.bin"_s
        << QByteArray(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
        "metadata":{"name":"monitoring"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{
        "rbac.example.com/aggregate-to-monitoring":"true"}}]}})");
    // `kubectl create rolebinding alice-reads -n team-a --role=secret-reader --user=alice --group=developers
    //  --serviceaccount=team-a:reader`
    QTest::newRow("rolebinding") << u"rolebinding.bin"_s << QByteArray(R"({"apiVersion":"rbac.authorization.k8s.io/v1",
        "kind":"RoleBinding","metadata":{"name":"alice-reads","namespace":"team-a"},"subjects":[{"kind":"User",
        "apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io",
        "name":"developers"},{"kind":"ServiceAccount","name":"reader","namespace":"team-a"}],"roleRef":{
        "apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"secret-reader"}})");
    // `kubectl create clusterrolebinding reader-lists-secrets --clusterrole=secret-lister
    //  --serviceaccount=team-a:reader`
    QTest::newRow("clusterrolebinding")
        << u"clusterrolebinding.bin"_s
        << QByteArray(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
        "metadata":{"name":"reader-lists-secrets"},"subjects":[{"kind":"ServiceAccount","name":"reader",
        "namespace":"team-a"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
        "name":"secret-lister"}})");
}

void TestProtobuf::testDecodesCapturedKubectlBodies()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, expected);
    QString error;
    const std::optional<QJsonObject> decoded = decodeRequest(captured(file), &error);
    QVERIFY2(decoded, qPrintable(error));
    compareObjects(*decoded, parse(expected));
}

void TestProtobuf::testDecodesCapturedTlsSecret()
{
    // `kubectl create secret tls tls-secret --cert=... --key=...` with a throwaway self-signed pair.
    QString error;
    const std::optional<QJsonObject> decoded = decodeRequest(captured(u"secret-tls.bin"_s), &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(decoded->value(u"type"_s).toString(), u"kubernetes.io/tls"_s);
    QCOMPARE(decoded->value(u"metadata"_s).toObject(), QJsonObject({ { u"name"_s, u"tls-secret"_s } }));
    QCOMPARE(decoded->value(u"data"_s).toObject().keys(), QStringList({ u"tls.crt"_s, u"tls.key"_s }));
    QVERIFY(decodedValue(*decoded, u"tls.crt"_s).startsWith("-----BEGIN CERTIFICATE-----\n"));
    QVERIFY(decodedValue(*decoded, u"tls.key"_s).startsWith("-----BEGIN PRIVATE KEY-----\n"));
}

void TestProtobuf::testDecodesCapturedDockerRegistrySecret()
{
    // `kubectl create secret docker-registry reg-secret --docker-server=registry.example.com --docker-username=robot`
    QString error;
    const std::optional<QJsonObject> decoded = decodeRequest(captured(u"secret-docker-registry.bin"_s), &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(decoded->value(u"type"_s).toString(), u"kubernetes.io/dockerconfigjson"_s);
    QCOMPARE(decoded->value(u"metadata"_s).toObject(), QJsonObject({ { u"name"_s, u"reg-secret"_s } }));
    QCOMPARE(decoded->value(u"data"_s).toObject().keys(), QStringList({ u".dockerconfigjson"_s }));
    const QJsonObject auths
        = QJsonDocument::fromJson(decodedValue(*decoded, u".dockerconfigjson"_s)).object().value(u"auths"_s).toObject();
    QCOMPARE(auths.keys(), QStringList({ u"registry.example.com"_s }));
    const QJsonObject registry = auths.value(u"registry.example.com"_s).toObject();
    QCOMPARE(registry.value(u"username"_s).toString(), u"robot"_s);
    QVERIFY(registry.contains(u"password"_s) && registry.contains(u"auth"_s));
}

void TestProtobuf::testRejectsMalformedBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");

    const QByteArray secretMeta = meta("s");
    QTest::newRow("empty") << QByteArray() << u"does not start with the k8s\\0 prefix"_s;
    QTest::newRow("json") << QByteArray(R"({"kind":"Secret"})") << u"does not start with the k8s\\0 prefix"_s;
    QTest::newRow("wrong magic") << QByteArray("k8s\1", 4) + bytes(1, {}) << u"does not start with the k8s\\0"_s;
    QTest::newRow("magic only") << prefix() << u"empty protobuf body"_s;
    QTest::newRow("truncated varint") << prefix() + "\x0a\x80" << u"envelope: truncated varint"_s;
    QTest::newRow("length past end") << prefix()
            + "\x0a\x05"
              "ab" << u"length 5 runs past the end"_s;
    QTest::newRow("huge length") << prefix() + "\x0a" + varint(~quint64(0)) << u"runs past the end"_s;
    QTest::newRow("overlong varint") << prefix() + QByteArray(11, '\xff') << u"varint overflows 64 bits"_s;
    QTest::newRow("varint overflow") << prefix() + QByteArray(9, '\x80') + '\x02' << u"varint overflows 64 bits"_s;
    QTest::newRow("group wire type") << prefix() + key(1, 3) << u"unsupported wire type 3 in field 1"_s;
    QTest::newRow("field number zero") << prefix() + "\x02\x00" << u"invalid field number 0"_s;
    QTest::newRow("typemeta as varint") << prefix() + number(1, 1) << u"wrong wire type 0 for field 1"_s;
    QTest::newRow("truncated fixed64") << prefix() + key(9, 1) + "abc" << u"truncated 64-bit field"_s;
    QTest::newRow("truncated fixed32") << prefix() + key(9, 5) + "a" << u"truncated 32-bit field"_s;
    QTest::newRow("missing kind") << prefix() + bytes(1, bytes(1, "v1")) << u"missing apiVersion or kind"_s;
    QTest::newRow("unsupported kind") << envelope("apps/v1", "Deployment", {})
                                      << u"unsupported protobuf kind apps/v1/Deployment"_s;
    QTest::newRow("core kind in wrong group") << envelope("authorization.k8s.io/v1", "Secret", {})
                                              << u"unsupported protobuf kind authorization.k8s.io/v1/Secret"_s;
    QTest::newRow("content encoding") << prefix() + bytes(1, bytes(1, "v1") + bytes(2, "Secret")) + bytes(3, "gzip")
                                      << u"unsupported protobuf content encoding"_s;
    QTest::newRow("json raw") << prefix() + bytes(1, bytes(1, "v1") + bytes(2, "Secret")) + bytes(4, "application/json")
                              << u"unsupported protobuf raw content type"_s;
    QTest::newRow("metadata as varint") << envelope("v1", "Secret", number(1, 5))
                                        << u"malformed protobuf Secret: metadata: wrong wire type 0 for field 1"_s;
    QTest::newRow("immutable as bytes") << envelope("v1", "Secret", bytes(5, "x"))
                                        << u"immutable: wrong wire type 2 for field 5"_s;
    QTest::newRow("name past end inside metadata") << envelope("v1", "Secret",
        bytes(1,
            QByteArray("\x0a\x09"
                       "abc"))) << u"metadata.name: length 9 runs past"_s;
    QTest::newRow("garbage map entry") << envelope("v1", "Secret", secretMeta + bytes(2, QByteArray("\x08\x01")))
                                       << u"data: map entry: wrong wire type 0 for field 1"_s;
    QTest::newRow("time seconds as bytes") << envelope("v1", "Secret", bytes(1, bytes(8, bytes(1, "x"))))
                                           << u"metadata.creationTimestamp: wrong wire type 2 for field 1"_s;
    QTest::newRow("time out of range") << envelope("v1", "Secret", bytes(1, time(8, 253402300800)))
                                       << u"metadata.creationTimestamp: timestamp out of range"_s;
    QTest::newRow("time before year 1") << envelope("v1", "Secret", bytes(1, time(8, -62135596801)))
                                        << u"timestamp out of range"_s;
    QTest::newRow("fieldsV1 not json") << envelope("v1", "Secret", bytes(1, bytes(17, bytes(7, bytes(1, "{")))))
                                       << u"metadata.managedFields.fieldsV1: fieldsV1 is not a JSON object"_s;
    QTest::newRow("nested garbage") << envelope(
        "authorization.k8s.io/v1", "SelfSubjectAccessReview", bytes(2, bytes(1, QByteArray("\xff\xff\xff"))))
                                    << u"spec.resourceAttributes: truncated varint"_s;
    QTest::newRow("token expiration as bytes")
        << envelope("authentication.k8s.io/v1", "TokenRequest", bytes(2, bytes(4, "3600")))
        << u"malformed protobuf TokenRequest: spec.expirationSeconds: wrong wire type 2 for field 4"_s;
    QTest::newRow("role verbs as varint") << envelope("rbac.authorization.k8s.io/v1", "Role", bytes(2, number(1, 1)))
                                          << u"malformed protobuf Role: rules.verbs: wrong wire type 0 for field 1"_s;
}

void TestProtobuf::testRejectsMalformedBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    QString actual;
    QVERIFY(!decodeRequest(body, &actual));
    QVERIFY2(actual.contains(error), qPrintable(actual));
    QVERIFY(!decodeRequest(body, nullptr));
}

void TestProtobuf::testSkipsDeeplyNestedUnknownFields()
{
    // 100k levels of an unknown length-delimited field: skipping must neither recurse nor reject.
    QList<QByteArray> headers; // innermost first; each header's length covers everything inside it
    qsizetype inner = 0;
    for (int i = 0; i < 100000; ++i) {
        headers.append(key(1, 2) + varint(quint64(inner)));
        inner += headers.last().size();
    }
    QByteArray bomb;
    for (auto it = headers.crbegin(); it != headers.crend(); ++it)
        bomb += *it;
    QString error;
    const std::optional<QJsonObject> decoded
        = decodeRequest(envelope("v1", "Namespace", bytes(1, bytes(1, "ns") + bytes(50, bomb))), &error);
    QVERIFY2(decoded, qPrintable(error));
    compareObjects(*decoded, parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns"}})"));
}

void TestProtobuf::testManyEntriesAndOccurrencesDecodeInLinearTime()
{
    // Quadratic merging would take minutes here (the suite's timeout catches it); linear decoding takes milliseconds.
    QByteArray labels;
    QByteArray finalizers;
    for (int i = 0; i < 100000; ++i) {
        labels += entry(11, "k" + QByteArray::number(i), "v");
        finalizers += bytes(14, "f");
    }
    QByteArray raw = bytes(1, labels + finalizers);
    for (int i = 0; i < 100000; ++i)
        raw += bytes(1, entry(11, "k0", "last"));
    QString error;
    const std::optional<QJsonObject> decoded = decodeRequest(envelope("v1", "Namespace", raw), &error);
    QVERIFY2(decoded, qPrintable(error));
    const QJsonObject metadata = decoded->value(u"metadata"_s).toObject();
    QCOMPARE(metadata.value(u"labels"_s).toObject().size(), 100000);
    QCOMPARE(metadata.value(u"labels"_s).toObject().value(u"k0"_s).toString(), u"last"_s);
    QCOMPARE(metadata.value(u"finalizers"_s).toArray().size(), 100000);
}

void TestProtobuf::testSurvivesEveryTruncationAndByteFlip()
{
    // Every prefix and every single-byte corruption of real bodies decodes or fails with a message; never crashes.
    const QStringList files { u"secret-generic.bin"_s, u"secret-tls.bin"_s, u"secret-docker-registry.bin"_s,
        u"namespace.bin"_s, u"selfsubjectaccessreview-resource.bin"_s, u"configmap.bin"_s, u"tokenrequest-bound.bin"_s,
        u"clusterrole.bin"_s, u"rolebinding.bin"_s };
    int rejected = 0;
    const auto check = [&rejected](const QByteArray& body) {
        QString error;
        if (!decodeRequest(body, &error)) {
            ++rejected;
            QVERIFY(!error.isEmpty());
        }
    };
    for (const QString& file : files) {
        const QByteArray body = captured(file);
        for (qsizetype size = 0; size < body.size(); ++size)
            check(body.first(size));
        for (qsizetype i = 0; i < body.size(); ++i) {
            for (const char mask : { '\xff', '\x80', '\x07' }) {
                QByteArray mutated = body;
                mutated[i] = char(mutated[i] ^ mask);
                check(mutated);
            }
        }
    }
    QVERIFY(rejected > 0);
}

QTEST_APPLESS_MAIN(TestProtobuf)
#include "tst_protobuf.moc"
