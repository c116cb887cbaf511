#include "kube/yaml.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>
#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;
using kube::ParseError;

namespace {

/// Any JSON value from its text (QJsonDocument alone takes only objects and arrays).
QJsonValue json(const QByteArray& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + text + "]", &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad JSON in test data: %s", text.constData());
    return document.array().first();
}

/// The converted value, or Undefined when the conversion failed.
QJsonValue read(const QByteArray& yaml)
{
    return kube::yamlToJson(yaml).value_or(QJsonValue::Undefined);
}

/// A printable data tag for any string.
QByteArray tag(qsizetype index, const QString& s)
{
    QByteArray name = QByteArray::number(index) + ": ";
    for (const QChar c : s.left(30))
        name += c.isPrint() && c.unicode() < 0x80 ? char(c.unicode()) : '?';
    return name;
}

QByteArray compact(const QJsonValue& value)
{
    return QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
}

} // namespace

class TestYaml : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testYamlScalarsFollowKubernetes_data();
    void testYamlScalarsFollowKubernetes();
    void testYamlQuotedStaysString_data();
    void testYamlQuotedStaysString();
    void testYamlKeysBecomeStrings_data();
    void testYamlKeysBecomeStrings();
    void testYamlAnchorsAndMergeKeys();
    void testYamlDocumentShapes();
    void testYamlRejects_data();
    void testYamlRejects();
    void testYamlErrorHasLineAndColumn_data();
    void testYamlErrorHasLineAndColumn();
    void testYamlMultiDocument();
    void testYamlMultiDocumentNeedsMappings();
    void testYamlStreamThatHungLoadAllTerminates();
    void testParseJsonObject_data();
    void testParseJsonObject();
    void testParseErrorToString();
    void testJsonToYamlIsBlockStyle();
    void testJsonToYamlQuotesAmbiguousStrings();
    void testJsonYamlRoundTrip_data();
    void testJsonYamlRoundTrip();
    void testJsonYamlRoundTripRandomStrings();
};

void TestYaml::testYamlScalarsFollowKubernetes_data()
{
    QTest::addColumn<QByteArray>("scalar");
    QTest::addColumn<QByteArray>("expected"); // JSON

    const auto row = [](const char* scalar, const char* expected) {
        QTest::newRow(scalar) << QByteArray(scalar) << QByteArray(expected);
    };
    for (const char* word : { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" })
        row(word, "true");
    for (const char* word : { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N" })
        row(word, "false");
    for (const char* word : { "null", "Null", "NULL", "~" })
        row(word, "null");
    for (const char* word : { "tRue", "yEs", "nULL", "truth", "onion", "~x", "Nope" })
        QTest::newRow(word) << QByteArray(word) << "\"" + QByteArray(word) + "\"";
    row("42", "42");
    row("-17", "-17");
    row("+5", "5");
    row("0", "0");
    row("-0", "0");
    row("00", "0");
    row("0x1F", "31");
    row("0X1f", "31");
    row("-0x10", "-16");
    row("0o17", "15");
    row("017", "15");
    row("0b101", "5");
    row("-0b11", "-3");
    row("1_000", "1000");
    row("0x_1F", "31");
    row("9223372036854775807", "9223372036854775807");
    row("-9223372036854775808", "-9223372036854775808");
    row("18446744073709551615", "18446744073709551615");
    row("08", "8.0");
    row("09.5", "9.5");
    row("1.5", "1.5");
    row("-2.5e3", "-2500.0");
    row("6.02E23", "6.02e23");
    row(".5", "0.5");
    row("-.5", "-0.5");
    row("+.5", "0.5");
    row("1.", "1.0");
    row("1e3", "1000.0");
    row("1e-400", "0.0");
    row("99999999999999999999", "1e20");
    row("1e400", "\"1e400\"");
    row("0x", "\"0x\"");
    row("0b2", "\"0b2\"");
    row("+0x10", "16");
    row("1.2.3", "\"1.2.3\"");
    row("_1", "\"_1\"");
    row("+", "\"+\"");
    row(".", "\".\"");
    row(".e5", "\".e5\"");
    row("+inf", "\"+inf\"");
    row("0x1p-2", "\"0x1p-2\"");
    row("12:30:00", "\"12:30:00\"");
    row("2024-01-02", "\"2024-01-02\"");
    row("2024-01-02T10:00:00Z", "\"2024-01-02T10:00:00Z\"");
    row("<<", "\"<<\"");
    row("hello world", "\"hello world\"");
    row("!!int \"12\"", "12");
    row("!!float 3", "3.0");
    row("!!bool \"yes\"", "true");
    row("!!str 12", "\"12\"");
    row("!!str", "\"\"");
    row("!custom 12", "\"12\"");
}

void TestYaml::testYamlScalarsFollowKubernetes()
{
    QFETCH(QByteArray, scalar);
    QFETCH(QByteArray, expected);

    ParseError error;
    const auto value = kube::yamlToJson("v: " + scalar + "\n", &error);
    QVERIFY2(value, qPrintable(error.toString()));
    const QJsonValue want = json(expected);
    const QJsonValue got = value->toObject().value("v"_L1);
    QCOMPARE(got.type(), want.type());
    QVERIFY2(got == want, compact(got).constData());
}

void TestYaml::testYamlQuotedStaysString_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");

    QTest::newRow("double quoted true") << QByteArray("v: \"true\"") << u"true"_s;
    QTest::newRow("single quoted null") << QByteArray("v: 'null'") << u"null"_s;
    QTest::newRow("double quoted int") << QByteArray("v: \"123\"") << u"123"_s;
    QTest::newRow("single quoted yes") << QByteArray("v: 'yes'") << u"yes"_s;
    QTest::newRow("double quoted empty") << QByteArray("v: \"\"") << QString();
    QTest::newRow("double quoted escapes") << QByteArray("v: \"a\\tb\\u00e9\\n\"") << u"a\tb\u00e9\n"_s;
    QTest::newRow("single quoted quote") << QByteArray("v: 'it''s'") << u"it's"_s;
    QTest::newRow("literal block") << QByteArray("v: |\n  42\n  yes\n") << u"42\nyes\n"_s;
    QTest::newRow("literal strip") << QByteArray("v: |-\n  true\n") << u"true"_s;
    QTest::newRow("folded block") << QByteArray("v: >\n  1\n  2\n") << u"1 2\n"_s;
    QTest::newRow("quoted in flow sequence") << QByteArray("v: ['1.5']") << u"1.5"_s;
}

void TestYaml::testYamlQuotedStaysString()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);

    ParseError error;
    const auto value = kube::yamlToJson(yaml, &error);
    QVERIFY2(value, qPrintable(error.toString()));
    QJsonValue v = value->toObject().value("v"_L1);
    if (v.isArray())
        v = v.toArray().first();
    QVERIFY2(v.isString(), compact(v).constData());
    QCOMPARE(v.toString(), expected);
}

void TestYaml::testYamlKeysBecomeStrings_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << QByteArray("name") << u"name"_s;
    QTest::newRow("int") << QByteArray("1") << u"1"_s;
    QTest::newRow("hex int") << QByteArray("0x10") << u"16"_s;
    QTest::newRow("bool") << QByteArray("true") << u"true"_s;
    QTest::newRow("yes is bool") << QByteArray("yes") << u"true"_s;
    QTest::newRow("y is bool") << QByteArray("y") << u"true"_s;
    QTest::newRow("off is bool") << QByteArray("off") << u"false"_s;
    QTest::newRow("float") << QByteArray("1.5") << u"1.5"_s;
    QTest::newRow("float integral") << QByteArray("2.0") << u"2"_s;
    QTest::newRow("float exponent") << QByteArray("1e6") << u"1e+06"_s;
    QTest::newRow("float as float32") << QByteArray("0.1") << u"0.1"_s;
    QTest::newRow("float small") << QByteArray("0.00001") << u"1e-05"_s;
    QTest::newRow("float inf") << QByteArray(".inf") << u".inf"_s;
    QTest::newRow("float nan") << QByteArray(".NaN") << u".nan"_s;
    QTest::newRow("quoted int") << QByteArray("'1'") << u"1"_s;
    QTest::newRow("quoted null") << QByteArray("\"null\"") << u"null"_s;
    QTest::newRow("quoted empty") << QByteArray("\"\"") << QString();
    QTest::newRow("prefixed") << QByteArray("app.kubernetes.io/name") << u"app.kubernetes.io/name"_s;
}

void TestYaml::testYamlKeysBecomeStrings()
{
    QFETCH(QByteArray, key);
    QFETCH(QString, expected);

    ParseError error;
    const auto value = kube::yamlToJson(key + ": x\n", &error);
    QVERIFY2(value, qPrintable(error.toString()));
    QCOMPARE(value->toObject().keys(), QStringList { expected });
}

void TestYaml::testYamlAnchorsAndMergeKeys()
{
    const QByteArray yaml = "base: &base {a: 1, b: [x, w]}\n"
                            "copy: *base\n"
                            "merged:\n"
                            "  <<: *base\n"
                            "  c: 3\n"
                            "mergedList:\n"
                            "  <<: [{a: first}, {a: second, d: 4}]\n"
                            "mergeOverridesEarlier:\n"
                            "  a: own\n"
                            "  <<: *base\n"
                            "quotedMergeKey:\n"
                            "  \"<<\": literal\n";
    ParseError error;
    const auto value = kube::yamlToJson(yaml, &error);
    QVERIFY2(value, qPrintable(error.toString()));
    const QJsonObject o = value->toObject();
    QCOMPARE(o.value("copy"_L1), o.value("base"_L1));
    QCOMPARE(o.value("base"_L1), json(R"({"a":1,"b":["x","w"]})"));
    QCOMPARE(o.value("merged"_L1), json(R"({"a":1,"b":["x","w"],"c":3})"));
    QCOMPARE(o.value("mergedList"_L1), json(R"({"a":"first","d":4})"));
    // go-yaml v2 applies entries in order, so a merge after an explicit key overwrites it.
    QCOMPARE(o.value("mergeOverridesEarlier"_L1), json(R"({"a":1,"b":["x","w"]})"));
    QCOMPARE(o.value("quotedMergeKey"_L1), json(R"({"<<":"literal"})"));
}

void TestYaml::testYamlDocumentShapes()
{
    QCOMPARE(read(""), QJsonValue(QJsonValue::Null));
    QCOMPARE(read("# only a comment\n"), QJsonValue(QJsonValue::Null));
    QCOMPARE(read("- 1\n- a\n- {}\n- []\n-\n"), json(R"([1,"a",{},[],null])"));
    QCOMPARE(read("plain text"), QJsonValue(u"plain text"_s));
    QCOMPARE(read("a: 1\n---\nb: 2\n"), json(R"({"a":1})"));
    QCOMPARE(read("a: 1\na: 2\n"), json(R"({"a":2})"));
    QCOMPARE(read("{\"json\": [1, 2.5, \"x\", true, null]}"), json(R"({"json":[1,2.5,"x",true,null]})"));
    QCOMPARE(read("k: \u00e9\u4e2d\U0001F600\n"_ba), json("{\"k\":\"\u00e9\u4e2d\U0001F600\"}"));
}

void TestYaml::testYamlRejects_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("error");

    QTest::newRow("inf") << QByteArray("v: .inf") << u"json: unsupported value: +Inf"_s;
    QTest::newRow("negative inf") << QByteArray("v: -.Inf") << u"json: unsupported value: -Inf"_s;
    QTest::newRow("nan") << QByteArray("v: [.nan]") << u"json: unsupported value: NaN"_s;
    QTest::newRow("null key") << QByteArray("~: x") << u"unsupported map key"_s;
    QTest::newRow("empty key") << QByteArray(": x") << u"unsupported map key"_s;
    QTest::newRow("uint64 key") << QByteArray("18446744073709551615: x") << u"unsupported map key of type: uint64"_s;
    QTest::newRow("sequence key") << QByteArray("? [a]\n: b") << u"invalid map key"_s;
    QTest::newRow("mapping key") << QByteArray("? {a: 1}\n: b") << u"invalid map key"_s;
    QTest::newRow("tag mismatch") << QByteArray("v: !!int abc") << u"cannot decode `abc` as a !!int"_s;
    QTest::newRow("bad merge") << QByteArray("v:\n  <<: 1\n") << u"map merge requires map or sequence of maps"_s;
    QTest::newRow("recursive alias") << QByteArray("a: &a [*a]") << u"nested too deeply"_s;
    QTest::newRow("unclosed flow") << QByteArray("a: [1, 2") << u"end of sequence flow not found"_s;
    QTest::newRow("unclosed quote") << QByteArray("a: \"x") << u"illegal EOF in scalar"_s;

    QByteArray laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 9; ++i) {
        laughs += QByteArray("a%1: &a%1 [").replace("%1", QByteArray::number(i));
        for (int j = 0; j < 10; ++j)
            laughs += (j ? ", *a" : "*a") + QByteArray::number(i - 1);
        laughs += "]\n";
    }
    QTest::newRow("billion laughs") << laughs << u"excessive aliasing"_s;
}

void TestYaml::testYamlRejects()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, error);

    ParseError parseError;
    QVERIFY(!kube::yamlToJson(yaml, &parseError));
    QVERIFY2(parseError.message.contains(error), qPrintable(parseError.toString()));
    QVERIFY(!kube::yamlToJson(yaml)); // no error out-parameter needed
}

void TestYaml::testYamlErrorHasLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("mapping value in plain scalar") << QByteArray("a: b: c") << 1 << 5;
    QTest::newRow("bad indentation") << QByteArray("a:\n  b: 1\n c: 2\n") << 3 << 2;
    QTest::newRow("inf value") << QByteArray("a: 1\nb:\n  c: .inf\n") << 3 << 6;
    QTest::newRow("null key") << QByteArray("a: 1\n~: 2\n") << 2 << 1;
    QTest::newRow("tag mismatch") << QByteArray("list:\n  - !!bool maybe\n") << 2 << 5;
}

void TestYaml::testYamlErrorHasLineAndColumn()
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, line);
    QFETCH(int, column);

    ParseError error;
    QVERIFY(!kube::yamlToJson(yaml, &error));
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
    QVERIFY(!error.message.isEmpty());
    QVERIFY(error.toString().startsWith(u"line %1, column %2: "_s.arg(line).arg(column)));
}

void TestYaml::testYamlMultiDocument()
{
    const QByteArray stream = "---\n"
                              "apiVersion: v1\n"
                              "kind: Secret\n"
                              "---\n"
                              "---\n"
                              "# only a comment\n"
                              "---\n"
                              "~\n"
                              "---\n"
                              "kind: ConfigMap\n"
                              "data: {a: '1'}\n"
                              "...\n";
    ParseError error;
    const auto documents = kube::yamlDocumentsToJson(stream, &error);
    QVERIFY2(documents, qPrintable(error.toString()));
    QCOMPARE(documents->size(), 2);
    QCOMPARE(documents->at(0), json(R"({"apiVersion":"v1","kind":"Secret"})").toObject());
    QCOMPARE(documents->at(1), json(R"({"kind":"ConfigMap","data":{"a":"1"}})").toObject());

    QCOMPARE(kube::yamlDocumentsToJson("").value_or(QList<QJsonObject> { {} }), QList<QJsonObject>());
    QCOMPARE(kube::yamlDocumentsToJson("a: 1").value_or(QList<QJsonObject>()),
        QList<QJsonObject> { json(R"({"a":1})").toObject() });
}

void TestYaml::testYamlMultiDocumentNeedsMappings()
{
    ParseError error;
    QVERIFY(!kube::yamlDocumentsToJson("a: 1\n---\n- x\n", &error));
    QVERIFY2(error.message.contains(u"document 2"_s), qPrintable(error.message));
    QVERIFY2(error.message.contains(u"sequence"_s), qPrintable(error.message));
    QCOMPARE(error.line, 3);

    QVERIFY(!kube::yamlDocumentsToJson("---\n---\njust text\n", &error));
    QVERIFY2(error.message.contains(u"document 2"_s), qPrintable(error.message));

    QVERIFY(!kube::yamlDocumentsToJson("a: 1\n---\nb: .nan\n", &error));
    QCOMPARE(error.line, 3);

    QVERIFY(!kube::yamlDocumentsToJson("a: 1\n---\nb: [\n", &error));
    QVERIFY(error.line >= 3);
}

void TestYaml::testYamlStreamThatHungLoadAllTerminates()
{
    // Found by fuzz_kubeconfig: yaml-cpp's LoadAll never returned on this stream (and grew without bound).
    const QByteArray stream("! ,Aepmt ny=kubeconfi' is va contr\n- nam\\:oth\n\xff\xff\xff\xff\xff\xff\xff"
                            "T",
        54);
    ParseError error;
    const auto documents = kube::yamlDocumentsToJson(stream, &error);
    QVERIFY(!documents);
    QVERIFY(!error.message.isEmpty());
    QVERIFY(!kube::yamlDocumentsToJson(stream + "\n---\na: 1\n"));
}

void TestYaml::testParseJsonObject_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("object") << QByteArray(R"({"a": [1, {"b": null}]})") << true << 0 << 0;
    QTest::newRow("array") << QByteArray("[1]") << false << 0 << 0;
    QTest::newRow("empty") << QByteArray("") << false << 1 << 1;
    QTest::newRow("missing value") << QByteArray("{\"a\": }") << false << 1 << 8;
    QTest::newRow("second line") << QByteArray("{\n  \"a\": 1,\n  \"b\": x\n}") << false << 3 << 8;
    QTest::newRow("columns count characters") << QByteArray("{\"\u00e9\u00e9\": x}"_ba) << false << 1 << 8;
    QTest::newRow("trailing garbage") << QByteArray("{} x") << false << 1 << 4;
}

void TestYaml::testParseJsonObject()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, valid);
    QFETCH(int, line);
    QFETCH(int, column);

    ParseError error;
    const auto object = kube::parseJsonObject(data, &error);
    QCOMPARE(object.has_value(), valid);
    if (valid) {
        QCOMPARE(*object, QJsonDocument::fromJson(data).object());
        return;
    }
    QVERIFY(!error.message.isEmpty());
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
}

void TestYaml::testParseErrorToString()
{
    QCOMPARE((ParseError { u"bad"_s, 0, 0 }).toString(), u"bad"_s);
    QCOMPARE((ParseError { u"bad"_s, 3, 7 }).toString(), u"line 3, column 7: bad"_s);
    QCOMPARE((ParseError { u"bad"_s, 3, 0 }).toString(), u"line 3: bad"_s);
    ParseError error;
    QVERIFY(!kube::parseJsonObject("[]", &error));
    QCOMPARE(error.toString(), u"expected a JSON object, got an array"_s);
}

void TestYaml::testJsonToYamlIsBlockStyle()
{
    const QByteArray yaml = kube::jsonToYaml(json(R"({"b":{"list":[1,"x",{"k":true}],"e":{},"z":[]},"a":null})"));
    QCOMPARE(yaml,
        QByteArray("a: ~\n"
                   "b:\n"
                   "  e:\n"
                   "    {}\n"
                   "  list:\n"
                   "    - 1\n"
                   "    - x\n"
                   "    - k: true\n"
                   "  z:\n"
                   "    []\n"));
    QCOMPARE(kube::jsonToYaml(json("{\"s\":\"line1\\nline2\\n\"}")), QByteArray("s: |\n  line1\n  line2\n"));
    QCOMPARE(kube::jsonToYaml(json("1.5")), QByteArray("1.5\n"));
}

void TestYaml::testJsonToYamlQuotesAmbiguousStrings()
{
    for (const char* s : { "true", "yes", "y", "off", "123", "0x1F", "1_0", "08", "1e3", ".5", "null", "~", "", "<<",
             ".inf", " lead", "trail " }) {
        const QByteArray yaml = kube::jsonToYaml(QJsonObject { { u"v"_s, QString::fromUtf8(s) } });
        QVERIFY2(yaml.startsWith("v: \""), yaml.constData());
    }
    for (const char* s : { "hello", "web-1", "kubernetes.io/tls", "1.2.3", "2024-01-01" }) {
        const QByteArray yaml = kube::jsonToYaml(QJsonObject { { u"v"_s, QString::fromUtf8(s) } });
        QCOMPARE(yaml, "v: " + QByteArray(s) + "\n");
    }
}

void TestYaml::testJsonYamlRoundTrip_data()
{
    QTest::addColumn<QJsonValue>("value");

    const char* documents[] = {
        "{}",
        "[]",
        "null",
        "true",
        "false",
        "0",
        "-1",
        "42",
        "1.5",
        "-2.5e-10",
        "1e300",
        "1e20",
        "9007199254740993",
        "123456789012345",
        "9223372036854775807",
        "0.1",
        R"({"a":{},"b":[],"c":[{}],"d":[[]]})",
        R"([[1,[2,[]]],[{}],[null,true,"x"]])",
        R"({"items":[{"name":"a","ports":[{"port":80,"protocol":"TCP"}]},{"name":"b","env":[]}],
            "metadata":{"labels":{"app":"x","true":"yes"},"annotations":{"note":"multi\nline\n"}}})",
        R"({"true":1,"123":2,"":3,"a: b":4,"multi\nline":5,"null":6,"<<":7," sp":8,"- x":9,"#c":10,"y":11})",
        R"({"small":5.0,"big":1e17,"bigger":3.3911580102548086e18,"huge":1e300,"tiny":-2.5e-300,"int":-42})",
        R"({"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/tls",
            "data":{"tls.crt":"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t","tls.key":""}})",
    };
    for (qsizetype i = 0; i < qsizetype(std::size(documents)); ++i)
        QTest::newRow(("document " + tag(i, QString::fromUtf8(documents[i]))).constData()) << json(documents[i]);

    const QStringList strings = {
        u"plain"_s,
        u"true"_s,
        u"True"_s,
        u"yes"_s,
        u"no"_s,
        u"on"_s,
        u"off"_s,
        u"y"_s,
        u"n"_s,
        u"~"_s,
        u"null"_s,
        u"Null"_s,
        u""_s,
        u" "_s,
        u"123"_s,
        u"-1"_s,
        u"+1"_s,
        u"0x1F"_s,
        u"0o17"_s,
        u"017"_s,
        u"08"_s,
        u"1_000"_s,
        u"1.5"_s,
        u".5"_s,
        u"1e3"_s,
        u".inf"_s,
        u"-.inf"_s,
        u".nan"_s,
        u"<<"_s,
        u"2024-01-01"_s,
        u"12:30"_s,
        u" lead"_s,
        u"trail "_s,
        u"\ttab lead"_s,
        u"a: b"_s,
        u"a:b"_s,
        u"- x"_s,
        u"-"_s,
        u"--- "_s,
        u"---"_s,
        u"..."_s,
        u"?"_s,
        u"? q"_s,
        u":"_s,
        u"#comment"_s,
        u"x #not comment"_s,
        u"@at"_s,
        u"`tick"_s,
        u"%pct"_s,
        u"&anchor"_s,
        u"*alias"_s,
        u"!tag"_s,
        u"|"_s,
        u">"_s,
        u"{flow}"_s,
        u"[flow]"_s,
        u",comma"_s,
        u"'single'"_s,
        u"\"double\""_s,
        u"quote\"s and \\back"_s,
        u"tab\tinside"_s,
        u"multi\nline\n"_s,
        u"multi\nline"_s,
        u"two\n\n"_s,
        u"\nleading newline\n"_s,
        u"  indented\nlines\n"_s,
        u"a\n---\nb\n"_s,
        u"a\n...\nb\n"_s,
        u"trailing spaces  \nnext\n"_s,
        u"cr\r\nlf\n"_s,
        u"unicode \u00e9 \u4e2d\u6587 \U0001F600"_s,
        u"control \u0001 \u0007 \u001b \u007f"_s,
        u"separators \u0085 \u2028 \u2029"_s,
        u"\ufeffbom"_s,
        u"ends with newline\n"_s,
        QString(3000, u'x'),
        u"line\n"_s.repeated(200),
    };
    for (qsizetype i = 0; i < strings.size(); ++i) {
        const QString& s = strings[i];
        const QByteArray name = tag(i, s);
        QTest::newRow((name + " (value)").constData()) << QJsonValue(s);
        QTest::newRow((name + " (key)").constData()) << QJsonValue(QJsonObject { { s, s } });
        QTest::newRow((name + " (nested)").constData()) << QJsonValue(
            QJsonObject { { u"a"_s, QJsonArray { s, QJsonObject { { u"b"_s, s } }, QJsonArray { s } } } });
    }
}

void TestYaml::testJsonYamlRoundTrip()
{
    QFETCH(QJsonValue, value);

    const QByteArray yaml = kube::jsonToYaml(value);
    ParseError error;
    const auto back = kube::yamlToJson(yaml, &error);
    QVERIFY2(back, qPrintable(error.toString() + u"\n"_s + QString::fromUtf8(yaml)));
    QVERIFY2(*back == value, (yaml + "\nread back as " + compact(*back)).constData());
}

void TestYaml::testJsonYamlRoundTripRandomStrings()
{
    // Short strings over YAML's syntax characters, as values, keys and sequence items, next to arbitrary doubles.
    const QString alphabet = u" :-#?&*!|>'\"%@`{}[],\n\t\\./0123456789abeEtrufnlyxo~+_<=\u00e9\u2028\U0001F600"_s;
    const QList<uint> letters = alphabet.toUcs4();
    QRandomGenerator random(20240601);
    for (int i = 0; i < 3000; ++i) {
        QList<uint> codes;
        for (int n = random.bounded(0, 10); n > 0; --n)
            codes << letters[random.bounded(letters.size())];
        const QString s = QString::fromUcs4(reinterpret_cast<const char32_t*>(codes.constData()), codes.size());
        double number = 0;
        const quint64 bits = random.generate64();
        std::memcpy(&number, &bits, sizeof number);
        if (!std::isfinite(number))
            number = 0;
        const QJsonValue value = QJsonObject { { s, s }, { u"list"_s, QJsonArray { s, number } } };
        const QByteArray yaml = kube::jsonToYaml(value);
        ParseError error;
        const auto back = kube::yamlToJson(yaml, &error);
        QVERIFY2(back, qPrintable(error.toString() + u"\n"_s + QString::fromUtf8(yaml)));
        QVERIFY2(*back == value, (yaml + "\nread back as " + compact(*back)).constData());
    }
}

QTEST_APPLESS_MAIN(TestYaml)

#include "tst_yaml.moc"
