// kubectl 1.32 end to end against the real `kubelb-syncd apiserver` binary: the commands users type, checked by
// kubectl's exit code and the text it prints. Every test works in a namespace of its own.
#include "kube/yaml.h"
#include "support/apiserverprocess.h"
#include "support/kubectl.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::KubectlResult;
using testsupport::lastLine;
using testsupport::tableRows;

namespace {

constexpr int kWaitMs = 15000;

// A Secret manifest; `meta` adds lines under metadata (indented two spaces), `rest` top-level lines.
QByteArray secretYaml(const QString& ns, const QString& name, const QString& meta = {}, const QString& rest = {})
{
    return u"apiVersion: v1\nkind: Secret\nmetadata:\n  name: %1\n  namespace: %2\n%3%4"_s.arg(name, ns, meta, rest)
        .toUtf8();
}

// A SyncSecret manifest with one data key.
QByteArray syncSecretYaml(const QString& ns, const QString& name, const QString& value)
{
    return u"apiVersion: kubelb.k8c.io/v1alpha1\nkind: SyncSecret\nmetadata:\n  name: %1\n  namespace: %2\n"
           "type: Opaque\ndata:\n  k: %3\n"_s.arg(name, ns, value)
               .toUtf8();
}

// A Secret owned by the Secret `owner` (uid); `extra` adds fields to the ownerReference.
QByteArray dependentYaml(
    const QString& ns, const QString& name, const QString& owner, const QString& uid, const QString& extra = {})
{
    return secretYaml(ns, name,
        u"  ownerReferences:\n  - {apiVersion: v1, kind: Secret, name: %1, uid: %2%3}\n"_s.arg(owner, uid, extra));
}

// `kind "name" deleted` lines as kubectl delete prints them.
QString deletedLine(const QString& kind, const QString& name)
{
    return u"%1 \"%2\" deleted\n"_s.arg(kind, name);
}

} // namespace

class TestKubectl : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testVersionReportsServer132();
    void testApiResourcesListsSecretsAndCrdShortName();
    void testGetTableShowsSecretColumns();
    void testGetYamlAndJsonShowTheObject();
    void testGetNameAndJsonPath();
    void testGetLabelSelector();
    void testGetAllNamespacesAddsNamespaceColumn();
    void testGetWatchPrintsNewAndModifiedObjects();
    void testApplySecretCreatedUnchangedConfigured();
    void testApplySyncSecretAndPrinterColumns();
    void testCreateFromFileThenAlreadyExists();
    void testReplaceWithStaleResourceVersionConflicts();
    void testPatchStrategicMergeAndJson();
    void testPatchWithoutChangeSaysNoChange();
    void testLabelAddsOverwritesAndRemoves();
    void testDeleteWaitsForFinalizers();
    void testDeleteBySelectorDeletesOnlyMatches();
    void testWrongTokenMustLogIn();
    void testTokenFileUserIsAuthenticated();
    void testImmutableSecretUpdateRefused();
    void testGarbageCollectionDeletesDependent();
    void testOrphanCascadeKeepsDependentWithoutOwnerReference();
    void testForegroundCascadeWaitsForBlockingDependent();
    void testNamespaceDeletionRemovesContents();
    void testNamespaceTerminatingWhileFinalizerHoldsSecret();
    void testAcknowledgedWriteSurvivesKill9();
    void testInvalidNameIs422WithCause();
    void testUnknownFieldRejectedByStrictValidation();
    void testYamlSyntaxErrorIsReported();

private:
    KubectlResult kubectl(const QStringList& args, const QByteArray& stdinData = {}) const;
    void createNamespace(const QString& ns);
    void ensureCrd();
    QString writeManifest(const QString& fileName, const QByteArray& content);
    QString field(const QString& ns, const QString& object, const QString& jsonPath) const;
    bool isGone(const QString& ns, const QString& object) const;
    QString createOwner(const QString& ns, const QString& name);
    QJsonObject getJson(const QString& ns, const QString& object) const;

    testsupport::ApiServerProcess m_server;
    std::optional<testsupport::Kubectl> m_kubectl;
    QTemporaryDir m_files;
    bool m_crdApplied = false;
};

static const QString kAliceToken = u"alice-token-4f1c9e"_s;

void TestKubectl::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    m_server.addToken({ kAliceToken, u"alice"_s, u"1001"_s, { u"system:masters"_s, u"developers"_s } });
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_kubectl.emplace(m_server.kubeconfigPath());
    QVERIFY(m_files.isValid());
}

KubectlResult TestKubectl::kubectl(const QStringList& args, const QByteArray& stdinData) const
{
    return m_kubectl->run(args, stdinData);
}

void TestKubectl::createNamespace(const QString& ns)
{
    const auto r = kubectl({ u"apply"_s, u"-f"_s, u"-"_s },
        u"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %1\n"_s.arg(ns).toUtf8());
    KVERIFY(r);
    QCOMPARE(r.out, u"namespace/%1 created\n"_s.arg(ns));
}

void TestKubectl::ensureCrd()
{
    if (m_crdApplied)
        return;
    const auto r = kubectl(
        { u"apply"_s, u"-f"_s, QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/base/syncsecret-crd.yaml") });
    KVERIFY(r);
    QCOMPARE(r.out, u"customresourcedefinition.apiextensions.k8s.io/syncsecrets.kubelb.k8c.io created\n"_s);
    m_crdApplied = true;
}

QString TestKubectl::writeManifest(const QString& fileName, const QByteArray& content)
{
    QFile file(m_files.filePath(fileName));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        return {};
    return file.fileName();
}

// One field of an object through `-o jsonpath`; empty when kubectl fails.
QString TestKubectl::field(const QString& ns, const QString& object, const QString& jsonPath) const
{
    const auto r = kubectl({ u"get"_s, u"-n"_s, ns, object, u"-o"_s, u"jsonpath="_s + jsonPath });
    return r.exitCode == 0 ? r.out : QString();
}

// Whether `kubectl get` reports the object as not found.
bool TestKubectl::isGone(const QString& ns, const QString& object) const
{
    const auto r = kubectl({ u"get"_s, u"-n"_s, ns, object });
    return r.exitCode == 1 && r.err.contains(u"not found"_s);
}

// Creates a Secret and returns its uid.
QString TestKubectl::createOwner(const QString& ns, const QString& name)
{
    const auto r = kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, name));
    if (r.exitCode != 0)
        return {};
    return field(ns, u"secret/"_s + name, u"{.metadata.uid}"_s);
}

QJsonObject TestKubectl::getJson(const QString& ns, const QString& object) const
{
    const auto r = kubectl({ u"get"_s, u"-n"_s, ns, object, u"-o"_s, u"json"_s });
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

void TestKubectl::testVersionReportsServer132()
{
    const auto r = kubectl({ u"version"_s });
    KVERIFY(r);
    QVERIFY2(r.out.contains(u"\nServer Version: v1.32.0\n"_s), qPrintable(r.out));
    const auto json = kubectl({ u"version"_s, u"-o"_s, u"json"_s });
    KVERIFY(json);
    const QJsonObject server = QJsonDocument::fromJson(json.out.toUtf8()).object().value(u"serverVersion"_s).toObject();
    QCOMPARE(server.value(u"major"_s).toString(), u"1"_s);
    QCOMPARE(server.value(u"minor"_s).toString(), u"32"_s);
}

void TestKubectl::testApiResourcesListsSecretsAndCrdShortName()
{
    const auto before = kubectl({ u"api-resources"_s });
    KVERIFY(before);
    const QStringList rows = tableRows(before.out);
    QCOMPARE(rows.value(0), u"NAME SHORTNAMES APIVERSION NAMESPACED KIND"_s);
    QVERIFY(rows.contains(u"secrets v1 true Secret"_s));
    QVERIFY(rows.contains(u"namespaces ns v1 false Namespace"_s));
    QCOMPARE(m_crdApplied || !before.out.contains(u"syncsecrets"_s), true);
    ensureCrd();
    const auto after = kubectl({ u"api-resources"_s, u"--api-group=kubelb.k8c.io"_s });
    KVERIFY(after);
    QCOMPARE(tableRows(after.out),
        (QStringList { u"NAME SHORTNAMES APIVERSION NAMESPACED KIND"_s,
            u"syncsecrets ssec kubelb.k8c.io/v1alpha1 true SyncSecret"_s }));
    const auto names = kubectl({ u"api-resources"_s, u"--categories=kubelb"_s, u"-o"_s, u"name"_s });
    KVERIFY(names);
    QCOMPARE(names.out, u"syncsecrets.kubelb.k8c.io\n"_s);
}

void TestKubectl::testGetTableShowsSecretColumns()
{
    const QString ns = u"get-table"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"apply"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"one"_s, {}, u"data:\n  k: dg==\n"_s)));
    KVERIFY(kubectl({ u"apply"_s, u"-f"_s, u"-"_s },
        secretYaml(ns, u"two"_s, {}, u"type: example.com/custom\ndata:\n  a: dg==\n  b: dg==\n"_s)));
    const auto r = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns });
    KVERIFY(r);
    QCOMPARE(tableRows(r.out),
        (QStringList { u"NAME TYPE DATA AGE"_s, u"one Opaque 1 AGE"_s, u"two example.com/custom 2 AGE"_s }));
    const auto single = kubectl({ u"get"_s, u"secret"_s, u"two"_s, u"-n"_s, ns, u"--show-labels"_s });
    KVERIFY(single);
    QCOMPARE(tableRows(single.out),
        (QStringList { u"NAME TYPE DATA AGE LABELS"_s, u"two example.com/custom 2 AGE <none>"_s }));
    const auto missing = kubectl({ u"get"_s, u"secret"_s, u"nope"_s, u"-n"_s, ns });
    KFAIL(missing);
    QCOMPARE(missing.err, u"Error from server (NotFound): secrets \"nope\" not found\n"_s);
}

void TestKubectl::testGetYamlAndJsonShowTheObject()
{
    const QString ns = u"get-formats"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"apply"_s, u"-f"_s, u"-"_s },
        secretYaml(ns, u"fmt"_s, u"  labels: {app: web}\n"_s, u"data:\n  k: dg==\n"_s)));
    const auto yaml = kubectl({ u"get"_s, u"secret"_s, u"fmt"_s, u"-n"_s, ns, u"-o"_s, u"yaml"_s });
    KVERIFY(yaml);
    const auto parsed = kube::yamlToJson(yaml.out.toUtf8());
    QVERIFY(parsed && parsed->isObject());
    const QJsonObject fromYaml = parsed->toObject();
    QCOMPARE(fromYaml.value(u"kind"_s).toString(), u"Secret"_s);
    QCOMPARE(fromYaml.value(u"apiVersion"_s).toString(), u"v1"_s);
    QCOMPARE(fromYaml.value(u"type"_s).toString(), u"Opaque"_s);
    const QJsonObject meta = fromYaml.value(u"metadata"_s).toObject();
    QCOMPARE(meta.value(u"name"_s).toString(), u"fmt"_s);
    QCOMPARE(meta.value(u"namespace"_s).toString(), ns);
    QVERIFY(!meta.value(u"uid"_s).toString().isEmpty());
    QVERIFY(meta.value(u"resourceVersion"_s).toString().toULongLong() > 0);
    QVERIFY(fromYaml.value(u"data"_s).toObject().value(u"k"_s).toString() == u"dg=="_s);
    const auto json = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-o"_s, u"json"_s });
    KVERIFY(json);
    const QJsonObject list = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(list.value(u"kind"_s).toString(), u"List"_s);
    const QJsonArray items = list.value(u"items"_s).toArray();
    QCOMPARE(items.size(), 1);
    QVERIFY(items.first().toObject() == fromYaml);
}

void TestKubectl::testGetNameAndJsonPath()
{
    const QString ns = u"get-names"_s;
    createNamespace(ns);
    for (const auto& name : { u"alpha"_s, u"beta"_s })
        KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, name)));
    const auto names = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-o"_s, u"name"_s });
    KVERIFY(names);
    QCOMPARE(names.out, u"secret/alpha\nsecret/beta\n"_s);
    const auto items
        = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-o"_s, u"jsonpath={.items[*].metadata.name}"_s });
    KVERIFY(items);
    QCOMPARE(items.out, u"alpha beta"_s);
    QCOMPARE(field(ns, u"secret/beta"_s, u"{.type}/{.metadata.namespace}"_s), u"Opaque/get-names"_s);
}

void TestKubectl::testGetLabelSelector()
{
    const QString ns = u"get-labels"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"web"_s, u"  labels: {app: web, tier: fe}\n"_s)));
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"db"_s, u"  labels: {app: db}\n"_s)));
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"plain"_s)));
    const auto select = [&](const QString& selector) {
        return kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-l"_s, selector, u"-o"_s, u"name"_s });
    };
    QCOMPARE(select(u"app=web"_s).out, u"secret/web\n"_s);
    QCOMPARE(select(u"app!=web"_s).out, u"secret/db\nsecret/plain\n"_s);
    QCOMPARE(select(u"app,tier=fe"_s).out, u"secret/web\n"_s);
    QCOMPARE(select(u"!app"_s).out, u"secret/plain\n"_s);
    // Set-based selectors travel as `app+in+%28web%2Cdb%29`: '+' is a space in a query string.
    const auto set = select(u"app in (web,db)"_s);
    KVERIFY(set);
    QCOMPARE(set.out, u"secret/db\nsecret/web\n"_s);
    QCOMPARE(select(u"app notin (web)"_s).out, u"secret/db\nsecret/plain\n"_s);
    const auto none = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-l"_s, u"app=none"_s });
    KVERIFY(none);
    QCOMPARE(none.out, QString());
    QCOMPARE(none.err, u"No resources found in get-labels namespace.\n"_s);
}

void TestKubectl::testGetAllNamespacesAddsNamespaceColumn()
{
    for (const auto& ns : { u"all-ns-a"_s, u"all-ns-b"_s }) {
        createNamespace(ns);
        KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"everywhere"_s)));
    }
    const auto r = kubectl({ u"get"_s, u"secrets"_s, u"-A"_s });
    KVERIFY(r);
    const QStringList rows = tableRows(r.out);
    QCOMPARE(rows.value(0), u"NAMESPACE NAME TYPE DATA AGE"_s);
    QVERIFY(rows.contains(u"all-ns-a everywhere Opaque 0 AGE"_s));
    QVERIFY(rows.contains(u"all-ns-b everywhere Opaque 0 AGE"_s));
    const auto names = kubectl({ u"get"_s, u"secrets"_s, u"--all-namespaces"_s, u"-o"_s,
        u"jsonpath={range .items[?(@.metadata.name==\"everywhere\")]}{.metadata.namespace} {end}"_s });
    KVERIFY(names);
    QCOMPARE(names.out, u"all-ns-a all-ns-b "_s);
}

void TestKubectl::testGetWatchPrintsNewAndModifiedObjects()
{
    const QString ns = u"get-watch"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"first"_s)));
    auto watch = m_kubectl->start({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-w"_s });
    QVERIFY(watch->state() == QProcess::Running);
    QString seen;
    const auto rows = [&] {
        seen += QString::fromUtf8(watch->readAllStandardOutput());
        return tableRows(seen);
    };
    QTRY_COMPARE_WITH_TIMEOUT(rows(), (QStringList { u"NAME TYPE DATA AGE"_s, u"first Opaque 0 AGE"_s }), kWaitMs);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"second"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(rows().value(2), u"second Opaque 0 AGE"_s, kWaitMs);
    KVERIFY(kubectl({ u"patch"_s, u"secret"_s, u"first"_s, u"-n"_s, ns, u"-p"_s, u"{\"data\":{\"k\":\"dg==\"}}"_s }));
    QTRY_COMPARE_WITH_TIMEOUT(rows().value(3), u"first Opaque 1 AGE"_s, kWaitMs);
    QVERIFY2(watch->state() == QProcess::Running, watch->readAllStandardError().constData());
    watch->kill();
    QVERIFY(watch->waitForFinished(5000));
    QCOMPARE(rows().size(), 4);
}

void TestKubectl::testApplySecretCreatedUnchangedConfigured()
{
    const QString ns = u"apply-secret"_s;
    createNamespace(ns);
    const QString file = writeManifest(u"apply-secret.yaml"_s, secretYaml(ns, u"app"_s, {}, u"data:\n  k: dg==\n"_s));
    const QStringList apply { u"apply"_s, u"-f"_s, file };
    const auto created = kubectl(apply);
    KVERIFY(created);
    QCOMPARE(created.out, u"secret/app created\n"_s);
    const auto unchanged = kubectl(apply);
    KVERIFY(unchanged);
    QCOMPARE(unchanged.out, u"secret/app unchanged\n"_s);
    writeManifest(u"apply-secret.yaml"_s,
        secretYaml(ns, u"app"_s, u"  labels: {stage: two}\n"_s, u"data:\n  k: djI=\n  extra: eA==\n"_s));
    const auto configured = kubectl(apply);
    KVERIFY(configured);
    QCOMPARE(configured.out, u"secret/app configured\n"_s);
    QVERIFY(field(ns, u"secret/app"_s, u"{.data.k},{.data.extra}"_s) == u"djI=,eA=="_s);
    QCOMPARE(field(ns, u"secret/app"_s, u"{.metadata.labels.stage}"_s), u"two"_s);
    // Removing a key from the manifest removes it from the object (three-way merge with last-applied).
    writeManifest(u"apply-secret.yaml"_s, secretYaml(ns, u"app"_s, {}, u"data:\n  k: djI=\n"_s));
    QCOMPARE(kubectl(apply).out, u"secret/app configured\n"_s);
    QVERIFY(field(ns, u"secret/app"_s, u"{.data.extra}|{.metadata.labels}"_s) == u"|"_s);
    QCOMPARE(kubectl(apply).out, u"secret/app unchanged\n"_s);
}

void TestKubectl::testApplySyncSecretAndPrinterColumns()
{
    ensureCrd();
    const QString ns = u"apply-ssec"_s;
    createNamespace(ns);
    const QString file = writeManifest(u"ssec.yaml"_s, syncSecretYaml(ns, u"tls"_s, u"dg=="_s));
    const QStringList apply { u"apply"_s, u"-f"_s, file };
    QCOMPARE(kubectl(apply).out, u"syncsecret.kubelb.k8c.io/tls created\n"_s);
    QCOMPARE(kubectl(apply).out, u"syncsecret.kubelb.k8c.io/tls unchanged\n"_s);
    writeManifest(u"ssec.yaml"_s, syncSecretYaml(ns, u"tls"_s, u"djI="_s));
    QCOMPARE(kubectl(apply).out, u"syncsecret.kubelb.k8c.io/tls configured\n"_s);
    QVERIFY(field(ns, u"ssec/tls"_s, u"{.data.k}"_s) == u"djI="_s);
    const auto status = kubectl({ u"patch"_s, u"ssec"_s, u"tls"_s, u"-n"_s, ns, u"--subresource=status"_s, u"--type"_s,
        u"merge"_s, u"-p"_s, u"{\"status\":{\"phase\":\"Synced\"}}"_s });
    KVERIFY(status);
    QCOMPARE(status.out, u"syncsecret.kubelb.k8c.io/tls patched\n"_s);
    const QStringList expected { u"NAME TYPE PHASE AGE"_s, u"tls Opaque Synced AGE"_s };
    for (const auto& resource : { u"ssec"_s, u"syncsecrets"_s, u"syncsecret.kubelb.k8c.io"_s, u"kubelb"_s }) {
        const auto r = kubectl({ u"get"_s, resource, u"-n"_s, ns });
        KVERIFY(r);
        QCOMPARE(tableRows(r.out), expected);
    }
    // Custom resources take no strategic merge patch (415, as kube-apiserver); merge patch works.
    const auto strategic = kubectl({ u"patch"_s, u"ssec"_s, u"tls"_s, u"-n"_s, ns, u"-p"_s, u"{\"type\":\"x\"}"_s });
    KFAIL(strategic);
    QCOMPARE(lastLine(strategic.err),
        u"error: application/strategic-merge-patch+json is not supported by kubelb.k8c.io/v1alpha1, Kind=SyncSecret: "
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"_s);
    const auto merge = kubectl({ u"patch"_s, u"ssec"_s, u"tls"_s, u"-n"_s, ns, u"--type"_s, u"merge"_s, u"-p"_s,
        u"{\"metadata\":{\"labels\":{\"m\":\"1\"}}}"_s });
    KVERIFY(merge);
    QCOMPARE(merge.out, u"syncsecret.kubelb.k8c.io/tls patched\n"_s);
}

void TestKubectl::testCreateFromFileThenAlreadyExists()
{
    const QString ns = u"create-file"_s;
    createNamespace(ns);
    const QString file = writeManifest(u"create.yaml"_s, secretYaml(ns, u"made"_s, {}, u"stringData:\n  k: v\n"_s));
    const auto created = kubectl({ u"create"_s, u"-f"_s, file });
    KVERIFY(created);
    QCOMPARE(created.out, u"secret/made created\n"_s);
    QVERIFY(field(ns, u"secret/made"_s, u"{.data.k}"_s) == u"dg=="_s);
    QCOMPARE(field(ns, u"secret/made"_s, u"{.stringData}"_s), QString());
    const auto again = kubectl({ u"create"_s, u"-f"_s, file });
    KFAIL(again);
    QCOMPARE(again.err,
        u"Error from server (AlreadyExists): error when creating \"%1\": secrets \"made\" already exists\n"_s.arg(
            file));
}

void TestKubectl::testReplaceWithStaleResourceVersionConflicts()
{
    const QString ns = u"replace-stale"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"rep"_s, {}, u"data:\n  k: dg==\n"_s)));
    const auto live = kubectl({ u"get"_s, u"secret"_s, u"rep"_s, u"-n"_s, ns, u"-o"_s, u"yaml"_s });
    KVERIFY(live);
    const QString stale = writeManifest(u"stale.yaml"_s, live.out.toUtf8().replace("dg==", "djI="));
    KVERIFY(kubectl({ u"label"_s, u"secret"_s, u"rep"_s, u"-n"_s, ns, u"bump=1"_s }));
    const auto conflict = kubectl({ u"replace"_s, u"-f"_s, stale });
    KFAIL(conflict);
    QCOMPARE(conflict.err,
        u"Error from server (Conflict): error when replacing \"%1\": Operation cannot be fulfilled on secrets \"rep\": "
        "the object has been modified; please apply your changes to the latest version and try again\n"_s.arg(stale));
    QVERIFY(field(ns, u"secret/rep"_s, u"{.data.k}"_s) == u"dg=="_s);
    const auto fresh = kubectl({ u"get"_s, u"secret"_s, u"rep"_s, u"-n"_s, ns, u"-o"_s, u"yaml"_s });
    const QString current = writeManifest(u"fresh.yaml"_s, fresh.out.toUtf8().replace("dg==", "djI="));
    const auto replaced = kubectl({ u"replace"_s, u"-f"_s, current });
    KVERIFY(replaced);
    QCOMPARE(replaced.out, u"secret/rep replaced\n"_s);
    QVERIFY(field(ns, u"secret/rep"_s, u"{.data.k}"_s) == u"djI="_s);
}

void TestKubectl::testPatchStrategicMergeAndJson()
{
    const QString ns = u"patch-types"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s },
        secretYaml(ns, u"pt"_s, u"  finalizers: [example.com/a, example.com/b]\n"_s)));
    const auto patch = [&](const QStringList& type, const QString& body) {
        return kubectl(
            QStringList { u"patch"_s, u"secret"_s, u"pt"_s, u"-n"_s, ns } + type + QStringList { u"-p"_s, body });
    };
    const auto strategic = patch({}, u"{\"metadata\":{\"labels\":{\"how\":\"strategic\"}}}"_s);
    KVERIFY(strategic);
    QCOMPARE(strategic.out, u"secret/pt patched\n"_s);
    // A strategic-merge-patch directive: remove one entry of a primitive list, keep the rest.
    KVERIFY(patch({}, u"{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"example.com/a\"]}}"_s));
    QCOMPARE(field(ns, u"secret/pt"_s, u"{.metadata.finalizers}"_s), u"[\"example.com/b\"]"_s);
    const auto merge = patch({ u"--type"_s, u"merge"_s }, u"{\"metadata\":{\"labels\":{\"how\":\"merge\"}}}"_s);
    KVERIFY(merge);
    QCOMPARE(merge.out, u"secret/pt patched\n"_s);
    const auto json = patch({ u"--type"_s, u"json"_s },
        u"[{\"op\":\"add\",\"path\":\"/metadata/labels/json\",\"value\":\"yes\"},"
        "{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]"_s);
    KVERIFY(json);
    QCOMPARE(json.out, u"secret/pt patched\n"_s);
    QCOMPARE(field(ns, u"secret/pt"_s, u"{.metadata.labels}|{.metadata.finalizers}"_s),
        u"{\"how\":\"merge\",\"json\":\"yes\"}|"_s);
    const auto failedTest
        = patch({ u"--type"_s, u"json"_s }, u"[{\"op\":\"test\",\"path\":\"/type\",\"value\":\"x\"}]"_s);
    KFAIL(failedTest);
}

void TestKubectl::testPatchWithoutChangeSaysNoChange()
{
    const QString ns = u"patch-nochange"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"same"_s, u"  labels: {a: b}\n"_s)));
    const QString rv = field(ns, u"secret/same"_s, u"{.metadata.resourceVersion}"_s);
    const QList<QStringList> patches {
        { u"-p"_s, u"{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"_s },
        { u"--type"_s, u"merge"_s, u"-p"_s, u"{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"_s },
        { u"--type"_s, u"json"_s, u"-p"_s,
            u"[{\"op\":\"replace\",\"path\":\"/metadata/labels/a\",\"value\":\"b\"}]"_s },
    };
    for (const auto& p : patches) {
        const auto r = kubectl(QStringList { u"patch"_s, u"secret"_s, u"same"_s, u"-n"_s, ns } + p);
        KVERIFY(r);
        QCOMPARE(r.out, u"secret/same patched (no change)\n"_s);
    }
    QCOMPARE(field(ns, u"secret/same"_s, u"{.metadata.resourceVersion}"_s), rv);
}

void TestKubectl::testLabelAddsOverwritesAndRemoves()
{
    const QString ns = u"label"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"lab"_s)));
    const auto label = [&](const QStringList& args) {
        return kubectl(QStringList { u"label"_s, u"secret"_s, u"lab"_s, u"-n"_s, ns } + args);
    };
    QCOMPARE(label({ u"x=y"_s, u"keep=1"_s }).out, u"secret/lab labeled\n"_s);
    const auto refused = label({ u"x=z"_s });
    KFAIL(refused);
    QCOMPARE(refused.err, u"error: 'x' already has a value (y), and --overwrite is false\n"_s);
    QCOMPARE(label({ u"x=z"_s, u"--overwrite"_s }).out, u"secret/lab labeled\n"_s);
    QCOMPARE(field(ns, u"secret/lab"_s, u"{.metadata.labels}"_s), u"{\"keep\":\"1\",\"x\":\"z\"}"_s);
    QCOMPARE(label({ u"x-"_s }).out, u"secret/lab unlabeled\n"_s);
    QCOMPARE(field(ns, u"secret/lab"_s, u"{.metadata.labels}"_s), u"{\"keep\":\"1\"}"_s);
    const auto byLabel = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-l"_s, u"keep=1"_s, u"-o"_s, u"name"_s });
    QCOMPARE(byLabel.out, u"secret/lab\n"_s);
}

void TestKubectl::testDeleteWaitsForFinalizers()
{
    const QString ns = u"delete-finalizer"_s;
    createNamespace(ns);
    KVERIFY(
        kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"held"_s, u"  finalizers: [example.com/hold]\n"_s)));
    auto deletion = m_kubectl->start({ u"delete"_s, u"secret"_s, u"held"_s, u"-n"_s, ns });
    QTRY_VERIFY_WITH_TIMEOUT(!field(ns, u"secret/held"_s, u"{.metadata.deletionTimestamp}"_s).isEmpty(), kWaitMs);
    // kubectl has asked for the deletion and waits for the object to be gone.
    QCOMPARE(field(ns, u"secret/held"_s, u"{.metadata.finalizers}"_s), u"[\"example.com/hold\"]"_s);
    QVERIFY2(deletion->state() == QProcess::Running, deletion->readAllStandardError().constData());
    const auto removed = kubectl({ u"patch"_s, u"secret"_s, u"held"_s, u"-n"_s, ns, u"--type"_s, u"json"_s, u"-p"_s,
        u"[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]"_s });
    KVERIFY(removed);
    const auto done = testsupport::finish(*deletion, kWaitMs);
    KVERIFY(done);
    QCOMPARE(done.out, deletedLine(u"secret"_s, u"held"_s));
    QVERIFY(isGone(ns, u"secret/held"_s));
}

void TestKubectl::testDeleteBySelectorDeletesOnlyMatches()
{
    const QString ns = u"delete-selector"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"m1"_s, u"  labels: {a: b}\n"_s)));
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"m2"_s, u"  labels: {a: b, c: d}\n"_s)));
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"other"_s, u"  labels: {a: c}\n"_s)));
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"unlabeled"_s)));
    const auto r = kubectl({ u"delete"_s, u"secrets"_s, u"-n"_s, ns, u"-l"_s, u"a=b"_s });
    KVERIFY(r);
    QCOMPARE(r.out, deletedLine(u"secret"_s, u"m1"_s) + deletedLine(u"secret"_s, u"m2"_s));
    QCOMPARE(kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-o"_s, u"name"_s }).out,
        u"secret/other\nsecret/unlabeled\n"_s);
    const auto nothing = kubectl({ u"delete"_s, u"secrets"_s, u"-n"_s, ns, u"-l"_s, u"a=b"_s });
    KVERIFY(nothing);
    QCOMPARE(nothing.out, u"No resources found\n"_s);
}

void TestKubectl::testWrongTokenMustLogIn()
{
    const QString kubeconfig = m_server.writeKubeconfigWithToken(u"wrong-token.kubeconfig"_s, u"not-a-token"_s);
    QVERIFY(!kubeconfig.isEmpty());
    const testsupport::Kubectl wrong(kubeconfig);
    for (const auto& args :
        { QStringList { u"get"_s, u"secrets"_s }, QStringList { u"get"_s, u"ns"_s, u"default"_s } }) {
        const auto r = wrong.run(args);
        KFAIL(r);
        QCOMPARE(r.out, QString());
        QCOMPARE(lastLine(r.err),
            u"error: You must be logged in to the server (the server has asked for the client to provide credentials)"_s);
    }
}

void TestKubectl::testTokenFileUserIsAuthenticated()
{
    const QString kubeconfig = m_server.writeKubeconfigWithToken(u"alice.kubeconfig"_s, kAliceToken);
    QVERIFY(!kubeconfig.isEmpty());
    const testsupport::Kubectl alice(kubeconfig);
    const QString ns = u"token-user"_s;
    createNamespace(ns);
    const auto created = alice.run({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"by-alice"_s));
    KVERIFY(created);
    QCOMPARE(created.out, u"secret/by-alice created\n"_s);
    const auto listed = alice.run({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-o"_s, u"name"_s });
    KVERIFY(listed);
    QCOMPARE(listed.out, u"secret/by-alice\n"_s);
}

void TestKubectl::testImmutableSecretUpdateRefused()
{
    const QString ns = u"immutable"_s;
    createNamespace(ns);
    const QString file
        = writeManifest(u"immutable.yaml"_s, secretYaml(ns, u"frozen"_s, {}, u"immutable: true\ndata:\n  k: dg==\n"_s));
    QCOMPARE(kubectl({ u"apply"_s, u"-f"_s, file }).out, u"secret/frozen created\n"_s);
    const QString message
        = u"The Secret \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set\n"_s;
    writeManifest(u"immutable.yaml"_s, secretYaml(ns, u"frozen"_s, {}, u"immutable: true\ndata:\n  k: djI=\n"_s));
    const auto applied = kubectl({ u"apply"_s, u"-f"_s, file });
    KFAIL(applied);
    QCOMPARE(applied.err, message);
    const auto patched = kubectl({ u"patch"_s, u"secret"_s, u"frozen"_s, u"-n"_s, ns, u"--type"_s, u"merge"_s, u"-p"_s,
        u"{\"data\":{\"k\":\"eA==\"}}"_s });
    KFAIL(patched);
    QCOMPARE(patched.err, message);
    QVERIFY(field(ns, u"secret/frozen"_s, u"{.data.k}"_s) == u"dg=="_s);
    // Metadata stays mutable.
    QCOMPARE(
        kubectl({ u"label"_s, u"secret"_s, u"frozen"_s, u"-n"_s, ns, u"ok=1"_s }).out, u"secret/frozen labeled\n"_s);
}

void TestKubectl::testGarbageCollectionDeletesDependent()
{
    const QString ns = u"gc-background"_s;
    createNamespace(ns);
    const QString uid = createOwner(ns, u"owner"_s);
    QVERIFY(!uid.isEmpty());
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, dependentYaml(ns, u"dependent"_s, u"owner"_s, uid)));
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"bystander"_s)));
    const auto r = kubectl({ u"delete"_s, u"secret"_s, u"owner"_s, u"-n"_s, ns });
    KVERIFY(r);
    QCOMPARE(r.out, deletedLine(u"secret"_s, u"owner"_s));
    QTRY_VERIFY_WITH_TIMEOUT(isGone(ns, u"secret/dependent"_s), kWaitMs);
    QCOMPARE(kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns, u"-o"_s, u"name"_s }).out, u"secret/bystander\n"_s);
}

void TestKubectl::testOrphanCascadeKeepsDependentWithoutOwnerReference()
{
    const QString ns = u"gc-orphan"_s;
    createNamespace(ns);
    const QString uid = createOwner(ns, u"owner"_s);
    QVERIFY(!uid.isEmpty());
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, dependentYaml(ns, u"dependent"_s, u"owner"_s, uid)));
    QCOMPARE(field(ns, u"secret/dependent"_s, u"{.metadata.ownerReferences[0].uid}"_s), uid);
    const auto r = kubectl({ u"delete"_s, u"secret"_s, u"owner"_s, u"-n"_s, ns, u"--cascade=orphan"_s });
    KVERIFY(r);
    QCOMPARE(r.out, deletedLine(u"secret"_s, u"owner"_s));
    QVERIFY(isGone(ns, u"secret/owner"_s));
    QTRY_COMPARE_WITH_TIMEOUT(
        field(ns, u"secret/dependent"_s, u"{.metadata.name}:{.metadata.ownerReferences}"_s), u"dependent:"_s, kWaitMs);
}

void TestKubectl::testForegroundCascadeWaitsForBlockingDependent()
{
    const QString ns = u"gc-foreground"_s;
    createNamespace(ns);
    const QString uid = createOwner(ns, u"owner"_s);
    QVERIFY(!uid.isEmpty());
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, dependentYaml(ns, u"plain"_s, u"owner"_s, uid)));
    const QByteArray blocking
        = dependentYaml(ns, u"blocking"_s, u"owner"_s, uid, u", blockOwnerDeletion: true"_s)
              .replace("  ownerReferences", "  finalizers: [example.com/hold]\n  ownerReferences");
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, blocking));
    auto deletion = m_kubectl->start({ u"delete"_s, u"secret"_s, u"owner"_s, u"-n"_s, ns, u"--cascade=foreground"_s });
    QTRY_COMPARE_WITH_TIMEOUT(
        field(ns, u"secret/owner"_s, u"{.metadata.finalizers}"_s), u"[\"foregroundDeletion\"]"_s, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(isGone(ns, u"secret/plain"_s), kWaitMs);
    QVERIFY(!field(ns, u"secret/blocking"_s, u"{.metadata.deletionTimestamp}"_s).isEmpty());
    QVERIFY(!field(ns, u"secret/owner"_s, u"{.metadata.deletionTimestamp}"_s).isEmpty());
    QVERIFY2(deletion->state() == QProcess::Running, deletion->readAllStandardError().constData());
    KVERIFY(kubectl({ u"patch"_s, u"secret"_s, u"blocking"_s, u"-n"_s, ns, u"--type"_s, u"json"_s, u"-p"_s,
        u"[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]"_s }));
    const auto done = testsupport::finish(*deletion, kWaitMs);
    KVERIFY(done);
    QCOMPARE(done.out, deletedLine(u"secret"_s, u"owner"_s));
    QVERIFY(isGone(ns, u"secret/owner"_s));
    QVERIFY(isGone(ns, u"secret/blocking"_s));
}

void TestKubectl::testNamespaceDeletionRemovesContents()
{
    const QString ns = u"doomed"_s;
    createNamespace(ns);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"inside"_s)));
    const auto r = kubectl({ u"delete"_s, u"namespace"_s, ns });
    KVERIFY(r);
    QCOMPARE(r.out, deletedLine(u"namespace"_s, ns));
    QTRY_VERIFY_WITH_TIMEOUT(isGone(QString(), u"namespace/doomed"_s), kWaitMs);
    const auto secrets = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns });
    KVERIFY(secrets);
    QCOMPARE(secrets.err, u"No resources found in doomed namespace.\n"_s);
    const auto inside = kubectl({ u"get"_s, u"secret"_s, u"inside"_s, u"-n"_s, ns });
    KFAIL(inside);
    QCOMPARE(inside.err, u"Error from server (NotFound): namespaces \"doomed\" not found\n"_s);
}

void TestKubectl::testNamespaceTerminatingWhileFinalizerHoldsSecret()
{
    const QString ns = u"held-ns"_s;
    createNamespace(ns);
    KVERIFY(
        kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"held"_s, u"  finalizers: [example.com/hold]\n"_s)));
    const auto r = kubectl({ u"delete"_s, u"namespace"_s, ns, u"--wait=false"_s });
    KVERIFY(r);
    QCOMPARE(r.out, deletedLine(u"namespace"_s, ns));
    QTRY_VERIFY_WITH_TIMEOUT(
        tableRows(kubectl({ u"get"_s, u"ns"_s }).out).contains(u"held-ns Terminating AGE"_s), kWaitMs);
    QCOMPARE(field(QString(), u"ns/held-ns"_s, u"{.status.phase}"_s), u"Terminating"_s);
    const auto refused = kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"late"_s));
    KFAIL(refused);
    QCOMPARE(refused.err,
        u"Error from server (Forbidden): error when creating \"STDIN\": secrets \"late\" is forbidden: unable to "
        u"create "
        "new content in namespace held-ns because it is being terminated\n"_s);
    QVERIFY(!field(ns, u"secret/held"_s, u"{.metadata.deletionTimestamp}"_s).isEmpty());
    KVERIFY(kubectl({ u"patch"_s, u"secret"_s, u"held"_s, u"-n"_s, ns, u"--type"_s, u"json"_s, u"-p"_s,
        u"[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]"_s }));
    QTRY_VERIFY_WITH_TIMEOUT(isGone(QString(), u"namespace/held-ns"_s), kWaitMs);
}

void TestKubectl::testAcknowledgedWriteSurvivesKill9()
{
    const QString ns = u"durable"_s;
    createNamespace(ns);
    const auto created
        = kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"kept"_s, {}, u"data:\n  k: dg==\n"_s));
    KVERIFY(created);
    QCOMPARE(created.out, u"secret/kept created\n"_s);
    const quint64 before = field(ns, u"secret/kept"_s, u"{.metadata.resourceVersion}"_s).toULongLong();
    QVERIFY(before > 0);
    QString error;
    QVERIFY2(m_server.restart(&error), qPrintable(error));
    QVERIFY(m_server.isRunning());
    const auto listed = kubectl({ u"get"_s, u"secrets"_s, u"-n"_s, ns });
    KVERIFY(listed);
    QCOMPARE(tableRows(listed.out), (QStringList { u"NAME TYPE DATA AGE"_s, u"kept Opaque 1 AGE"_s }));
    QVERIFY(field(ns, u"secret/kept"_s, u"{.data.k}"_s) == u"dg=="_s);
    QCOMPARE(field(ns, u"secret/kept"_s, u"{.metadata.resourceVersion}"_s).toULongLong(), before);
    KVERIFY(kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"after"_s)));
    const quint64 next = field(ns, u"secret/after"_s, u"{.metadata.resourceVersion}"_s).toULongLong();
    QVERIFY2(next > before, qPrintable(u"%1 after %2"_s.arg(next).arg(before)));
    KVERIFY(kubectl({ u"label"_s, u"secret"_s, u"kept"_s, u"-n"_s, ns, u"again=1"_s }));
    QVERIFY(field(ns, u"secret/kept"_s, u"{.metadata.resourceVersion}"_s).toULongLong() > next);
}

void TestKubectl::testInvalidNameIs422WithCause()
{
    const QString ns = u"bad-input"_s;
    createNamespace(ns);
    const auto r = kubectl({ u"create"_s, u"-f"_s, u"-"_s, u"-v=6"_s }, secretYaml(ns, u"Bad_Name"_s));
    KFAIL(r);
    static const QRegularExpression status(u"POST https://\\S+/secrets\\S* 422 Unprocessable Entity"_s);
    QVERIFY2(status.match(r.err).hasMatch(), qPrintable(r.err));
    QCOMPARE(lastLine(r.err),
        u"The Secret \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 "
        "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"_s);
    const auto badKey
        = kubectl({ u"create"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"good"_s, {}, u"data:\n  bad/key: dg==\n"_s));
    KFAIL(badKey);
    QVERIFY2(badKey.err.startsWith(u"The Secret \"good\" is invalid: data[bad/key]: Invalid value: \"bad/key\": "_s),
        qPrintable(badKey.err));
    QVERIFY(isGone(ns, u"secret/good"_s));
}

void TestKubectl::testUnknownFieldRejectedByStrictValidation()
{
    const QString ns = u"strict"_s;
    createNamespace(ns);
    const QByteArray manifest = secretYaml(ns, u"odd"_s, {}, u"bogus: 1\n"_s);
    const QString rejected = u"Error from server (BadRequest): error when creating \"STDIN\": Secret in version \"v1\" "
                             "cannot be handled as a Secret: strict decoding error: unknown field \"bogus\"\n"_s;
    for (const auto& verb : { u"create"_s, u"apply"_s }) {
        const auto r = kubectl({ verb, u"-f"_s, u"-"_s }, manifest);
        KFAIL(r);
        QCOMPARE(r.err, rejected);
    }
    QVERIFY(isGone(ns, u"secret/odd"_s));
    const auto warned = kubectl({ u"create"_s, u"--validate=warn"_s, u"-f"_s, u"-"_s }, manifest);
    KVERIFY(warned);
    QCOMPARE(warned.out, u"secret/odd created\n"_s);
    QCOMPARE(warned.err, u"Warning: unknown field \"bogus\"\n"_s);
    const auto ignored = kubectl(
        { u"create"_s, u"--validate=false"_s, u"-f"_s, u"-"_s }, secretYaml(ns, u"odd2"_s, {}, u"bogus: 1\n"_s));
    KVERIFY(ignored);
    QCOMPARE(ignored.err, QString());
}

void TestKubectl::testYamlSyntaxErrorIsReported()
{
    const QString file = writeManifest(u"broken.yaml"_s, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: [oops\n");
    const auto r = kubectl({ u"apply"_s, u"-f"_s, file });
    KFAIL(r);
    QCOMPARE(r.err,
        u"error: error parsing %1: error converting YAML to JSON: yaml: line 4: did not find expected ',' or ']'\n"_s
            .arg(file));
    const auto created
        = kubectl({ u"create"_s, u"-f"_s, u"-"_s }, "kind: Secret\napiVersion: v1\nmetadata: {name: x\n");
    KFAIL(created);
    QVERIFY2(created.err.startsWith(u"error: error parsing STDIN: error converting YAML to JSON: yaml: line "_s),
        qPrintable(created.err));
}

QTEST_GUILESS_MAIN(TestKubectl)
#include "tst_kubectl.moc"
