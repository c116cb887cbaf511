#include "kube/selector.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using kube::FieldSelector;
using kube::LabelSelector;

namespace {

QJsonObject object(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

/// Field selector terms as `field=value` / `field!=value`, joined by ';', to compare whole parses at once.
QString describe(const FieldSelector& selector)
{
    QStringList parts;
    for (const FieldSelector::Term& t : selector.terms())
        parts << t.field + (t.negated ? u"!="_s : u"="_s) + t.value;
    return parts.join(u';');
}

} // namespace

class TestSelector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testLabelSelectorParse_data();
    void testLabelSelectorParse();
    void testLabelSelectorInvalidKeyQuotesLikeGo();
    void testLabelSelectorMatches_data();
    void testLabelSelectorMatches();
    void testLabelSelectorEmptyMatchesEverything();
    void testFromJsonOperators_data();
    void testFromJsonOperators();
    void testFromJsonMatches();
    void testFieldSelectorEscapes_data();
    void testFieldSelectorEscapes();
    void testFieldSelectorMatches_data();
    void testFieldSelectorMatches();
    void testFieldSelectorUnknownField();
};

void TestSelector::testLabelSelectorParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("expected"); // canonical form, or a substring of the error

    const auto ok = [](const char* name, const QString& text, const QString& canonical) {
        QTest::newRow(name) << text << true << canonical;
    };
    const auto bad = [](const char* name, const QString& text, const QString& error) {
        QTest::newRow(name) << text << false << error;
    };

    ok("empty", u""_s, u""_s);
    ok("blank", u" \t\n"_s, u""_s);
    ok("equals", u"a=b"_s, u"a=b"_s);
    ok("double equals prints single", u"a==b"_s, u"a=b"_s);
    ok("not equals", u"a!=b"_s, u"a!=b"_s);
    ok("whitespace around tokens", u"  a = b ,  c != d  "_s, u"a=b,c!=d"_s);
    ok("sorted by key", u"b=1,a=2"_s, u"a=2,b=1"_s);
    ok("same key keeps order", u"a=y,a=x"_s, u"a=y,a=x"_s);
    ok("in sorts values", u"env in (prod, dev)"_s, u"env in (dev,prod)"_s);
    ok("notin deduplicates", u"env notin (b,a,b)"_s, u"env notin (a,b)"_s);
    ok("in empty set is empty value", u"env in ()"_s, u"env in ()"_s);
    ok("in leading comma", u"env in (,a)"_s, u"env in (,a)"_s);
    ok("in trailing comma", u"env in (a,)"_s, u"env in (,a)"_s);
    ok("in double comma", u"env in (a,,b)"_s, u"env in (,a,b)"_s);
    ok("exists", u"x"_s, u"x"_s);
    ok("does not exist", u"!x"_s, u"!x"_s);
    ok("does not exist spaced", u"! x"_s, u"!x"_s);
    ok("empty value", u"a="_s, u"a="_s);
    ok("empty value before comma", u"a=,b"_s, u"a=,b"_s);
    ok("prefixed key", u"example.com/key=v"_s, u"example.com/key=v"_s);
    ok("keywords as key and value", u"in in (in,notin)"_s, u"in in (in,notin)"_s);
    ok("mixed", u"tier notin (cache),!canary,app=web,release"_s, u"app=web,!canary,release,tier notin (cache)"_s);

    bad("trailing comma", u"a=b,"_s, u"found '', expected: identifier after ','"_s);
    bad("leading comma", u",a"_s, u"found ',', expected: !, identifier, or 'end of string'"_s);
    bad("missing operator", u"a b"_s, u"unable to parse requirement: found 'b', expected: in, notin, =, ==, !="_s);
    bad("gt unsupported", u"a>1"_s, u"unable to parse requirement: found '>', expected: in, notin, =, ==, !="_s);
    bad("in without parens", u"a in b"_s, u"unable to parse requirement: found 'b' expected: '('"_s);
    bad("in at end", u"a in"_s, u"unable to parse requirement: found '' expected: '('"_s);
    bad("set without comma", u"a in (b c)"_s, u"unable to parse requirement: found 'c', expected: ',' or ')'"_s);
    bad("unclosed set", u"a in (b"_s, u"unable to parse requirement: found '', expected: ',' or ')'"_s);
    bad("operator in set", u"a in (=)"_s,
        u"unable to parse requirement: found '=', expected: ',', ')' or identifier"_s);
    bad("two values", u"a=b c"_s, u"found 'c', expected: ',' or 'end of string'"_s);
    bad("second operator", u"a=b=c"_s, u"found '=', expected: ',' or 'end of string'"_s);
    bad("not with operator", u"!a=b"_s, u"found '=', expected: ',' or 'end of string'"_s);
    bad("lone bang", u"!"_s, u"unable to parse requirement: found '', expected: identifier"_s);
    bad("operator as value", u"a=!="_s, u"unable to parse requirement: found '!=', expected: identifier"_s);
    bad("longest symbol run", u"a!==b"_s, u"unable to parse requirement: found '=', expected: identifier"_s);
    bad("paren after equals", u"a=(b)"_s, u"unable to parse requirement: found '(', expected: identifier"_s);
    bad("invalid key", u"-bad=x"_s, u"unable to parse requirement: <nil>: Invalid value: \"-bad\": name part must"_s);
    bad("invalid prefix", u"Example.com/a=x"_s, u"<nil>: Invalid value: \"Example.com/a\": prefix part"_s);
    bad("invalid value", u"a=-x"_s,
        u"unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must be an empty string"_s);
    bad("invalid set value indexes sorted set", u"a in (x,-y)"_s, u"values[0][a]: Invalid value: \"-y\""_s);
    bad("too long value", u"a="_s + QString(64, u'v'), u"must be no more than 63 characters"_s);
}

void TestSelector::testLabelSelectorParse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, expected);

    QString error;
    const auto selector = LabelSelector::parse(text, &error);
    QCOMPARE(selector.has_value(), valid);
    if (valid) {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(selector->toString(), expected);
        // The canonical form parses back to itself.
        QCOMPARE(LabelSelector::parse(selector->toString())->toString(), expected);
    } else {
        QVERIFY2(error.contains(expected), qPrintable(error));
    }
}

void TestSelector::testLabelSelectorInvalidKeyQuotesLikeGo()
{
    QString error;
    QVERIFY(!LabelSelector::parse(u"a=b,Über=x"_s, &error));
    QVERIFY2(error.startsWith(u"unable to parse requirement: <nil>: Invalid value: \"Über\": "_s), qPrintable(error));
    QVERIFY(!LabelSelector::parse(u"a in (\"q\")"_s, &error));
    QVERIFY2(error.contains(u"Invalid value: \"\\\"q\\\"\""_s), qPrintable(error));
}

void TestSelector::testLabelSelectorMatches_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QByteArray>("labels");
    QTest::addColumn<bool>("expected");

    QTest::newRow("empty selector") << u""_s << QByteArray("{\"a\":\"b\"}") << true;
    QTest::newRow("equals hit") << u"a=b"_s << QByteArray("{\"a\":\"b\"}") << true;
    QTest::newRow("equals other value") << u"a=b"_s << QByteArray("{\"a\":\"c\"}") << false;
    QTest::newRow("equals missing key") << u"a=b"_s << QByteArray("{}") << false;
    QTest::newRow("double equals") << u"a==b"_s << QByteArray("{\"a\":\"b\"}") << true;
    QTest::newRow("not equals missing key") << u"a!=b"_s << QByteArray("{}") << true;
    QTest::newRow("not equals same") << u"a!=b"_s << QByteArray("{\"a\":\"b\"}") << false;
    QTest::newRow("not equals other") << u"a!=b"_s << QByteArray("{\"a\":\"c\"}") << true;
    QTest::newRow("in hit") << u"a in (x,y)"_s << QByteArray("{\"a\":\"y\"}") << true;
    QTest::newRow("in miss") << u"a in (x,y)"_s << QByteArray("{\"a\":\"z\"}") << false;
    QTest::newRow("in missing key") << u"a in (x,y)"_s << QByteArray("{}") << false;
    QTest::newRow("notin missing key") << u"a notin (x)"_s << QByteArray("{}") << true;
    QTest::newRow("notin hit") << u"a notin (x)"_s << QByteArray("{\"a\":\"x\"}") << false;
    QTest::newRow("notin other") << u"a notin (x)"_s << QByteArray("{\"a\":\"w\"}") << true;
    QTest::newRow("exists with empty value") << u"a"_s << QByteArray("{\"a\":\"\"}") << true;
    QTest::newRow("exists missing") << u"a"_s << QByteArray("{\"b\":\"\"}") << false;
    QTest::newRow("does not exist missing") << u"!a"_s << QByteArray("{}") << true;
    QTest::newRow("does not exist present") << u"!a"_s << QByteArray("{\"a\":\"x\"}") << false;
    QTest::newRow("empty value matches empty") << u"a="_s << QByteArray("{\"a\":\"\"}") << true;
    QTest::newRow("empty value needs key") << u"a="_s << QByteArray("{}") << false;
    QTest::newRow("in empty set matches empty") << u"a in ()"_s << QByteArray("{\"a\":\"\"}") << true;
    QTest::newRow("all requirements hold") << u"a=b,c"_s << QByteArray("{\"a\":\"b\",\"c\":\"d\"}") << true;
    QTest::newRow("one requirement fails") << u"a=b,c"_s << QByteArray("{\"a\":\"b\"}") << false;
    QTest::newRow("prefixed key") << u"app.kubernetes.io/name=web"_s
                                  << QByteArray("{\"app.kubernetes.io/name\":\"web\"}") << true;
}

void TestSelector::testLabelSelectorMatches()
{
    QFETCH(QString, selector);
    QFETCH(QByteArray, labels);
    QFETCH(bool, expected);

    const auto parsed = LabelSelector::parse(selector);
    QVERIFY(parsed);
    QCOMPARE(parsed->matches(QJsonDocument::fromJson(labels).object()), expected);
}

void TestSelector::testLabelSelectorEmptyMatchesEverything()
{
    const LabelSelector everything;
    QVERIFY(everything.isEmpty());
    QVERIFY(everything.matches({}));
    QVERIFY(everything.matches(object("{\"x\":\"y\"}")));
    QCOMPARE(everything.toString(), QString());
}

void TestSelector::testFromJsonOperators_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("expected"); // canonical form, or a substring of the error

    QTest::newRow("empty object") << QByteArray("{}") << true << QString();
    QTest::newRow("matchLabels") << QByteArray(R"({"matchLabels":{"b":"2","a":"1"}})") << true << u"a=1,b=2"_s;
    QTest::newRow("all operators") << QByteArray(R"({"matchLabels":{"app":"web"},"matchExpressions":[
            {"key":"tier","operator":"In","values":["b","a","b"]},
            {"key":"env","operator":"NotIn","values":["prod"]},
            {"key":"x","operator":"Exists"},
            {"key":"y","operator":"DoesNotExist","values":[]}]})")
                                   << true << u"app=web,env notin (prod),tier in (a,b),x,!y"_s;
    QTest::newRow("unknown operator") << QByteArray(R"({"matchExpressions":[{"key":"a","operator":"Equals"}]})")
                                      << false << u"\"Equals\" is not a valid label selector operator"_s;
    QTest::newRow("operator is case sensitive") << QByteArray(R"({"matchExpressions":[{"key":"a","operator":"in"}]})")
                                                << false << u"\"in\" is not a valid label selector operator"_s;
    QTest::newRow("in needs values") << QByteArray(R"({"matchExpressions":[{"key":"a","operator":"In"}]})") << false
                                     << u"values: Invalid value: []string(nil): for 'in', 'notin' operators, values "
                                        "set can't be empty"_s;
    QTest::newRow("notin needs values") << QByteArray(
        R"({"matchExpressions":[{"key":"a","operator":"NotIn","values":[]}]})")
                                        << false << u"values set can't be empty"_s;
    QTest::newRow("exists takes no values")
        << QByteArray(R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})") << false
        << u"values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist"_s;
    QTest::newRow("does not exist takes no values")
        << QByteArray(R"({"matchExpressions":[{"key":"a","operator":"DoesNotExist","values":["x","y"]}]})") << false
        << u"[]string{\"x\", \"y\"}: values set must be empty"_s;
    QTest::newRow("bad matchLabels key") << QByteArray(R"({"matchLabels":{"a b":"x"}})") << false
                                         << u"key: Invalid value: \"a b\": name part must"_s;
    QTest::newRow("bad matchLabels value") << QByteArray(R"({"matchLabels":{"a":"x y"}})") << false
                                           << u"values[0][a]: Invalid value: \"x y\": a valid label"_s;
    QTest::newRow("several problems aggregate")
        << QByteArray(R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["-"]}]})") << false
        << u"[values: Invalid value: []string{\"-\"}: values set must be empty for exists and does not exist, "
           "values[0][a]: Invalid value: \"-\": a valid label"_s;
    QTest::newRow("non-string label value") << QByteArray(R"({"matchLabels":{"a":1}})") << false << u"matchLabels"_s;
    QTest::newRow("non-string values") << QByteArray(
        R"({"matchExpressions":[{"key":"a","operator":"In","values":[1]}]})")
                                       << false << u"matchExpressions"_s;
}

void TestSelector::testFromJsonOperators()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, valid);
    QFETCH(QString, expected);

    const QJsonDocument document = QJsonDocument::fromJson(json);
    QVERIFY(document.isObject());
    QString error;
    const auto selector = LabelSelector::fromJson(document.object(), &error);
    QCOMPARE(selector.has_value(), valid);
    if (valid)
        QCOMPARE(selector->toString(), expected);
    else
        QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestSelector::testFromJsonMatches()
{
    const auto selector = LabelSelector::fromJson(object(R"({"matchLabels":{"app":"web"},"matchExpressions":[
        {"key":"tier","operator":"In","values":["front","back"]},
        {"key":"env","operator":"NotIn","values":["prod"]},
        {"key":"canary","operator":"DoesNotExist"},
        {"key":"team","operator":"Exists"}]})"));
    QVERIFY(selector);
    QVERIFY(selector->matches(object(R"({"app":"web","tier":"front","team":""})")));
    QVERIFY(selector->matches(object(R"({"app":"web","tier":"back","team":"a","env":"dev"})")));
    QVERIFY(!selector->matches(object(R"({"app":"web","tier":"front","team":"a","env":"prod"})")));
    QVERIFY(!selector->matches(object(R"({"app":"web","tier":"front","team":"a","canary":"1"})")));
    QVERIFY(!selector->matches(object(R"({"app":"web","tier":"front"})")));
    QVERIFY(!selector->matches(object(R"({"app":"api","tier":"front","team":"a"})")));
}

void TestSelector::testFieldSelectorEscapes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("expected"); // terms as described by describe(), or a substring of the error

    QTest::newRow("empty") << u""_s << true << u""_s;
    QTest::newRow("equals") << u"metadata.name=foo"_s << true << u"metadata.name=foo"_s;
    QTest::newRow("double equals") << u"metadata.name==foo"_s << true << u"metadata.name=foo"_s;
    QTest::newRow("not equals") << u"metadata.name!=foo"_s << true << u"metadata.name!=foo"_s;
    QTest::newRow("terms sorted") << u"b=2,a=1"_s << true << u"a=1;b=2"_s;
    QTest::newRow("empty terms skipped") << u"a=1,,b=2,"_s << true << u"a=1;b=2"_s;
    QTest::newRow("empty value") << u"a!="_s << true << u"a!="_s;
    QTest::newRow("empty field") << u"=x"_s << true << u"=x"_s;
    QTest::newRow("bang in value") << u"a=!b"_s << true << u"a=!b"_s;
    QTest::newRow("no whitespace trimming") << u"a = b"_s << true << u"a = b"_s;
    QTest::newRow("escaped comma") << u"a=x\\,y"_s << true << u"a=x,y"_s;
    QTest::newRow("escaped comma does not split") << u"a=x\\,b\\=y"_s << true << u"a=x,b=y"_s;
    QTest::newRow("escaped equals") << u"a=x\\=y"_s << true << u"a=x=y"_s;
    QTest::newRow("escaped backslash") << u"a=x\\\\y"_s << true << u"a=x\\y"_s;
    QTest::newRow("escaped backslash then comma splits") << u"a=x\\\\,b=y"_s << true << u"a=x\\;b=y"_s;
    QTest::newRow("bang is no escape") << u"a=x\\!y"_s << false
                                       << u"invalid field selector: invalid escape sequence: \\!"_s;
    QTest::newRow("unknown escape") << u"a=\\n"_s << false << u"invalid field selector: invalid escape sequence: \\n"_s;
    QTest::newRow("dangling backslash") << u"a=x\\"_s << false
                                        << u"invalid field selector: invalid escape sequence: \\"_s;
    QTest::newRow("unescaped equals") << u"a=x=y"_s << false
                                      << u"invalid field selector: unescaped character in value: 61"_s;
    QTest::newRow("no operator") << u"abc"_s << false << u"invalid selector: 'abc'; can't understand 'abc'"_s;
    QTest::newRow("no operator among terms")
        << u"a=1,abc"_s << false << u"invalid selector: 'a=1,abc'; can't understand 'abc'"_s;
}

void TestSelector::testFieldSelectorEscapes()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, expected);

    QString error;
    const auto selector = FieldSelector::parse(text, {}, &error);
    QCOMPARE(selector.has_value(), valid);
    if (valid)
        QCOMPARE(describe(*selector), expected);
    else
        QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestSelector::testFieldSelectorMatches_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QByteArray>("object");
    QTest::addColumn<bool>("expected");

    const QByteArray secret(R"({"metadata":{"name":"tls","namespace":"default"},"type":"kubernetes.io/tls",
        "spec":{"replicas":3,"paused":true,"ratio":0.5,"big":1234567.25}})");
    QTest::newRow("empty") << u""_s << secret << true;
    QTest::newRow("name") << u"metadata.name=tls"_s << secret << true;
    QTest::newRow("name differs") << u"metadata.name=other"_s << secret << false;
    QTest::newRow("namespace not equal") << u"metadata.namespace!=kube-system"_s << secret << true;
    QTest::newRow("type") << u"type=kubernetes.io/tls"_s << secret << true;
    QTest::newRow("both terms") << u"metadata.name=tls,type=Opaque"_s << secret << false;
    QTest::newRow("missing is empty") << u"spec.missing="_s << secret << true;
    QTest::newRow("missing not equal") << u"spec.missing!=x"_s << secret << true;
    QTest::newRow("path through scalar") << u"type.x="_s << secret << true;
    QTest::newRow("integer") << u"spec.replicas=3"_s << secret << true;
    QTest::newRow("bool") << u"spec.paused=true"_s << secret << true;
    QTest::newRow("float") << u"spec.ratio=0.5"_s << secret << true;
    QTest::newRow("float shortest form") << u"spec.big=1234567.25"_s << secret << true;
    QTest::newRow("escaped value") << u"metadata.name=a\\,b"_s << QByteArray(R"({"metadata":{"name":"a,b"}})") << true;
}

void TestSelector::testFieldSelectorMatches()
{
    QFETCH(QString, selector);
    QFETCH(QByteArray, object);
    QFETCH(bool, expected);

    const auto parsed = FieldSelector::parse(selector);
    QVERIFY(parsed);
    QCOMPARE(parsed->matches(QJsonDocument::fromJson(object).object()), expected);
}

void TestSelector::testFieldSelectorUnknownField()
{
    const QStringList allowed { u"metadata.name"_s, u"metadata.namespace"_s, u"type"_s };
    QString error;
    QVERIFY(!FieldSelector::parse(u"metadata.name=a,spec.foo=bar"_s, allowed, &error));
    QCOMPARE(error, u"field label not supported: spec.foo"_s);

    QVERIFY(FieldSelector::parse(u"metadata.name=a,type!=Opaque"_s, allowed, &error));
    QVERIFY(FieldSelector::parse(u"spec.foo=bar"_s, {}, &error));

    // Every term is unescaped before any field is checked, as in apimachinery.
    QVERIFY(!FieldSelector::parse(u"spec.foo=bar,type=a\\q"_s, allowed, &error));
    QCOMPARE(error, u"invalid field selector: invalid escape sequence: \\q"_s);
}

QTEST_APPLESS_MAIN(TestSelector)

#include "tst_selector.moc"
