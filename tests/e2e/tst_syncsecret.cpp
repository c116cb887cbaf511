// The SyncSecret system end to end with real processes only: three `kubelb-syncd apiserver` clusters (tenant1,
// tenant2, management), one `kubelb-syncd manager` and two `kubelb-syncd ccm` daemons that authenticate with
// ServiceAccount tokens bound by the shipped RBAC manifests (packaging/kubernetes) and nothing else, and the real
// kubectl for every user action. Secret values never appear in failure messages (only key names and sizes), and
// the last test scans every log the processes wrote for every value the suite used.
#include "kube/kubeconfig.h"
#include "kube/objects.h"
#include "support/apiclient.h"
#include "support/apiserverprocess.h"
#include "support/e2elogs.h"
#include "support/kubectl.h"
#include "support/testcluster.h"
#include "support/wait.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::KubectlResult;

namespace {

using ByteMap = QMap<QString, QByteArray>;

constexpr int kSyncMs = 30000; // generous: how long a fresh object may take to reach Synced
constexpr int kDriftMs = 2000; // the drift-repair bound, from the disturbing write

const QString kTenantNs = u"production"_s;
const QString kPrimary = u"tenant-primary"_s;
const QString kSecondary = u"tenant-secondary"_s;
// The seed's TLS example values (as the YAML block scalars below produce them).
const QString kCert = u"-----BEGIN CERTIFICATE-----\nMIIDXTCCAkWgAwIBAgIJAKZ...\n-----END CERTIFICATE-----\n"_s;
const QString kKey = u"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B...\n-----END PRIVATE KEY-----\n"_s;

QString ssecPath(const QString& ns, const QString& name = {})
{
    return u"/apis/kubelb.k8c.io/v1alpha1/namespaces/%1/syncsecrets"_s.arg(ns)
        + (name.isEmpty() ? QString() : u'/' + name);
}

QString secretPath(const QString& ns, const QString& name = {})
{
    return u"/api/v1/namespaces/%1/secrets"_s.arg(ns) + (name.isEmpty() ? QString() : u'/' + name);
}

QString uidOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject().value(u"uid"_s).toString();
}

QString nameOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject().value(u"name"_s).toString();
}

QString labelOf(const QJsonObject& o, const QString& label)
{
    return o.value(u"metadata"_s).toObject().value(u"labels"_s).toObject().value(label).toString();
}

// data with stringData folded in, decoded (what a SyncSecret means, whatever way it was written).
ByteMap dataOf(const QJsonObject& o)
{
    if (o.value(u"kind"_s).toString() == u"Secret") {
        const auto s = kube::Secret::fromJson(o);
        return s ? s->normalizedData() : ByteMap {};
    }
    const auto s = kube::SyncSecret::fromJson(o);
    return s ? s->normalizedData() : ByteMap {};
}

// "key (N bytes), ..." — how data is described in failure messages: never a value.
QString describeKeys(const ByteMap& data)
{
    QStringList parts;
    for (auto it = data.cbegin(); it != data.cend(); ++it)
        parts.append(u"%1 (%2 bytes)"_s.arg(it.key()).arg(it.value().size()));
    return u"["_s + parts.join(u", "_s) + u']';
}

/// Polls every 10 ms.
template <typename F> bool waitUntil(F&& condition, int timeoutMs)
{
    return testsupport::waitUntil(std::forward<F>(condition), timeoutMs, 10);
}

// A SyncSecret manifest; `body` holds the top-level lines after metadata (type, stringData, ...).
QByteArray syncSecretYaml(const QString& ns, const QString& name, const QString& body, const QString& labels = {})
{
    QString meta = u"  name: %1\n  namespace: %2\n"_s.arg(name, ns);
    if (!labels.isEmpty())
        meta += u"  labels:\n"_s + labels;
    return (u"apiVersion: kubelb.k8c.io/v1alpha1\nkind: SyncSecret\nmetadata:\n"_s + meta + body).toUtf8();
}

using Cluster = testsupport::TestCluster;

/// A `kubelb-syncd ccm|manager` daemon; stderr and stdout are appended to files kept for the log scan.
struct Daemon {
    QString name;
    QStringList args;
    QString logPath;
    std::unique_ptr<QProcess> process;

    bool start(QString* error)
    {
        process = std::make_unique<QProcess>();
        process->setProgram(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncd"));
        process->setArguments(args);
        process->setStandardErrorFile(logPath, QIODevice::Append);
        process->setStandardOutputFile(logPath + u".out"_s, QIODevice::Append);
        process->start();
        if (!process->waitForStarted(10000)) {
            *error = u"%1: cannot start: %2"_s.arg(name, process->errorString());
            return false;
        }
        return true;
    }
    bool running() const { return process && process->state() == QProcess::Running; }
    void kill9()
    {
        if (!process)
            return;
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(10000);
        }
        process.reset();
    }
    /// For failure messages when the daemon exited: its exit code and last log lines (logs are redacted).
    QString exitReport() const
    {
        if (running())
            return name + u" is running"_s;
        QFile f(logPath);
        const QByteArray log = f.open(QIODevice::ReadOnly) ? f.readAll().right(1500) : QByteArray();
        return u"%1 exited (code %2); log tail: %3"_s.arg(name)
            .arg(process ? process->exitCode() : -1)
            .arg(QString::fromUtf8(log));
    }
    ~Daemon() { kill9(); }
};

/// Where one tenant SyncSecret went: its management copy and the copy's Secret.
struct Lineage {
    QJsonObject tenant;
    std::optional<QJsonObject> copy;
    std::optional<QJsonObject> secret;
    QString problem; ///< empty when tenant Synced, copy and Secret exist and all data agrees
};

} // namespace

class TestSyncSecretE2E : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testSeedExamplesPropagateWithStatus();
    void testTlsTypeAndKeysPreserved();
    void testUpdateThroughMergePatchOfStringData();
    void testDeleteRemovesAllThreeObjects();
    void testSameNameInTwoTenantsStaysIsolated();
    void testSecretConversionOnlyForLabelledSecrets();
    void testImmutableHonoured();
    void testInvalidSecretReportsFailedThenRecovers();
    void testTransientErrorsStayPending();
    void testTypeChangeIsRefusedByTheServer();
    void testSpoofedOriginLabelsAreOverwritten();
    void testDriftRepairedWithinTwoSeconds();
    void testKill9OfControllersConverges();
    void testFinalizersRemovedByHandLeaveNoOrphan();
    void testLeaderElectionWithShippedRbac();
    void testNoOrphansAnywhere();
    void testControllersNeededNoMoreThanTheShippedRbac();
    void testLogsNeverContainSecretValues();

private:
    Cluster& tenantCluster(const QString& mgmtNs) { return mgmtNs == kPrimary ? m_tenant1 : m_tenant2; }
    QString value(const QString& v);
    bool startDaemon(Daemon& d);
    Lineage lineage(const Cluster& tenant, const QString& ns, const QString& name, const QString& mgmtNs) const;
    bool waitSynced(const Cluster& tenant, const QString& name, const QString& mgmtNs, Lineage* out = nullptr,
        int timeoutMs = kSyncMs);
    bool waitGoneEverywhere(const Cluster& tenant, const QString& name, const QString& mgmtNs, const QString& tenantUid,
        const QString& copyUid, QString* problem);

    Cluster m_tenant1 { u"tenant1"_s };
    Cluster m_tenant2 { u"tenant2"_s };
    Cluster m_mgmt { u"management"_s };
    Daemon m_manager;
    Daemon m_ccm1;
    Daemon m_ccm2;
    Daemon m_managerLe; ///< --leader-elect replicas, only during testLeaderElectionWithShippedRbac
    Daemon m_ccmLe;
    QTemporaryDir m_files;
    QStringList m_values; ///< every secret value the suite used (for the log scan)
    QStringList m_driftReport;
};

// Registers a secret value for the final log scan and returns it.
QString TestSyncSecretE2E::value(const QString& v)
{
    if (!m_values.contains(v))
        m_values.append(testsupport::secretValue(v));
    return v;
}

bool TestSyncSecretE2E::startDaemon(Daemon& d)
{
    QString error;
    if (!d.start(&error)) {
        qWarning().noquote() << error;
        return false;
    }
    return true;
}

void TestSyncSecretE2E::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    QVERIFY(m_files.isValid());
    // KUBELB_KEEP_TEST_LOGS=1 keeps the daemons' logs (and kubeconfigs) for a look after the run.
    if (qEnvironmentVariableIsSet("KUBELB_KEEP_TEST_LOGS")) {
        m_files.setAutoRemove(false);
        qInfo().noquote() << "daemon logs kept in" << m_files.path();
    }
    QElapsedTimer setup;
    setup.start();
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt }) {
        QString error;
        QVERIFY2(c->start(&error), qPrintable(c->name + u": "_s + error));
    }
    const testsupport::ShippedSetup shipped { &m_mgmt,
        { { &m_tenant1, kPrimary, u"primary"_s }, { &m_tenant2, kSecondary, u"secondary"_s } }, kTenantNs, {} };
    const QString installError = shipped.install();
    QVERIFY2(installError.isEmpty(), qPrintable(installError));

    // ServiceAccount tokens (TokenRequest through `kubectl create token`) and kubeconfigs that carry only them.
    const QString managerToken = m_mgmt.createToken(u"kubelb"_s, u"kubelb-manager"_s);
    QVERIFY2(!managerToken.isEmpty(), "kubectl create token kubelb-manager failed");
    const QString managerKubeconfig = m_mgmt.server.writeKubeconfigWithToken(u"manager.kubeconfig"_s, managerToken);
    QVERIFY(!managerKubeconfig.isEmpty());
    m_manager.name = u"manager"_s;
    m_manager.logPath = testsupport::e2eLogFile(u"manager"_s);
    m_manager.args = { u"manager"_s, u"--kubeconfig"_s, managerKubeconfig, u"--metrics-bind-address"_s,
        u"127.0.0.1:0"_s, u"--health-probe-bind-address"_s, u"127.0.0.1:0"_s, u"--log-level"_s, u"debug"_s };

    struct CcmSetup {
        Daemon* daemon;
        Cluster* tenant;
        QString mgmtNs;
    };
    for (const CcmSetup& s :
        { CcmSetup { &m_ccm1, &m_tenant1, kPrimary }, CcmSetup { &m_ccm2, &m_tenant2, kSecondary } }) {
        const QString tenantToken = s.tenant->createToken(u"kube-system"_s, u"kubelb-ccm"_s);
        const QString mgmtToken = m_mgmt.createToken(s.mgmtNs, u"kubelb-ccm"_s);
        QVERIFY2(!tenantToken.isEmpty() && !mgmtToken.isEmpty(), "kubectl create token kubelb-ccm failed");
        const QString tenantKubeconfig = s.tenant->server.writeKubeconfigWithToken(u"ccm.kubeconfig"_s, tenantToken);
        const QString mgmtKubeconfig
            = m_mgmt.server.writeKubeconfigWithToken(u"ccm-%1.kubeconfig"_s.arg(s.mgmtNs), mgmtToken);
        QVERIFY(!tenantKubeconfig.isEmpty() && !mgmtKubeconfig.isEmpty());
        s.daemon->name = u"ccm-"_s + s.tenant->name;
        s.daemon->logPath = testsupport::e2eLogFile(s.daemon->name);
        s.daemon->args = { u"ccm"_s, u"--kubeconfig"_s, tenantKubeconfig, u"--kubelb-kubeconfig"_s, mgmtKubeconfig,
            u"--cluster-name"_s, s.mgmtNs, u"--enable-secret-conversion"_s, u"--metrics-bind-address"_s,
            u"127.0.0.1:0"_s, u"--health-probe-bind-address"_s, u"127.0.0.1:0"_s, u"--log-level"_s, u"debug"_s };
    }
    QVERIFY(startDaemon(m_manager));
    QVERIFY(startDaemon(m_ccm1));
    QVERIFY(startDaemon(m_ccm2));
    qInfo("setup (3 API servers, CRD, RBAC, tokens, 3 daemons): %lld ms", setup.elapsed());
}

void TestSyncSecretE2E::cleanupTestCase()
{
    if (!m_driftReport.isEmpty())
        qInfo().noquote() << "drift repair:" << m_driftReport.join(u"; "_s);
}

// The tenant object, its copy (named by the tenant UID) and the copy's Secret (named by the copy UID).
Lineage TestSyncSecretE2E::lineage(
    const Cluster& tenant, const QString& ns, const QString& name, const QString& mgmtNs) const
{
    Lineage l;
    const auto t = tenant.get(ssecPath(ns, name));
    if (!t) {
        l.problem = u"tenant SyncSecret %1/%2 not found"_s.arg(ns, name);
        return l;
    }
    l.tenant = *t;
    l.copy = m_mgmt.get(ssecPath(mgmtNs, uidOf(*t)));
    if (!l.copy) {
        l.problem = u"no management copy %1/%2"_s.arg(mgmtNs, uidOf(*t));
        return l;
    }
    l.secret = m_mgmt.get(secretPath(mgmtNs, uidOf(*l.copy)));
    const QString phase = t->value(u"status"_s).toObject().value(u"phase"_s).toString();
    if (!l.secret)
        l.problem = u"no Secret %1/%2"_s.arg(mgmtNs, uidOf(*l.copy));
    else if (dataOf(*l.copy) != dataOf(*t))
        l.problem = u"copy data %1 differs from the tenant's %2"_s.arg(
            describeKeys(dataOf(*l.copy)), describeKeys(dataOf(*t)));
    else if (dataOf(*l.secret) != dataOf(*t))
        l.problem = u"Secret data %1 differs from the tenant's %2"_s.arg(
            describeKeys(dataOf(*l.secret)), describeKeys(dataOf(*t)));
    else if (phase != u"Synced")
        l.problem = u"tenant phase is \"%1\""_s.arg(phase);
    return l;
}

bool TestSyncSecretE2E::waitSynced(
    const Cluster& tenant, const QString& name, const QString& mgmtNs, Lineage* out, int timeoutMs)
{
    Lineage l;
    const bool ok = waitUntil(
        [&] {
            l = lineage(tenant, kTenantNs, name, mgmtNs);
            return l.problem.isEmpty();
        },
        timeoutMs);
    if (!ok)
        qWarning().noquote() << name << "not synced:" << l.problem << '|' << m_ccm1.exitReport() << '|'
                             << m_ccm2.exitReport() << '|' << m_manager.exitReport();
    if (out)
        *out = l;
    return ok;
}

bool TestSyncSecretE2E::waitGoneEverywhere(const Cluster& tenant, const QString& name, const QString& mgmtNs,
    const QString& tenantUid, const QString& copyUid, QString* problem)
{
    return waitUntil(
        [&] {
            int code = 0;
            if (tenant.get(ssecPath(kTenantNs, name), &code) || code != 404)
                *problem = u"tenant SyncSecret still there (%1)"_s.arg(code);
            else if (m_mgmt.get(ssecPath(mgmtNs, tenantUid), &code) || code != 404)
                *problem = u"management copy still there (%1)"_s.arg(code);
            else if (m_mgmt.get(secretPath(mgmtNs, copyUid), &code) || code != 404)
                *problem = u"Secret still there (%1)"_s.arg(code);
            else if (!m_mgmt.list(ssecPath(mgmtNs), u"kubelb.k8c.io/origin-name="_s + name).isEmpty())
                *problem = u"a copy with origin-name=%1 remains"_s.arg(name);
            else
                problem->clear();
            return problem->isEmpty();
        },
        kSyncMs);
}

// The seed's three examples (TLS, registry credentials, Opaque), applied with kubectl to tenant1: each reaches
// Synced, its copy carries the origin labels and no last-applied annotation, and `kubectl get ssec` shows it.
void TestSyncSecretE2E::testSeedExamplesPropagateWithStatus()
{
    value(kCert);
    value(kKey);
    value(u"{\n  \"auths\": {\n    \"registry.example.com\": {\n      \"username\": \"user\",\n"
          "      \"password\": \"password\",\n      \"email\": \"user@registry.example.com\",\n"
          "      \"auth\": \"dXNlcjpwYXNzd29yZA==\"\n    }\n  }\n}\n"_s);
    value(u"postgresql://user:pass@host:5432/db"_s);
    value(u"sk-1234567890abcdef"_s);
    const QByteArray manifests = "apiVersion: kubelb.k8c.io/v1alpha1\n"
                                 "kind: SyncSecret\n"
                                 "metadata:\n"
                                 "  name: app-tls\n"
                                 "  namespace: production\n"
                                 "type: kubernetes.io/tls\n"
                                 "stringData:\n"
                                 "  tls.crt: |\n"
                                 "    -----BEGIN CERTIFICATE-----\n"
                                 "    MIIDXTCCAkWgAwIBAgIJAKZ...\n"
                                 "    -----END CERTIFICATE-----\n"
                                 "  tls.key: |\n"
                                 "    -----BEGIN PRIVATE KEY-----\n"
                                 "    MIIEvQIBADANBgkqhkiG9w0B...\n"
                                 "    -----END PRIVATE KEY-----\n"
                                 "---\n"
                                 "apiVersion: kubelb.k8c.io/v1alpha1\n"
                                 "kind: SyncSecret\n"
                                 "metadata:\n"
                                 "  name: registry-credentials\n"
                                 "  namespace: production\n"
                                 "type: kubernetes.io/dockerconfigjson\n"
                                 "stringData:\n"
                                 "  .dockerconfigjson: |\n"
                                 "    {\n"
                                 "      \"auths\": {\n"
                                 "        \"registry.example.com\": {\n"
                                 "          \"username\": \"user\",\n"
                                 "          \"password\": \"password\",\n"
                                 "          \"email\": \"user@registry.example.com\",\n"
                                 "          \"auth\": \"dXNlcjpwYXNzd29yZA==\"\n"
                                 "        }\n"
                                 "      }\n"
                                 "    }\n"
                                 "---\n"
                                 "apiVersion: kubelb.k8c.io/v1alpha1\n"
                                 "kind: SyncSecret\n"
                                 "metadata:\n"
                                 "  name: app-config\n"
                                 "  namespace: production\n"
                                 "type: Opaque\n"
                                 "stringData:\n"
                                 "  database-url: \"postgresql://user:pass@host:5432/db\"\n"
                                 "  api-key: \"sk-1234567890abcdef\"\n";
    QElapsedTimer timer;
    timer.start();
    const auto applied = m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s }, manifests);
    KVERIFY(applied);
    QCOMPARE(applied.out,
        u"syncsecret.kubelb.k8c.io/app-tls created\nsyncsecret.kubelb.k8c.io/registry-credentials created\n"
        "syncsecret.kubelb.k8c.io/app-config created\n"_s);

    const QMap<QString, QString> types { { u"app-tls"_s, u"kubernetes.io/tls"_s },
        { u"registry-credentials"_s, u"kubernetes.io/dockerconfigjson"_s }, { u"app-config"_s, u"Opaque"_s } };
    for (auto it = types.cbegin(); it != types.cend(); ++it) {
        Lineage l;
        QVERIFY2(waitSynced(m_tenant1, it.key(), kPrimary, &l), qPrintable(it.key() + u": "_s + l.problem));
        const QJsonObject copyMeta = l.copy->value(u"metadata"_s).toObject();
        QCOMPARE(labelOf(*l.copy, u"kubelb.k8c.io/origin-name"_s), it.key());
        QCOMPARE(labelOf(*l.copy, u"kubelb.k8c.io/origin-namespace"_s), kTenantNs);
        QVERIFY(l.tenant.value(u"metadata"_s)
                    .toObject()
                    .value(u"annotations"_s)
                    .toObject()
                    .contains(u"kubectl.kubernetes.io/last-applied-configuration"_s));
        QVERIFY2(!copyMeta.value(u"annotations"_s)
                      .toObject()
                      .contains(u"kubectl.kubernetes.io/last-applied-configuration"_s),
            "the copy carries kubectl's last-applied annotation (it holds the secret data)");
        QVERIFY2(!l.secret->value(u"metadata"_s)
                      .toObject()
                      .value(u"annotations"_s)
                      .toObject()
                      .contains(u"kubectl.kubernetes.io/last-applied-configuration"_s),
            "the Secret carries kubectl's last-applied annotation");
        QVERIFY2(!l.copy->contains(u"stringData"_s), "the copy holds stringData instead of data");
        QCOMPARE(l.copy->value(u"type"_s).toString(), it.value());
        QCOMPARE(l.secret->value(u"type"_s).toString(), it.value());
        // The Secret's controller owner reference points at the copy.
        const QJsonArray refs = l.secret->value(u"metadata"_s).toObject().value(u"ownerReferences"_s).toArray();
        QCOMPARE(refs.size(), 1);
        const QJsonObject ref = refs.first().toObject();
        QCOMPARE(ref.value(u"kind"_s).toString(), u"SyncSecret"_s);
        QCOMPARE(ref.value(u"apiVersion"_s).toString(), u"kubelb.k8c.io/v1alpha1"_s);
        QCOMPARE(ref.value(u"name"_s).toString(), nameOf(*l.copy));
        QCOMPARE(ref.value(u"uid"_s).toString(), uidOf(*l.copy));
        QCOMPARE(ref.value(u"controller"_s).toBool(), true);
        QCOMPARE(ref.value(u"blockOwnerDeletion"_s).toBool(), true);
        // Both controllers hold their finalizer.
        QVERIFY(l.tenant.value(u"metadata"_s)
                    .toObject()
                    .value(u"finalizers"_s)
                    .toArray()
                    .contains(u"kubelb.k8c.io/lb-finalizer"_s));
        QVERIFY(copyMeta.value(u"finalizers"_s).toArray().contains(u"kubelb.k8c.io/lb-finalizer"_s));
    }
    qInfo("3 seed examples Synced %lld ms after kubectl apply started", timer.elapsed());

    // What the user sees, through kubectl: the printer columns and the Synced condition.
    const auto table = m_tenant1.run({ u"get"_s, u"ssec"_s, u"-n"_s, kTenantNs, u"--no-headers"_s });
    KVERIFY(table);
    QStringList rows;
    for (const auto& line : table.out.split(u'\n', Qt::SkipEmptyParts)) {
        QStringList cells = line.simplified().split(u' ');
        cells.removeLast(); // age
        rows.append(cells.join(u' '));
    }
    QCOMPARE(rows,
        (QStringList { u"app-config Opaque Synced"_s, u"app-tls kubernetes.io/tls Synced"_s,
            u"registry-credentials kubernetes.io/dockerconfigjson Synced"_s }));
    const auto condition = m_tenant1.run({ u"get"_s, u"ssec"_s, u"app-tls"_s, u"-n"_s, kTenantNs, u"-o"_s,
        u"jsonpath={.status.phase} {.status.conditions[?(@.type==\"Synced\")].status} "
        "{.status.conditions[?(@.type==\"Synced\")].reason}"_s });
    KVERIFY(condition);
    QCOMPARE(condition.out, u"Synced True SecretSynced"_s);
    // The management copy reports its own status too.
    const auto copies = m_mgmt.run({ u"get"_s, u"ssec"_s, u"-n"_s, kPrimary, u"-l"_s,
        u"kubelb.k8c.io/origin-name=app-tls"_s, u"-o"_s, u"jsonpath={.items[*].status.phase}"_s });
    KVERIFY(copies);
    QCOMPARE(copies.out, u"Synced"_s);
}

// kubernetes.io/tls in, kubernetes.io/tls out, with exactly the tls.crt and tls.key keys and their bytes.
void TestSyncSecretE2E::testTlsTypeAndKeysPreserved()
{
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"app-tls"_s, kPrimary, &l), qPrintable(l.problem));
    const QString secretName = uidOf(*l.copy);
    const auto r
        = m_mgmt.run({ u"get"_s, u"secret"_s, secretName, u"-n"_s, kPrimary, u"-o"_s, u"jsonpath={.type} {.data}"_s });
    KVERIFY(r);
    const QString type = r.out.section(u' ', 0, 0);
    QCOMPARE(type, u"kubernetes.io/tls"_s);
    const QJsonObject data = QJsonDocument::fromJson(r.out.section(u' ', 1).toUtf8()).object();
    QCOMPARE(data.keys(), (QStringList { u"tls.crt"_s, u"tls.key"_s }));
    const ByteMap expected { { u"tls.crt"_s, kCert.toUtf8() }, { u"tls.key"_s, kKey.toUtf8() } };
    ByteMap actual;
    for (auto it = data.begin(); it != data.end(); ++it)
        actual.insert(it.key(), QByteArray::fromBase64(it.value().toString().toLatin1()));
    QVERIFY2(actual == expected, qPrintable(u"TLS data differs: "_s + describeKeys(actual)));
    // The registry credentials are a valid dockerconfigjson Secret as well.
    QVERIFY2(waitSynced(m_tenant1, u"registry-credentials"_s, kPrimary, &l), qPrintable(l.problem));
    QCOMPARE(dataOf(*l.secret).keys(), QStringList { u".dockerconfigjson"_s });
    QVERIFY(QJsonDocument::fromJson(dataOf(*l.secret).value(u".dockerconfigjson"_s)).isObject());
}

// `kubectl patch --type merge` of stringData reaches the Secret; untouched keys stay.
void TestSyncSecretE2E::testUpdateThroughMergePatchOfStringData()
{
    Lineage before;
    QVERIFY2(waitSynced(m_tenant1, u"app-config"_s, kPrimary, &before), qPrintable(before.problem));
    const QString rotated = value(u"sk-rotated-0987654321fedcba"_s);
    QElapsedTimer timer;
    timer.start();
    const auto patched = m_tenant1.run({ u"patch"_s, u"ssec"_s, u"app-config"_s, u"-n"_s, kTenantNs, u"--type"_s,
        u"merge"_s, u"-p"_s, u"{\"stringData\":{\"api-key\":\"%1\"}}"_s.arg(rotated) });
    KVERIFY(patched);
    QCOMPARE(patched.out, u"syncsecret.kubelb.k8c.io/app-config patched\n"_s);
    const ByteMap expected { { u"api-key"_s, rotated.toUtf8() },
        { u"database-url"_s, "postgresql://user:pass@host:5432/db" } };
    Lineage after;
    QVERIFY2(waitUntil(
                 [&] {
                     after = lineage(m_tenant1, kTenantNs, u"app-config"_s, kPrimary);
                     return after.problem.isEmpty() && dataOf(*after.secret) == expected;
                 },
                 kSyncMs),
        qPrintable(u"the update did not arrive: "_s + after.problem));
    qInfo("stringData patch reached the Secret in %lld ms", timer.elapsed());
    // Updated in place: same copy, same Secret.
    QCOMPARE(uidOf(*after.copy), uidOf(*before.copy));
    QCOMPARE(uidOf(*after.secret), uidOf(*before.secret));
    // And the user sees the new generation synced.
    QVERIFY(waitUntil(
        [&] {
            const auto r = m_tenant1.run({ u"get"_s, u"ssec"_s, u"app-config"_s, u"-n"_s, kTenantNs, u"-o"_s,
                u"jsonpath={.metadata.generation}={.status.observedGeneration} {.status.phase}"_s });
            const QStringList gen = r.out.section(u' ', 0, 0).split(u'=');
            return r.exitCode == 0 && gen.size() == 2 && gen[0] == gen[1] && r.out.endsWith(u" Synced"_s);
        },
        kSyncMs));
}

// kubectl delete of the tenant object waits for the finalizers and leaves nothing behind.
void TestSyncSecretE2E::testDeleteRemovesAllThreeObjects()
{
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"app-config"_s, kPrimary, &l), qPrintable(l.problem));
    const QString tenantUid = uidOf(l.tenant);
    const QString copyUid = uidOf(*l.copy);
    QElapsedTimer timer;
    timer.start();
    const auto deleted
        = m_tenant1.run({ u"delete"_s, u"ssec"_s, u"app-config"_s, u"-n"_s, kTenantNs, u"--timeout=60s"_s });
    KVERIFY(deleted);
    QCOMPARE(deleted.out, u"syncsecret.kubelb.k8c.io \"app-config\" deleted\n"_s);
    QString problem;
    QVERIFY2(
        waitGoneEverywhere(m_tenant1, u"app-config"_s, kPrimary, tenantUid, copyUid, &problem), qPrintable(problem));
    qInfo("delete: all three objects gone %lld ms after kubectl delete started", timer.elapsed());
    // Confirmed with kubectl as well.
    const auto copyGone = m_mgmt.run({ u"get"_s, u"ssec"_s, tenantUid, u"-n"_s, kPrimary });
    KFAIL(copyGone);
    QVERIFY(copyGone.err.contains(u"not found"_s));
    const auto secretGone = m_mgmt.run({ u"get"_s, u"secret"_s, copyUid, u"-n"_s, kPrimary });
    KFAIL(secretGone);
    QVERIFY(secretGone.err.contains(u"not found"_s));
}

// The same name in two tenants: two copies, each in its tenant's namespace, each with its own Secret and value;
// deleting one leaves the other; one tenant's CCM credentials cannot even read the other tenant's namespace.
void TestSyncSecretE2E::testSameNameInTwoTenantsStaysIsolated()
{
    const QString v1 = value(u"tenant-one-shared-value-31337"_s);
    const QString v2 = value(u"tenant-two-shared-value-27182"_s);
    const QString body = u"type: Opaque\nstringData:\n  password: \"%1\"\n"_s;
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s }, syncSecretYaml(kTenantNs, u"shared-creds"_s, body.arg(v1))));
    KVERIFY(m_tenant2.run({ u"apply"_s, u"-f"_s, u"-"_s }, syncSecretYaml(kTenantNs, u"shared-creds"_s, body.arg(v2))));
    Lineage l1, l2;
    QVERIFY2(waitSynced(m_tenant1, u"shared-creds"_s, kPrimary, &l1), qPrintable(l1.problem));
    QVERIFY2(waitSynced(m_tenant2, u"shared-creds"_s, kSecondary, &l2), qPrintable(l2.problem));
    QVERIFY(uidOf(l1.tenant) != uidOf(l2.tenant));
    QVERIFY(dataOf(*l1.secret) == (ByteMap { { u"password"_s, v1.toUtf8() } }));
    QVERIFY(dataOf(*l2.secret) == (ByteMap { { u"password"_s, v2.toUtf8() } }));
    // Exactly one copy per management namespace, with the right origin.
    for (const QString& ns : { kPrimary, kSecondary }) {
        const auto copies = m_mgmt.list(ssecPath(ns), u"kubelb.k8c.io/origin-name=shared-creds"_s);
        QCOMPARE(copies.size(), 1);
        QCOMPARE(nameOf(copies.first()), uidOf(ns == kPrimary ? l1.tenant : l2.tenant));
    }
    // tenant1's CCM identity is confined to tenant-primary.
    const QString ccm1Mgmt = m_ccm1.args.at(m_ccm1.args.indexOf(u"--kubelb-kubeconfig"_s) + 1);
    testsupport::Kubectl asCcm1(ccm1Mgmt);
    const auto forbidden = asCcm1.run({ u"get"_s, u"ssec"_s, u"-n"_s, kSecondary });
    KFAIL(forbidden);
    QVERIFY2(forbidden.err.contains(u"forbidden"_s), forbidden.describe().constData());
    const auto secrets = asCcm1.run({ u"get"_s, u"secrets"_s, u"-n"_s, kPrimary });
    KFAIL(secrets);
    QVERIFY2(secrets.err.contains(u"forbidden"_s), secrets.describe().constData());

    // Deleting tenant1's object leaves tenant2's untouched.
    KVERIFY(m_tenant1.run({ u"delete"_s, u"ssec"_s, u"shared-creds"_s, u"-n"_s, kTenantNs, u"--timeout=60s"_s }));
    QString problem;
    QVERIFY2(waitGoneEverywhere(m_tenant1, u"shared-creds"_s, kPrimary, uidOf(l1.tenant), uidOf(*l1.copy), &problem),
        qPrintable(problem));
    const Lineage still = lineage(m_tenant2, kTenantNs, u"shared-creds"_s, kSecondary);
    QVERIFY2(still.problem.isEmpty(), qPrintable(still.problem));
    QCOMPARE(uidOf(*still.secret), uidOf(*l2.secret));
    QVERIFY(dataOf(*still.secret) == (ByteMap { { u"password"_s, v2.toUtf8() } }));
}

// --enable-secret-conversion: a Secret labelled kubelb.k8c.io/managed-by=kubelb becomes a SyncSecret of the same
// name and propagates; an unlabelled one never does; deleting (or unlabelling) the Secret removes everything.
void TestSyncSecretE2E::testSecretConversionOnlyForLabelledSecrets()
{
    const QString plain = value(u"unlabelled-never-propagates-6021"_s);
    const QString converted = value(u"labelled-does-propagate-7719"_s);
    KVERIFY(m_tenant1.run({ u"create"_s, u"secret"_s, u"generic"_s, u"plain-credentials"_s, u"-n"_s, kTenantNs,
        u"--from-literal=password="_s + plain }));
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        u"apiVersion: v1\nkind: Secret\nmetadata:\n  name: converted-credentials\n  namespace: production\n"
        "  labels:\n    kubelb.k8c.io/managed-by: kubelb\n    app: billing\ntype: Opaque\nstringData:\n  token: %1\n"_s
            .arg(converted)
            .toUtf8()));
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"converted-credentials"_s, kPrimary, &l), qPrintable(l.problem));
    QVERIFY(dataOf(*l.secret) == (ByteMap { { u"token"_s, converted.toUtf8() } }));
    QCOMPARE(labelOf(*l.secret, u"app"_s), u"billing"_s);
    // The converted SyncSecret is owned by its Secret.
    const QJsonArray refs = l.tenant.value(u"metadata"_s).toObject().value(u"ownerReferences"_s).toArray();
    QCOMPARE(refs.size(), 1);
    QCOMPARE(refs.first().toObject().value(u"kind"_s).toString(), u"Secret"_s);
    // kubectl apply put the Secret's values into its last-applied annotation: it is not carried over.
    for (const QJsonObject* o : { &l.tenant, &*l.copy, &*l.secret })
        QVERIFY2(!o->value(u"metadata"_s)
                      .toObject()
                      .value(u"annotations"_s)
                      .toObject()
                      .contains(u"kubectl.kubernetes.io/last-applied-configuration"_s),
            qPrintable(nameOf(*o) + u" carries the Secret's last-applied annotation"_s));

    // The unlabelled Secret (created first) was never read into a SyncSecret, here or there.
    const auto noSsec = m_tenant1.run({ u"get"_s, u"ssec"_s, u"plain-credentials"_s, u"-n"_s, kTenantNs });
    KFAIL(noSsec);
    QVERIFY(noSsec.err.contains(u"not found"_s));
    for (const QString& ns : { kPrimary, kSecondary })
        QVERIFY(m_mgmt.list(ssecPath(ns), u"kubelb.k8c.io/origin-name=plain-credentials"_s).isEmpty());

    // Labelling it later makes it propagate; removing the label again withdraws it everywhere.
    KVERIFY(m_tenant1.run(
        { u"label"_s, u"secret"_s, u"plain-credentials"_s, u"-n"_s, kTenantNs, u"kubelb.k8c.io/managed-by=kubelb"_s }));
    Lineage labelled;
    QVERIFY2(waitSynced(m_tenant1, u"plain-credentials"_s, kPrimary, &labelled), qPrintable(labelled.problem));
    QVERIFY(dataOf(*labelled.secret) == (ByteMap { { u"password"_s, plain.toUtf8() } }));
    KVERIFY(m_tenant1.run(
        { u"label"_s, u"secret"_s, u"plain-credentials"_s, u"-n"_s, kTenantNs, u"kubelb.k8c.io/managed-by-"_s }));
    QString problem;
    QVERIFY2(waitGoneEverywhere(
                 m_tenant1, u"plain-credentials"_s, kPrimary, uidOf(labelled.tenant), uidOf(*labelled.copy), &problem),
        qPrintable(u"unlabelled: "_s + problem));
    // The Secret itself is the user's and stays.
    KVERIFY(m_tenant1.run({ u"get"_s, u"secret"_s, u"plain-credentials"_s, u"-n"_s, kTenantNs }));

    // Deleting the labelled Secret removes its SyncSecret, the copy and the management Secret.
    KVERIFY(m_tenant1.run({ u"delete"_s, u"secret"_s, u"converted-credentials"_s, u"-n"_s, kTenantNs }));
    QVERIFY2(
        waitGoneEverywhere(m_tenant1, u"converted-credentials"_s, kPrimary, uidOf(l.tenant), uidOf(*l.copy), &problem),
        qPrintable(u"deleted: "_s + problem));
}

// immutable: true reaches the Secret; the API servers refuse data changes to the tenant object, the copy and the
// Secret, and the Secret keeps its value.
void TestSyncSecretE2E::testImmutableHonoured()
{
    const QString pinned = value(u"pinned-license-value-8842"_s);
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(kTenantNs, u"pinned-config"_s,
            u"type: Opaque\nimmutable: true\nstringData:\n  license: %1\n"_s.arg(pinned))));
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"pinned-config"_s, kPrimary, &l), qPrintable(l.problem));
    const QString secretName = uidOf(*l.copy);
    const auto immutable
        = m_mgmt.run({ u"get"_s, u"secret"_s, secretName, u"-n"_s, kPrimary, u"-o"_s, u"jsonpath={.immutable}"_s });
    KVERIFY(immutable);
    QCOMPARE(immutable.out, u"true"_s);
    QCOMPARE(l.copy->value(u"immutable"_s).toBool(), true);

    const QString changed = value(u"pinned-license-changed-9953"_s);
    const auto tenantPatch = m_tenant1.run({ u"patch"_s, u"ssec"_s, u"pinned-config"_s, u"-n"_s, kTenantNs, u"--type"_s,
        u"merge"_s, u"-p"_s, u"{\"stringData\":{\"license\":\"%1\"}}"_s.arg(changed) });
    KFAIL(tenantPatch);
    QVERIFY2(tenantPatch.err.contains(u"immutable"_s), tenantPatch.describe().constData());
    const QString changed64 = QString::fromLatin1(changed.toUtf8().toBase64());
    const auto copyPatch = m_mgmt.run({ u"patch"_s, u"ssec"_s, uidOf(l.tenant), u"-n"_s, kPrimary, u"--type"_s,
        u"merge"_s, u"-p"_s, u"{\"data\":{\"license\":\"%1\"}}"_s.arg(changed64) });
    KFAIL(copyPatch);
    QVERIFY2(copyPatch.err.contains(u"immutable"_s), copyPatch.describe().constData());
    const auto secretPatch = m_mgmt.run({ u"patch"_s, u"secret"_s, secretName, u"-n"_s, kPrimary, u"--type"_s,
        u"merge"_s, u"-p"_s, u"{\"data\":{\"license\":\"%1\"}}"_s.arg(changed64) });
    KFAIL(secretPatch);
    QVERIFY2(secretPatch.err.contains(u"immutable"_s), secretPatch.describe().constData());
    const Lineage after = lineage(m_tenant1, kTenantNs, u"pinned-config"_s, kPrimary);
    QVERIFY2(after.problem.isEmpty(), qPrintable(after.problem));
    QCOMPARE(uidOf(*after.secret), uidOf(*l.secret));
    QVERIFY(dataOf(*after.secret) == (ByteMap { { u"license"_s, pinned.toUtf8() } }));
}

// A SyncSecret the API server refuses as a Secret (kubernetes.io/tls without tls.key) reports Failed with the
// server's reason in the tenant cluster; fixing it through kubectl makes it Synced.
void TestSyncSecretE2E::testInvalidSecretReportsFailedThenRecovers()
{
    const QString cert = value(u"half-tls-certificate-body-3310"_s);
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(
            kTenantNs, u"half-tls"_s, u"type: kubernetes.io/tls\nstringData:\n  tls.crt: %1\n"_s.arg(cert))));
    const QStringList statusArgs { u"get"_s, u"ssec"_s, u"half-tls"_s, u"-n"_s, kTenantNs, u"-o"_s,
        u"jsonpath={.status.phase} {.status.conditions[?(@.type==\"Synced\")].reason} "
        "{.status.conditions[?(@.type==\"Synced\")].message}"_s };
    KubectlResult status;
    QVERIFY2(waitUntil(
                 [&] {
                     status = m_tenant1.run(statusArgs);
                     return status.exitCode == 0 && status.out.startsWith(u"Failed InvalidSecret "_s);
                 },
                 kSyncMs),
        qPrintable(u"status: "_s + status.out.section(u' ', 0, 1)));
    QVERIFY2(!status.out.contains(cert), "the status message quotes the secret value");
    QVERIFY2(status.out.contains(u"tls.key"_s), qPrintable(status.out));
    const auto table = m_tenant1.run({ u"get"_s, u"ssec"_s, u"half-tls"_s, u"-n"_s, kTenantNs, u"--no-headers"_s });
    KVERIFY(table);
    QVERIFY2(table.out.simplified().startsWith(u"half-tls kubernetes.io/tls Failed "_s), qPrintable(table.out));

    const QString key = value(u"half-tls-private-key-body-4421"_s);
    KVERIFY(m_tenant1.run({ u"patch"_s, u"ssec"_s, u"half-tls"_s, u"-n"_s, kTenantNs, u"--type"_s, u"merge"_s, u"-p"_s,
        u"{\"stringData\":{\"tls.key\":\"%1\"}}"_s.arg(key) }));
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"half-tls"_s, kPrimary, &l), qPrintable(l.problem));
    QCOMPARE(l.secret->value(u"type"_s).toString(), u"kubernetes.io/tls"_s);
    QVERIFY(waitUntil([&] { return m_tenant1.run(statusArgs).out.startsWith(u"Synced SecretSynced "_s); }, kSyncMs));

    // Registry credentials that are not JSON: Failed, and the status message does not quote the value.
    const QString notJson = value(u"not-json-registry-value-7731"_s);
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(kTenantNs, u"bad-registry"_s,
            u"type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: %1\n"_s.arg(notJson))));
    QStringList badArgs = statusArgs;
    badArgs[2] = u"bad-registry"_s;
    QVERIFY2(waitUntil(
                 [&] {
                     status = m_tenant1.run(badArgs);
                     return status.exitCode == 0 && status.out.startsWith(u"Failed InvalidSecret "_s);
                 },
                 kSyncMs),
        "bad-registry never reported Failed InvalidSecret");
    QVERIFY2(!status.out.contains(notJson), "the status message quotes the secret value");
    QVERIFY2(status.out.contains(u".dockerconfigjson"_s), "the status message does not name the key");
    // A SyncSecret that never synced is deleted cleanly too.
    const auto bad = m_tenant1.get(ssecPath(kTenantNs, u"bad-registry"_s));
    QVERIFY(bad);
    KVERIFY(m_tenant1.run({ u"delete"_s, u"ssec"_s, u"bad-registry"_s, u"-n"_s, kTenantNs, u"--timeout=60s"_s }));
    QString problem;
    QVERIFY2(waitGoneEverywhere(m_tenant1, u"bad-registry"_s, kPrimary, uidOf(*bad), u"never-created"_s, &problem),
        qPrintable(problem));
}

// A management cluster that answers 500 to every Secret create: both statuses say Pending with the retrying reason,
// never Failed (nobody has to act), and the object syncs as soon as the server recovers.
void TestSyncSecretE2E::testTransientErrorsStayPending()
{
    const auto setFaults = [this](const QJsonObject& faults) {
        return m_mgmt.api->request("PUT", u"/debug/faults"_s, QJsonDocument(faults).toJson(QJsonDocument::Compact))
            .code;
    };
    QCOMPARE(setFaults(QJsonObject { { u"errors"_s,
                 QJsonArray { QJsonObject { { u"verb"_s, u"create"_s }, { u"resource"_s, u"secrets"_s },
                     { u"code"_s, 500 }, { u"rate"_s, 1.0 } } } } }),
        200);
    const QString v = value(u"flaky-management-value-5120"_s);
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(kTenantNs, u"flaky"_s, u"stringData:\n  password: %1\n"_s.arg(v))));
    const QStringList statusArgs { u"get"_s, u"ssec"_s, u"flaky"_s, u"-n"_s, kTenantNs, u"-o"_s,
        u"jsonpath={.status.phase} {.status.conditions[?(@.type==\"Synced\")].reason}"_s };
    QString seen;
    QStringList phases; // every tenant phase observed, to prove Failed never showed
    const bool retrying = waitUntil(
        [&] {
            seen = m_tenant1.run(statusArgs).out.trimmed();
            phases.append(seen.section(u' ', 0, 0));
            return seen == u"Pending SecretWriteRetrying"_s;
        },
        kSyncMs);
    QCOMPARE(setFaults({}), 200);
    QVERIFY2(retrying, qPrintable(u"tenant status: "_s + seen));
    QVERIFY2(!phases.contains(u"Failed"_s), "a transient error was reported as Failed");
    const auto tenant = m_tenant1.get(ssecPath(kTenantNs, u"flaky"_s));
    QVERIFY(tenant);
    const auto copy = m_mgmt.get(ssecPath(kPrimary, uidOf(*tenant)));
    QVERIFY(copy);
    QCOMPARE(copy->value(u"status"_s).toObject().value(u"phase"_s).toString(), u"Pending"_s);
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"flaky"_s, kPrimary, &l), qPrintable(l.problem));
    KVERIFY(m_tenant1.run({ u"delete"_s, u"ssec"_s, u"flaky"_s, u"-n"_s, kTenantNs, u"--timeout=60s"_s }));
}

// The embedded API server applies the Secret update rules to SyncSecrets too: `type` cannot change (kube-apiserver
// with this CRD would accept it; the Manager then recreates the Secret, see tst_desired's Recreate rows and the
// "Secret made immutable" drift below, which takes the same path).
void TestSyncSecretE2E::testTypeChangeIsRefusedByTheServer()
{
    const QString user = value(u"retype-user-name-5521"_s);
    const QString pass = value(u"retype-pass-word-6632"_s);
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(kTenantNs, u"retype-me"_s,
            u"type: Opaque\nstringData:\n  username: %1\n  password: %2\n"_s.arg(user, pass))));
    Lineage before;
    QVERIFY2(waitSynced(m_tenant1, u"retype-me"_s, kPrimary, &before), qPrintable(before.problem));
    QCOMPARE(before.secret->value(u"type"_s).toString(), u"Opaque"_s);
    const auto patched = m_tenant1.run({ u"patch"_s, u"ssec"_s, u"retype-me"_s, u"-n"_s, kTenantNs, u"--type"_s,
        u"merge"_s, u"-p"_s, u"{\"type\":\"kubernetes.io/basic-auth\"}"_s });
    KFAIL(patched);
    QVERIFY2(patched.err.contains(u"field is immutable"_s), patched.describe().constData());
    const Lineage after = lineage(m_tenant1, kTenantNs, u"retype-me"_s, kPrimary);
    QVERIFY2(after.problem.isEmpty(), qPrintable(after.problem));
    QCOMPARE(uidOf(*after.secret), uidOf(*before.secret));
}

// A tenant cannot forge the origin labels (or the owned label): the copy says where it really came from and the
// real owner of the forged name keeps its single copy.
void TestSyncSecretE2E::testSpoofedOriginLabelsAreOverwritten()
{
    const QString v = value(u"spoofer-value-8810"_s);
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(kTenantNs, u"spoofer"_s, u"type: Opaque\nstringData:\n  k: %1\n"_s.arg(v),
            u"    kubelb.k8c.io/origin-name: app-tls\n    kubelb.k8c.io/origin-namespace: kube-system\n"
            "    kubelb.k8c.io/origin-ns: kube-system\n    kubelb.k8c.io/syncsecret-owned: \"false\"\n    team: red\n"_s)));
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"spoofer"_s, kPrimary, &l), qPrintable(l.problem));
    const QJsonObject labels = l.copy->value(u"metadata"_s).toObject().value(u"labels"_s).toObject();
    QCOMPARE(labels,
        (QJsonObject { { u"kubelb.k8c.io/origin-name"_s, u"spoofer"_s },
            { u"kubelb.k8c.io/origin-namespace"_s, kTenantNs }, { u"team"_s, u"red"_s } }));
    QCOMPARE(labelOf(*l.secret, u"kubelb.k8c.io/syncsecret-owned"_s), u"true"_s);
    QCOMPARE(m_mgmt.list(ssecPath(kPrimary), u"kubelb.k8c.io/origin-name=app-tls"_s).size(), 1);
    const Lineage appTls = lineage(m_tenant1, kTenantNs, u"app-tls"_s, kPrimary);
    QVERIFY2(appTls.problem.isEmpty(), qPrintable(appTls.problem));
}

// Six disturbances of the management side, each repaired within 2 s of the disturbing kubectl command (the
// clock starts before kubectl is launched): the Secret deleted, the copy's data edited, the Secret's data edited,
// the Secret's owned label removed, the Secret made immutable, the copy deleted.
void TestSyncSecretE2E::testDriftRepairedWithinTwoSeconds()
{
    const QString original = value(u"drift-original-value-4419"_s);
    const ByteMap expected { { u"password"_s, original.toUtf8() } };
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(kTenantNs, u"drift-target"_s, u"type: Opaque\nstringData:\n  password: %1\n"_s.arg(original))));
    Lineage l;
    QVERIFY2(waitSynced(m_tenant1, u"drift-target"_s, kPrimary, &l), qPrintable(l.problem));
    const QString copyName = uidOf(l.tenant);

    // Repaired: the tenant's copy and its Secret exist with the tenant's data (a fresh lineage each time).
    const auto repaired = [&](const std::function<bool(const Lineage&)>& extra) {
        const Lineage now = lineage(m_tenant1, kTenantNs, u"drift-target"_s, kPrimary);
        return now.copy && now.secret && dataOf(*now.copy) == expected && dataOf(*now.secret) == expected && extra(now);
    };
    const auto measure
        = [&](const QString& what, const QStringList& args, const std::function<bool(const Lineage&)>& extra) {
              QElapsedTimer clock;
              clock.start();
              const QDeadlineTimer deadline(kDriftMs);
              const auto r = m_mgmt.run(args);
              const qint64 kubectlMs = clock.elapsed();
              if (r.exitCode != 0)
                  return u"%1: kubectl failed: %2"_s.arg(what, QString::fromUtf8(r.describe()));
              bool ok = false;
              while (!(ok = repaired(extra)) && !deadline.hasExpired())
                  QTest::qWait(5);
              const qint64 total = clock.elapsed();
              m_driftReport.append(
                  u"%1: %2 ms from kubectl launch (kubectl itself %3 ms)"_s.arg(what).arg(total).arg(kubectlMs));
              return ok ? QString() : u"%1: not repaired within %2 ms"_s.arg(what).arg(kDriftMs);
          };

    // 1. The Secret is deleted: the Manager recreates it (same name: the copy's UID).
    const QString secretUid = uidOf(*l.secret);
    QString failure = measure(u"Secret deleted"_s,
        { u"delete"_s, u"secret"_s, uidOf(*l.copy), u"-n"_s, kPrimary, u"--wait=false"_s },
        [&](const Lineage& now) { return uidOf(*now.secret) != secretUid; });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    // 2. The copy's data is edited: the CCM restores it, and the Secret ends with the tenant's value.
    const QString hacked = value(u"drift-hacked-value-0001"_s);
    const QString copyUid = uidOf(*l.copy);
    failure = measure(u"copy data edited"_s,
        { u"patch"_s, u"ssec"_s, copyName, u"-n"_s, kPrimary, u"--type"_s, u"merge"_s, u"-p"_s,
            u"{\"data\":{\"password\":\"%1\"}}"_s.arg(QString::fromLatin1(hacked.toUtf8().toBase64())) },
        [&](const Lineage& now) {
            // Restored after the edit (generation 2) and the Manager has reconciled that version.
            const qint64 generation = now.copy->value(u"metadata"_s).toObject().value(u"generation"_s).toInteger();
            const qint64 observed = now.copy->value(u"status"_s).toObject().value(u"observedGeneration"_s).toInteger();
            return uidOf(*now.copy) == copyUid && generation >= 3 && observed == generation;
        });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    // 3. The Secret's data is edited directly: the Manager restores it in place.
    const QString edited = value(u"drift-edited-secret-value-0002"_s);
    const Lineage current = lineage(m_tenant1, kTenantNs, u"drift-target"_s, kPrimary);
    const QString secretName = nameOf(*current.secret);
    const QString secretNow = uidOf(*current.secret);
    failure = measure(u"Secret data edited"_s,
        { u"patch"_s, u"secret"_s, secretName, u"-n"_s, kPrimary, u"--type"_s, u"merge"_s, u"-p"_s,
            u"{\"data\":{\"password\":\"%1\"}}"_s.arg(QString::fromLatin1(edited.toUtf8().toBase64())) },
        [&](const Lineage& now) { return uidOf(*now.secret) == secretNow; });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    // 4. The Secret loses the owned label (it leaves the Manager's label-selected watch): restored in place.
    failure = measure(u"Secret owned label removed"_s,
        { u"label"_s, u"secret"_s, secretName, u"-n"_s, kPrimary, u"kubelb.k8c.io/syncsecret-owned-"_s },
        [&](const Lineage& now) {
            return uidOf(*now.secret) == secretNow
                && labelOf(*now.secret, u"kubelb.k8c.io/syncsecret-owned"_s) == u"true";
        });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    // 5. The Secret is made immutable (the copy is not): that cannot be undone in place, so the Manager recreates it.
    failure = measure(u"Secret made immutable"_s,
        { u"patch"_s, u"secret"_s, secretName, u"-n"_s, kPrimary, u"--type"_s, u"merge"_s, u"-p"_s,
            u"{\"immutable\":true}"_s },
        [&](const Lineage& now) {
            return uidOf(*now.secret) != secretNow && nameOf(*now.secret) == secretName
                && !now.secret->value(u"immutable"_s).toBool();
        });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    // 6. The copy is deleted: the Manager deletes its Secret and lets it go, the CCM makes a new copy (same name,
    //    new UID) and the Manager a new Secret named by it; the old Secret is gone.
    const QString oldSecret = uidOf(*lineage(m_tenant1, kTenantNs, u"drift-target"_s, kPrimary).secret);
    failure = measure(u"copy deleted"_s, { u"delete"_s, u"ssec"_s, copyName, u"-n"_s, kPrimary, u"--wait=false"_s },
        [&](const Lineage& now) {
            return uidOf(*now.copy) != copyUid && nameOf(*now.copy) == copyName
                && !m_mgmt.get(secretPath(kPrimary, oldSecret));
        });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    // The tenant returns to Synced, with a single copy.
    QVERIFY2(waitSynced(m_tenant1, u"drift-target"_s, kPrimary, &l), qPrintable(l.problem));
    QCOMPARE(m_mgmt.list(ssecPath(kPrimary), u"kubelb.k8c.io/origin-name=drift-target"_s).size(), 1);
    qInfo().noquote() << "drift repair:" << m_driftReport.join(u"; "_s);
}

// kill -9 of the CCM while 50 SyncSecrets are being created, deletions while it is down, kill -9 of the Manager
// mid-run: after both restart everything converges with nothing lost and nothing left over.
void TestSyncSecretE2E::testKill9OfControllersConverges()
{
    constexpr int kCount = 50;
    constexpr int kDeleted = 10;
    QByteArray yaml;
    for (int i = 0; i < kCount; ++i) {
        const QString name = u"bulk-%1"_s.arg(i, 2, 10, QLatin1Char('0'));
        const QString v = value(u"bulk-secret-value-%1-k9"_s.arg(i, 2, 10, QLatin1Char('0')));
        yaml += syncSecretYaml(
                    kTenantNs, name, u"type: Opaque\nstringData:\n  value: %1\n"_s.arg(v), u"    batch: bulk\n"_s)
            + "---\n";
    }
    QFile file(m_files.filePath(u"bulk.yaml"_s));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(yaml) == yaml.size());
    file.close();
    const auto tenantBulk = [&] { return m_tenant1.list(ssecPath(kTenantNs), u"batch=bulk"_s); };
    const auto mgmtCopies = [&] { return m_mgmt.list(ssecPath(kPrimary), u"batch=bulk"_s); };
    const auto mgmtSecrets = [&] { return m_mgmt.list(secretPath(kPrimary), u"batch=bulk"_s); };
    const auto withFinalizer = [](const QList<QJsonObject>& items) {
        return std::count_if(items.cbegin(), items.cend(), [](const QJsonObject& o) {
            return o.value(u"metadata"_s)
                .toObject()
                .value(u"finalizers"_s)
                .toArray()
                .contains(u"kubelb.k8c.io/lb-finalizer"_s);
        });
    };

    QElapsedTimer timer;
    timer.start();
    auto apply = m_tenant1.kubectl->start({ u"apply"_s, u"-f"_s, file.fileName() });
    // The CCM is at work: kill it.
    QVERIFY(waitUntil([&] { return withFinalizer(tenantBulk()) >= 3; }, kSyncMs));
    m_ccm1.kill9();
    const auto applied = testsupport::finish(*apply, 60000);
    KVERIFY(applied);
    const qsizetype handledByCcm = withFinalizer(tenantBulk());
    // Deletions while the CCM is down (objects with its finalizer wait for it).
    QStringList doomed { u"delete"_s, u"ssec"_s, u"-n"_s, kTenantNs, u"--wait=false"_s };
    for (int i = 0; i < kDeleted; ++i)
        doomed.append(u"bulk-%1"_s.arg(i, 2, 10, QLatin1Char('0')));
    KVERIFY(m_tenant1.run(doomed));
    // The CCM comes back and propagates; the Manager is killed while it is turning copies into Secrets.
    QVERIFY(startDaemon(m_ccm1));
    const qsizetype secretsBefore = mgmtSecrets().size();
    QVERIFY(waitUntil([&] { return mgmtSecrets().size() >= secretsBefore + 3; }, kSyncMs));
    m_manager.kill9();
    const qsizetype secretsAtKill = mgmtSecrets().size();
    // Copies keep coming while the Manager is down; then it restarts.
    QVERIFY(waitUntil([&] { return mgmtCopies().size() >= kCount - kDeleted - 5; }, kSyncMs));
    QVERIFY(startDaemon(m_manager));

    // Converged: exactly bulk-10..49, all Synced, one copy and one Secret each with the tenant's data.
    QString problem;
    const bool converged = waitUntil(
        [&] {
            const auto tenant = tenantBulk();
            const auto copies = mgmtCopies();
            const auto secrets = mgmtSecrets();
            if (tenant.size() != kCount - kDeleted) {
                problem = u"%1 tenant objects"_s.arg(tenant.size());
                return false;
            }
            if (copies.size() != kCount - kDeleted || secrets.size() != kCount - kDeleted) {
                problem = u"%1 copies, %2 Secrets"_s.arg(copies.size()).arg(secrets.size());
                return false;
            }
            for (const auto& t : tenant) {
                const int index = nameOf(t).mid(5).toInt();
                if (index < kDeleted) {
                    problem = nameOf(t) + u" still exists"_s;
                    return false;
                }
                const Lineage l = lineage(m_tenant1, kTenantNs, nameOf(t), kPrimary);
                if (!l.problem.isEmpty()) {
                    problem = nameOf(t) + u": "_s + l.problem;
                    return false;
                }
            }
            return true;
        },
        60000);
    QVERIFY2(converged, qPrintable(problem + u" | "_s + m_ccm1.exitReport() + u" | "_s + m_manager.exitReport()));
    qInfo("kill -9: CCM killed after %lld tenant objects had its finalizer, Manager killed at %lld Secrets; "
          "converged %lld ms after the apply started",
        qint64(handledByCcm), qint64(secretsAtKill), timer.elapsed());
    // Every Secret belongs to a live copy (no orphan from the killed runs).
    const auto copies = mgmtCopies();
    QSet<QString> copyUids;
    for (const auto& c : copies)
        copyUids.insert(uidOf(c));
    for (const auto& s : mgmtSecrets())
        QVERIFY2(copyUids.contains(nameOf(s)), qPrintable(u"orphan Secret "_s + nameOf(s)));
}

// The seed warns that removing finalizers by hand orphans Secrets. Here it does not: with the CCM down, a tenant
// object is deleted and its finalizer stripped; the restarted CCM finds the copy without origin and deletes it
// (and the Manager its Secret). With the Manager down, a copy is deleted and stripped; the API server's garbage
// collector removes its Secret, the CCM makes a new copy and the restarted Manager a new Secret.
void TestSyncSecretE2E::testFinalizersRemovedByHandLeaveNoOrphan()
{
    const QString v1 = value(u"forced-orphan-value-1208"_s);
    const QString v2 = value(u"forced-copy-value-3391"_s);
    KVERIFY(m_tenant1.run({ u"apply"_s, u"-f"_s, u"-"_s },
        syncSecretYaml(kTenantNs, u"forced-orphan"_s, u"type: Opaque\nstringData:\n  k: %1\n"_s.arg(v1)) + "---\n"
            + syncSecretYaml(kTenantNs, u"forced-copy"_s, u"type: Opaque\nstringData:\n  k: %1\n"_s.arg(v2))));
    Lineage orphan, copyCase;
    QVERIFY2(waitSynced(m_tenant1, u"forced-orphan"_s, kPrimary, &orphan), qPrintable(orphan.problem));
    QVERIFY2(waitSynced(m_tenant1, u"forced-copy"_s, kPrimary, &copyCase), qPrintable(copyCase.problem));
    const QString stripFinalizers = u"{\"metadata\":{\"finalizers\":null}}"_s;

    m_ccm1.kill9();
    KVERIFY(m_tenant1.run({ u"delete"_s, u"ssec"_s, u"forced-orphan"_s, u"-n"_s, kTenantNs, u"--wait=false"_s }));
    KVERIFY(m_tenant1.run({ u"patch"_s, u"ssec"_s, u"forced-orphan"_s, u"-n"_s, kTenantNs, u"--type"_s, u"merge"_s,
        u"-p"_s, stripFinalizers }));
    QVERIFY(waitUntil([&] { return !m_tenant1.get(ssecPath(kTenantNs, u"forced-orphan"_s)); }, kSyncMs));
    QVERIFY(startDaemon(m_ccm1));
    QString problem;
    QVERIFY2(waitGoneEverywhere(
                 m_tenant1, u"forced-orphan"_s, kPrimary, uidOf(orphan.tenant), uidOf(*orphan.copy), &problem),
        qPrintable(u"CCM side: "_s + problem));

    m_manager.kill9();
    const QString copyName = nameOf(*copyCase.copy);
    KVERIFY(m_mgmt.run({ u"delete"_s, u"ssec"_s, copyName, u"-n"_s, kPrimary, u"--wait=false"_s }));
    KVERIFY(m_mgmt.run(
        { u"patch"_s, u"ssec"_s, copyName, u"-n"_s, kPrimary, u"--type"_s, u"merge"_s, u"-p"_s, stripFinalizers }));
    // The garbage collector removes the old Secret even while the Manager is down.
    QVERIFY2(waitUntil([&] { return !m_mgmt.get(secretPath(kPrimary, uidOf(*copyCase.copy))); }, kSyncMs),
        "the Secret of the stripped copy was not garbage-collected");
    QVERIFY(startDaemon(m_manager));
    Lineage after;
    QVERIFY2(waitUntil(
                 [&] {
                     after = lineage(m_tenant1, kTenantNs, u"forced-copy"_s, kPrimary);
                     return after.problem.isEmpty() && uidOf(*after.copy) != uidOf(*copyCase.copy);
                 },
                 kSyncMs),
        qPrintable(u"Manager side: "_s + after.problem));
    QVERIFY(dataOf(*after.secret) == (ByteMap { { u"k"_s, v2.toUtf8() } }));
}

// --leader-elect with the shipped RBAC and the default Lease namespace: each daemon acquires its Lease (manager in
// kubelb, ccm in kube-system), and a replica whose Lease is taken over exits (non-zero) so Kubernetes restarts it.
void TestSyncSecretE2E::testLeaderElectionWithShippedRbac()
{
    m_managerLe.name = u"manager-leader-elect"_s;
    m_managerLe.logPath = testsupport::e2eLogFile(u"manager-le"_s);
    m_managerLe.args = m_manager.args + QStringList { u"--leader-elect"_s };
    m_ccmLe.name = u"ccm-tenant1-leader-elect"_s;
    m_ccmLe.logPath = testsupport::e2eLogFile(u"ccm-tenant1-le"_s);
    m_ccmLe.args = m_ccm1.args + QStringList { u"--leader-elect"_s };
    QVERIFY(startDaemon(m_managerLe));
    QVERIFY(startDaemon(m_ccmLe));
    const QString managerLease = u"/apis/coordination.k8s.io/v1/namespaces/kubelb/leases/kubelb-manager-syncsecret"_s;
    const QString ccmLease = u"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubelb-ccm-syncsecret"_s;
    const auto holder = [](const std::optional<QJsonObject>& lease) {
        return lease ? lease->value(u"spec"_s).toObject().value(u"holderIdentity"_s).toString() : QString();
    };
    QVERIFY2(waitUntil([&] { return !holder(m_mgmt.get(managerLease)).isEmpty(); }, kSyncMs),
        qPrintable(u"the manager never held kubelb/kubelb-manager-syncsecret | "_s + m_managerLe.exitReport()));
    QVERIFY2(waitUntil([&] { return !holder(m_tenant1.get(ccmLease)).isEmpty(); }, kSyncMs),
        qPrintable(u"the ccm never held kube-system/kubelb-ccm-syncsecret | "_s + m_ccmLe.exitReport()));
    m_ccmLe.kill9();

    // Another replica takes the manager's Lease over: this one must stop and exit.
    const QString now = QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-ddTHH:mm:ss.zzz000Z"_s);
    KVERIFY(m_mgmt.run({ u"patch"_s, u"lease"_s, u"kubelb-manager-syncsecret"_s, u"-n"_s, u"kubelb"_s, u"--type"_s,
        u"merge"_s, u"-p"_s, u"{\"spec\":{\"holderIdentity\":\"another-replica\",\"renewTime\":\"%1\"}}"_s.arg(now) }));
    QVERIFY2(waitUntil([&] { return !m_managerLe.running(); }, 20000),
        "the manager kept running after another replica took its Lease");
    QCOMPARE(m_managerLe.process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_managerLe.process->exitCode(), 1);
    QCOMPARE(holder(m_mgmt.get(managerLease)), u"another-replica"_s);
}

// Across everything the suite did: every copy belongs to a live tenant object (named by its UID), every owned
// Secret to a live copy (named by its UID, controller reference), in both tenant namespaces.
void TestSyncSecretE2E::testNoOrphansAnywhere()
{
    for (const QString& ns : { kPrimary, kSecondary }) {
        const Cluster& tenant = tenantCluster(ns);
        QHash<QString, QString> copyUidByName;
        const auto copies = m_mgmt.list(ssecPath(ns));
        for (const auto& c : copies) {
            const QString origin = labelOf(c, u"kubelb.k8c.io/origin-name"_s);
            const QString originNs = labelOf(c, u"kubelb.k8c.io/origin-namespace"_s);
            const auto t = tenant.get(ssecPath(originNs, origin));
            QVERIFY2(t && uidOf(*t) == nameOf(c),
                qPrintable(u"orphan copy %1/%2 (origin %3/%4)"_s.arg(ns, nameOf(c), originNs, origin)));
            QVERIFY2(!c.value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s),
                qPrintable(u"copy stuck terminating: "_s + nameOf(c)));
            copyUidByName.insert(nameOf(c), uidOf(c));
        }
        const auto secrets = m_mgmt.list(secretPath(ns), u"kubelb.k8c.io/syncsecret-owned"_s);
        QCOMPARE(secrets.size(), copies.size());
        for (const auto& s : secrets) {
            const QJsonObject ref
                = s.value(u"metadata"_s).toObject().value(u"ownerReferences"_s).toArray().first().toObject();
            QVERIFY2(copyUidByName.value(ref.value(u"name"_s).toString()) == ref.value(u"uid"_s).toString()
                    && ref.value(u"uid"_s).toString() == nameOf(s),
                qPrintable(u"orphan Secret %1/%2"_s.arg(ns, nameOf(s))));
        }
        // Tenant side: nothing stuck in Terminating, everything Synced.
        for (const auto& t : tenant.list(ssecPath(kTenantNs))) {
            QVERIFY2(!t.value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s),
                qPrintable(u"stuck: "_s + nameOf(t)));
            QCOMPARE(t.value(u"status"_s).toObject().value(u"phase"_s).toString(), u"Synced"_s);
        }
    }
}

// The daemons ran only with the ServiceAccount tokens of the shipped RBAC: none of them was ever refused.
void TestSyncSecretE2E::testControllersNeededNoMoreThanTheShippedRbac()
{
    for (const Daemon* d : { &m_manager, &m_ccm1, &m_ccm2 })
        QVERIFY2(d->running(), qPrintable(d->exitReport()));
    for (const Daemon* d : { &m_manager, &m_ccm1, &m_ccm2, &m_managerLe, &m_ccmLe }) {
        if (d->logPath.isEmpty())
            continue;
        QFile f(d->logPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray log = f.readAll();
        QVERIFY2(!log.contains("orbidden"), qPrintable(d->name + u" was refused by RBAC (see its log)"_s));
        QVERIFY2(!log.contains("Unauthorized"), qPrintable(d->name + u" was not authenticated"_s));
    }
}

// Every log the processes wrote (three API servers, the Manager, both CCMs, across their kill -9 restarts) is
// free of every secret value the suite used: raw, base64, and each line of multi-line values.
void TestSyncSecretE2E::testLogsNeverContainSecretValues()
{
    QStringList files;
    for (const Daemon* d : { &m_manager, &m_ccm1, &m_ccm2, &m_managerLe, &m_ccmLe })
        if (!d->logPath.isEmpty())
            files << d->logPath << d->logPath + u".out"_s;
    for (const Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt })
        files << c->server.logPath();
    QList<QByteArray> needles;
    for (const QString& v : std::as_const(m_values)) {
        const QByteArray raw = v.toUtf8();
        needles << raw << raw.toBase64();
        for (const QString& line : v.split(u'\n'))
            if (line.trimmed().size() >= 12)
                needles << line.trimmed().toUtf8();
        // JSON-escaped form of multi-line values.
        if (v.contains(u'\n'))
            needles << QByteArray(raw).replace('\n', "\\n");
    }
    qsizetype bytes = 0;
    for (const QString& path : std::as_const(files)) {
        QFile f(path);
        if (!f.exists())
            continue;
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray log = f.readAll();
        bytes += log.size();
        for (qsizetype i = 0; i < needles.size(); ++i)
            QVERIFY2(!log.contains(needles.at(i)),
                qPrintable(
                    u"%1 contains secret test value #%2 (%3 bytes)"_s.arg(path).arg(i).arg(needles.at(i).size())));
    }
    qInfo("scanned %lld bytes of logs in %lld files for %lld secret patterns", qint64(bytes), qint64(files.size()),
        qint64(needles.size()));
    QVERIFY(bytes > 0);
}

QTEST_GUILESS_MAIN(TestSyncSecretE2E)
#include "tst_syncsecret.moc"
