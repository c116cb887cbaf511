// kubelb-syncctl end to end: the real demo (three embedded clusters with controllers) plus a fourth tenant cluster
// with no CCM, every orphan class created with kubectl, found by `orphans -o json`, removed by `cleanup --yes`,
// and restored from the backup with `kubectl apply -f`. Secret values never appear in failure messages.
#include "support/apiserverprocess.h"
#include "support/e2elogs.h"
#include "support/kubectl.h"
#include "support/wait.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::KubectlResult;

namespace {

/// What one kubelb-syncctl run produced (its stdout holds no secret values by design).
struct CtlResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QByteArray describe() const { return "exit " + QByteArray::number(exitCode) + ": " + err.left(2000); }
};

using testsupport::waitUntil;

QString nameOf(const QJsonObject& ref)
{
    return ref.value(u"name"_s).toString();
}

} // namespace

class TestSyncctlE2E : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testUsageErrorsExitTwo();
    void testNoOrphansInTheSeededDemo();
    void testEveryOrphanClassIsFound();
    void testDoctorReportsAHealthySyncSecret();
    void testDryRunChangesNothing();
    void testCleanupRemovesEveryOrphanAndNothingElse();
    void testLiveLineageIsIntact();
    void testBackupRestoresTheDeletedObjects();

private:
    CtlResult ctl(QStringList args, const QByteArray& stdinData = {}) const;
    KubectlResult kube(const QStringList& args, const QByteArray& stdinData = {}) const
    {
        return m_kubectl->run(args, stdinData, 60000);
    }
    QStringList tenants() const;

    QTemporaryDir m_dir;
    QProcess m_demo;
    QString m_kubeconfig;
    std::optional<testsupport::Kubectl> m_kubectl;
    testsupport::ApiServerProcess m_tenant3; ///< a tenant whose CCM is not running (context kubelb-sync)
    std::optional<testsupport::Kubectl> m_kubectl3;
    QSet<QString> m_orphanNames;
};

CtlResult TestSyncctlE2E::ctl(QStringList args, const QByteArray& stdinData) const
{
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(u"KUBECONFIG"_s, m_kubeconfig + u':' + m_tenant3.kubeconfigPath());
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir.path());
    p.start(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncctl"), args);
    p.write(stdinData);
    p.closeWriteChannel();
    CtlResult r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QStringList TestSyncctlE2E::tenants() const
{
    return { u"--management-context"_s, u"kubelb"_s, u"--tenant"_s, u"tenant1=tenant-primary"_s, u"--tenant"_s,
        u"tenant2=tenant-secondary"_s, u"--tenant"_s, u"kubelb-sync=tenant-tertiary"_s };
}

void TestSyncctlE2E::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    QVERIFY(m_dir.isValid());
    m_demo.setProgram(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncd"));
    m_demo.setArguments({ u"demo"_s, u"--data-dir"_s, m_dir.filePath(u"demo"_s), u"--in-memory"_s,
        u"--enable-garbage-collector"_s, u"false"_s }); // the garbage collector would repair class 1 at once
    m_demo.setStandardOutputFile(testsupport::e2eLogFile(u"demo-stdout"_s));
    m_demo.setStandardErrorFile(testsupport::e2eLogFile(u"demo"_s));
    m_demo.start();
    QVERIFY(m_demo.waitForStarted(10000));
    const QString demoJson = m_dir.filePath(u"demo/demo.json"_s);
    QVERIFY2(waitUntil([&] { return QFile::exists(demoJson); }, 30000), "the demo never wrote demo.json");
    QFile f(demoJson);
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_kubeconfig = QJsonDocument::fromJson(f.readAll()).object().value(u"kubeconfig"_s).toString();
    m_kubectl.emplace(m_kubeconfig);
    // Every seeded SyncSecret (4 in tenant1, 1 in tenant2) reaches Synced.
    for (const auto& [context, expected] : { std::pair { u"tenant1"_s, 4 }, std::pair { u"tenant2"_s, 1 } }) {
        const bool synced = waitUntil(
            [&] {
                const auto r = kube({ u"--context"_s, context, u"get"_s, u"syncsecrets"_s, u"-n"_s, u"production"_s,
                    u"-o"_s, u"jsonpath={.items[*].status.phase}"_s });
                return r.exitCode == 0 && r.out.split(u' ', Qt::SkipEmptyParts).count(u"Synced"_s) == expected;
            },
            30000);
        QVERIFY2(synced, qPrintable(context + u": seeded SyncSecrets never became Synced"_s));
    }
    QString error;
    QVERIFY2(m_tenant3.start(&error), qPrintable(error));
    m_kubectl3.emplace(m_tenant3.kubeconfigPath());
    KVERIFY(m_kubectl3->run(
        { u"apply"_s, u"-f"_s, QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/base/syncsecret-crd.yaml") }));
    KVERIFY(m_kubectl3->run(
        { u"wait"_s, u"--for=condition=Established"_s, u"--timeout=30s"_s, u"crd/syncsecrets.kubelb.k8c.io"_s }));
    KVERIFY(m_kubectl3->run({ u"create"_s, u"namespace"_s, u"production"_s }));
    KVERIFY(kube({ u"--context"_s, u"kubelb"_s, u"create"_s, u"namespace"_s, u"tenant-tertiary"_s }));
}

void TestSyncctlE2E::cleanupTestCase()
{
    m_demo.terminate();
    if (!m_demo.waitForFinished(10000))
        m_demo.kill();
}

void TestSyncctlE2E::testUsageErrorsExitTwo()
{
    QCOMPARE(ctl({ u"frobnicate"_s }).exitCode, 2);
    QCOMPARE(ctl({ u"orphans"_s, u"-o"_s, u"xml"_s }).exitCode, 2);
    QCOMPARE(ctl({ u"orphans"_s, u"--older-than"_s, u"soon"_s }).exitCode, 2);
    QCOMPARE(ctl({ u"doctor"_s, u"app-tls"_s }).exitCode, 2);
    const CtlResult help = ctl({ u"--help"_s });
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("Examples:"));
}

void TestSyncctlE2E::testNoOrphansInTheSeededDemo()
{
    const CtlResult r = ctl(QStringList { u"orphans"_s, u"-o"_s, u"json"_s, u"--older-than"_s, u"0s"_s } + tenants());
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(r.json().value(u"orphans"_s).toArray().size(), 0);
}

void TestSyncctlE2E::testEveryOrphanClassIsFound()
{
    // Class 1: the owner SyncSecret is gone (a live second owner shows that only the SyncSecret owner counts).
    KVERIFY(
        kube({ u"--context"_s, u"kubelb"_s, u"create"_s, u"configmap"_s, u"anchor"_s, u"-n"_s, u"tenant-primary"_s }));
    const auto anchor = kube({ u"--context"_s, u"kubelb"_s, u"get"_s, u"configmap"_s, u"anchor"_s, u"-n"_s,
        u"tenant-primary"_s, u"-o"_s, u"jsonpath={.metadata.uid}"_s });
    KVERIFY(anchor);
    const QString class1 = uR"(apiVersion: v1
kind: Secret
metadata:
  name: orphan-owner-gone
  namespace: tenant-primary
  labels: {kubelb.k8c.io/syncsecret-owned: "true"}
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: anchor, uid: %1}
  - {apiVersion: kubelb.k8c.io/v1alpha1, kind: SyncSecret, name: 0b5e3a51-0000-4000-8000-000000000001, uid: 0b5e3a51-0000-4000-8000-000000000002}
data: {k: dmFsdWU=}
---
apiVersion: v1
kind: Secret
metadata:
  name: orphan-no-owner
  namespace: tenant-primary
  labels: {kubelb.k8c.io/origin-name: old-app, kubelb.k8c.io/origin-namespace: production}
data: {k: dmFsdWU=}
---
apiVersion: kubelb.k8c.io/v1alpha1
kind: SyncSecret
metadata:
  name: orphan-origin-gone
  namespace: tenant-primary
  labels: {kubelb.k8c.io/origin-name: deleted-app}
data: {k: dmFsdWU=}
---
apiVersion: v1
kind: Namespace
metadata: {name: stray}
---
apiVersion: kubelb.k8c.io/v1alpha1
kind: SyncSecret
metadata: {name: orphan-unmapped, namespace: stray}
data: {k: dmFsdWU=}
)"_s.arg(anchor.out.trimmed());
    KVERIFY(kube({ u"--context"_s, u"kubelb"_s, u"apply"_s, u"-f"_s, u"-"_s }, class1.toUtf8()));
    // Class 4: a tenant SyncSecret deleted while its CCM is not running stays Terminating with the finalizer.
    KVERIFY(m_kubectl3->run({ u"apply"_s, u"-f"_s, u"-"_s },
        "apiVersion: kubelb.k8c.io/v1alpha1\nkind: SyncSecret\nmetadata:\n  name: orphan-stuck\n  namespace: "
        "production\n  finalizers: [kubelb.k8c.io/lb-finalizer]\ndata: {k: dmFsdWU=}\n"));
    KVERIFY(m_kubectl3->run(
        { u"delete"_s, u"syncsecret"_s, u"orphan-stuck"_s, u"-n"_s, u"production"_s, u"--wait=false"_s }));
    m_orphanNames = { u"orphan-owner-gone"_s, u"orphan-no-owner"_s, u"orphan-origin-gone"_s, u"orphan-unmapped"_s,
        u"orphan-stuck"_s };

    const CtlResult r = ctl(QStringList { u"orphans"_s, u"-o"_s, u"json"_s, u"--older-than"_s, u"0s"_s } + tenants());
    QVERIFY2(r.exitCode == 3, r.describe().constData());
    QHash<QString, int> classOf;
    for (const auto& o : r.json().value(u"orphans"_s).toArray())
        classOf.insert(nameOf(o.toObject().value(u"object"_s).toObject()), o.toObject().value(u"class"_s).toInt());
    QCOMPARE(classOf.value(u"orphan-owner-gone"_s), 1);
    QCOMPARE(classOf.value(u"orphan-no-owner"_s), 2);
    QCOMPARE(classOf.value(u"orphan-origin-gone"_s), 3);
    QCOMPARE(classOf.value(u"orphan-stuck"_s), 4);
    QCOMPARE(classOf.value(u"orphan-unmapped"_s), 5);
    QCOMPARE(classOf.size(), 5); // nothing live was flagged
    // The default threshold (10m) protects everything just created.
    const CtlResult fresh = ctl(QStringList { u"orphans"_s, u"-o"_s, u"json"_s } + tenants());
    QVERIFY2(fresh.exitCode == 0, fresh.describe().constData());
}

void TestSyncctlE2E::testDoctorReportsAHealthySyncSecret()
{
    const CtlResult r = ctl({ u"doctor"_s, u"app-tls"_s, u"-n"_s, u"production"_s, u"-o"_s, u"json"_s,
        u"--management-context"_s, u"kubelb"_s, u"--tenant"_s, u"tenant1=tenant-primary"_s });
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QStringList checks;
    for (const auto& f : r.json().value(u"findings"_s).toArray())
        checks.append(f.toObject().value(u"check"_s).toString());
    for (const QString& c : { u"management copy exists"_s, u"Secret exists"_s, u"data fingerprints"_s })
        QVERIFY2(checks.contains(c), qPrintable(c));
    const CtlResult missing = ctl({ u"doctor"_s, u"no-such"_s, u"-n"_s, u"production"_s, u"--management-context"_s,
        u"kubelb"_s, u"--tenant"_s, u"tenant1=tenant-primary"_s });
    QCOMPARE(missing.exitCode, 3);
}

void TestSyncctlE2E::testDryRunChangesNothing()
{
    const CtlResult r
        = ctl(QStringList { u"cleanup"_s, u"-o"_s, u"json"_s, u"--older-than"_s, u"0s"_s, u"--force-finalizers"_s }
            + tenants());
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(r.json().value(u"dryRun"_s).toBool(), true);
    QCOMPARE(r.json().value(u"plan"_s).toArray().size(), 5);
    KVERIFY(kube(
        { u"--context"_s, u"kubelb"_s, u"get"_s, u"secret"_s, u"orphan-no-owner"_s, u"-n"_s, u"tenant-primary"_s }));
    // --execute without the typed confirmation changes nothing either.
    const CtlResult refused
        = ctl(QStringList { u"cleanup"_s, u"--execute"_s, u"--older-than"_s, u"0s"_s } + tenants(), "wrong\n");
    QCOMPARE(refused.exitCode, 1);
    KVERIFY(
        kube({ u"--context"_s, u"kubelb"_s, u"get"_s, u"syncsecret"_s, u"orphan-unmapped"_s, u"-n"_s, u"stray"_s }));
}

void TestSyncctlE2E::testCleanupRemovesEveryOrphanAndNothingElse()
{
    const CtlResult r = ctl(
        QStringList { u"cleanup"_s, u"--yes"_s, u"--force-finalizers"_s, u"-o"_s, u"json"_s, u"--older-than"_s, u"0s"_s,
            u"--backup-file"_s, m_dir.filePath(u"backup.yaml"_s), u"--audit-log"_s, m_dir.filePath(u"audit.jsonl"_s) }
        + tenants());
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QJsonArray outcomes = r.json().value(u"outcomes"_s).toArray();
    QCOMPARE(outcomes.size(), 5);
    for (const auto& o : outcomes)
        QVERIFY2(o.toObject().value(u"result"_s).toString() == u"done"_s,
            qPrintable(o.toObject().value(u"reason"_s).toString()));
    QFile audit(m_dir.filePath(u"audit.jsonl"_s));
    QVERIFY(audit.open(QIODevice::ReadOnly));
    QCOMPARE(audit.readAll().trimmed().split('\n').size(), 5);
    // The class-3 copy's Secret goes through the Manager's finalizer, asynchronously.
    CtlResult after;
    const bool clean = waitUntil(
        [&] {
            after = ctl(QStringList { u"orphans"_s, u"-o"_s, u"json"_s, u"--older-than"_s, u"0s"_s } + tenants());
            return after.exitCode == 0;
        },
        30000);
    QVERIFY2(clean, after.describe() + " " + after.out.left(3000));
}

void TestSyncctlE2E::testLiveLineageIsIntact()
{
    const CtlResult r = ctl(QStringList { u"lineage"_s, u"-o"_s, u"json"_s } + tenants());
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    int live = 0;
    for (const auto& c : r.json().value(u"chains"_s).toArray()) {
        const QJsonObject chain = c.toObject();
        const QString origin = chain.value(u"origin"_s).toObject().value(u"name"_s).toString();
        QVERIFY2(!m_orphanNames.contains(origin), qPrintable(origin));
        for (const QString& link : { u"tenant"_s, u"management"_s, u"secret"_s })
            QVERIFY2(chain.value(link).toObject().value(u"state"_s).toString() == u"Synced"_s,
                qPrintable(origin + u' ' + link));
        ++live;
    }
    QCOMPARE(live, 5);
}

void TestSyncctlE2E::testBackupRestoresTheDeletedObjects()
{
    KVERIFY(kube({ u"--context"_s, u"kubelb"_s, u"apply"_s, u"-f"_s, m_dir.filePath(u"backup.yaml"_s) }));
    KVERIFY(m_kubectl3->run({ u"apply"_s, u"-f"_s, m_dir.filePath(u"backup.kubelb-sync.yaml"_s) }));
    for (const auto& [kind, ns, name] : { std::tuple { u"secret"_s, u"tenant-primary"_s, u"orphan-owner-gone"_s },
             std::tuple { u"secret"_s, u"tenant-primary"_s, u"orphan-no-owner"_s },
             std::tuple { u"syncsecret"_s, u"tenant-primary"_s, u"orphan-origin-gone"_s },
             std::tuple { u"syncsecret"_s, u"stray"_s, u"orphan-unmapped"_s } })
        KVERIFY(kube({ u"--context"_s, u"kubelb"_s, u"get"_s, kind, name, u"-n"_s, ns }));
    KVERIFY(m_kubectl3->run({ u"get"_s, u"syncsecret"_s, u"orphan-stuck"_s, u"-n"_s, u"production"_s }));
}

QTEST_GUILESS_MAIN(TestSyncctlE2E)
#include "tst_syncctl.moc"
