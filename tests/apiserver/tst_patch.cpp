#include "apiserver/patch.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using apiserver::ListStrategy;
using apiserver::PatchSchema;

namespace {

// Scalars and arrays are legal patch documents too, so literals are parsed inside a wrapping array.
QJsonValue json(const QString& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson((u"["_s + text + u"]"_s).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        qFatal("malformed JSON literal in test: %s (%s)", qPrintable(text), qPrintable(error.errorString()));
    return document.array().at(0);
}

QString canon(const QJsonValue& value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact));
}

PatchSchema testSchema()
{
    PatchSchema schema = apiserver::objectMetaPatchSchema();
    const auto byKey = [](const QString& key) { return ListStrategy { ListStrategy::Kind::MergeByKey, key }; };
    schema.insert(u"spec.template.spec.containers"_s, byKey(u"name"_s));
    schema.insert(u"spec.template.spec.containers.ports"_s, byKey(u"containerPort"_s));
    schema.insert(u"spec.template.spec.containers.env"_s, byKey(u"name"_s));
    schema.insert(u"mergingList"_s, byKey(u"name"_s));
    schema.insert(u"mergingIntList"_s, ListStrategy { ListStrategy::Kind::MergePrimitive, QString() });
    return schema;
}

// The path of the first strategic-merge directive key left anywhere in `value`, or empty.
QString directiveIn(const QJsonValue& value, const QString& path = QString())
{
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString found = directiveIn(array.at(i), u"%1[%2]"_s.arg(path).arg(i));
            if (!found.isEmpty())
                return found;
        }
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString here = path + u'.' + it.key();
        if (it.key() == "$patch"_L1 || it.key() == "$retainKeys"_L1 || it.key().startsWith("$setElementOrder"_L1)
            || it.key().startsWith("$deleteFromPrimitiveList"_L1))
            return here;
        const QString found = directiveIn(it.value(), here);
        if (!found.isEmpty())
            return found;
    }
    return QString();
}

void addColumns(std::initializer_list<const char*> names)
{
    for (const char* name : names)
        QTest::addColumn<QString>(name);
}

} // namespace

class TestPatch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // RFC 7386 merge patch
    void testMergePatchRfc7386Examples_data();
    void testMergePatchRfc7386Examples() { runMergePatchRow(); }
    void testMergePatchNullDeletes_data();
    void testMergePatchNullDeletes() { runMergePatchRow(); }
    void testMergePatchObjectsMergeRecursively_data();
    void testMergePatchObjectsMergeRecursively() { runMergePatchRow(); }
    void testMergePatchNonObjectPatchReplaces_data();
    void testMergePatchNonObjectPatchReplaces() { runMergePatchRow(); }
    void testMergePatchArraysReplace_data();
    void testMergePatchArraysReplace() { runMergePatchRow(); }

    // RFC 6902 JSON patch
    void testJsonPatchRfc6902Examples_data();
    void testJsonPatchRfc6902Examples() { runJsonPatchRow(); }
    void testJsonPatchRfc6902ErrorExamples_data();
    void testJsonPatchRfc6902ErrorExamples() { runJsonPatchErrorRow(); }
    void testJsonPatchPointerEscapes_data();
    void testJsonPatchPointerEscapes() { runJsonPatchRow(); }
    void testJsonPatchArrayIndices_data();
    void testJsonPatchArrayIndices() { runJsonPatchRow(); }
    void testJsonPatchArrayIndexOutOfBounds_data();
    void testJsonPatchArrayIndexOutOfBounds() { runJsonPatchErrorRow(); }
    void testJsonPatchTestOpComparesDeeply_data();
    void testJsonPatchTestOpComparesDeeply();
    void testJsonPatchTestOpFailureLeavesDocument();
    void testJsonPatchMoveAndCopy_data();
    void testJsonPatchMoveAndCopy() { runJsonPatchRow(); }
    void testJsonPatchRootPointer_data();
    void testJsonPatchRootPointer() { runJsonPatchRow(); }
    void testJsonPatchErrorMessages_data();
    void testJsonPatchErrorMessages() { runJsonPatchErrorRow(); }
    void testJsonPatchWithoutErrorPointer();

    // Strategic merge patch
    void testObjectMetaPatchSchema();
    void testStrategicMapsMergeRecursively_data();
    void testStrategicMapsMergeRecursively() { runStrategicRow(); }
    void testStrategicNullDeletes_data();
    void testStrategicNullDeletes() { runStrategicRow(); }
    void testStrategicUnknownListsReplace_data();
    void testStrategicUnknownListsReplace() { runStrategicRow(); }
    void testStrategicOwnerReferencesByUid_data();
    void testStrategicOwnerReferencesByUid() { runStrategicRow(); }
    void testStrategicNestedMergeKeys_data();
    void testStrategicNestedMergeKeys() { runStrategicRow(); }
    void testStrategicMergePrimitiveUnion_data();
    void testStrategicMergePrimitiveUnion() { runStrategicRow(); }
    void testStrategicPatchReplaceDirective_data();
    void testStrategicPatchReplaceDirective() { runStrategicRow(); }
    void testStrategicPatchDeleteDirective_data();
    void testStrategicPatchDeleteDirective() { runStrategicRow(); }
    void testStrategicRetainKeys_data();
    void testStrategicRetainKeys() { runStrategicRow(); }
    void testStrategicDeleteFromPrimitiveList_data();
    void testStrategicDeleteFromPrimitiveList() { runStrategicRow(); }
    void testStrategicSetElementOrder_data();
    void testStrategicSetElementOrder() { runStrategicRow(); }
    void testStrategicKubectlPatches_data();
    void testStrategicKubectlPatches() { runStrategicRow(); }
    void testStrategicNoDirectiveRemains();
    void testStrategicMalformedDirective_data();
    void testStrategicMalformedDirective();

private:
    void runMergePatchRow();
    void runJsonPatchRow();
    void runJsonPatchErrorRow();
    void runStrategicRow();
};

void TestPatch::runMergePatchRow()
{
    QFETCH(QString, target);
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    QCOMPARE(canon(apiserver::applyMergePatch(json(target), json(patch))), canon(json(expected)));
}

void TestPatch::runJsonPatchRow()
{
    QFETCH(QString, document);
    QFETCH(QString, operations);
    QFETCH(QString, expected);
    QString error;
    const auto result = apiserver::applyJsonPatch(json(document), json(operations).toArray(), &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(canon(*result), canon(json(expected)));
}

void TestPatch::runJsonPatchErrorRow()
{
    QFETCH(QString, document);
    QFETCH(QString, operations);
    QFETCH(QString, error);
    QString actual;
    const auto result = apiserver::applyJsonPatch(json(document), json(operations).toArray(), &actual);
    QVERIFY2(!result, qPrintable(canon(result.value_or(QJsonValue()))));
    QVERIFY2(actual.contains(error), qPrintable(actual));
}

void TestPatch::runStrategicRow()
{
    QFETCH(QString, original);
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    QString error;
    const auto result
        = apiserver::applyStrategicMergePatch(json(original).toObject(), json(patch).toObject(), testSchema(), &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(canon(*result), canon(json(expected)));
    QCOMPARE(directiveIn(*result), QString());
}

// ------------------------------------------------------------------------------------------------------------------
// RFC 7386
// ------------------------------------------------------------------------------------------------------------------

void TestPatch::testMergePatchRfc7386Examples_data()
{
    addColumns({ "target", "patch", "expected" });
    QTest::newRow("section 3 example")
        << uR"({"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],
               "content":"This will be unchanged"})"_s
        << uR"({"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]})"_s
        << uR"({"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged",
               "phoneNumber":"+01-123-456-7890"})"_s;
    QTest::newRow("A.1 replace member") << uR"({"a":"b"})"_s << uR"({"a":"c"})"_s << uR"({"a":"c"})"_s;
    QTest::newRow("A.2 add member") << uR"({"a":"b"})"_s << uR"({"b":"c"})"_s << uR"({"a":"b","b":"c"})"_s;
    QTest::newRow("A.3 remove only member") << uR"({"a":"b"})"_s << uR"({"a":null})"_s << uR"({})"_s;
    QTest::newRow("A.4 remove one member") << uR"({"a":"b","b":"c"})"_s << uR"({"a":null})"_s << uR"({"b":"c"})"_s;
    QTest::newRow("A.5 array to string") << uR"({"a":["b"]})"_s << uR"({"a":"c"})"_s << uR"({"a":"c"})"_s;
    QTest::newRow("A.6 string to array") << uR"({"a":"c"})"_s << uR"({"a":["b"]})"_s << uR"({"a":["b"]})"_s;
    QTest::newRow("A.7 nested merge") << uR"({"a":{"b":"c"}})"_s << uR"({"a":{"b":"d","c":null}})"_s
                                      << uR"({"a":{"b":"d"}})"_s;
    QTest::newRow("A.8 array of objects replaced")
        << uR"({"a":[{"b":"c"}]})"_s << uR"({"a":[1]})"_s << uR"({"a":[1]})"_s;
    QTest::newRow("A.9 array replaces array") << uR"(["a","b"])"_s << uR"(["c","d"])"_s << uR"(["c","d"])"_s;
    QTest::newRow("A.10 array replaces object") << uR"({"a":"b"})"_s << uR"(["c"])"_s << uR"(["c"])"_s;
    QTest::newRow("A.11 null replaces object") << uR"({"a":"foo"})"_s << u"null"_s << u"null"_s;
    QTest::newRow("A.12 string replaces object") << uR"({"a":"foo"})"_s << uR"("bar")"_s << uR"("bar")"_s;
    QTest::newRow("A.13 existing null kept") << uR"({"e":null})"_s << uR"({"a":1})"_s << uR"({"e":null,"a":1})"_s;
    QTest::newRow("A.14 object replaces array") << uR"([1,2])"_s << uR"({"a":"b","c":null})"_s << uR"({"a":"b"})"_s;
    QTest::newRow("A.15 nested null in new object")
        << uR"({})"_s << uR"({"a":{"bb":{"ccc":null}}})"_s << uR"({"a":{"bb":{}}})"_s;
}

void TestPatch::testMergePatchNullDeletes_data()
{
    addColumns({ "target", "patch", "expected" });
    QTest::newRow("top-level key") << uR"({"a":1,"b":2})"_s << uR"({"b":null})"_s << uR"({"a":1})"_s;
    QTest::newRow("nested key") << uR"({"metadata":{"labels":{"x":"1","y":"2"}}})"_s
                                << uR"({"metadata":{"labels":{"x":null}}})"_s
                                << uR"({"metadata":{"labels":{"y":"2"}}})"_s;
    QTest::newRow("absent key ignored") << uR"({"a":1})"_s << uR"({"zzz":null})"_s << uR"({"a":1})"_s;
    QTest::newRow("whole subtree") << uR"({"a":{"b":{"c":1}},"d":2})"_s << uR"({"a":null})"_s << uR"({"d":2})"_s;
    QTest::newRow("null inside array is data")
        << uR"({"a":[1]})"_s << uR"({"a":[null,{"b":null}]})"_s << uR"({"a":[null,{"b":null}]})"_s;
}

void TestPatch::testMergePatchObjectsMergeRecursively_data()
{
    addColumns({ "target", "patch", "expected" });
    QTest::newRow("deep merge keeps siblings")
        << uR"({"spec":{"a":{"b":{"c":1,"d":2}},"e":3}})"_s << uR"({"spec":{"a":{"b":{"c":9,"f":4}}}})"_s
        << uR"({"spec":{"a":{"b":{"c":9,"d":2,"f":4}},"e":3}})"_s;
    QTest::newRow("object over scalar") << uR"({"a":1})"_s << uR"({"a":{"b":1}})"_s << uR"({"a":{"b":1}})"_s;
    QTest::newRow("empty patch is identity") << uR"({"a":{"b":1}})"_s << uR"({})"_s << uR"({"a":{"b":1}})"_s;
    QTest::newRow("object patch on non-object target") << uR"("text")"_s << uR"({"a":1})"_s << uR"({"a":1})"_s;
    QTest::newRow("kubectl last-applied annotation")
        << uR"({"kind":"Secret","metadata":{"name":"s","annotations":{"x":"y"}},"data":{"k":"b2xk","o":"eA=="}})"_s
        << uR"({"metadata":{"annotations":{
               "kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Secret\"}\n"}},
               "data":{"k":"dmFs"}})"_s
        << uR"({"kind":"Secret","metadata":{"name":"s","annotations":{"x":"y",
               "kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Secret\"}\n"}},
               "data":{"k":"dmFs","o":"eA=="}})"_s;
}

void TestPatch::testMergePatchNonObjectPatchReplaces_data()
{
    addColumns({ "target", "patch", "expected" });
    QTest::newRow("number") << uR"({"a":1})"_s << u"42"_s << u"42"_s;
    QTest::newRow("boolean") << uR"({"a":1})"_s << u"true"_s << u"true"_s;
    QTest::newRow("string over array") << uR"([1])"_s << uR"("s")"_s << uR"("s")"_s;
    QTest::newRow("null") << uR"([1])"_s << u"null"_s << u"null"_s;
    QTest::newRow("scalar member replaces object member")
        << uR"({"a":{"b":1}})"_s << uR"({"a":false})"_s << uR"({"a":false})"_s;
}

void TestPatch::testMergePatchArraysReplace_data()
{
    addColumns({ "target", "patch", "expected" });
    QTest::newRow("finalizers not merged")
        << uR"({"metadata":{"finalizers":["a","b"]}})"_s << uR"({"metadata":{"finalizers":["c"]}})"_s
        << uR"({"metadata":{"finalizers":["c"]}})"_s;
    QTest::newRow("objects in arrays not merged")
        << uR"({"l":[{"name":"a","v":1}]})"_s << uR"({"l":[{"name":"a"}]})"_s << uR"({"l":[{"name":"a"}]})"_s;
    QTest::newRow("empty array") << uR"({"l":[1,2]})"_s << uR"({"l":[]})"_s << uR"({"l":[]})"_s;
    QTest::newRow("directive-looking keys are plain data")
        << uR"({"l":[1]})"_s << uR"({"l":[{"$patch":"delete"}]})"_s << uR"({"l":[{"$patch":"delete"}]})"_s;
}

// ------------------------------------------------------------------------------------------------------------------
// RFC 6902
// ------------------------------------------------------------------------------------------------------------------

void TestPatch::testJsonPatchRfc6902Examples_data()
{
    addColumns({ "document", "operations", "expected" });
    QTest::newRow("A.1 add object member")
        << uR"({"foo":"bar"})"_s << uR"([{"op":"add","path":"/baz","value":"qux"}])"_s
        << uR"({"baz":"qux","foo":"bar"})"_s;
    QTest::newRow("A.2 add array element")
        << uR"({"foo":["bar","baz"]})"_s << uR"([{"op":"add","path":"/foo/1","value":"qux"}])"_s
        << uR"({"foo":["bar","qux","baz"]})"_s;
    QTest::newRow("A.3 remove object member")
        << uR"({"baz":"qux","foo":"bar"})"_s << uR"([{"op":"remove","path":"/baz"}])"_s << uR"({"foo":"bar"})"_s;
    QTest::newRow("A.4 remove array element")
        << uR"({"foo":["bar","qux","baz"]})"_s << uR"([{"op":"remove","path":"/foo/1"}])"_s
        << uR"({"foo":["bar","baz"]})"_s;
    QTest::newRow("A.5 replace value") << uR"({"baz":"qux","foo":"bar"})"_s
                                       << uR"([{"op":"replace","path":"/baz","value":"boo"}])"_s
                                       << uR"({"baz":"boo","foo":"bar"})"_s;
    QTest::newRow("A.6 move value") << uR"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})"_s
                                    << uR"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])"_s
                                    << uR"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"_s;
    QTest::newRow("A.7 move array element")
        << uR"({"foo":["all","grass","cows","eat"]})"_s << uR"([{"op":"move","from":"/foo/1","path":"/foo/3"}])"_s
        << uR"({"foo":["all","cows","eat","grass"]})"_s;
    QTest::newRow("A.8 test success") << uR"({"baz":"qux","foo":["a",2,"c"]})"_s
                                      << uR"([{"op":"test","path":"/baz","value":"qux"},
                                             {"op":"test","path":"/foo/1","value":2}])"_s
                                      << uR"({"baz":"qux","foo":["a",2,"c"]})"_s;
    QTest::newRow("A.10 add nested member object")
        << uR"({"foo":"bar"})"_s << uR"([{"op":"add","path":"/child","value":{"grandchild":{}}}])"_s
        << uR"({"foo":"bar","child":{"grandchild":{}}})"_s;
    QTest::newRow("A.11 ignore unrecognized elements")
        << uR"({"foo":"bar"})"_s << uR"([{"op":"add","path":"/baz","value":"qux","xyz":123}])"_s
        << uR"({"foo":"bar","baz":"qux"})"_s;
    QTest::newRow("A.14 ~ escape ordering")
        << uR"({"/":9,"~1":10})"_s << uR"([{"op":"test","path":"/~01","value":10}])"_s << uR"({"/":9,"~1":10})"_s;
    QTest::newRow("A.16 add array value")
        << uR"({"foo":["bar"]})"_s << uR"([{"op":"add","path":"/foo/-","value":["abc","def"]}])"_s
        << uR"({"foo":["bar",["abc","def"]]})"_s;
    QTest::newRow("operations apply in sequence")
        << uR"({"metadata":{"labels":{"x":"1"}}})"_s
        << uR"([{"op":"add","path":"/metadata/labels/y","value":"2"},{"op":"remove","path":"/metadata/labels/x"},
               {"op":"test","path":"/metadata/labels","value":{"y":"2"}}])"_s
        << uR"({"metadata":{"labels":{"y":"2"}}})"_s;
    QTest::newRow("empty patch") << uR"({"a":1})"_s << uR"([])"_s << uR"({"a":1})"_s;
}

void TestPatch::testJsonPatchRfc6902ErrorExamples_data()
{
    addColumns({ "document", "operations", "error" });
    QTest::newRow("A.9 test failure") << uR"({"baz":"qux","foo":["a",2,"c"]})"_s
                                      << uR"([{"op":"test","path":"/baz","value":"bar"}])"_s
                                      << u"testing value /baz failed"_s;
    QTest::newRow("A.12 add to nonexistent target")
        << uR"({"foo":"bar"})"_s << uR"([{"op":"add","path":"/baz/bat","value":"qux"}])"_s
        << uR"(add operation does not apply: doc is missing path: "/baz/bat")"_s;
    QTest::newRow("A.15 string is not number")
        << uR"({"/":9,"~1":10})"_s << uR"([{"op":"test","path":"/~01","value":"10"}])"_s
        << u"testing value /~01 failed"_s;
}

void TestPatch::testJsonPatchPointerEscapes_data()
{
    addColumns({ "document", "operations", "expected" });
    QTest::newRow("~1 is slash") << uR"({"a/b":1})"_s << uR"([{"op":"replace","path":"/a~1b","value":2}])"_s
                                 << uR"({"a/b":2})"_s;
    QTest::newRow("~0 is tilde") << uR"({"m~n":1})"_s << uR"([{"op":"remove","path":"/m~0n"}])"_s << uR"({})"_s;
    QTest::newRow("~01 is literal ~1") << uR"({"~1":1,"/":2})"_s << uR"([{"op":"remove","path":"/~01"}])"_s
                                       << uR"({"/":2})"_s;
    QTest::newRow("annotation key with slash")
        << uR"({"metadata":{"annotations":{}}})"_s
        << uR"([{"op":"add","path":"/metadata/annotations/example.com~1key","value":"v"}])"_s
        << uR"({"metadata":{"annotations":{"example.com/key":"v"}}})"_s;
    QTest::newRow("empty key") << uR"({"":1})"_s << uR"([{"op":"replace","path":"/","value":2}])"_s << uR"({"":2})"_s;
    QTest::newRow("key with space") << uR"({" ":1})"_s << uR"([{"op":"test","path":"/ ","value":1}])"_s
                                    << uR"({" ":1})"_s;
    QTest::newRow("numeric key in object")
        << uR"({"0":"x"})"_s << uR"([{"op":"replace","path":"/0","value":"y"}])"_s << uR"({"0":"y"})"_s;
}

void TestPatch::testJsonPatchArrayIndices_data()
{
    addColumns({ "document", "operations", "expected" });
    QTest::newRow("dash appends") << uR"({"l":[1,2]})"_s << uR"([{"op":"add","path":"/l/-","value":3}])"_s
                                  << uR"({"l":[1,2,3]})"_s;
    QTest::newRow("index equal to size appends")
        << uR"({"l":[1,2]})"_s << uR"([{"op":"add","path":"/l/2","value":3}])"_s << uR"({"l":[1,2,3]})"_s;
    QTest::newRow("insert at front") << uR"({"l":[1,2]})"_s << uR"([{"op":"add","path":"/l/0","value":0}])"_s
                                     << uR"({"l":[0,1,2]})"_s;
    QTest::newRow("append to empty array")
        << uR"({"l":[]})"_s << uR"([{"op":"add","path":"/l/0","value":"x"}])"_s << uR"({"l":["x"]})"_s;
    QTest::newRow("replace last") << uR"({"l":[1,2]})"_s << uR"([{"op":"replace","path":"/l/1","value":9}])"_s
                                  << uR"({"l":[1,9]})"_s;
    QTest::newRow("remove first") << uR"({"l":[1,2]})"_s << uR"([{"op":"remove","path":"/l/0"}])"_s
                                  << uR"({"l":[2]})"_s;
    QTest::newRow("nested through array") << uR"({"spec":{"containers":[{"name":"a","image":"x"}]}})"_s
                                          << uR"([{"op":"replace","path":"/spec/containers/0/image","value":"y"}])"_s
                                          << uR"({"spec":{"containers":[{"name":"a","image":"y"}]}})"_s;
    QTest::newRow("root array") << uR"([1])"_s << uR"([{"op":"add","path":"/-","value":2}])"_s << uR"([1,2])"_s;
}

void TestPatch::testJsonPatchArrayIndexOutOfBounds_data()
{
    addColumns({ "document", "operations", "error" });
    const QString doc = uR"({"l":[1,2]})"_s;
    QTest::newRow("add beyond size") << doc << uR"([{"op":"add","path":"/l/3","value":0}])"_s
                                     << uR"(add operation does not apply: doc is missing path: "/l/3")"_s;
    QTest::newRow("replace at size") << doc << uR"([{"op":"replace","path":"/l/2","value":0}])"_s
                                     << uR"(replace operation does not apply: doc is missing path: "/l/2")"_s;
    QTest::newRow("remove at size") << doc << uR"([{"op":"remove","path":"/l/2"}])"_s
                                    << uR"(remove operation does not apply: doc is missing path: "/l/2")"_s;
    QTest::newRow("remove dash") << doc << uR"([{"op":"remove","path":"/l/-"}])"_s
                                 << uR"(remove operation does not apply: doc is missing path: "/l/-")"_s;
    QTest::newRow("replace dash") << doc << uR"([{"op":"replace","path":"/l/-","value":0}])"_s
                                  << uR"(replace operation does not apply)"_s;
    QTest::newRow("leading zero") << doc << uR"([{"op":"replace","path":"/l/01","value":0}])"_s
                                  << uR"(replace operation does not apply: doc is missing path: "/l/01")"_s;
    QTest::newRow("negative index") << doc << uR"([{"op":"add","path":"/l/-1","value":0}])"_s
                                    << uR"(add operation does not apply)"_s;
    QTest::newRow("non-numeric index") << doc << uR"([{"op":"add","path":"/l/x","value":0}])"_s
                                       << uR"(add operation does not apply)"_s;
    QTest::newRow("test beyond size") << doc << uR"([{"op":"test","path":"/l/5","value":1}])"_s
                                      << u"testing value /l/5 failed"_s;
    QTest::newRow("dash inside path") << doc << uR"([{"op":"add","path":"/l/-/x","value":0}])"_s
                                      << uR"(add operation does not apply)"_s;
}

void TestPatch::testJsonPatchTestOpComparesDeeply_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("passes");
    const QString doc = uR"({"o":{"a":1,"b":[1,{"c":"d"}]},"n":1,"s":"1","z":null,"l":[1,2],"t":true})"_s;
    QTest::newRow("object key order irrelevant") << doc << u"/o"_s << uR"({"b":[1,{"c":"d"}],"a":1})"_s << true;
    QTest::newRow("object extra key") << doc << u"/o"_s << uR"({"a":1,"b":[1,{"c":"d"}],"x":0})"_s << false;
    QTest::newRow("object missing key") << doc << u"/o"_s << uR"({"a":1})"_s << false;
    QTest::newRow("nested value differs") << doc << u"/o"_s << uR"({"a":1,"b":[1,{"c":"e"}]})"_s << false;
    QTest::newRow("array order matters") << doc << u"/l"_s << uR"([2,1])"_s << false;
    QTest::newRow("array length matters") << doc << u"/l"_s << uR"([1,2,3])"_s << false;
    QTest::newRow("1 equals 1.0") << doc << u"/n"_s << u"1.0"_s << true;
    QTest::newRow("number is not string") << doc << u"/n"_s << uR"("1")"_s << false;
    QTest::newRow("string is not number") << doc << u"/s"_s << u"1"_s << false;
    QTest::newRow("null equals null") << doc << u"/z"_s << u"null"_s << true;
    QTest::newRow("null is not false") << doc << u"/z"_s << u"false"_s << false;
    QTest::newRow("bool") << doc << u"/t"_s << u"true"_s << true;
    QTest::newRow("missing path is not null") << doc << u"/missing"_s << u"null"_s << false;
    QTest::newRow("whole document") << doc << QString() << doc << true;
}

void TestPatch::testJsonPatchTestOpComparesDeeply()
{
    QFETCH(QString, document);
    QFETCH(QString, path);
    QFETCH(QString, value);
    QFETCH(bool, passes);
    const QJsonArray operations { QJsonObject {
        { u"op"_s, u"test"_s }, { u"path"_s, path }, { u"value"_s, json(value) } } };
    QString error;
    const auto result = apiserver::applyJsonPatch(json(document), operations, &error);
    QCOMPARE(result.has_value(), passes);
    QCOMPARE(error, passes ? QString() : u"testing value %1 failed"_s.arg(path));
}

void TestPatch::testJsonPatchTestOpFailureLeavesDocument()
{
    const QJsonValue document = json(uR"({"data":{"a":"1","b":"2"}})"_s);
    const QJsonValue copy = document;
    const QJsonArray operations = json(uR"([{"op":"replace","path":"/data/b","value":"changed"},
                                           {"op":"remove","path":"/data/a"},
                                           {"op":"test","path":"/data/a","value":"1"}])"_s)
                                      .toArray();
    QString error;
    const auto result = apiserver::applyJsonPatch(document, operations, &error);
    QVERIFY(!result);
    QCOMPARE(error, u"testing value /data/a failed"_s);
    QCOMPARE(canon(document), canon(copy));
    QCOMPARE(canon(document), canon(json(uR"({"data":{"a":"1","b":"2"}})"_s)));
}

void TestPatch::testJsonPatchMoveAndCopy_data()
{
    addColumns({ "document", "operations", "expected" });
    QTest::newRow("move renames member") << uR"({"a":1,"b":2})"_s << uR"([{"op":"move","from":"/a","path":"/c"}])"_s
                                         << uR"({"b":2,"c":1})"_s;
    QTest::newRow("move replaces target member")
        << uR"({"a":1,"b":2})"_s << uR"([{"op":"move","from":"/a","path":"/b"}])"_s << uR"({"b":1})"_s;
    QTest::newRow("move onto itself") << uR"({"a":{"b":1}})"_s << uR"([{"op":"move","from":"/a","path":"/a"}])"_s
                                      << uR"({"a":{"b":1}})"_s;
    QTest::newRow("move into array") << uR"({"a":1,"l":[0]})"_s << uR"([{"op":"move","from":"/a","path":"/l/-"}])"_s
                                     << uR"({"l":[0,1]})"_s;
    QTest::newRow("move array element backwards")
        << uR"({"l":[1,2,3]})"_s << uR"([{"op":"move","from":"/l/2","path":"/l/0"}])"_s << uR"({"l":[3,1,2]})"_s;
    QTest::newRow("copy subtree") << uR"({"a":{"b":[1]}})"_s << uR"([{"op":"copy","from":"/a","path":"/c"}])"_s
                                  << uR"({"a":{"b":[1]},"c":{"b":[1]}})"_s;
    QTest::newRow("copy is deep")
        << uR"({"a":{"b":1}})"_s
        << uR"([{"op":"copy","from":"/a","path":"/c"},{"op":"replace","path":"/c/b","value":2}])"_s
        << uR"({"a":{"b":1},"c":{"b":2}})"_s;
    QTest::newRow("copy into own child") << uR"({"a":{"b":1}})"_s << uR"([{"op":"copy","from":"/a","path":"/a/c"}])"_s
                                         << uR"({"a":{"b":1,"c":{"b":1}}})"_s;
    QTest::newRow("copy array element") << uR"({"l":["x","y"]})"_s
                                        << uR"([{"op":"copy","from":"/l/0","path":"/l/-"}])"_s
                                        << uR"({"l":["x","y","x"]})"_s;
}

void TestPatch::testJsonPatchRootPointer_data()
{
    addColumns({ "document", "operations", "expected" });
    QTest::newRow("replace root") << uR"({"a":1})"_s << uR"([{"op":"replace","path":"","value":[1]}])"_s << uR"([1])"_s;
    QTest::newRow("add root") << uR"({"a":1})"_s << uR"([{"op":"add","path":"","value":{"b":2}}])"_s << uR"({"b":2})"_s;
    QTest::newRow("test root") << uR"({"a":1})"_s << uR"([{"op":"test","path":"","value":{"a":1}}])"_s
                               << uR"({"a":1})"_s;
    QTest::newRow("copy root into member")
        << uR"({"a":1})"_s << uR"([{"op":"copy","from":"","path":"/b"}])"_s << uR"({"a":1,"b":{"a":1}})"_s;
    QTest::newRow("move member to root") << uR"({"a":{"b":1}})"_s << uR"([{"op":"move","from":"/a","path":""}])"_s
                                         << uR"({"b":1})"_s;
}

void TestPatch::testJsonPatchErrorMessages_data()
{
    addColumns({ "document", "operations", "error" });
    const QString doc = uR"({"metadata":{"labels":{"a":"1"}},"data":{"a":"1"},"s":"text"})"_s;
    QTest::newRow("replace missing key")
        << doc << uR"([{"op":"replace","path":"/metadata/labels/x","value":"y"}])"_s
        << uR"(replace operation does not apply: doc is missing path: "/metadata/labels/x")"_s;
    QTest::newRow("remove missing key") << doc << uR"([{"op":"remove","path":"/data/zz"}])"_s
                                        << uR"(remove operation does not apply: doc is missing path: "/data/zz")"_s;
    QTest::newRow("add under missing parent") << doc << uR"([{"op":"add","path":"/spec/x","value":1}])"_s
                                              << uR"(add operation does not apply: doc is missing path: "/spec/x")"_s;
    QTest::newRow("path through scalar") << doc << uR"([{"op":"add","path":"/s/x","value":1}])"_s
                                         << uR"(add operation does not apply: doc is missing path: "/s/x")"_s;
    QTest::newRow("remove root") << doc << uR"([{"op":"remove","path":""}])"_s
                                 << uR"(remove operation does not apply: doc is missing path: "")"_s;
    QTest::newRow("move missing from") << doc << uR"([{"op":"move","from":"/nope","path":"/x"}])"_s
                                       << uR"(move operation does not apply: doc is missing from path: "/nope")"_s;
    QTest::newRow("copy missing from") << doc << uR"([{"op":"copy","from":"/nope","path":"/x"}])"_s
                                       << uR"(copy operation does not apply: doc is missing from path: "/nope")"_s;
    QTest::newRow("copy to missing parent") << doc << uR"([{"op":"copy","from":"/s","path":"/x/y"}])"_s
                                            << uR"(copy operation does not apply: doc is missing path: "/x/y")"_s;
    QTest::newRow("move into own child") << doc << uR"([{"op":"move","from":"/data","path":"/data/b"}])"_s
                                         << uR"(move operation does not apply: "from" /data is a prefix of "path")"_s;
    QTest::newRow("test failure") << doc << uR"([{"op":"test","path":"/data/a","value":"2"}])"_s
                                  << u"testing value /data/a failed"_s;
    QTest::newRow("unknown op") << doc << uR"([{"op":"frobnicate","path":"/a"}])"_s
                                << uR"(unknown operation "frobnicate")"_s;
    QTest::newRow("missing op") << doc << uR"([{"path":"/a"}])"_s << uR"(operation is missing "op")"_s;
    QTest::newRow("non-string op") << doc << uR"([{"op":1,"path":"/a"}])"_s << uR"(operation is missing "op")"_s;
    QTest::newRow("missing path") << doc << uR"([{"op":"remove"}])"_s << uR"(remove operation is missing "path")"_s;
    QTest::newRow("missing value") << doc << uR"([{"op":"add","path":"/x"}])"_s
                                   << uR"(add operation is missing "value")"_s;
    QTest::newRow("missing value for test")
        << doc << uR"([{"op":"test","path":"/s"}])"_s << uR"(test operation is missing "value")"_s;
    QTest::newRow("missing from") << doc << uR"([{"op":"move","path":"/x"}])"_s
                                  << uR"(move operation is missing "from")"_s;
    QTest::newRow("operation not an object") << doc << uR"(["add"])"_s << uR"(operation 0 is not an object)"_s;
    QTest::newRow("pointer without slash") << doc << uR"([{"op":"remove","path":"data"}])"_s
                                           << uR"(remove operation has an invalid JSON pointer: "data")"_s;
    QTest::newRow("invalid escape") << doc << uR"([{"op":"remove","path":"/a~2b"}])"_s
                                    << uR"(invalid JSON pointer: "/a~2b")"_s;
    QTest::newRow("dangling tilde") << doc << uR"([{"op":"remove","path":"/a~"}])"_s
                                    << uR"(invalid JSON pointer: "/a~")"_s;
    QTest::newRow("invalid from pointer") << doc << uR"([{"op":"copy","from":"x","path":"/y"}])"_s
                                          << uR"(copy operation has an invalid JSON pointer: "x")"_s;
    QTest::newRow("second operation fails")
        << doc << uR"([{"op":"add","path":"/x","value":1},{"op":"remove","path":"/y"}])"_s
        << uR"(remove operation does not apply: doc is missing path: "/y")"_s;
}

void TestPatch::testJsonPatchWithoutErrorPointer()
{
    const QJsonValue document = json(uR"({"a":1})"_s);
    QVERIFY(!apiserver::applyJsonPatch(document, json(uR"([{"op":"remove","path":"/b"}])"_s).toArray()));
    const auto result = apiserver::applyJsonPatch(document, json(uR"([{"op":"remove","path":"/a"}])"_s).toArray());
    QVERIFY(result);
    QCOMPARE(canon(*result), canon(json(uR"({})"_s)));
}

// ------------------------------------------------------------------------------------------------------------------
// Strategic merge patch
// ------------------------------------------------------------------------------------------------------------------

void TestPatch::testObjectMetaPatchSchema()
{
    const PatchSchema schema = apiserver::objectMetaPatchSchema();
    QCOMPARE(schema.size(), 2);
    QCOMPARE(schema.value(u"metadata.finalizers"_s).kind, ListStrategy::Kind::MergePrimitive);
    QCOMPARE(schema.value(u"metadata.ownerReferences"_s).kind, ListStrategy::Kind::MergeByKey);
    QCOMPARE(schema.value(u"metadata.ownerReferences"_s).mergeKey, u"uid"_s);
    QCOMPARE(schema.value(u"metadata.managedFields"_s).kind, ListStrategy::Kind::Replace);

    const auto result = apiserver::applyStrategicMergePatch(
        json(uR"({"metadata":{"managedFields":[{"manager":"a"}],"finalizers":["x"]}})"_s).toObject(),
        json(uR"({"metadata":{"managedFields":[{"manager":"b"}],"finalizers":["y"]}})"_s).toObject(), schema);
    QVERIFY(result);
    QCOMPARE(
        canon(*result), canon(json(uR"({"metadata":{"managedFields":[{"manager":"b"}],"finalizers":["y","x"]}})"_s)));
}

void TestPatch::testStrategicMapsMergeRecursively_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("add field") << uR"({"name":1})"_s << uR"({"value":1})"_s << uR"({"name":1,"value":1})"_s;
    QTest::newRow("change field") << uR"({"name":1,"value":1})"_s << uR"({"value":2})"_s
                                  << uR"({"name":1,"value":2})"_s;
    QTest::newRow("nested maps merge") << uR"({"metadata":{"labels":{"a":"1"},"name":"n"}})"_s
                                       << uR"({"metadata":{"labels":{"b":"2"}}})"_s
                                       << uR"({"metadata":{"labels":{"a":"1","b":"2"},"name":"n"}})"_s;
    QTest::newRow("map replaces scalar") << uR"({"a":"x"})"_s << uR"({"a":{"b":1}})"_s << uR"({"a":{"b":1}})"_s;
    QTest::newRow("scalar replaces map") << uR"({"a":{"b":1}})"_s << uR"({"a":"x"})"_s << uR"({"a":"x"})"_s;
    QTest::newRow("list replaces map") << uR"({"a":{"b":1}})"_s << uR"({"a":[1]})"_s << uR"({"a":[1]})"_s;
    QTest::newRow("new map drops nulls") << uR"({})"_s << uR"({"a":{"b":null,"c":{"d":null,"e":1}}})"_s
                                         << uR"({"a":{"c":{"e":1}}})"_s;
    QTest::newRow("empty patch") << uR"({"a":{"b":[1]}})"_s << uR"({})"_s << uR"({"a":{"b":[1]}})"_s;
    QTest::newRow("empty original") << uR"({})"_s << uR"({"a":{"b":[1]}})"_s << uR"({"a":{"b":[1]}})"_s;
    QTest::newRow("empty map merges nothing") << uR"({"a":{"b":1}})"_s << uR"({"a":{}})"_s << uR"({"a":{"b":1}})"_s;
}

void TestPatch::testStrategicNullDeletes_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("delete field") << uR"({"name":1,"value":1})"_s << uR"({"value":null})"_s << uR"({"name":1})"_s;
    QTest::newRow("delete nested field") << uR"({"simpleMap":{"key1":1,"key2":1}})"_s
                                         << uR"({"simpleMap":{"key2":null}})"_s << uR"({"simpleMap":{"key1":1}})"_s;
    QTest::newRow("delete all fields") << uR"({"name":1,"value":1})"_s << uR"({"name":null,"value":null})"_s
                                       << uR"({})"_s;
    QTest::newRow("unmatched null ignored")
        << uR"({"name":2})"_s << uR"({"name":1,"value":1,"other":null})"_s << uR"({"name":1,"value":1})"_s;
    QTest::newRow("delete merging list") << uR"({"metadata":{"finalizers":["a"],"name":"n"}})"_s
                                         << uR"({"metadata":{"finalizers":null}})"_s
                                         << uR"({"metadata":{"name":"n"}})"_s;
    QTest::newRow("null inside keyed list item")
        << uR"({"mergingList":[{"name":"a","value":"x","other":"y"}]})"_s
        << uR"({"mergingList":[{"name":"a","value":null}]})"_s << uR"({"mergingList":[{"name":"a","other":"y"}]})"_s;
}

void TestPatch::testStrategicUnknownListsReplace_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("scalar list") << uR"({"nonMergingIntList":[1,2]})"_s << uR"({"nonMergingIntList":[2,3]})"_s
                                 << uR"({"nonMergingIntList":[2,3]})"_s;
    QTest::newRow("list of maps") << uR"({"spec":{"rules":[{"host":"a"},{"host":"b"}]}})"_s
                                  << uR"({"spec":{"rules":[{"host":"c"}]}})"_s
                                  << uR"({"spec":{"rules":[{"host":"c"}]}})"_s;
    QTest::newRow("managedFields") << uR"({"metadata":{"managedFields":[{"manager":"a"},{"manager":"b"}]}})"_s
                                   << uR"({"metadata":{"managedFields":[{"manager":"c"}]}})"_s
                                   << uR"({"metadata":{"managedFields":[{"manager":"c"}]}})"_s;
    QTest::newRow("indexless path: nested unknown list")
        << uR"({"spec":{"template":{"spec":{"containers":[{"name":"a","args":["x","y"]}]}}}})"_s
        << uR"({"spec":{"template":{"spec":{"containers":[{"name":"a","args":["z"]}]}}}})"_s
        << uR"({"spec":{"template":{"spec":{"containers":[{"name":"a","args":["z"]}]}}}})"_s;
    QTest::newRow("empty list") << uR"({"l":[1]})"_s << uR"({"l":[]})"_s << uR"({"l":[]})"_s;
    QTest::newRow("directive items dropped from replacement")
        << uR"({"l":[{"a":1}]})"_s << uR"({"l":[{"b":2},{"$patch":"delete","a":1},{"c":{"d":null}}]})"_s
        << uR"({"l":[{"b":2},{"c":{}}]})"_s;
}

void TestPatch::testStrategicOwnerReferencesByUid_data()
{
    addColumns({ "original", "patch", "expected" });
    const QString refs
        = uR"({"metadata":{"ownerReferences":[{"uid":"a","name":"x","kind":"K"},{"uid":"b","name":"y"}]}})"_s;
    QTest::newRow("same uid merges") << refs << uR"({"metadata":{"ownerReferences":[{"uid":"a","name":"z"}]}})"_s
                                     << uR"({"metadata":{"ownerReferences":[{"uid":"a","name":"z","kind":"K"},
                                            {"uid":"b","name":"y"}]}})"_s;
    // Without $setElementOrder apimachinery places items new to the list before the remaining live ones.
    QTest::newRow("new uid added") << refs << uR"({"metadata":{"ownerReferences":[{"uid":"c","name":"w"}]}})"_s
                                   << uR"({"metadata":{"ownerReferences":[{"uid":"c","name":"w"},
                                          {"uid":"a","name":"x","kind":"K"},{"uid":"b","name":"y"}]}})"_s;
    QTest::newRow("delete by uid") << refs << uR"({"metadata":{"ownerReferences":[{"$patch":"delete","uid":"a"}]}})"_s
                                   << uR"({"metadata":{"ownerReferences":[{"uid":"b","name":"y"}]}})"_s;
    QTest::newRow("delete unknown uid is a no-op")
        << refs << uR"({"metadata":{"ownerReferences":[{"$patch":"delete","uid":"zz"}]}})"_s << refs;
    QTest::newRow("delete and add")
        << refs << uR"({"metadata":{"ownerReferences":[{"$patch":"delete","uid":"a"},{"uid":"c"}]}})"_s
        << uR"({"metadata":{"ownerReferences":[{"uid":"c"},{"uid":"b","name":"y"}]}})"_s;
    QTest::newRow("patch order wins for mentioned items")
        << uR"({"metadata":{"ownerReferences":[{"uid":"a"},{"uid":"b"},{"uid":"c"}]}})"_s
        << uR"({"metadata":{"ownerReferences":[{"uid":"c","x":1},{"uid":"a","x":2}]}})"_s
        << uR"({"metadata":{"ownerReferences":[{"uid":"b"},{"uid":"c","x":1},{"uid":"a","x":2}]}})"_s;
    QTest::newRow("list absent in original")
        << uR"({"metadata":{"name":"n"}})"_s << uR"({"metadata":{"ownerReferences":[{"uid":"a","controller":true}]}})"_s
        << uR"({"metadata":{"name":"n","ownerReferences":[{"uid":"a","controller":true}]}})"_s;
    QTest::newRow("replace whole list") << refs
                                        << uR"({"metadata":{"ownerReferences":[{"$patch":"replace"},{"uid":"c"}]}})"_s
                                        << uR"({"metadata":{"ownerReferences":[{"uid":"c"}]}})"_s;
    QTest::newRow("empty patch list keeps items") << refs << uR"({"metadata":{"ownerReferences":[]}})"_s << refs;
    QTest::newRow("duplicate patch items merge")
        << uR"({"metadata":{"ownerReferences":[]}})"_s
        << uR"({"metadata":{"ownerReferences":[{"uid":"a","x":1},{"uid":"a","y":2}]}})"_s
        << uR"({"metadata":{"ownerReferences":[{"uid":"a","x":1,"y":2}]}})"_s;
}

void TestPatch::testStrategicNestedMergeKeys_data()
{
    addColumns({ "original", "patch", "expected" });
    const auto pod = [](const QString& containers) {
        return uR"({"spec":{"template":{"spec":{"containers":%1}}}})"_s.arg(containers);
    };
    const QString env = uR"("env":[{"name":"A","value":"1"},{"name":"B","value":"2"}])"_s;
    const QString side = uR"({"name":"side","image":"s:1"})"_s;
    const QString deployment = pod(
        uR"([{"name":"app","image":"a:1","ports":[{"containerPort":80,"protocol":"TCP"}],%1},%2])"_s.arg(env, side));
    QTest::newRow("merge container and port")
        << deployment << pod(uR"([{"name":"app","image":"a:2","ports":[{"containerPort":80,"name":"http"}]}])"_s)
        << pod(uR"([{"name":"app","image":"a:2","ports":[{"containerPort":80,"protocol":"TCP","name":"http"}],%1},
                   %2])"_s.arg(env, side));
    QTest::newRow("add port") << deployment << pod(uR"([{"name":"app","ports":[{"containerPort":443}]}])"_s)
                              << pod(uR"([{"name":"app","image":"a:1",
                                     "ports":[{"containerPort":443},{"containerPort":80,"protocol":"TCP"}],%1},
                                     %2])"_s.arg(env, side));
    QTest::newRow("add container") << deployment
                                   << pod(uR"([{"name":"new","image":"n","ports":[{"containerPort":9}]}])"_s)
                                   << pod(uR"([{"name":"new","image":"n","ports":[{"containerPort":9}]},
                   {"name":"app","image":"a:1","ports":[{"containerPort":80,"protocol":"TCP"}],%1},%2])"_s.arg(
                                          env, side));
    QTest::newRow("delete container") << deployment << pod(uR"([{"$patch":"delete","name":"side"}])"_s)
                                      << pod(uR"([{"name":"app","image":"a:1",
                                             "ports":[{"containerPort":80,"protocol":"TCP"}],%1}])"_s.arg(env));
    QTest::newRow("delete env var in container")
        << deployment << pod(uR"([{"name":"app","env":[{"$patch":"delete","name":"A"}]}])"_s)
        << pod(uR"([{"name":"app","image":"a:1","ports":[{"containerPort":80,"protocol":"TCP"}],
                   "env":[{"name":"B","value":"2"}]},%1])"_s.arg(side));
}

void TestPatch::testStrategicMergePrimitiveUnion_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("unique scalars") << uR"({"mergingIntList":[1,2]})"_s << uR"({"mergingIntList":[2,3]})"_s
                                    << uR"({"mergingIntList":[1,2,3]})"_s;
    // apimachinery puts values new to the list ahead of the live values they cannot be ordered against.
    QTest::newRow("new finalizer") << uR"({"metadata":{"finalizers":["a"]}})"_s
                                   << uR"({"metadata":{"finalizers":["b"]}})"_s
                                   << uR"({"metadata":{"finalizers":["b","a"]}})"_s;
    QTest::newRow("existing finalizer is not duplicated")
        << uR"({"metadata":{"finalizers":["a","b"]}})"_s << uR"({"metadata":{"finalizers":["a"]}})"_s
        << uR"({"metadata":{"finalizers":["a","b"]}})"_s;
    QTest::newRow("patch order preserved") << uR"({"mergingIntList":[1,2,3]})"_s << uR"({"mergingIntList":[3,1,2]})"_s
                                           << uR"({"mergingIntList":[3,1,2]})"_s;
    QTest::newRow("patch order interleaved with live order")
        << uR"({"mergingIntList":[1,2,3]})"_s << uR"({"mergingIntList":[3,1]})"_s << uR"({"mergingIntList":[2,3,1]})"_s;
    QTest::newRow("duplicates collapse") << uR"({"mergingIntList":[1,1,2]})"_s << uR"({"mergingIntList":[3,3]})"_s
                                         << uR"({"mergingIntList":[3,1,2]})"_s;
    QTest::newRow("empty lists") << uR"({"mergingIntList":[]})"_s << uR"({"mergingIntList":[]})"_s
                                 << uR"({"mergingIntList":[]})"_s;
    QTest::newRow("absent list") << uR"({"metadata":{}})"_s << uR"({"metadata":{"finalizers":["a"]}})"_s
                                 << uR"({"metadata":{"finalizers":["a"]}})"_s;
    QTest::newRow("strings") << uR"({"metadata":{"finalizers":["x/a","x/b"]}})"_s
                             << uR"({"metadata":{"finalizers":["x/b","x/c"]}})"_s
                             << uR"({"metadata":{"finalizers":["x/a","x/b","x/c"]}})"_s;
}

void TestPatch::testStrategicPatchReplaceDirective_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("replace nested map") << uR"({"spec":{"selector":{"a":"1","b":"2"},"x":1}})"_s
                                        << uR"({"spec":{"selector":{"$patch":"replace","c":"3"}}})"_s
                                        << uR"({"spec":{"selector":{"c":"3"},"x":1}})"_s;
    QTest::newRow("delete all keys from map")
        << uR"({"name":1,"value":1})"_s << uR"({"$patch":"replace"})"_s << uR"({})"_s;
    QTest::newRow("add key and delete all keys")
        << uR"({"name":1,"value":1})"_s << uR"({"other":"a","$patch":"replace"})"_s << uR"({"other":"a"})"_s;
    QTest::newRow("replace absent map") << uR"({})"_s << uR"({"spec":{"$patch":"replace","x":1}})"_s
                                        << uR"({"spec":{"x":1}})"_s;
    QTest::newRow("replacement drops nulls")
        << uR"({"m":{"a":1}})"_s << uR"({"m":{"$patch":"replace","b":null,"c":2}})"_s << uR"({"m":{"c":2}})"_s;
    QTest::newRow("delete all items from merging list")
        << uR"({"mergingList":[{"name":1},{"name":2}]})"_s << uR"({"mergingList":[{"$patch":"replace"}]})"_s
        << uR"({"mergingList":[]})"_s;
    QTest::newRow("replace merging list with items")
        << uR"({"mergingList":[{"name":1,"value":"a"},{"name":2}]})"_s
        << uR"({"mergingList":[{"name":3},{"name":1},{"$patch":"replace"}]})"_s
        << uR"({"mergingList":[{"name":3},{"name":1}]})"_s;
    QTest::newRow("explicit merge directive")
        << uR"({"m":{"a":1}})"_s << uR"({"m":{"$patch":"merge","b":2}})"_s << uR"({"m":{"a":1,"b":2}})"_s;
}

void TestPatch::testStrategicPatchDeleteDirective_data()
{
    addColumns({ "original", "patch", "expected" });
    // apimachinery empties a map that exists and drops one that does not.
    QTest::newRow("delete existing map") << uR"({"simpleMap":{"key1":1,"key2":1},"a":1})"_s
                                         << uR"({"simpleMap":{"$patch":"delete"}})"_s << uR"({"simpleMap":{},"a":1})"_s;
    QTest::newRow("delete absent map") << uR"({"a":1})"_s << uR"({"simpleMap":{"$patch":"delete"}})"_s
                                       << uR"({"a":1})"_s;
    QTest::newRow("delete map over scalar") << uR"({"m":"x"})"_s << uR"({"m":{"$patch":"delete"}})"_s << uR"({})"_s;
    QTest::newRow("delete whole object") << uR"({"a":1,"b":{"c":2}})"_s << uR"({"$patch":"delete"})"_s << uR"({})"_s;
    QTest::newRow("delete all duplicate entries")
        << uR"({"mergingList":[{"name":1},{"name":1},{"name":2,"value":"a"},
                                                         {"name":3},{"name":3}]})"_s
        << uR"({"mergingList":[{"name":1,"$patch":"delete"},{"name":3,"$patch":"delete"}]})"_s
        << uR"({"mergingList":[{"name":2,"value":"a"}]})"_s;
    QTest::newRow("delete all maps")
        << uR"({"mergingList":[{"name":1},{"name":2}]})"_s
        << uR"({"mergingList":[{"name":1,"$patch":"delete"},{"name":2,"$patch":"delete"}]})"_s
        << uR"({"mergingList":[]})"_s;
    QTest::newRow("delete item of absent list")
        << uR"({"name":"hi"})"_s << uR"({"mergingList":[{"name":"hello"},{"$patch":"delete","name":"doesntexist"}]})"_s
        << uR"({"name":"hi","mergingList":[{"name":"hello"}]})"_s;
}

void TestPatch::testStrategicRetainKeys_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("deployment strategy switch")
        << uR"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},"replicas":2}})"_s
        << uR"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})"_s
        << uR"({"spec":{"strategy":{"type":"Recreate"},"replicas":2}})"_s;
    QTest::newRow("retained keys keep values")
        << uR"({"m":{"a":1,"b":2,"c":3}})"_s << uR"({"m":{"$retainKeys":["a","b"],"b":5}})"_s
        << uR"({"m":{"a":1,"b":5}})"_s;
    QTest::newRow("nulls and parallel lists need not be retained")
        << uR"({"m":{"a":1,"b":2,"l":[1,2]}})"_s
        << uR"({"m":{"$retainKeys":["l"],"b":null,"$deleteFromPrimitiveList/l":[1],"$setElementOrder/l":[2]}})"_s
        << uR"({"m":{"l":[2]}})"_s;
    QTest::newRow("empty list clears the map")
        << uR"({"m":{"a":1}})"_s << uR"({"m":{"$retainKeys":[]}})"_s << uR"({"m":{}})"_s;
    QTest::newRow("at the root") << uR"({"a":1,"b":2})"_s << uR"({"$retainKeys":["b"]})"_s << uR"({"b":2})"_s;
    QTest::newRow("inside keyed list item") << uR"({"mergingList":[{"name":"a","x":1,"y":2}]})"_s
                                            << uR"({"mergingList":[{"name":"a","$retainKeys":["name","y"],"y":3}]})"_s
                                            << uR"({"mergingList":[{"name":"a","y":3}]})"_s;
}

void TestPatch::testStrategicDeleteFromPrimitiveList_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("delete finalizer") << uR"({"metadata":{"finalizers":["a","b","c"]}})"_s
                                      << uR"({"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}})"_s
                                      << uR"({"metadata":{"finalizers":["a","c"]}})"_s;
    QTest::newRow("nonexistent item not added")
        << uR"({"mergingIntList":[1,2]})"_s << uR"({"$deleteFromPrimitiveList/mergingIntList":[3]})"_s
        << uR"({"mergingIntList":[1,2]})"_s;
    QTest::newRow("empty list") << uR"({"mergingIntList":[]})"_s
                                << uR"({"$deleteFromPrimitiveList/mergingIntList":[3]})"_s
                                << uR"({"mergingIntList":[]})"_s;
    QTest::newRow("absent list not created")
        << uR"({"foo":["bar"]})"_s << uR"({"$deleteFromPrimitiveList/mergingIntList":[3]})"_s
        << uR"({"foo":["bar"]})"_s;
    QTest::newRow("list without merge strategy")
        << uR"({"nonMergingIntList":[1,2,3]})"_s << uR"({"$deleteFromPrimitiveList/nonMergingIntList":[2]})"_s
        << uR"({"nonMergingIntList":[1,3]})"_s;
    QTest::newRow("all duplicates") << uR"({"mergingIntList":[1,2,3,3]})"_s
                                    << uR"({"$deleteFromPrimitiveList/mergingIntList":[3]})"_s
                                    << uR"({"mergingIntList":[1,2]})"_s;
    QTest::newRow("with additions")
        << uR"({"metadata":{"finalizers":["a","b"]}})"_s
        << uR"({"metadata":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"]}})"_s
        << uR"({"metadata":{"finalizers":["c","b"]}})"_s;
    QTest::newRow("empty deletion list") << uR"({"mergingIntList":[1]})"_s
                                         << uR"({"$deleteFromPrimitiveList/mergingIntList":[]})"_s
                                         << uR"({"mergingIntList":[1]})"_s;
}

void TestPatch::testStrategicSetElementOrder_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("kubectl finalizer removal")
        << uR"({"metadata":{"finalizers":["a/b","example.com/f"]}})"_s
        << uR"({"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/f"],
               "$setElementOrder/finalizers":["a/b"]}})"_s
        << uR"({"metadata":{"finalizers":["a/b"]}})"_s;
    QTest::newRow("reorder primitives") << uR"({"mergingIntList":[1,2,3]})"_s
                                        << uR"({"$setElementOrder/mergingIntList":[3,2,1]})"_s
                                        << uR"({"mergingIntList":[3,2,1]})"_s;
    QTest::newRow("delete items in lists of scalars")
        << uR"({"mergingIntList":[1,2,3,4]})"_s << uR"({"$setElementOrder/mergingIntList":[1,2],
                                                             "$deleteFromPrimitiveList/mergingIntList":[3]})"_s
        << uR"({"mergingIntList":[1,2,4]})"_s;
    QTest::newRow("add and delete items in lists of scalars")
        << uR"({"mergingIntList":[1,2,3,4]})"_s
        << uR"({"$setElementOrder/mergingIntList":[1,2,4],"$deleteFromPrimitiveList/mergingIntList":[3],
               "mergingIntList":[4]})"_s
        << uR"({"mergingIntList":[1,2,4]})"_s;
    QTest::newRow("merge lists of maps")
        << uR"({"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]})"_s
        << uR"({"$setElementOrder/mergingList":[{"name":4},{"name":1},{"name":2},{"name":3}],
                                                "mergingList":[{"name":4,"value":4},{"name":3,"value":3}]})"_s
        << uR"({"mergingList":[{"name":4,"value":4},{"name":1,"other":"a"},
                                                {"name":2,"value":2,"other":"b"},{"name":3,"value":3}]})"_s;
    QTest::newRow("new owner reference placed by order")
        << uR"({"metadata":{"ownerReferences":[{"uid":"a"},{"uid":"b"}]}})"_s
        << uR"({"metadata":{"$setElementOrder/ownerReferences":[{"uid":"a"},{"uid":"b"},{"uid":"c"}],
               "ownerReferences":[{"uid":"c"}]}})"_s
        << uR"({"metadata":{"ownerReferences":[{"uid":"a"},{"uid":"b"},{"uid":"c"}]}})"_s;
    // Unmentioned live items are interleaved by their live position, as apimachinery's mergeSortedSlice does.
    QTest::newRow("unmentioned items keep live position")
        << uR"({"mergingList":[{"name":"a"},{"name":"b"},{"name":"c"}]})"_s
        << uR"({"$setElementOrder/mergingList":[{"name":"c"},{"name":"a"}]})"_s
        << uR"({"mergingList":[{"name":"b"},{"name":"c"},{"name":"a"}]})"_s;
    QTest::newRow("unmentioned primitive after ordered ones")
        << uR"({"mergingIntList":[1,2,3]})"_s << uR"({"$setElementOrder/mergingIntList":[2,1]})"_s
        << uR"({"mergingIntList":[2,1,3]})"_s;
    QTest::newRow("order names items not in the list")
        << uR"({"mergingIntList":[1,3]})"_s << uR"({"$setElementOrder/mergingIntList":[3,2,1]})"_s
        << uR"({"mergingIntList":[3,1]})"_s;
    QTest::newRow("order names maps not in the list")
        << uR"({"mergingList":[{"name":1},{"name":3}]})"_s
        << uR"({"$setElementOrder/mergingList":[{"name":3},{"name":2},{"name":1}],
               "mergingList":[{"name":3,"value":3},{"name":1,"value":1}]})"_s
        << uR"({"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]})"_s;
    QTest::newRow("list absent in original")
        << uR"({})"_s << uR"({"$setElementOrder/mergingList":[{"name":"b"},{"name":"a"}],
                                                    "mergingList":[{"name":"b"},{"name":"a"}]})"_s
        << uR"({"mergingList":[{"name":"b"},{"name":"a"}]})"_s;
    QTest::newRow("list absent everywhere")
        << uR"({"x":1})"_s << uR"({"$setElementOrder/mergingList":[{"name":"a"}]})"_s << uR"({"x":1})"_s;
    QTest::newRow("deletions ignored by order check")
        << uR"({"mergingList":[{"name":"a"},{"name":"b"}]})"_s << uR"({"$setElementOrder/mergingList":[{"name":"b"}],
               "mergingList":[{"$patch":"delete","name":"a"},{"name":"b","v":1}]})"_s
        << uR"({"mergingList":[{"name":"b","v":1}]})"_s;
}

void TestPatch::testStrategicKubectlPatches_data()
{
    addColumns({ "original", "patch", "expected" });
    QTest::newRow("kubectl apply last-applied and data")
        << uR"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","finalizers":["a/b"]},
               "data":{"k":"b2xk","o":"eA=="}})"_s
        << uR"({"metadata":{"annotations":{
               "kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\"}\n"}},
               "data":{"k":"dmFs"}})"_s
        << uR"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","finalizers":["a/b"],
               "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\"}\n"}},
               "data":{"k":"dmFs","o":"eA=="}})"_s;
    QTest::newRow("kubectl apply container change")
        << uR"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:1"},
               {"name":"side","image":"s:1"}]}}}})"_s
        << uR"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"}],
               "containers":[{"name":"app","image":"a:2"}]}}}})"_s
        << uR"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:2"},
               {"name":"side","image":"s:1"}]}}}})"_s;
    QTest::newRow("kubectl edit removing an owner reference")
        << uR"({"metadata":{"ownerReferences":[{"uid":"a"},{"uid":"b"}],"labels":{"x":"1"}}})"_s
        << uR"({"metadata":{"$setElementOrder/ownerReferences":[{"uid":"b"}],
               "ownerReferences":[{"$patch":"delete","uid":"a"}],
               "labels":{"x":null}}})"_s
        << uR"({"metadata":{"ownerReferences":[{"uid":"b"}],"labels":{}}})"_s;
}

void TestPatch::testStrategicNoDirectiveRemains()
{
    const QJsonObject original = json(uR"({"metadata":{"finalizers":["f1","f2"],"ownerReferences":[{"uid":"a"}]},
        "spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80}]}]}}}})"_s)
                                     .toObject();
    const QJsonObject patch = json(uR"({
        "metadata":{"$deleteFromPrimitiveList/finalizers":["f2"],"$setElementOrder/finalizers":["f1"],
                    "ownerReferences":[{"$patch":"delete","uid":"a"},{"uid":"b","$retainKeys":["uid"]}],
                    "labels":{"$patch":"replace","x":"1","nested":{"$retainKeys":["k"],"k":1}}},
        "spec":{"template":{"spec":{
            "$setElementOrder/containers":[{"name":"app"},{"name":"new"}],
            "containers":[{"name":"app","ports":[{"containerPort":80,"$patch":"delete"}]},
                          {"name":"new","ports":[{"containerPort":1},{"$patch":"delete","containerPort":2}],
                           "$setElementOrder/ports":[{"containerPort":1}],"$deleteFromPrimitiveList/args":["x"],
                           "env":[{"$patch":"replace"},{"name":"E","value":"v"}],"args":["x","y"]}]},
            "metadata":{"$patch":"delete"}}},
        "status":{"$patch":"replace","conditions":[{"type":"Ready","$patch":"delete"},{"type":"Synced"}]}})"_s)
                                  .toObject();
    QString error;
    const auto result = apiserver::applyStrategicMergePatch(original, patch, testSchema(), &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(directiveIn(*result), QString());
    QCOMPARE(canon(*result), canon(json(uR"({
        "metadata":{"finalizers":["f1"],"ownerReferences":[{"uid":"b"}],"labels":{"x":"1","nested":{"k":1}}},
        "spec":{"template":{"spec":{"containers":[{"name":"app","ports":[]},
            {"name":"new","ports":[{"containerPort":1}],"env":[{"name":"E","value":"v"}],"args":["y"]}]}}},
        "status":{"conditions":[{"type":"Synced"}]}})"_s)));
}

void TestPatch::testStrategicMalformedDirective_data()
{
    addColumns({ "original", "patch", "error" });
    QTest::newRow("deleteFromPrimitiveList not a list")
        << uR"({"metadata":{"finalizers":["a"]}})"_s << uR"({"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}})"_s
        << u"invalid patch format of primitive list"_s;
    QTest::newRow("deleteFromPrimitiveList without field")
        << uR"({})"_s << uR"({"$deleteFromPrimitiveList":[1]})"_s << u"invalid patch format of primitive list"_s;
    QTest::newRow("deleteFromPrimitiveList empty field")
        << uR"({})"_s << uR"({"$deleteFromPrimitiveList/":[1]})"_s << u"invalid patch format of primitive list"_s;
    QTest::newRow("deleteFromPrimitiveList bad prefix")
        << uR"({})"_s << uR"({"$deleteFromPrimitiveListX/a":[1]})"_s << u"invalid patch format of primitive list"_s;
    QTest::newRow("unknown $patch in map")
        << uR"({"m":{}})"_s << uR"({"m":{"$patch":"frobnicate"}})"_s << u"unknown patch type: frobnicate in map"_s;
    QTest::newRow("unknown $patch at root")
        << uR"({})"_s << uR"({"$patch":"nope","a":1})"_s << u"unknown patch type: nope"_s;
    QTest::newRow("non-string $patch") << uR"({"m":{}})"_s << uR"({"m":{"$patch":1}})"_s << u"unknown patch type: 1"_s;
    QTest::newRow("unknown $patch in absent map")
        << uR"({})"_s << uR"({"m":{"$patch":"nope"}})"_s << u"unknown patch type: nope"_s;
    QTest::newRow("unknown $patch in list item")
        << uR"({"mergingList":[{"name":1}]})"_s << uR"({"mergingList":[{"$patch":"bogus","name":1}]})"_s
        << u"unknown patch type: bogus"_s;
    QTest::newRow("unknown $patch in absent list")
        << uR"({})"_s << uR"({"mergingList":[{"$patch":"bogus"}]})"_s << u"unknown patch type: bogus"_s;
    QTest::newRow("merge directive in list")
        << uR"({"mergingList":[{"name":1}]})"_s << uR"({"mergingList":[{"$patch":"merge","name":1}]})"_s
        << u"merging lists cannot yet be specified in the patch"_s;
    QTest::newRow("retainKeys not a list")
        << uR"({"m":{"a":1}})"_s << uR"({"m":{"$retainKeys":"a"}})"_s << u"invalid patch format of retainKeys"_s;
    QTest::newRow("patch field not retained")
        << uR"({"m":{"a":1}})"_s << uR"({"m":{"$retainKeys":["a"],"b":1}})"_s << u"field b is not in $retainKeys"_s;
    QTest::newRow("setElementOrder not a list")
        << uR"({"mergingIntList":[1]})"_s << uR"({"$setElementOrder/mergingIntList":{"a":1}})"_s
        << u"invalid patch format of setElementOrder list"_s;
    QTest::newRow("setElementOrder bad prefix")
        << uR"({})"_s << uR"({"$setElementOrderX":[1]})"_s << u"invalid patch format of setElementOrder list"_s;
    QTest::newRow("setElementOrder on a non-list")
        << uR"({"mergingList":"x"})"_s << uR"({"$setElementOrder/mergingList":[{"name":"a"}]})"_s
        << u"$setElementOrder/mergingList applies to a field that is not a list"_s;
    QTest::newRow("setElementOrder with non-list patch")
        << uR"({"mergingIntList":[1]})"_s << uR"({"$setElementOrder/mergingIntList":[1],"mergingIntList":null})"_s
        << u"not a list"_s;
    QTest::newRow("setElementOrder map order mismatch")
        << uR"({"mergingList":[{"name":1},{"name":3},{"name":2}]})"_s
        << uR"({"$setElementOrder/mergingList":[{"name":1},{"name":2},{"name":3}],
               "mergingList":[{"name":3,"value":3},{"name":1,"value":1}]})"_s
        << u"doesn't match $setElementOrder list"_s;
    QTest::newRow("setElementOrder primitive order mismatch")
        << uR"({"mergingIntList":[1,3,2]})"_s
        << uR"({"$setElementOrder/mergingIntList":[1,2,3],"mergingIntList":[3,1]})"_s
        << u"doesn't match $setElementOrder list"_s;
    QTest::newRow("setElementOrder item without merge key")
        << uR"({"mergingList":[{"name":"a"}]})"_s << uR"({"$setElementOrder/mergingList":[{"other":"a"}]})"_s
        << u"does not contain declared merge key: name"_s;
    QTest::newRow("item without merge key")
        << uR"({"mergingList":[{"name":1,"value":"a"}]})"_s << uR"({"mergingList":[{"value":"b"}]})"_s
        << u"does not contain declared merge key: name"_s;
    QTest::newRow("delete item without merge key")
        << uR"({"mergingList":[{"name":1}]})"_s << uR"({"mergingList":[{"$patch":"delete"}]})"_s
        << u"does not contain declared merge key: name"_s;
    QTest::newRow("nested item without merge key")
        << uR"({"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80}]}]}}}})"_s
        << uR"({"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"protocol":"UDP"}]}]}}}})"_s
        << u"does not contain declared merge key: containerPort"_s;
    QTest::newRow("lists of lists") << uR"({"mergingIntList":[[1]]})"_s << uR"({"mergingIntList":[[2]]})"_s
                                    << u"lists of lists are not supported"_s;
    QTest::newRow("mixed element types") << uR"({"mergingIntList":[1]})"_s << uR"({"mergingIntList":["a"]})"_s
                                         << u"list element types are not identical"_s;
    QTest::newRow("maps in primitive merge list")
        << uR"({"metadata":{"finalizers":[{"a":1}]}})"_s << uR"({"metadata":{"finalizers":[{"b":1}]}})"_s
        << u"cannot merge lists of maps without a merge key at metadata.finalizers"_s;
}

void TestPatch::testStrategicMalformedDirective()
{
    QFETCH(QString, original);
    QFETCH(QString, patch);
    QFETCH(QString, error);
    QString actual;
    const auto result
        = apiserver::applyStrategicMergePatch(json(original).toObject(), json(patch).toObject(), testSchema(), &actual);
    QVERIFY2(!result, qPrintable(canon(result.value_or(QJsonObject()))));
    QVERIFY2(actual.contains(error), qPrintable(actual));
    QVERIFY(!apiserver::applyStrategicMergePatch(json(original).toObject(), json(patch).toObject(), testSchema()));
}

QTEST_APPLESS_MAIN(TestPatch)
#include "tst_patch.moc"
