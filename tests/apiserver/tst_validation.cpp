#include "apiserver/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using apiserver::NameRule;
using kube::StatusCause;

namespace {

const QString kSubdomainMsg = u"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                              "'-' or '.', and must start and end with an alphanumeric character…"_s;
const QString kQualifiedMsg = u"name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
                              "and end with an alphanumeric character…"_s;
const QString kConfigKeyMsg = u"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
                              "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                              "'[-._a-zA-Z0-9]+')"_s;
const QString kDns1035Msg = u"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
                            "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
                            "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"_s;
const QString kDelete = u"<delete>"_s;

QJsonObject json(const char* text)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

/// Sets (or with kDelete removes) the value at a dotted path; numeric segments index arrays.
QJsonValue withValue(QJsonValue node, QStringView path, const QJsonValue& value)
{
    const qsizetype dot = path.indexOf(u'.');
    const QString head = path.left(dot < 0 ? path.size() : dot).toString();
    const bool last = dot < 0;
    bool isIndex = false;
    const int index = head.toInt(&isIndex);
    if (isIndex) {
        QJsonArray array = node.toArray();
        const QJsonValue item = last ? value : withValue(array.at(index), path.mid(dot + 1), value);
        if (index == array.size())
            array.append(item);
        else
            array[index] = item;
        return array;
    }
    QJsonObject object = node.toObject();
    if (last && value == QJsonValue(kDelete))
        object.remove(head);
    else
        object[head] = last ? value : withValue(object.value(head), path.mid(dot + 1), value);
    return object;
}

QJsonObject withValues(QJsonObject base, const QJsonObject& changes)
{
    for (auto it = changes.begin(); it != changes.end(); ++it)
        base = withValue(base, it.key(), it.value()).toObject();
    return base;
}

/// Matches `reason|field|message`; a message starting or ending with "…" only has to end or start with the rest.
bool matches(const StatusCause& cause, const QString& expected)
{
    const QStringList parts = expected.split(u'|');
    const QString message = parts.mid(2).join(u'|');
    if (parts.size() < 3 || cause.reason != parts[0] || cause.field != parts[1])
        return false;
    if (message.startsWith(u'…'))
        return cause.message.endsWith(message.mid(1));
    if (message.endsWith(u'…'))
        return cause.message.startsWith(message.chopped(1));
    return cause.message == message;
}

void compareCauses(const QList<StatusCause>& actual, const QStringList& expected)
{
    QStringList got;
    for (const StatusCause& c : actual)
        got.append(c.reason + u'|' + c.field + u'|' + c.message);
    const bool same
        = actual.size() == expected.size() && std::equal(actual.begin(), actual.end(), expected.begin(), matches);
    if (!same)
        qWarning().noquote() << "got:\n " << got.join(u"\n  "_s) << "\nexpected:\n " << expected.join(u"\n  "_s);
    QVERIFY(same);
}

QString repeated(QChar c, qsizetype n)
{
    return QString(n, c);
}

QJsonObject secret(const QString& type, const QJsonObject& data)
{
    return QJsonObject { { u"type"_s, type }, { u"data"_s, data } };
}

} // namespace

class TestValidation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testObjectMetaCreate_data();
    void testObjectMetaCreate();
    void testOwnerReferences_data();
    void testOwnerReferences();
    void testObjectMetaUpdateImmutableFields_data();
    void testObjectMetaUpdateImmutableFields();
    void testNoNewFinalizersWhileDeleting_data();
    void testNoNewFinalizersWhileDeleting();
    void testSecretDataKeys_data();
    void testSecretDataKeys();
    void testSecretRejectsBadBase64_data();
    void testSecretRejectsBadBase64();
    void testSecretTotalSizeLimit();
    void testSecretTlsRequiresBothKeys_data();
    void testSecretTlsRequiresBothKeys();
    void testSecretTypeRequiredKeys_data();
    void testSecretTypeRequiredKeys();
    void testSecretTypeIsImmutable();
    void testImmutableSecretRejectsDataChange_data();
    void testImmutableSecretRejectsDataChange();
    void testCustomResourceDefinition_data();
    void testCustomResourceDefinition();
};

void TestValidation::testObjectMetaCreate_data()
{
    QTest::addColumn<QJsonObject>("meta");
    QTest::addColumn<bool>("namespaced");
    QTest::addColumn<NameRule>("rule");
    QTest::addColumn<QStringList>("expected");
    const auto sub = NameRule::Dns1123Subdomain;
    const QJsonObject annotationsOk { { u"a"_s, repeated(u'x', 262143) } };
    const QJsonObject annotationsBig { { u"a"_s, repeated(u'x', 262144) } };

    QTest::newRow("valid") << json(R"({"name":"a.b-c","namespace":"ns"})") << true << sub << QStringList();
    QTest::newRow("generateName only") << json(R"({"generateName":"web-","namespace":"ns"})") << true << sub
                                       << QStringList();
    QTest::newRow("name and generateName missing")
        << json(R"({"namespace":"ns"})") << true << sub
        << QStringList { u"FieldValueRequired|metadata.name|Required value: name or generateName is required"_s };
    QTest::newRow("subdomain rejects Bad_Name")
        << json(R"({"name":"Bad_Name","namespace":"ns"})") << true << sub
        << QStringList { u"FieldValueInvalid|metadata.name|Invalid value: \"Bad_Name\": "_s + kSubdomainMsg };
    QTest::newRow("subdomain too long") << QJsonObject { { u"name"_s, repeated(u'a', 254) } } << false << sub
                                        << QStringList { u"FieldValueInvalid|metadata.name|…: must be no more than "
                                                         "253 characters"_s };
    QTest::newRow("label rule rejects dots")
        << json(R"({"name":"a.b"})") << false << NameRule::Dns1123Label
        << QStringList { u"FieldValueInvalid|metadata.name|Invalid value: \"a.b\": a lowercase RFC 1123 label…"_s };
    QTest::newRow("path segment allows anything else")
        << json(R"({"name":"Any_Thing:1"})") << false << NameRule::PathSegment << QStringList();
    QTest::newRow("path segment rejects slash")
        << json(R"({"name":"a/b"})") << false << NameRule::PathSegment
        << QStringList { u"FieldValueInvalid|metadata.name|Invalid value: \"a/b\": may not contain '/'"_s };
    QTest::newRow("path segment rejects ..")
        << json(R"({"name":".."})") << false << NameRule::PathSegment
        << QStringList { u"FieldValueInvalid|metadata.name|Invalid value: \"..\": may not be '..'"_s };
    QTest::newRow("bad generateName")
        << json(R"({"generateName":"Web-"})") << false << sub
        << QStringList { u"FieldValueInvalid|metadata.generateName|Invalid value: \"Web-\": "_s + kSubdomainMsg };
    QTest::newRow("namespace required") << json(R"({"name":"a"})") << true << sub
                                        << QStringList { u"FieldValueRequired|metadata.namespace|Required value"_s };
    QTest::newRow("namespace must be a label")
        << json(R"({"name":"a","namespace":"my.ns"})") << true << sub
        << QStringList {
               u"FieldValueInvalid|metadata.namespace|Invalid value: \"my.ns\": a lowercase RFC 1123 label…"_s
           };
    QTest::newRow("namespace forbidden on cluster-scoped")
        << json(R"({"name":"a","namespace":"ns"})") << false << sub
        << QStringList { u"FieldValueForbidden|metadata.namespace|Forbidden: not allowed on this type"_s };
    QTest::newRow("negative generation")
        << json(R"({"name":"a","generation":-1})") << false << sub
        << QStringList {
               u"FieldValueInvalid|metadata.generation|Invalid value: -1: must be greater than or equal to 0"_s
           };
    QTest::newRow("valid labels") << json(R"({"name":"a","labels":{"example.com/app":"web_1","tier":""}})") << false
                                  << sub << QStringList();
    QTest::newRow("bad label key") << json(R"({"name":"a","labels":{"-app":"x"}})") << false << sub
                                   << QStringList { u"FieldValueInvalid|metadata.labels|Invalid value: \"-app\": "_s
                                          + kQualifiedMsg };
    QTest::newRow("bad label prefix")
        << json(R"({"name":"a","labels":{"Example.com/app":"x"}})") << false << sub
        << QStringList { u"FieldValueInvalid|metadata.labels|Invalid value: \"Example.com/app\": prefix part a "
                         "lowercase RFC 1123 subdomain…"_s };
    QTest::newRow("bad label value")
        << json(R"({"name":"a","labels":{"app":"a b"}})") << false << sub
        << QStringList { u"FieldValueInvalid|metadata.labels|Invalid value: \"a b\": a valid label must be an empty "
                         "string or consist of alphanumeric characters…"_s };
    QTest::newRow("annotation key case-insensitive")
        << json(R"({"name":"a","annotations":{"Example.COM/Key":"any value at all"}})") << false << sub
        << QStringList();
    QTest::newRow("bad annotation key")
        << json(R"({"name":"a","annotations":{"a/b/c":""}})") << false << sub
        << QStringList { u"FieldValueInvalid|metadata.annotations|Invalid value: \"a/b/c\": a qualified name must "
                         "consist of…"_s };
    QTest::newRow("annotations at the size limit")
        << QJsonObject { { u"name"_s, u"a"_s }, { u"annotations"_s, annotationsOk } } << false << sub << QStringList();
    QTest::newRow("annotations over the size limit")
        << QJsonObject { { u"name"_s, u"a"_s }, { u"annotations"_s, annotationsBig } } << false << sub
        << QStringList { u"FieldValueTooLong|metadata.annotations|Too long: may not be more than 262144 bytes"_s };
    QTest::newRow("valid finalizers") << json(R"({"name":"a","finalizers":["kubernetes","kubelb.k8c.io/cleanup"]})")
                                      << false << sub << QStringList();
    QTest::newRow("bad finalizer") << json(R"({"name":"a","finalizers":["bad finalizer"]})") << false << sub
                                   << QStringList {
                                          u"FieldValueInvalid|metadata.finalizers|Invalid value: \"bad finalizer\": "_s
                                          + kQualifiedMsg
                                      };
    QTest::newRow("duplicate finalizer")
        << json(R"({"name":"a","finalizers":["x.io/a","x.io/b","x.io/a"]})") << false << sub
        << QStringList { u"FieldValueDuplicate|metadata.finalizers[2]|Duplicate value: \"x.io/a\""_s };
    QTest::newRow("orphan with foregroundDeletion")
        << json(R"({"name":"a","finalizers":["orphan","foregroundDeletion"]})") << false << sub
        << QStringList { u"FieldValueInvalid|metadata.finalizers|Invalid value: [\"orphan\",\"foregroundDeletion\"]: "
                         "finalizer orphan and foregroundDeletion cannot be both set"_s };
}

void TestValidation::testObjectMetaCreate()
{
    QFETCH(QJsonObject, meta);
    QFETCH(bool, namespaced);
    QFETCH(NameRule, rule);
    QFETCH(QStringList, expected);
    compareCauses(apiserver::validateObjectMetaCreate(meta, namespaced, rule), expected);
}

void TestValidation::testOwnerReferences_data()
{
    QTest::addColumn<QJsonArray>("refs");
    QTest::addColumn<QStringList>("expected");
    const QJsonObject good = json(R"({"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u1"})");
    const QJsonObject controller = withValues(good, json(R"({"controller":true})"));
    const QString path = u"metadata.ownerReferences"_s;

    QTest::newRow("valid") << QJsonArray { good, controller } << QStringList();
    QTest::newRow("core group version") << QJsonArray { withValues(good, json(R"({"apiVersion":"v1"})")) }
                                        << QStringList();
    QTest::newRow("all fields missing")
        << QJsonArray { QJsonObject {} }
        << QStringList { u"FieldValueInvalid|%1.apiVersion|Invalid value: \"\": version must not be empty"_s.arg(path),
               u"FieldValueInvalid|%1.kind|Invalid value: \"\": kind must not be empty"_s.arg(path),
               u"FieldValueInvalid|%1.name|Invalid value: \"\": name must not be empty"_s.arg(path),
               u"FieldValueInvalid|%1.uid|Invalid value: \"\": uid must not be empty"_s.arg(path) };
    QTest::newRow("group without version")
        << QJsonArray { withValues(good, json(R"({"apiVersion":"apps/"})")) }
        << QStringList { u"FieldValueInvalid|%1.apiVersion|Invalid value: \"apps/\": version must not be empty"_s.arg(
               path) };
    QTest::newRow("two controllers")
        << QJsonArray { controller, withValues(controller, json(R"({"kind":"StatefulSet","name":"db"})")) }
        << QStringList { u"FieldValueInvalid|%1|…: Only one reference can have Controller set to true. Found "
                         "\"true\" in references for Deployment/web and StatefulSet/db"_s.arg(path) };
}

void TestValidation::testOwnerReferences()
{
    QFETCH(QJsonArray, refs);
    QFETCH(QStringList, expected);
    const QJsonObject meta { { u"name"_s, u"a"_s }, { u"ownerReferences"_s, refs } };
    compareCauses(apiserver::validateObjectMetaCreate(meta, false, NameRule::Dns1123Subdomain), expected);
}

void TestValidation::testObjectMetaUpdateImmutableFields_data()
{
    QTest::addColumn<QJsonObject>("changes");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("unchanged") << QJsonObject {} << QStringList();
    QTest::newRow("labels may change") << json(R"({"labels":{"a":"b"}})") << QStringList();
    QTest::newRow("name") << json(R"({"name":"b"})")
                          << QStringList {
                                 u"FieldValueInvalid|metadata.name|Invalid value: \"b\": field is immutable"_s
                             };
    QTest::newRow("namespace") << json(R"({"namespace":"other"})")
                               << QStringList { u"FieldValueInvalid|metadata.namespace|Invalid value: \"other\": "
                                                "field is immutable"_s };
    QTest::newRow("uid") << json(R"({"uid":"u2"})")
                         << QStringList {
                                u"FieldValueInvalid|metadata.uid|Invalid value: \"u2\": field is immutable"_s
                            };
    QTest::newRow("creationTimestamp")
        << json(R"({"creationTimestamp":"2024-05-06T07:08:09Z"})")
        << QStringList { u"FieldValueInvalid|metadata.creationTimestamp|Invalid value: 2024-05-06 07:08:09 +0000 UTC: "
                         "field is immutable"_s };
    QTest::newRow("create rules still apply")
        << json(R"({"labels":{"a":"-"}})")
        << QStringList { u"FieldValueInvalid|metadata.labels|Invalid value: \"-\": a valid label…"_s };
}

void TestValidation::testObjectMetaUpdateImmutableFields()
{
    QFETCH(QJsonObject, changes);
    QFETCH(QStringList, expected);
    const QJsonObject old
        = json(R"({"name":"a","namespace":"ns","uid":"u1","creationTimestamp":"2024-01-02T03:04:05Z"})");
    compareCauses(
        apiserver::validateObjectMetaUpdate(withValues(old, changes), old, true, NameRule::Dns1123Subdomain), expected);
}

void TestValidation::testNoNewFinalizersWhileDeleting_data()
{
    QTest::addColumn<bool>("deleting");
    QTest::addColumn<QJsonArray>("finalizers");
    QTest::addColumn<QStringList>("expected");
    const QString forbidden = u"FieldValueForbidden|metadata.finalizers|Forbidden: no new finalizers can be added if "
                              "the object is being deleted, found new finalizers "_s;

    QTest::newRow("same finalizers") << true << QJsonArray { u"x.io/a"_s } << QStringList();
    QTest::newRow("removing is fine") << true << QJsonArray {} << QStringList();
    QTest::newRow("adding one") << true << QJsonArray { u"x.io/a"_s, u"x.io/z"_s }
                                << QStringList { forbidden + u"[\"x.io/z\"]"_s };
    QTest::newRow("adding two, sorted") << true << QJsonArray { u"x.io/z"_s, u"x.io/b"_s }
                                        << QStringList { forbidden + u"[\"x.io/b\" \"x.io/z\"]"_s };
    QTest::newRow("adding while alive") << false << QJsonArray { u"x.io/a"_s, u"x.io/z"_s } << QStringList();
}

void TestValidation::testNoNewFinalizersWhileDeleting()
{
    QFETCH(bool, deleting);
    QFETCH(QJsonArray, finalizers);
    QFETCH(QStringList, expected);
    QJsonObject old = json(R"({"name":"a","finalizers":["x.io/a"]})");
    if (deleting)
        old[u"deletionTimestamp"_s] = u"2024-01-02T03:04:05Z"_s;
    QJsonObject now = old;
    now[u"finalizers"_s] = finalizers;
    compareCauses(apiserver::validateObjectMetaUpdate(now, old, false, NameRule::Dns1123Subdomain), expected);
}

void TestValidation::testSecretDataKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QStringList>("expected");
    const auto invalid = [](const QString& key, const QString& detail) {
        return u"FieldValueInvalid|data[%1]|Invalid value: \"%1\": %2"_s.arg(key, detail);
    };

    QTest::newRow("plain") << u"tls.crt"_s << QStringList();
    QTest::newRow("mixed") << u"KEY_name-1"_s << QStringList();
    QTest::newRow("dot file") << u".dockerconfigjson"_s << QStringList();
    QTest::newRow("space") << u"a b"_s << QStringList { invalid(u"a b"_s, kConfigKeyMsg) };
    QTest::newRow("slash") << u"a/b"_s << QStringList { invalid(u"a/b"_s, kConfigKeyMsg) };
    QTest::newRow("dot") << u"."_s << QStringList { invalid(u"."_s, u"must not be '.'"_s) };
    QTest::newRow("dot dot") << u".."_s << QStringList { invalid(u".."_s, u"must not be '..'"_s) };
    QTest::newRow("leading dot dot") << u"..a"_s << QStringList { invalid(u"..a"_s, u"must not start with '..'"_s) };
    QTest::newRow("253 chars") << repeated(u'k', 253) << QStringList();
    QTest::newRow("254 chars") << repeated(
        u'k', 254) << QStringList { invalid(repeated(u'k', 254), u"must be no more than 253 characters"_s) };
}

void TestValidation::testSecretDataKeys()
{
    QFETCH(QString, key);
    QFETCH(QStringList, expected);
    compareCauses(apiserver::validateSecret(secret(u"Opaque"_s, { { key, u"YQ=="_s } })), expected);
}

void TestValidation::testSecretRejectsBadBase64_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QStringList>("expected");
    const auto bad = [](const QString& detail) {
        return QStringList { u"FieldValueInvalid|data[k]|Invalid value: \"<secret contents redacted>\": "_s + detail };
    };

    QTest::newRow("padded") << QJsonValue(u"YQ=="_s) << QStringList();
    QTest::newRow("empty") << QJsonValue(u""_s) << QStringList();
    QTest::newRow("line breaks ignored") << QJsonValue(u"YWJj\r\nZGVm"_s) << QStringList();
    QTest::newRow("missing padding") << QJsonValue(u"YWJjZA"_s) << bad(u"illegal base64 data at input byte 4"_s);
    QTest::newRow("short padding") << QJsonValue(u"YQ="_s) << bad(u"illegal base64 data at input byte 3"_s);
    QTest::newRow("illegal char") << QJsonValue(u"ab$c"_s) << bad(u"illegal base64 data at input byte 2"_s);
    QTest::newRow("url alphabet") << QJsonValue(u"a-_b"_s) << bad(u"illegal base64 data at input byte 1"_s);
    QTest::newRow("trailing garbage") << QJsonValue(u"YQ==YQ=="_s) << bad(u"illegal base64 data at input byte 4"_s);
    QTest::newRow("not a string") << QJsonValue(42) << bad(u"must be a base64-encoded string"_s);
}

void TestValidation::testSecretRejectsBadBase64()
{
    QFETCH(QJsonValue, value);
    QFETCH(QStringList, expected);
    compareCauses(apiserver::validateSecret(secret(u"Opaque"_s, { { u"k"_s, value } })), expected);
}

void TestValidation::testSecretTotalSizeLimit()
{
    const QString mebibyte = QString::fromLatin1(QByteArray(1024 * 1024, 'x').toBase64());
    const QJsonObject atLimit = secret(u"Opaque"_s, { { u"a"_s, mebibyte } });
    compareCauses(apiserver::validateSecret(atLimit), {});
    const QJsonObject over = secret(u"Opaque"_s, { { u"a"_s, mebibyte }, { u"b"_s, u"YQ=="_s } });
    compareCauses(
        apiserver::validateSecret(over), { u"FieldValueTooLong|data|Too long: must have at most 1048576 bytes"_s });
}

void TestValidation::testSecretTlsRequiresBothKeys_data()
{
    QTest::addColumn<QJsonObject>("data");
    QTest::addColumn<QStringList>("expected");
    const QString crt = u"FieldValueRequired|data[tls.crt]|Required value"_s;
    const QString key = u"FieldValueRequired|data[tls.key]|Required value"_s;

    QTest::newRow("both") << json(R"({"tls.crt":"YQ==","tls.key":"YQ=="})") << QStringList();
    QTest::newRow("both empty") << json(R"({"tls.crt":"","tls.key":""})") << QStringList();
    QTest::newRow("only crt") << json(R"({"tls.crt":"YQ=="})") << QStringList { key };
    QTest::newRow("only key") << json(R"({"tls.key":"YQ=="})") << QStringList { crt };
    QTest::newRow("none") << QJsonObject {} << QStringList { crt, key };
}

void TestValidation::testSecretTlsRequiresBothKeys()
{
    QFETCH(QJsonObject, data);
    QFETCH(QStringList, expected);
    compareCauses(apiserver::validateSecret(secret(u"kubernetes.io/tls"_s, data)), expected);
}

void TestValidation::testSecretTypeRequiredKeys_data()
{
    QTest::addColumn<QJsonObject>("secret");
    QTest::addColumn<QStringList>("expected");
    const auto b64 = [](const char* text) { return QString::fromLatin1(QByteArray(text).toBase64()); };
    const QString redacted = u"Invalid value: \"<secret contents redacted>\": "_s;

    QTest::newRow("opaque needs nothing") << secret(u"Opaque"_s, {}) << QStringList();
    QTest::newRow("unknown type needs nothing") << secret(u"example.com/custom"_s, {}) << QStringList();
    QTest::newRow("dockerconfigjson valid")
        << secret(u"kubernetes.io/dockerconfigjson"_s, { { u".dockerconfigjson"_s, b64(R"({"auths":{}})") } })
        << QStringList();
    QTest::newRow("dockerconfigjson missing") << secret(u"kubernetes.io/dockerconfigjson"_s,
        {}) << QStringList { u"FieldValueRequired|data[.dockerconfigjson]|Required value"_s };
    QTest::newRow("dockerconfigjson not JSON")
        << secret(u"kubernetes.io/dockerconfigjson"_s, { { u".dockerconfigjson"_s, b64("x-not-json") } })
        << QStringList { u"FieldValueInvalid|data[.dockerconfigjson]|"_s + redacted
               + u"invalid character 'x' looking for beginning of value"_s };
    QTest::newRow("dockerconfigjson truncated")
        << secret(u"kubernetes.io/dockerconfigjson"_s, { { u".dockerconfigjson"_s, b64("{\"auths\":") } })
        << QStringList { u"FieldValueInvalid|data[.dockerconfigjson]|"_s + redacted
               + u"unexpected end of JSON input"_s };
    QTest::newRow("dockerconfigjson array")
        << secret(u"kubernetes.io/dockerconfigjson"_s, { { u".dockerconfigjson"_s, b64("[]") } })
        << QStringList { u"FieldValueInvalid|data[.dockerconfigjson]|"_s + redacted
               + u"json: cannot unmarshal array into Go value of type map[string]interface {}"_s };
    QTest::newRow("dockercfg missing") << secret(u"kubernetes.io/dockercfg"_s, {})
                                       << QStringList { u"FieldValueRequired|data[.dockercfg]|Required value"_s };
    QTest::newRow("dockercfg valid") << secret(u"kubernetes.io/dockercfg"_s, { { u".dockercfg"_s, b64("{}") } })
                                     << QStringList();
    QTest::newRow("basic-auth username only")
        << secret(u"kubernetes.io/basic-auth"_s, { { u"username"_s, u""_s } }) << QStringList();
    QTest::newRow("basic-auth password only")
        << secret(u"kubernetes.io/basic-auth"_s, { { u"password"_s, u"YQ=="_s } }) << QStringList();
    QTest::newRow("basic-auth neither") << secret(u"kubernetes.io/basic-auth"_s, {})
                                        << QStringList { u"FieldValueRequired|data[username]|Required value"_s,
                                               u"FieldValueRequired|data[password]|Required value"_s };
    QTest::newRow("ssh-auth valid") << secret(u"kubernetes.io/ssh-auth"_s, { { u"ssh-privatekey"_s, u"YQ=="_s } })
                                    << QStringList();
    QTest::newRow("ssh-auth empty key") << secret(u"kubernetes.io/ssh-auth"_s, { { u"ssh-privatekey"_s, u""_s } })
                                        << QStringList { u"FieldValueRequired|data[ssh-privatekey]|Required value"_s };
    QJsonObject token = secret(u"kubernetes.io/service-account-token"_s, {});
    QTest::newRow("service-account-token without annotation")
        << token
        << QStringList {
               u"FieldValueRequired|metadata.annotations[kubernetes.io/service-account.name]|Required value"_s
           };
    token[u"metadata"_s] = json(R"({"annotations":{"kubernetes.io/service-account.name":"default"}})");
    QTest::newRow("service-account-token with annotation") << token << QStringList();
}

void TestValidation::testSecretTypeRequiredKeys()
{
    QFETCH(QJsonObject, secret);
    QFETCH(QStringList, expected);
    compareCauses(apiserver::validateSecret(secret), expected);
}

void TestValidation::testSecretTypeIsImmutable()
{
    const QJsonObject old = secret(u"Opaque"_s, {});
    compareCauses(apiserver::validateSecretUpdate(secret(u""_s, {}), old), {});
    compareCauses(apiserver::validateSecretUpdate(secret(u"kubernetes.io/tls"_s, {}), old),
        { u"FieldValueInvalid|type|Invalid value: \"kubernetes.io/tls\": field is immutable"_s });
}

void TestValidation::testImmutableSecretRejectsDataChange_data()
{
    QTest::addColumn<bool>("oldImmutable");
    QTest::addColumn<QJsonObject>("changes");
    QTest::addColumn<QStringList>("expected");
    const QString dataForbidden = u"FieldValueForbidden|data|Forbidden: field is immutable when `immutable` is set"_s;
    const QString flagForbidden
        = u"FieldValueForbidden|immutable|Forbidden: field is immutable when `immutable` is set"_s;

    QTest::newRow("unchanged") << true << QJsonObject {} << QStringList();
    QTest::newRow("labels may change") << true << json(R"({"metadata":{"labels":{"a":"b"}}})") << QStringList();
    QTest::newRow("same bytes through stringData") << true << json(R"({"stringData":{"k":"a"}})") << QStringList();
    QTest::newRow("data changed") << true << json(R"({"data":{"k":"Yg=="}})") << QStringList { dataForbidden };
    QTest::newRow("key added") << true << json(R"({"data":{"k":"YQ==","k2":"YQ=="}})") << QStringList { dataForbidden };
    QTest::newRow("stringData changed") << true << json(R"({"stringData":{"k":"b"}})") << QStringList { dataForbidden };
    QTest::newRow("immutable unset") << true << json(R"({"immutable":false})") << QStringList { flagForbidden };
    QTest::newRow("mutable old may change anything")
        << false << json(R"({"data":{"k":"Yg=="},"immutable":true})") << QStringList();
}

void TestValidation::testImmutableSecretRejectsDataChange()
{
    QFETCH(bool, oldImmutable);
    QFETCH(QJsonObject, changes);
    QFETCH(QStringList, expected);
    QJsonObject old = secret(u"Opaque"_s, json(R"({"k":"YQ=="})"));
    old[u"immutable"_s] = oldImmutable;
    QJsonObject now = old;
    for (auto it = changes.begin(); it != changes.end(); ++it)
        now[it.key()] = it.value();
    compareCauses(apiserver::validateSecretUpdate(now, old), expected);
}

void TestValidation::testCustomResourceDefinition_data()
{
    QTest::addColumn<QJsonObject>("changes");
    QTest::addColumn<QStringList>("expected");
    const QString v0 = u"spec.versions[0]"_s;

    QTest::newRow("valid") << QJsonObject {} << QStringList();
    QTest::newRow("singular and listKind default") << QJsonObject { { u"spec.names.singular"_s, kDelete },
        { u"spec.names.listKind"_s, kDelete } } << QStringList();
    QTest::newRow("name mismatch")
        << QJsonObject { { u"metadata.name"_s, u"foo.example.com"_s } }
        << QStringList { u"FieldValueInvalid|metadata.name|Invalid value: \"foo.example.com\": must be "
                         "spec.names.plural+\".\"+spec.group"_s };
    QTest::newRow("group required") << QJsonObject { { u"spec.group"_s, kDelete }, { u"metadata.name"_s, u"foos."_s } }
                                    << QStringList { u"FieldValueRequired|spec.group|Required value"_s };
    QTest::newRow("group needs a dot")
        << QJsonObject { { u"spec.group"_s, u"example"_s }, { u"metadata.name"_s, u"foos.example"_s } }
        << QStringList { u"FieldValueInvalid|spec.group|Invalid value: \"example\": should be a domain with at least "
                         "one dot"_s };
    QTest::newRow("group is a subdomain")
        << QJsonObject { { u"spec.group"_s, u"Example.com"_s }, { u"metadata.name"_s, u"foos.Example.com"_s } }
        << QStringList { u"FieldValueInvalid|spec.group|Invalid value: \"Example.com\": "_s + kSubdomainMsg };
    QTest::newRow("scope required") << QJsonObject { { u"spec.scope"_s, kDelete } }
                                    << QStringList { u"FieldValueRequired|spec.scope|Required value"_s };
    QTest::newRow("scope unsupported")
        << QJsonObject { { u"spec.scope"_s, u"Global"_s } }
        << QStringList { u"FieldValueNotSupported|spec.scope|Unsupported value: \"Global\": supported values: "
                         "\"Cluster\", \"Namespaced\""_s };
    QTest::newRow("no versions")
        << QJsonObject { { u"spec.versions"_s, QJsonArray {} } }
        << QStringList { u"FieldValueInvalid|spec.versions|Invalid value: []: must have exactly one version marked "
                         "as storage version"_s };
    QTest::newRow("no storage version")
        << QJsonObject { { u"spec.versions.0.storage"_s, false } }
        << QStringList {
               u"FieldValueInvalid|spec.versions|…: must have exactly one version marked as storage version"_s
           };
    QTest::newRow("two storage versions")
        << QJsonObject { { u"spec.versions.1"_s, json(R"({"name":"v2","served":false,"storage":true})") } }
        << QStringList {
               u"FieldValueInvalid|spec.versions|…: must have exactly one version marked as storage version"_s
           };
    QTest::newRow("duplicate version names")
        << QJsonObject { { u"spec.versions.1"_s, json(R"({"name":"v1","served":false,"storage":false})") } }
        << QStringList { u"FieldValueInvalid|spec.versions|…: must contain unique version names"_s };
    QTest::newRow("version name is a DNS-1035 label")
        << QJsonObject { { u"spec.versions.0.name"_s, u"1beta"_s } }
        << QStringList { u"FieldValueInvalid|%1.name|Invalid value: \"1beta\": %2"_s.arg(v0, kDns1035Msg) };
    QTest::newRow("served version needs a schema") << QJsonObject {
        { u"spec.versions.0.schema"_s, kDelete }
    } << QStringList { u"FieldValueRequired|%1.schema.openAPIV3Schema|Required value: schemas are required"_s.arg(v0) };
    QTest::newRow("unserved version may omit its schema")
        << QJsonObject { { u"spec.versions.1"_s, json(R"({"name":"v2","served":false,"storage":false})") } }
        << QStringList();
    QTest::newRow("schema must be structural")
        << QJsonObject { { u"spec.versions.0.schema.openAPIV3Schema.properties.spec"_s, QJsonObject {} } }
        << QStringList { u"FieldValueRequired|%1.schema.openAPIV3Schema.properties[spec].type|Required value: must "
                         "not be empty for specified object fields"_s.arg(v0) };
    QTest::newRow("plural required") << QJsonObject { { u"spec.names.plural"_s, kDelete },
        { u"metadata.name"_s, u".example.com"_s } }
                                     << QStringList { u"FieldValueRequired|spec.names.plural|Required value"_s };
    QTest::newRow("plural lowercase") << QJsonObject {
        { u"spec.names.plural"_s, u"Foos"_s }, { u"metadata.name"_s, u"Foos.example.com"_s }
    } << QStringList { u"FieldValueInvalid|spec.names.plural|Invalid value: \"Foos\": "_s + kDns1035Msg };
    QTest::newRow("kind required") << QJsonObject { { u"spec.names.kind"_s, kDelete } }
                                   << QStringList { u"FieldValueRequired|spec.names.kind|Required value"_s };
    QTest::newRow("kind mixed case")
        << QJsonObject { { u"spec.names.kind"_s, u"Foo_Bar"_s } }
        << QStringList { u"FieldValueInvalid|spec.names.kind|Invalid value: \"Foo_Bar\": may have mixed case, but "
                         "should otherwise match: "_s
               + kDns1035Msg };
    QTest::newRow("listKind equals kind")
        << QJsonObject { { u"spec.names.listKind"_s, u"Foo"_s } }
        << QStringList { u"FieldValueInvalid|spec.names.listKind|Invalid value: \"Foo\": kind and listKind may not be "
                         "the same"_s };
    QTest::newRow("singular lowercase") << QJsonObject {
        { u"spec.names.singular"_s, u"Foo"_s }
    } << QStringList { u"FieldValueInvalid|spec.names.singular|Invalid value: \"Foo\": "_s + kDns1035Msg };
    QTest::newRow("short names") << QJsonObject {
        { u"spec.names.shortNames"_s, QJsonArray { u"fo"_s, u"F!"_s } }
    } << QStringList { u"FieldValueInvalid|spec.names.shortNames[1]|Invalid value: \"F!\": "_s + kDns1035Msg };
    QTest::newRow("categories") << QJsonObject {
        { u"spec.names.categories"_s, QJsonArray { u"all"_s, u"Mine"_s } }
    } << QStringList { u"FieldValueInvalid|spec.names.categories[1]|Invalid value: \"Mine\": "_s + kDns1035Msg };
}

void TestValidation::testCustomResourceDefinition()
{
    QFETCH(QJsonObject, changes);
    QFETCH(QStringList, expected);
    const QJsonObject crd = json(R"({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "foos.example.com"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"plural": "foos", "singular": "foo", "kind": "Foo", "listKind": "FooList", "shortNames": ["fo"]},
            "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                "type": "object", "properties": {"spec": {"type": "object"}}}}}]
        }})");
    compareCauses(apiserver::validateCustomResourceDefinition(withValues(crd, changes)), expected);
}

QTEST_APPLESS_MAIN(TestValidation)

#include "tst_validation.moc"
