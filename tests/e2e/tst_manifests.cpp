// The shipped Kubernetes manifests (packaging/kubernetes) applied with the real `kubectl apply -k` to the real
// `kubelb-syncd apiserver` process: server-side dry run first (nothing is created), then for real, every object
// is there, a second apply changes nothing; the Deployments keep their hardening; the CRD the embedded server
// installs is the packaged file; the Grafana dashboard is valid JSON that queries metrics the controllers export.
#include "kube/yaml.h"
#include "support/apiserverprocess.h"
#include "support/kubectl.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::KubectlResult;

namespace {

const QString kPackaging = QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/");

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// "kind/name" (kubectl's `-o name` spelling: resource.group/name) of every object `kubectl kustomize` renders.
QStringList lines(const QString& text)
{
    QStringList out;
    for (const auto& l : text.split(u'\n', Qt::SkipEmptyParts))
        out.append(l.trimmed());
    out.sort();
    return out;
}

QJsonObject firstContainer(const QJsonObject& deployment)
{
    return deployment.value(u"spec"_s)
        .toObject()
        .value(u"template"_s)
        .toObject()
        .value(u"spec"_s)
        .toObject()
        .value(u"containers"_s)
        .toArray()
        .first()
        .toObject();
}

} // namespace

class TestManifests : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testApplyDryRunThenForReal_data();
    void testApplyDryRunThenForReal();
    void testDeploymentsAreHardened_data();
    void testDeploymentsAreHardened();
    void testImageIsTheProjectVersion();
    void testCrdIsTheEmbeddedServersCrd();
    void testCrdServesSyncSecrets();
    void testGrafanaDashboard();

private:
    KubectlResult run(const QStringList& args, const QByteArray& stdinData = {}) const
    {
        return m_kubectl->run(args, stdinData, 60000);
    }
    std::optional<QJsonObject> getJson(const QStringList& args) const
    {
        const auto r = run(args + QStringList { u"-o"_s, u"json"_s });
        if (r.exitCode != 0)
            return std::nullopt;
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }

    testsupport::ApiServerProcess m_server;
    std::optional<testsupport::Kubectl> m_kubectl;
};

void TestManifests::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_kubectl.emplace(m_server.kubeconfigPath());
}

// In dependency order: base (CRD, namespace) before the overlays; the tenant's management namespace exists
// before ccm/management (KubeLB creates it for each tenant; a server-side dry run of objects in a namespace
// that does not exist fails on a real cluster too).
void TestManifests::testApplyDryRunThenForReal_data()
{
    QTest::addColumn<QString>("dir");
    QTest::addColumn<QString>("prerequisite");
    QTest::newRow("base") << u"base"_s << QString();
    QTest::newRow("manager") << u"manager"_s << QString();
    QTest::newRow("ccm") << u"ccm"_s << QString();
    QTest::newRow("ccm/management") << u"ccm/management"_s << u"tenant-primary"_s;
}

void TestManifests::testApplyDryRunThenForReal()
{
    QFETCH(QString, dir);
    QFETCH(QString, prerequisite);
    const QString path = kPackaging + dir;
    QVERIFY2(QFile::exists(path + u"/kustomization.yaml"_s), qPrintable(path));
    if (!prerequisite.isEmpty())
        KVERIFY(run({ u"create"_s, u"namespace"_s, prerequisite }));

    // What kustomize renders: the objects the apply must produce.
    const KubectlResult rendered = run({ u"kustomize"_s, path });
    KVERIFY(rendered);
    const auto docs = kube::yamlDocumentsToJson(rendered.out.toUtf8());
    QVERIFY(docs && !docs->isEmpty());
    QStringList missingBefore;
    for (const auto& o : *docs) {
        const QJsonObject meta = o.value(u"metadata"_s).toObject();
        const QString ns = meta.value(u"namespace"_s).toString();
        QStringList args { u"get"_s, o.value(u"kind"_s).toString().toLower(), meta.value(u"name"_s).toString() };
        if (!ns.isEmpty())
            args += { u"-n"_s, ns };
        if (run(args).exitCode != 0)
            missingBefore.append(o.value(u"kind"_s).toString() + u'/' + meta.value(u"name"_s).toString());
    }

    // Server-side dry run: kubectl sends the real requests with dryRun=All; nothing may be persisted.
    const KubectlResult dry = run({ u"apply"_s, u"-k"_s, path, u"--dry-run=server"_s });
    KVERIFY(dry);
    const QStringList dryLines = lines(dry.out);
    QCOMPARE(dryLines.size(), docs->size());
    for (const auto& l : dryLines)
        QVERIFY2(l.endsWith(u"(server dry run)"_s), qPrintable(l));
    for (const QString& kindName : missingBefore) {
        const QString kind = kindName.section(u'/', 0, 0).toLower();
        const QString name = kindName.section(u'/', 1);
        QString ns;
        for (const auto& o : *docs)
            if (o.value(u"metadata"_s).toObject().value(u"name"_s).toString() == name)
                ns = o.value(u"metadata"_s).toObject().value(u"namespace"_s).toString();
        QStringList args { u"get"_s, kind, name };
        if (!ns.isEmpty())
            args += { u"-n"_s, ns };
        QVERIFY2(run(args).exitCode != 0, qPrintable(kindName + u" exists after a dry run"_s));
    }

    // For real: every object is created (or already there from base), then `kubectl get -k` finds them all.
    const KubectlResult applied = run({ u"apply"_s, u"-k"_s, path });
    KVERIFY(applied);
    QCOMPARE(lines(applied.out).size(), docs->size());
    for (const auto& l : lines(applied.out))
        QVERIFY2(
            l.endsWith(u" created"_s) || l.endsWith(u" unchanged"_s) || l.endsWith(u" configured"_s), qPrintable(l));
    const KubectlResult got = run({ u"get"_s, u"-k"_s, path, u"-o"_s, u"name"_s });
    KVERIFY(got);
    QCOMPARE(lines(got.out).size(), docs->size());
    for (const QString& kindName : missingBefore) {
        const QString kind = kindName.section(u'/', 0, 0).toLower();
        const QString name = kindName.section(u'/', 1);
        bool found = false;
        for (const auto& l : lines(got.out))
            found = found || (l.section(u'/', 0, 0).section(u'.', 0, 0) == kind && l.section(u'/', 1) == name);
        QVERIFY2(found, qPrintable(kindName + u" missing after apply: "_s + got.out));
    }

    // Applying again is a no-op: kubectl computes an empty patch for every object.
    const KubectlResult again = run({ u"apply"_s, u"-k"_s, path });
    KVERIFY(again);
    for (const auto& l : lines(again.out))
        QVERIFY2(l.endsWith(u" unchanged"_s), qPrintable(l));
}

void TestManifests::testDeploymentsAreHardened_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("subcommand");
    QTest::newRow("manager") << u"kubelb"_s << u"kubelb-manager"_s << u"manager"_s;
    QTest::newRow("ccm") << u"kube-system"_s << u"kubelb-ccm"_s << u"ccm"_s;
}

// What the API server stored (not the file): non-root, read-only root, no privilege escalation, no capabilities,
// RuntimeDefault seccomp, requests and limits, probes on the health port, metrics port, leader election.
void TestManifests::testDeploymentsAreHardened()
{
    QFETCH(QString, ns);
    QFETCH(QString, name);
    QFETCH(QString, subcommand);
    const auto d = getJson({ u"get"_s, u"deployment"_s, name, u"-n"_s, ns });
    QVERIFY2(d, "the Deployment was not applied");
    const QJsonObject pod = d->value(u"spec"_s).toObject().value(u"template"_s).toObject().value(u"spec"_s).toObject();
    const QJsonObject podSc = pod.value(u"securityContext"_s).toObject();
    QCOMPARE(podSc.value(u"runAsNonRoot"_s).toBool(), true);
    QVERIFY(podSc.value(u"runAsUser"_s).toInt() > 0);
    QCOMPARE(podSc.value(u"seccompProfile"_s).toObject().value(u"type"_s).toString(), u"RuntimeDefault"_s);
    QCOMPARE(pod.value(u"serviceAccountName"_s).toString(), name);

    const QJsonObject c = firstContainer(*d);
    const QJsonObject sc = c.value(u"securityContext"_s).toObject();
    QCOMPARE(sc.value(u"runAsNonRoot"_s).toBool(), true);
    QCOMPARE(sc.value(u"readOnlyRootFilesystem"_s).toBool(), true);
    QCOMPARE(sc.value(u"allowPrivilegeEscalation"_s).toBool(true), false);
    QCOMPARE(sc.value(u"capabilities"_s).toObject().value(u"drop"_s).toArray(), QJsonArray { u"ALL"_s });

    const QJsonObject resources = c.value(u"resources"_s).toObject();
    for (const char* kind : { "requests", "limits" })
        for (const char* what : { "cpu", "memory" })
            QVERIFY2(!resources.value(QLatin1String(kind)).toObject().value(QLatin1String(what)).toString().isEmpty(),
                qPrintable(u"resources.%1.%2 missing"_s.arg(QLatin1String(kind), QLatin1String(what))));

    QJsonObject ports;
    for (const auto& p : c.value(u"ports"_s).toArray())
        ports.insert(p.toObject().value(u"name"_s).toString(), p.toObject().value(u"containerPort"_s));
    QCOMPARE(ports.value(u"metrics"_s).toInt(), 8080);
    QCOMPARE(ports.value(u"health"_s).toInt(), 8081);
    const QStringList args = [&] {
        QStringList a;
        for (const auto& v : c.value(u"args"_s).toArray())
            a.append(v.toString());
        return a;
    }();
    QCOMPARE(args.value(0), subcommand);
    QVERIFY(args.contains(u"--leader-elect"_s));
    QVERIFY(args.contains(u"--metrics-bind-address=:8080"_s));
    QVERIFY(args.contains(u"--health-probe-bind-address=:8081"_s));
    QVERIFY(args.contains(u"--leader-election-namespace="_s + ns));
    for (const auto& [probe, path] :
        { std::pair { u"livenessProbe"_s, u"/healthz"_s }, std::pair { u"readinessProbe"_s, u"/readyz"_s } }) {
        const QJsonObject get = c.value(probe).toObject().value(u"httpGet"_s).toObject();
        QCOMPARE(get.value(u"path"_s).toString(), path);
        QCOMPARE(get.value(u"port"_s).toString(), u"health"_s);
    }

    // The metrics Service selects this Deployment's pods and targets the metrics port.
    const auto svc = getJson({ u"get"_s, u"service"_s, name + u"-metrics"_s, u"-n"_s, ns });
    QVERIFY2(svc, "the metrics Service was not applied");
    const QJsonObject selector = svc->value(u"spec"_s).toObject().value(u"selector"_s).toObject();
    const QJsonObject podLabels = d->value(u"spec"_s)
                                      .toObject()
                                      .value(u"template"_s)
                                      .toObject()
                                      .value(u"metadata"_s)
                                      .toObject()
                                      .value(u"labels"_s)
                                      .toObject();
    QVERIFY(!selector.isEmpty());
    for (auto it = selector.begin(); it != selector.end(); ++it)
        QCOMPARE(podLabels.value(it.key()), it.value());
    QCOMPARE(svc->value(u"spec"_s).toObject().value(u"ports"_s).toArray().first().toObject().value(u"targetPort"_s),
        QJsonValue(u"metrics"_s));
}

// One place sets the image (kustomize `images:`), and it names this build's version.
void TestManifests::testImageIsTheProjectVersion()
{
    for (const auto& [ns, name] :
        { std::pair { u"kubelb"_s, u"kubelb-manager"_s }, std::pair { u"kube-system"_s, u"kubelb-ccm"_s } }) {
        const auto d = getJson({ u"get"_s, u"deployment"_s, name, u"-n"_s, ns });
        QVERIFY(d);
        QCOMPARE(firstContainer(*d).value(u"image"_s).toString(),
            u"ghcr.io/kubelb-sync/kubelb-syncd:"_s + QStringLiteral(KUBELB_VERSION));
    }
}

// Single source of truth: the embedded server and the demo install `:/manifests/syncsecret-crd.yaml`, compiled
// from resources/manifests.qrc, which must point at the packaged file; this test embeds the same .qrc.
void TestManifests::testCrdIsTheEmbeddedServersCrd()
{
    const QByteArray packaged = readFile(kPackaging + u"base/syncsecret-crd.yaml"_s);
    QVERIFY(!packaged.isEmpty());
    const QByteArray embedded = readFile(u":/manifests/syncsecret-crd.yaml"_s);
    QVERIFY2(!embedded.isEmpty(), "resources/manifests.qrc does not embed syncsecret-crd.yaml");
    QVERIFY2(embedded == packaged, "the CRD the embedded server installs differs from packaging/kubernetes/base");
    const QByteArray qrc = readFile(QStringLiteral(KUBELB_SOURCE_DIR "/resources/manifests.qrc"));
    QVERIFY(qrc.contains("../packaging/kubernetes/base/syncsecret-crd.yaml"));
}

// The applied CRD serves SyncSecrets with the printer columns, short name, category and validation the issue
// asks for.
void TestManifests::testCrdServesSyncSecrets()
{
    KVERIFY(
        run({ u"wait"_s, u"--for=condition=Established"_s, u"--timeout=30s"_s, u"crd/syncsecrets.kubelb.k8c.io"_s }));
    const auto crd = getJson({ u"get"_s, u"crd"_s, u"syncsecrets.kubelb.k8c.io"_s });
    QVERIFY(crd);
    const QJsonObject spec = crd->value(u"spec"_s).toObject();
    QCOMPARE(spec.value(u"names"_s).toObject().value(u"shortNames"_s).toArray(), QJsonArray { u"ssec"_s });
    QCOMPARE(spec.value(u"names"_s).toObject().value(u"categories"_s).toArray(), QJsonArray { u"kubelb"_s });
    const QJsonObject version = spec.value(u"versions"_s).toArray().first().toObject();
    QVERIFY(version.value(u"subresources"_s).toObject().contains(u"status"_s));
    QStringList columns;
    for (const auto& c : version.value(u"additionalPrinterColumns"_s).toArray())
        columns.append(c.toObject().value(u"name"_s).toString());
    QCOMPARE(columns, (QStringList { u"Type"_s, u"Phase"_s, u"Age"_s }));
    const QJsonObject schema = version.value(u"schema"_s).toObject().value(u"openAPIV3Schema"_s).toObject();
    const QJsonObject props = schema.value(u"properties"_s).toObject();
    QCOMPARE(props.value(u"data"_s).toObject().value(u"additionalProperties"_s).toObject().value(u"format"_s),
        QJsonValue(u"byte"_s));
    QCOMPARE(props.value(u"type"_s).toObject().value(u"type"_s), QJsonValue(u"string"_s));
    QCOMPARE(props.value(u"immutable"_s).toObject().value(u"type"_s), QJsonValue(u"boolean"_s));
    QVERIFY(!schema.value(u"x-kubernetes-validations"_s).toArray().isEmpty());
    const QJsonObject status = props.value(u"status"_s).toObject().value(u"properties"_s).toObject();
    QCOMPARE(status.value(u"phase"_s).toObject().value(u"enum"_s).toArray(),
        (QJsonArray { u"Pending"_s, u"Synced"_s, u"Failed"_s, u"Terminating"_s }));
    QVERIFY(status.contains(u"conditions"_s));

    // Served: the category and the short name work, base64 data and the phase enum are enforced.
    KVERIFY(run({ u"create"_s, u"namespace"_s, u"production"_s }));
    KVERIFY(run({ u"apply"_s, u"-f"_s, u"-"_s },
        "apiVersion: kubelb.k8c.io/v1alpha1\nkind: SyncSecret\nmetadata:\n  name: app-config\n  namespace: production\n"
        "type: Opaque\nstringData:\n  api-key: placeholder\n"));
    const KubectlResult byCategory = run({ u"get"_s, u"kubelb"_s, u"-n"_s, u"production"_s });
    KVERIFY(byCategory);
    QVERIFY2(byCategory.out.contains(u"app-config"_s), qPrintable(byCategory.out));
    QVERIFY(byCategory.out.contains(u"TYPE"_s) && byCategory.out.contains(u"PHASE"_s));
    KVERIFY(run({ u"get"_s, u"ssec"_s, u"app-config"_s, u"-n"_s, u"production"_s }));
    // (The key pattern is a CEL rule (x-kubernetes-validations); the embedded server does not evaluate CEL,
    // so only a real cluster enforces it. Base64 and the phase enum are structural and enforced here.)
    const KubectlResult badBase64 = run({ u"apply"_s, u"-f"_s, u"-"_s },
        "apiVersion: kubelb.k8c.io/v1alpha1\nkind: SyncSecret\nmetadata:\n  name: bad-data\n  namespace: production\n"
        "data:\n  key: '%%% not base64'\n");
    KFAIL(badBase64);
    const KubectlResult badPhase = run({ u"patch"_s, u"ssec"_s, u"app-config"_s, u"-n"_s, u"production"_s,
        u"--subresource=status"_s, u"--type=merge"_s, u"-p"_s, u"{\"status\":{\"phase\":\"Bogus\"}}"_s });
    KFAIL(badPhase);
}

// The dashboard is valid JSON with a Prometheus data-source variable, and every metric a panel queries is one
// the controllers export (names taken from the metric definitions in the sources).
void TestManifests::testGrafanaDashboard()
{
    const QByteArray raw = readFile(QStringLiteral(KUBELB_SOURCE_DIR "/packaging/grafana/kubelb-sync.json"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    const QJsonObject dash = doc.object();
    QVERIFY(!dash.value(u"title"_s).toString().isEmpty());
    QVERIFY(!dash.value(u"uid"_s).toString().isEmpty());
    bool datasourceVariable = false;
    for (const auto& v : dash.value(u"templating"_s).toObject().value(u"list"_s).toArray())
        datasourceVariable = datasourceVariable
            || (v.toObject().value(u"type"_s) == u"datasource"_s && v.toObject().value(u"query"_s) == u"prometheus"_s);
    QVERIFY(datasourceVariable);

    // Every metric name the sources define (Name("...") and the kubelb_<component>_ families).
    QSet<QString> exported;
    static const QRegularExpression nameCall(QStringLiteral("\\.Name\\(\"([a-z_]+)\"\\)"));
    static const QRegularExpression family(QStringLiteral("family\\(\"([a-z_]+)\""));
    for (const QString& dir : { u"controllers/runtime"_s, u"controllers/syncsecret"_s }) {
        const QDir d(QStringLiteral(KUBELB_SOURCE_DIR "/") + dir);
        for (const auto& file : d.entryList({ u"*.cpp"_s }, QDir::Files)) {
            const QString text = QString::fromUtf8(readFile(d.filePath(file)));
            for (const auto* re : { &nameCall, &family })
                for (auto it = re->globalMatch(text); it.hasNext();)
                    exported.insert(it.next().captured(1));
        }
    }
    for (const QString& component : { u"kubelb_ccm"_s, u"kubelb_manager"_s })
        for (const QString& suffix : { u"_sync_secret_reconcile_total"_s, u"_sync_secret_reconcile_duration_seconds"_s,
                 u"_sync_secrets"_s, u"_sync_secret_oldest_unsynced_seconds"_s })
            exported.insert(component + suffix);
    QVERIFY(exported.contains(u"workqueue_depth"_s) && exported.contains(u"rest_client_requests_total"_s));

    static const QRegularExpression metric(QStringLiteral("\\b((?:kubelb|controller_runtime|workqueue|rest_client|"
                                                          "leader_election)_[a-z_]+)"));
    int panels = 0;
    QSet<QString> queried;
    for (const auto& p : dash.value(u"panels"_s).toArray()) {
        ++panels;
        const QJsonObject panel = p.toObject();
        QVERIFY(!panel.value(u"title"_s).toString().isEmpty());
        QCOMPARE(panel.value(u"datasource"_s).toObject().value(u"uid"_s).toString(), u"${datasource}"_s);
        const QJsonArray targets = panel.value(u"targets"_s).toArray();
        QVERIFY2(!targets.isEmpty(), qPrintable(panel.value(u"title"_s).toString()));
        for (const auto& t : targets) {
            const QString expr = t.toObject().value(u"expr"_s).toString();
            for (auto it = metric.globalMatch(expr); it.hasNext();) {
                QString name = it.next().captured(1);
                if (name.endsWith(u"_bucket"_s))
                    name.chop(7);
                queried.insert(name);
                QVERIFY2(exported.contains(name),
                    qPrintable(u"the dashboard queries %1, which nothing exports"_s.arg(name)));
            }
        }
    }
    QVERIFY(panels >= 6);
    for (const QString& needed : { u"kubelb_manager_sync_secret_reconcile_duration_seconds"_s, u"workqueue_depth"_s,
             u"controller_runtime_reconcile_errors_total"_s, u"rest_client_requests_total"_s })
        QVERIFY2(queried.contains(needed), qPrintable(needed));
}

QTEST_GUILESS_MAIN(TestManifests)
#include "tst_manifests.moc"
