#include "apiserver/schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using kube::StatusCause;

namespace {

QJsonObject json(const char* text)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

/// A message starting or ending with "…" only has to end or start with the rest.
bool sameText(const QString& actual, const QString& expected)
{
    if (expected.startsWith(u'…'))
        return actual.endsWith(expected.mid(1));
    if (expected.endsWith(u'…'))
        return actual.startsWith(expected.chopped(1));
    return actual == expected;
}

/// Compares causes written as `reason|field|message`.
void compareCauses(const QList<StatusCause>& actual, const QStringList& expected)
{
    QStringList got;
    for (const StatusCause& c : actual)
        got.append(c.reason + u'|' + c.field + u'|' + c.message);
    bool same = got.size() == expected.size();
    for (qsizetype i = 0; same && i < got.size(); ++i) {
        const qsizetype split = expected[i].indexOf(u'|', expected[i].indexOf(u'|') + 1);
        same = got[i].left(split) == expected[i].left(split)
            && sameText(got[i].mid(split + 1), expected[i].mid(split + 1));
    }
    if (!same)
        qWarning().noquote() << "got:\n " << got.join(u"\n  "_s) << "\nexpected:\n " << expected.join(u"\n  "_s);
    QVERIFY(same);
}

/// A CR schema whose spec declares one property `x` with `property` as its schema.
QJsonObject schemaFor(const QJsonObject& property)
{
    const QJsonObject spec { { u"type"_s, u"object"_s }, { u"properties"_s, QJsonObject { { u"x"_s, property } } } };
    return QJsonObject { { u"type"_s, u"object"_s }, { u"properties"_s, QJsonObject { { u"spec"_s, spec } } } };
}

/// Validates `{"spec": {"x": value}}` against schemaFor(property); nothing may be pruned.
void checkProperty(const QJsonObject& property, const QJsonValue& value, const QStringList& expected)
{
    QJsonObject object { { u"spec"_s, QJsonObject { { u"x"_s, value } } } };
    const apiserver::SchemaResult result = apiserver::validateAndPrune(object, schemaFor(property));
    QCOMPARE(result.unknownFields, QStringList());
    compareCauses(result.causes, expected);
}

#define PROPERTY_COLUMNS()                                                                                             \
    QTest::addColumn<QJsonObject>("property");                                                                         \
    QTest::addColumn<QJsonValue>("value");                                                                             \
    QTest::addColumn<QStringList>("expected")

#define CHECK_PROPERTY()                                                                                               \
    QFETCH(QJsonObject, property);                                                                                     \
    QFETCH(QJsonValue, value);                                                                                         \
    QFETCH(QStringList, expected);                                                                                     \
    checkProperty(property, value, expected)

QStringList typeError(const QString& actual, const QString& type, const QString& path = u"spec.x"_s)
{
    return { u"FieldValueTypeInvalid|%1|Invalid value: \"%2\": %1 in body must be of type %3: \"%2\""_s.arg(
        path, actual, type) };
}

QStringList invalid(const QString& value, const QString& detail)
{
    return { u"FieldValueInvalid|spec.x|Invalid value: %1: spec.x in body %2"_s.arg(value, detail) };
}

} // namespace

class TestSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testSchemaPrunesUnknownFields_data();
    void testSchemaPrunesUnknownFields();
    void testSchemaTypeMismatch_data();
    void testSchemaTypeMismatch() { CHECK_PROPERTY(); }
    void testSchemaEnum_data();
    void testSchemaEnum() { CHECK_PROPERTY(); }
    void testSchemaRequired_data();
    void testSchemaRequired();
    void testSchemaPattern_data();
    void testSchemaPattern() { CHECK_PROPERTY(); }
    void testSchemaByteFormatRejectsBadBase64_data();
    void testSchemaByteFormatRejectsBadBase64() { CHECK_PROPERTY(); }
    void testSchemaDateTimeFormat_data();
    void testSchemaDateTimeFormat() { CHECK_PROPERTY(); }
    void testSchemaStringLength_data();
    void testSchemaStringLength() { CHECK_PROPERTY(); }
    void testSchemaNumberBounds_data();
    void testSchemaNumberBounds() { CHECK_PROPERTY(); }
    void testSchemaCollectionSizes_data();
    void testSchemaCollectionSizes() { CHECK_PROPERTY(); }
    void testSchemaEmbeddedResource_data();
    void testSchemaEmbeddedResource() { CHECK_PROPERTY(); }
    void testSchemaLeavesRootMetaFieldsAlone();
    void testIsStructural_data();
    void testIsStructural();
    void testStructuralSchemaErrorsArePrefixedAndSorted();
};

void TestSchema::testSchemaPrunesUnknownFields_data()
{
    QTest::addColumn<QJsonObject>("schema");
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<QJsonObject>("output");
    QTest::addColumn<QStringList>("unknown");
    const QJsonObject specA = json(R"({"type":"object","properties":{"spec":{"type":"object",
        "properties":{"a":{"type":"string"}}}}})");
    const QJsonObject specNullable = json(R"({"type":"object","properties":{"spec":{"type":"object",
        "properties":{"a":{"type":"string","nullable":true}}}}})");

    QTest::newRow("unknown at root and in spec, meta fields kept")
        << specA << json(R"({"apiVersion":"x.io/v1","kind":"K","metadata":{"name":"n","junk":1},
            "spec":{"a":"1","foo":2},"bar":true})")
        << json(R"({"apiVersion":"x.io/v1","kind":"K","metadata":{"name":"n","junk":1},"spec":{"a":"1"}})")
        << QStringList { u"bar"_s, u"spec.foo"_s };
    QTest::newRow("schema without properties prunes everything but meta fields")
        << json(R"({"type":"object"})") << json(R"({"apiVersion":"v1","kind":"K","spec":{"a":1}})")
        << json(R"({"apiVersion":"v1","kind":"K"})") << QStringList { u"spec"_s };
    QTest::newRow("array items") << json(
        R"({"type":"object","properties":{"spec":{"type":"object","properties":{"items":{"type":"array",
            "items":{"type":"object","properties":{"name":{"type":"string"}}}}}}}})")
                                 << json(R"({"spec":{"items":[{"name":"a","bad":1},{"name":"b"}]}})")
                                 << json(R"({"spec":{"items":[{"name":"a"},{"name":"b"}]}})")
                                 << QStringList { u"spec.items[0].bad"_s };
    QTest::newRow("preserve keeps unknown but prunes inside known")
        << json(R"({"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
            "properties":{"known":{"type":"object","properties":{"a":{"type":"string"}}}}}}})")
        << json(R"({"spec":{"other":{"deep":[{"x":1}]},"known":{"a":"x","b":1}}})")
        << json(R"({"spec":{"other":{"deep":[{"x":1}]},"known":{"a":"x"}}})") << QStringList { u"spec.known.b"_s };
    QTest::newRow("empty schema with preserve keeps everything")
        << json(R"({"x-kubernetes-preserve-unknown-fields":true})") << json(R"({"spec":{"a":[1,{"b":null}]},"z":1})")
        << json(R"({"spec":{"a":[1,{"b":null}]},"z":1})") << QStringList();
    QTest::newRow("additionalProperties schema keeps keys, prunes values")
        << json(R"({"type":"object","properties":{"spec":{"type":"object","properties":{"map":{"type":"object",
            "additionalProperties":{"type":"object","properties":{"a":{"type":"string"}}}}}}}})")
        << json(R"({"spec":{"map":{"k1":{"a":"x","z":1},"k2":{}}}})")
        << json(R"({"spec":{"map":{"k1":{"a":"x"},"k2":{}}}})") << QStringList { u"spec.map.k1.z"_s };
    QTest::newRow("additionalProperties true keeps everything")
        << json(R"({"type":"object","properties":{"spec":{"type":"object","additionalProperties":true}}})")
        << json(R"({"spec":{"a":{"b":1}}})") << json(R"({"spec":{"a":{"b":1}}})") << QStringList();
    QTest::newRow("embedded resource keeps its meta fields")
        << json(R"({"type":"object","properties":{"spec":{"type":"object","properties":{"t":{"type":"object",
            "x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object"}}}}}}})")
        << json(R"({"spec":{"t":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{},"junk":1}}})")
        << json(R"({"spec":{"t":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}}})")
        << QStringList { u"spec.t.junk"_s };
    QTest::newRow("non-nullable null dropped silently")
        << specA << json(R"({"spec":{"a":null}})") << json(R"({"spec":{}})") << QStringList();
    QTest::newRow("nullable null kept") << specNullable << json(R"({"spec":{"a":null}})")
                                        << json(R"({"spec":{"a":null}})") << QStringList();
}

void TestSchema::testSchemaPrunesUnknownFields()
{
    QFETCH(QJsonObject, schema);
    QFETCH(QJsonObject, input);
    QFETCH(QJsonObject, output);
    QFETCH(QStringList, unknown);
    const apiserver::SchemaResult result = apiserver::validateAndPrune(input, schema);
    QCOMPARE(input, output);
    QCOMPARE(result.unknownFields, unknown);
    compareCauses(result.causes, {});
}

void TestSchema::testSchemaTypeMismatch_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject integer = json(R"({"type":"integer"})");
    const QJsonObject intOrString = json(R"({"x-kubernetes-int-or-string":true})");

    QTest::newRow("integer") << integer << QJsonValue(3) << QStringList();
    QTest::newRow("integer as float") << integer << QJsonValue(3.0) << QStringList();
    QTest::newRow("integer given string") << integer << QJsonValue(u"3"_s) << typeError(u"string"_s, u"integer"_s);
    QTest::newRow("integer given fraction") << integer << QJsonValue(1.5) << typeError(u"number"_s, u"integer"_s);
    QTest::newRow("number given integer") << json(R"({"type":"number"})") << QJsonValue(3) << QStringList();
    QTest::newRow("number given bool") << json(R"({"type":"number"})") << QJsonValue(true)
                                       << typeError(u"boolean"_s, u"number"_s);
    QTest::newRow("boolean given string")
        << json(R"({"type":"boolean"})") << QJsonValue(u"true"_s) << typeError(u"string"_s, u"boolean"_s);
    QTest::newRow("string given integer")
        << json(R"({"type":"string"})") << QJsonValue(5) << typeError(u"integer"_s, u"string"_s);
    QTest::newRow("object given array") << json(R"({"type":"object"})") << QJsonValue(QJsonArray {})
                                        << typeError(u"array"_s, u"object"_s);
    QTest::newRow("array given object") << json(R"({"type":"array","items":{"type":"string"}})")
                                        << QJsonValue(QJsonObject {}) << typeError(u"object"_s, u"array"_s);
    QTest::newRow("array item null") << json(R"({"type":"array","items":{"type":"string"}})")
                                     << QJsonValue(QJsonArray { u"a"_s, QJsonValue() })
                                     << typeError(u"null"_s, u"string"_s, u"spec.x[1]"_s);
    QTest::newRow("int-or-string integer") << intOrString << QJsonValue(8080) << QStringList();
    QTest::newRow("int-or-string string") << intOrString << QJsonValue(u"50%"_s) << QStringList();
    QTest::newRow("int-or-string bool") << intOrString << QJsonValue(true)
                                        << typeError(u"boolean"_s, u"integer,string"_s);
    QTest::newRow("untyped preserve accepts anything") << json(R"({"x-kubernetes-preserve-unknown-fields":true})")
                                                       << QJsonValue(QJsonArray { 1, u"a"_s }) << QStringList();
    QTest::newRow("format int32 is a hint only")
        << json(R"({"type":"integer","format":"int32"})") << QJsonValue(4294967296.0) << QStringList();
}

void TestSchema::testSchemaEnum_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject strings = json(R"({"type":"string","enum":["A","B"]})");
    QTest::newRow("allowed") << strings << QJsonValue(u"B"_s) << QStringList();
    QTest::newRow("not allowed")
        << strings << QJsonValue(u"x"_s)
        << QStringList { u"FieldValueNotSupported|spec.x|Unsupported value: \"x\": supported values: \"A\", \"B\""_s };
    QTest::newRow("numbers")
        << json(R"({"type":"integer","enum":[1,2]})") << QJsonValue(3)
        << QStringList { u"FieldValueNotSupported|spec.x|Unsupported value: 3: supported values: \"1\", \"2\""_s };
}

void TestSchema::testSchemaRequired_data()
{
    QTest::addColumn<QJsonObject>("schema");
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<QStringList>("expected");
    const QJsonObject spec = json(R"({"type":"object","required":["spec"],"properties":{"spec":{"type":"object",
        "required":["replicas"],"properties":{"replicas":{"type":"integer"}}}}})");

    QTest::newRow("present") << spec << json(R"({"spec":{"replicas":1}})") << QStringList();
    QTest::newRow("nested missing") << spec << json(R"({"spec":{}})")
                                    << QStringList { u"FieldValueRequired|spec.replicas|Required value"_s };
    QTest::newRow("null counts as missing") << spec << json(R"({"spec":{"replicas":null}})")
                                            << QStringList { u"FieldValueRequired|spec.replicas|Required value"_s };
    QTest::newRow("root missing") << spec << json(R"({"kind":"K"})")
                                  << QStringList { u"FieldValueRequired|spec|Required value"_s };
    QTest::newRow("root meta fields are not required here")
        << json(R"({"type":"object","required":["metadata","apiVersion"]})") << QJsonObject {} << QStringList();
}

void TestSchema::testSchemaRequired()
{
    QFETCH(QJsonObject, schema);
    QFETCH(QJsonObject, input);
    QFETCH(QStringList, expected);
    compareCauses(apiserver::validateAndPrune(input, schema).causes, expected);
}

void TestSchema::testSchemaPattern_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject lower = json(R"({"type":"string","pattern":"^[a-z]+$"})");
    QTest::newRow("matches") << lower << QJsonValue(u"abc"_s) << QStringList();
    QTest::newRow("no match") << lower << QJsonValue(u"ABC"_s) << invalid(u"\"ABC\""_s, u"should match '^[a-z]+$'"_s);
    QTest::newRow("unanchored pattern searches")
        << json(R"({"type":"string","pattern":"[0-9]"})") << QJsonValue(u"a1b"_s) << QStringList();
}

void TestSchema::testSchemaByteFormatRejectsBadBase64_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject bytes = json(R"({"type":"string","format":"byte"})");
    QTest::newRow("valid") << bytes << QJsonValue(u"aGVsbG8="_s) << QStringList();
    QTest::newRow("empty") << bytes << QJsonValue(u""_s) << QStringList();
    QTest::newRow("missing padding") << bytes << QJsonValue(u"aGVsbG8"_s) << typeError(u"aGVsbG8"_s, u"byte"_s);
    QTest::newRow("not base64") << bytes << QJsonValue(u"not base64!"_s) << typeError(u"not base64!"_s, u"byte"_s);
}

void TestSchema::testSchemaDateTimeFormat_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject dateTime = json(R"({"type":"string","format":"date-time"})");
    QTest::newRow("utc") << dateTime << QJsonValue(u"2024-01-02T03:04:05Z"_s) << QStringList();
    QTest::newRow("offset and fraction") << dateTime << QJsonValue(u"2024-01-02t03:04:05.123+02:00"_s) << QStringList();
    QTest::newRow("bad month") << dateTime << QJsonValue(u"2024-13-02T03:04:05Z"_s)
                               << typeError(u"2024-13-02T03:04:05Z"_s, u"date-time"_s);
    QTest::newRow("no zone") << dateTime << QJsonValue(u"2024-01-02T03:04:05"_s)
                             << typeError(u"2024-01-02T03:04:05"_s, u"date-time"_s);
    QTest::newRow("words") << dateTime << QJsonValue(u"yesterday"_s) << typeError(u"yesterday"_s, u"date-time"_s);
}

void TestSchema::testSchemaStringLength_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject max3 = json(R"({"type":"string","maxLength":3})");
    QTest::newRow("at max") << max3 << QJsonValue(u"abc"_s) << QStringList();
    QTest::newRow("over max") << max3 << QJsonValue(u"abcd"_s)
                              << QStringList { u"FieldValueTooLong|spec.x|Too long: may not be longer than 3"_s };
    QTest::newRow("counts code points") << max3 << QJsonValue(u"ä😀ü"_s) << QStringList();
    QTest::newRow("under min") << json(R"({"type":"string","minLength":2})") << QJsonValue(u"a"_s)
                               << invalid(u"\"a\""_s, u"should be at least 2 chars long"_s);
}

void TestSchema::testSchemaNumberBounds_data()
{
    PROPERTY_COLUMNS();
    QTest::newRow("minimum ok") << json(R"({"type":"integer","minimum":1})") << QJsonValue(1) << QStringList();
    QTest::newRow("below minimum") << json(R"({"type":"integer","minimum":1})") << QJsonValue(0)
                                   << invalid(u"0"_s, u"should be greater than or equal to 1"_s);
    QTest::newRow("at exclusive minimum") << json(R"({"type":"integer","minimum":1,"exclusiveMinimum":true})")
                                          << QJsonValue(1) << invalid(u"1"_s, u"should be greater than 1"_s);
    QTest::newRow("above maximum") << json(R"({"type":"integer","maximum":10})") << QJsonValue(11)
                                   << invalid(u"11"_s, u"should be less than or equal to 10"_s);
    QTest::newRow("at exclusive maximum") << json(R"({"type":"integer","maximum":10,"exclusiveMaximum":true})")
                                          << QJsonValue(10) << invalid(u"10"_s, u"should be less than 10"_s);
    QTest::newRow("fractions") << json(R"({"type":"number","minimum":0.5})") << QJsonValue(0.25)
                               << invalid(u"0.25"_s, u"should be greater than or equal to 0.5"_s);
    QTest::newRow("multiple of") << json(R"({"type":"integer","multipleOf":5})") << QJsonValue(15) << QStringList();
    QTest::newRow("not a multiple") << json(R"({"type":"integer","multipleOf":5})") << QJsonValue(12)
                                    << invalid(u"12"_s, u"should be a multiple of 5"_s);
}

void TestSchema::testSchemaCollectionSizes_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject map = json(R"({"type":"object","additionalProperties":{"type":"integer"},
        "minProperties":2,"maxProperties":3})");
    QTest::newRow("items in range") << json(R"({"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2})")
                                    << QJsonValue(QJsonArray { 1 }) << QStringList();
    QTest::newRow("too few items") << json(R"({"type":"array","items":{"type":"integer"},"minItems":2})")
                                   << QJsonValue(QJsonArray { 1 })
                                   << invalid(u"1"_s, u"should have at least 2 items"_s);
    QTest::newRow("too many items") << json(R"({"type":"array","items":{"type":"integer"},"maxItems":1})")
                                    << QJsonValue(QJsonArray { 1, 2 })
                                    << QStringList {
                                           u"FieldValueTooMany|spec.x|Too many: 2: must have at most 1 items"_s
                                       };
    QTest::newRow("properties in range") << map << QJsonValue(json(R"({"a":1,"b":2})")) << QStringList();
    QTest::newRow("too few properties") << map << QJsonValue(json(R"({"a":1})"))
                                        << invalid(u"1"_s, u"should have at least 2 properties"_s);
    QTest::newRow("too many properties") << map << QJsonValue(json(R"({"a":1,"b":2,"c":3,"d":4})"))
                                         << QStringList {
                                                u"FieldValueTooMany|spec.x|Too many: 4: must have at most 3 items"_s
                                            };
    QTest::newRow("map values use dotted paths") << map << QJsonValue(json(R"({"a":1,"tls.crt":"x"})"))
                                                 << typeError(u"string"_s, u"integer"_s, u"spec.x.tls.crt"_s);
}

void TestSchema::testSchemaEmbeddedResource_data()
{
    PROPERTY_COLUMNS();
    const QJsonObject embedded = json(R"({"type":"object","x-kubernetes-embedded-resource":true,
        "x-kubernetes-preserve-unknown-fields":true})");
    QTest::newRow("valid") << embedded << QJsonValue(json(R"({"apiVersion":"apps/v1","kind":"Deployment","spec":{}})"))
                           << QStringList();
    QTest::newRow("apiVersion and kind required")
        << embedded << QJsonValue(QJsonObject {})
        << QStringList { u"FieldValueRequired|spec.x.apiVersion|Required value: must not be empty"_s,
               u"FieldValueRequired|spec.x.kind|Required value: must not be empty"_s };
    QTest::newRow("empty kind") << embedded << QJsonValue(json(R"({"apiVersion":"v1","kind":""})"))
                                << QStringList {
                                       u"FieldValueInvalid|spec.x.kind|Invalid value: \"\": must not be empty"_s
                                   };
    QTest::newRow("kind not a string") << embedded << QJsonValue(json(R"({"apiVersion":"v1","kind":5})"))
                                       << QStringList {
                                              u"FieldValueInvalid|spec.x.kind|Invalid value: 5: must be a string"_s
                                          };
    QTest::newRow("bad kind") << embedded << QJsonValue(json(R"({"apiVersion":"v1","kind":"Bad_Kind"})"))
                              << QStringList { u"FieldValueInvalid|spec.x.kind|Invalid value: \"Bad_Kind\": may have "
                                               "mixed case, but should otherwise match: a DNS-1035 label…"_s };
    QTest::newRow("bad apiVersion")
        << embedded << QJsonValue(json(R"({"apiVersion":"a/b/c","kind":"K"})"))
        << QStringList { u"FieldValueInvalid|spec.x.apiVersion|Invalid value: \"a/b/c\": unexpected GroupVersion "
                         "string: a/b/c"_s };
}

void TestSchema::testSchemaLeavesRootMetaFieldsAlone()
{
    const QJsonObject schema = json(R"({"type":"object","properties":{"apiVersion":{"type":"integer"},
        "metadata":{"type":"object","properties":{"name":{"type":"string","maxLength":1}}}}})");
    QJsonObject object = json(R"({"apiVersion":"v1","kind":"K","metadata":{"name":"long-name","extra":1}})");
    const QJsonObject before = object;
    const apiserver::SchemaResult result = apiserver::validateAndPrune(object, schema);
    QCOMPARE(object, before);
    QCOMPARE(result.unknownFields, QStringList());
    compareCauses(result.causes, {});
}

void TestSchema::testIsStructural_data()
{
    QTest::addColumn<QJsonObject>("schema");
    QTest::addColumn<QString>("why");
    const auto prop = [](const char* text) {
        return QJsonObject { { u"type"_s, u"object"_s }, { u"properties"_s, QJsonObject { { u"a"_s, json(text) } } } };
    };

    QTest::newRow("object") << json(R"({"type":"object"})") << QString();
    QTest::newRow("untyped root") << QJsonObject {} << u"type: Required value: must not be empty at the root"_s;
    QTest::newRow("string root") << json(R"({"type":"string"})")
                                 << u"type: Invalid value: \"string\": must be object at the root"_s;
    QTest::newRow("untyped property") << prop(
        "{}") << u"properties[a].type: Required value: must not be empty for specified object fields"_s;
    QTest::newRow("untyped items")
        << prop(R"({"type":"array","items":{}})")
        << u"properties[a].items.type: Required value: must not be empty for specified array items"_s;
    QTest::newRow("array without items") << prop(R"({"type":"array"})")
                                         << u"properties[a].items: Required value: must be specified"_s;
    QTest::newRow("preserve without type") << prop(R"({"x-kubernetes-preserve-unknown-fields":true})") << QString();
    QTest::newRow("int-or-string with anyOf")
        << prop(R"({"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]})") << QString();
    QTest::newRow("int-or-string with type")
        << prop(R"({"type":"string","x-kubernetes-int-or-string":true})")
        << u"properties[a].type: Invalid value: \"string\": must be empty if x-kubernetes-int-or-string is true"_s;
    QTest::newRow("unknown type")
        << prop(R"({"type":"int"})")
        << u"properties[a].type: Unsupported value: \"int\": supported values: \"array\", \"boolean\", \"integer\", "
           "\"number\", \"object\", \"string\""_s;
    QTest::newRow("properties with additionalProperties")
        << prop(R"({"type":"object","properties":{"b":{"type":"string"}},"additionalProperties":{"type":"string"}})")
        << u"properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"_s;
    QTest::newRow("additionalProperties at the root")
        << json(R"({"type":"object","additionalProperties":{"type":"string"}})")
        << u"additionalProperties: Forbidden: must not be used at the root"_s;
    QTest::newRow("preserve false")
        << prop(R"({"type":"object","x-kubernetes-preserve-unknown-fields":false})")
        << u"properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined"_s;
    QTest::newRow("embedded needs object")
        << prop(R"({"x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true})")
        << u"properties[a].type: Required value: must be object if x-kubernetes-embedded-resource is true"_s;
    QTest::newRow("embedded needs properties or preserve")
        << prop(R"({"type":"object","x-kubernetes-embedded-resource":true})")
        << u"properties[a].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true "
           "without x-kubernetes-preserve-unknown-fields"_s;
    QTest::newRow("typed anyOf") << prop(R"({"type":"string","anyOf":[{"type":"string"}]})")
                                 << u"properties[a].anyOf[0].type: Forbidden: must be empty to be structural"_s;
    QTest::newRow("bad pattern") << prop(R"({"type":"string","pattern":"("})")
                                 << u"properties[a].pattern: Invalid value: \"(\": must be a valid regular expression, "
                                    "but isn't: …"_s;
    QTest::newRow("uniqueItems") << prop(R"({"type":"array","items":{"type":"string"},"uniqueItems":true})")
                                 << u"properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since "
                                    "the runtime complexity becomes quadratic"_s;
    QTest::newRow("metadata name only") << json(
        R"({"type":"object","properties":{"metadata":{"type":"object","properties":{"name":{"type":"string",
            "maxLength":20}}}}})") << QString();
    QTest::newRow("metadata beyond name") << json(
        R"({"type":"object","properties":{"metadata":{"type":"object","properties":{"labels":{"type":"object"}}}}})")
                                          << u"properties[metadata]: Forbidden: must not specify anything other than "
                                             u"name and generateName, but "
                                             "metadata is implicitly specified"_s;
    QTest::newRow("kind must be string") << json(R"({"type":"object","properties":{"kind":{"type":"integer"}}})")
                                         << u"properties[kind].type: Invalid value: \"integer\": must be string"_s;
}

void TestSchema::testIsStructural()
{
    QFETCH(QJsonObject, schema);
    QFETCH(QString, why);
    QString actual;
    QCOMPARE(apiserver::isStructural(schema, &actual), why.isEmpty());
    QVERIFY2(sameText(actual, why), qPrintable(actual));
}

void TestSchema::testStructuralSchemaErrorsArePrefixedAndSorted()
{
    const QJsonObject schema
        = json(R"({"type":"object","properties":{"spec":{"properties":{"b":{}}},"list":{"type":"array"}}})");
    const QString p = u"spec.versions[0].schema.openAPIV3Schema"_s;
    compareCauses(apiserver::structuralSchemaErrors(schema, p),
        { u"FieldValueRequired|%1.properties[list].items|Required value: must be specified"_s.arg(p),
            u"FieldValueRequired|%1.properties[spec].properties[b].type|Required value: must not be empty for "
            "specified object fields"_s.arg(p),
            u"FieldValueRequired|%1.properties[spec].type|Required value: must not be empty for specified object "
            "fields"_s.arg(p) });
}

QTEST_APPLESS_MAIN(TestSchema)

#include "tst_schema.moc"
