// The orphans page and its cleanup wizard end to end: the demo's three embedded clusters (no controllers), orphans
// of classes 1–5 created with kubectl, an OrphansPage over syncctl's Clusters/fetchSnapshot/RestClusterActions, the
// wizard driven with QTest. Cancelling at any step changes nothing and writes nothing; a wrong name keeps Execute
// disabled; executing removes every orphan, writes a backup that kubectl restores and one audit record per action.
// With KUBELB_SCREENSHOT_DIR set, the review page is saved as wizard.png.
#include "models/backup.h"
#include "models/orphanmodel.h"
#include "support/kubectl.h"
#include "support/wait.h"
#include "syncctl_actions.h"
#include "syncctl_snapshot.h"
#include "views/orphans/cleanupwizard.h"
#include "views/orphans/orphanspage.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QDeadlineTimer>
#include <QDir>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTreeWidget>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::KubectlResult;
using views::CleanupWizard;

namespace {

using testsupport::waitUntil;

/// Every orphan class on the management cluster (and class 4 in tenant1); "dmFsdWU=" is the data value.
const QByteArray kManagementOrphans = R"(apiVersion: v1
kind: Secret
metadata:
  name: orphan-owner-gone
  namespace: tenant-primary
  labels: {kubelb.k8c.io/syncsecret-owned: "true"}
  ownerReferences:
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
)";

const QByteArray kStuck = "apiVersion: kubelb.k8c.io/v1alpha1\nkind: SyncSecret\nmetadata:\n  name: orphan-stuck\n"
                          "  namespace: production\n  finalizers: [kubelb.k8c.io/lb-finalizer]\ndata: {k: dmFsdWU=}\n";

/// The real cluster actions, with a hook that runs before the first change (dry runs pass straight through).
class HookedActions : public models::ClusterActions {
public:
    HookedActions(std::unique_ptr<models::ClusterActions> inner, std::function<void()> beforeFirstChange)
        : m_inner(std::move(inner))
        , m_hook(std::move(beforeFirstChange))
    {
    }
    models::ReadResult read(
        const QString& context, const QString& kind, const QString& ns, const QString& name) override
    {
        return m_inner->read(context, kind, ns, name);
    }
    models::ActionResult remove(const models::ObjectRef& ref, bool dryRun) override
    {
        hook(dryRun);
        return m_inner->remove(ref, dryRun);
    }
    models::ActionResult removeFinalizer(const models::ObjectRef& ref, const QString& finalizer, bool dryRun) override
    {
        hook(dryRun);
        return m_inner->removeFinalizer(ref, finalizer, dryRun);
    }

private:
    void hook(bool dryRun)
    {
        if (dryRun || !m_hook)
            return;
        const auto hook = std::exchange(m_hook, nullptr);
        hook();
    }
    std::unique_ptr<models::ClusterActions> m_inner;
    std::function<void()> m_hook;
};

} // namespace

class TestOrphansWizard : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testScanFindsEveryClass();
    void testWrongNameKeepsExecuteDisabled();
    void testCancelAtEveryStepChangesNothing_data();
    void testCancelAtEveryStepChangesNothing();
    void testUnwritableBackupChangesNothing();
    void testExecuteRemovesTheOrphansWithBackupAndAudit();
    void testBackupRestoresWithKubectl();
    void testCancelDuringExecutionStopsBetweenActions();

private:
    KubectlResult kube(const QStringList& args, const QByteArray& stdinData = {}) const
    {
        return m_kubectl->run(args, stdinData, 60000);
    }
    /// name/namespace/resourceVersion of every SyncSecret and Secret in the clusters (no data).
    QString versions() const;
    views::OrphanEnvironment environment(const QString& backupDir) const;
    /// A page that has finished its first scan.
    std::unique_ptr<views::OrphansPage> scannedPage(const QString& backupDir);
    /// Opens the wizard on `page` and drives it to `step`, checking every orphan and the finalizer option.
    CleanupWizard* driveTo(views::OrphansPage& page, int step, const QString& backupFile);

    QTemporaryDir m_dir;
    QProcess m_demo;
    QString m_kubeconfig;
    std::optional<testsupport::Kubectl> m_kubectl;
    std::shared_ptr<syncctl::Clusters> m_clusters;
    syncctl::Options m_options;
    const QStringList m_orphans { u"orphan-owner-gone"_s, u"orphan-no-owner"_s, u"orphan-origin-gone"_s,
        u"orphan-unmapped"_s, u"orphan-stuck"_s };
};

void TestOrphansWizard::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    QVERIFY(m_dir.isValid());
    m_demo.setProgram(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncd"));
    m_demo.setArguments({ u"demo"_s, u"--data-dir"_s, m_dir.filePath(u"demo"_s), u"--in-memory"_s,
        u"--no-controllers"_s, u"--no-seed"_s, u"--enable-garbage-collector"_s, u"false"_s });
    m_demo.setStandardOutputFile(m_dir.filePath(u"demo.log"_s));
    m_demo.setStandardErrorFile(m_dir.filePath(u"demo.err"_s));
    m_demo.start();
    QVERIFY(m_demo.waitForStarted(10000));
    const QString demoJson = m_dir.filePath(u"demo/demo.json"_s);
    QVERIFY2(waitUntil([&] { return QFile::exists(demoJson); }, 30000), "the demo never wrote demo.json");
    QFile f(demoJson);
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_kubeconfig = QJsonDocument::fromJson(f.readAll()).object().value(u"kubeconfig"_s).toString();
    m_kubectl.emplace(m_kubeconfig);
    KVERIFY(kube({ u"--context"_s, u"kubelb"_s, u"apply"_s, u"-f"_s, u"-"_s }, kManagementOrphans));
    KVERIFY(kube({ u"--context"_s, u"tenant1"_s, u"apply"_s, u"-f"_s, u"-"_s },
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: production}\n"));
    KVERIFY(kube({ u"--context"_s, u"tenant1"_s, u"apply"_s, u"-f"_s, u"-"_s }, kStuck));
    KVERIFY(kube({ u"--context"_s, u"tenant1"_s, u"delete"_s, u"syncsecret"_s, u"orphan-stuck"_s, u"-n"_s,
        u"production"_s, u"--wait=false"_s }));

    m_options.kubeconfig = m_kubeconfig;
    m_options.managementContext = u"kubelb"_s;
    m_options.tenants = { { u"tenant1"_s, u"tenant-primary"_s }, { u"tenant2"_s, u"tenant-secondary"_s } };
    m_clusters = std::make_shared<syncctl::Clusters>(m_options);
    QString error;
    for (const QString& context : { u"kubelb"_s, u"tenant1"_s, u"tenant2"_s }) // created once, used from workers
        QVERIFY2(m_clusters->client(context, &error), qPrintable(error));
}

void TestOrphansWizard::cleanupTestCase()
{
    m_demo.terminate();
    if (!m_demo.waitForFinished(10000))
        m_demo.kill();
}

QString TestOrphansWizard::versions() const
{
    QString all;
    for (const QString& context : { u"kubelb"_s, u"tenant1"_s }) {
        const auto r = kube({ u"--context"_s, context, u"get"_s, u"syncsecrets,secrets"_s, u"-A"_s, u"-o"_s,
            u"custom-columns=NS:.metadata.namespace,NAME:.metadata.name,RV:.metadata.resourceVersion"_s });
        all += context + u":\n"_s + (r.exitCode == 0 ? r.out : u"error "_s + QString::fromUtf8(r.describe()));
    }
    return all;
}

views::OrphanEnvironment TestOrphansWizard::environment(const QString& backupDir) const
{
    views::OrphanEnvironment env;
    env.scan = [clusters = m_clusters, options = m_options] { return syncctl::fetchSnapshot(*clusters, options); };
    env.makeActions = [clusters = m_clusters]() -> std::unique_ptr<models::ClusterActions> {
        return std::make_unique<syncctl::RestClusterActions>(*clusters);
    };
    env.managementContext = u"kubelb"_s;
    env.auditLogPath = QDir(backupDir).filePath(u"audit.jsonl"_s);
    env.who = u"tester@ci"_s;
    env.backupDirectory = backupDir;
    env.classifier.olderThan = std::chrono::seconds(0);
    return env;
}

std::unique_ptr<views::OrphansPage> TestOrphansWizard::scannedPage(const QString& backupDir)
{
    auto page = std::make_unique<views::OrphansPage>(environment(backupDir));
    waitUntil([&] { return !page->scanning(); }, 60000);
    return page;
}

CleanupWizard* TestOrphansWizard::driveTo(views::OrphansPage& page, int step, const QString& backupFile)
{
    CleanupWizard* w = page.openCleanupWizard();
    if (!w)
        return nullptr;
    w->findChild<QCheckBox*>(u"forceFinalizers"_s)->setChecked(true);
    if (step == CleanupWizard::SelectPageId)
        return w;
    w->next();
    auto* next = w->button(QWizard::NextButton);
    if (!waitUntil([&] { return next->isEnabled(); }, 60000))
        return nullptr; // the dry run did not finish
    if (step == CleanupWizard::ReviewPageId)
        return w;
    w->next();
    if (!backupFile.isEmpty())
        w->findChild<QLineEdit*>(u"backupPath"_s)->setText(backupFile);
    if (step == CleanupWizard::BackupPageId)
        return w;
    w->next();
    return w;
}

void TestOrphansWizard::testScanFindsEveryClass()
{
    QTemporaryDir dir;
    auto page = scannedPage(dir.path());
    QSignalSpy count(page.get(), &views::OrphansPage::orphanCountChanged);
    page->rescan();
    QVERIFY(count.wait(60000));
    QCOMPARE(count.first().first().toInt(), 5);
    QHash<QString, int> classOf;
    for (const models::Orphan& o : page->model()->orphans())
        classOf.insert(o.object.name, int(o.cls));
    QCOMPARE(classOf.value(u"orphan-owner-gone"_s), 1);
    QCOMPARE(classOf.value(u"orphan-no-owner"_s), 2);
    QCOMPARE(classOf.value(u"orphan-origin-gone"_s), 3);
    QCOMPARE(classOf.value(u"orphan-stuck"_s), 4);
    QCOMPARE(classOf.value(u"orphan-unmapped"_s), 5);

    // Del on a selected orphan opens the wizard with just that orphan checked.
    page->resize(1180, 300);
    page->show();
    QVERIFY(QTest::qWaitForWindowActive(page.get()));
    const QString shots = qEnvironmentVariable("KUBELB_SCREENSHOT_DIR");
    if (!shots.isEmpty())
        QVERIFY(page->grab().save(QDir(shots).filePath(u"orphans.png"_s)));
    page->table()->setFocus();
    page->table()->selectRow(0);
    QTest::keyClick(page->table(), Qt::Key_Delete);
    auto* wizard = page->findChild<CleanupWizard*>();
    QVERIFY(wizard && wizard->isVisible());
    auto* list = wizard->findChild<QTreeWidget*>(u"selectList"_s);
    int checked = 0;
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        checked += list->topLevelItem(i)->checkState(0) == Qt::Checked ? 1 : 0;
    QCOMPARE(checked, 1);
    wizard->reject();
}

void TestOrphansWizard::testWrongNameKeepsExecuteDisabled()
{
    QTemporaryDir dir;
    auto page = scannedPage(dir.path());
    CleanupWizard* w = driveTo(*page, CleanupWizard::ConfirmPageId, dir.filePath(u"b.yaml"_s));
    QVERIFY(w);
    QCOMPARE(w->currentId(), int(CleanupWizard::ConfirmPageId));
    auto* name = w->findChild<QLineEdit*>(u"confirmName"_s);
    auto* execute = w->button(QWizard::CommitButton);
    QVERIFY(execute->isVisible());
    QVERIFY(!execute->isEnabled());
    for (const QString& wrong : { u"tenant1"_s, u"KUBELB"_s, u"kubelb "_s, u"kube"_s }) {
        name->setText(wrong);
        QVERIFY2(!execute->isEnabled(), qPrintable(wrong));
    }
    name->clear();
    QTest::keyClicks(name, u"kubelb"_s);
    QVERIFY(execute->isEnabled());
    w->reject();
    QVERIFY(!w->isVisible());
}

void TestOrphansWizard::testCancelAtEveryStepChangesNothing_data()
{
    QTest::addColumn<int>("step");
    QTest::newRow("select") << int(CleanupWizard::SelectPageId);
    QTest::newRow("review (after the dry run)") << int(CleanupWizard::ReviewPageId);
    QTest::newRow("backup") << int(CleanupWizard::BackupPageId);
    QTest::newRow("confirm (name typed)") << int(CleanupWizard::ConfirmPageId);
}

void TestOrphansWizard::testCancelAtEveryStepChangesNothing()
{
    QFETCH(int, step);
    const QString before = versions();
    QVERIFY2(before.contains(u"orphan-no-owner"_s) && before.contains(u"orphan-stuck"_s), qPrintable(before));
    QTemporaryDir dir;
    auto page = scannedPage(dir.path());
    CleanupWizard* w = driveTo(*page, step, dir.filePath(u"b.yaml"_s));
    QVERIFY(w);
    QCOMPARE(w->currentId(), step);
    if (step == CleanupWizard::ReviewPageId) {
        auto* review = w->findChild<QTreeWidget*>(u"reviewList"_s);
        QCOMPARE(review->topLevelItemCount(), 5);
        for (int i = 0; i < review->topLevelItemCount(); ++i)
            QVERIFY2(review->topLevelItem(i)->text(4) == u"would succeed"_s,
                qPrintable(review->topLevelItem(i)->text(1) + u": "_s + review->topLevelItem(i)->text(5)));
        const QString shots = qEnvironmentVariable("KUBELB_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            w->resize(1280, 520);
            QVERIFY(w->grab().save(QDir(shots).filePath(u"wizard.png"_s)));
        }
    }
    if (step == CleanupWizard::ConfirmPageId)
        QTest::keyClicks(w->findChild<QLineEdit*>(u"confirmName"_s), u"kubelb"_s);
    QTest::mouseClick(w->button(QWizard::CancelButton), Qt::LeftButton);
    QVERIFY(!w->isVisible());
    QVERIFY(!w->changedSomething());
    QCOMPARE(versions(), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList()); // no backup, no audit
}

void TestOrphansWizard::testUnwritableBackupChangesNothing()
{
    const QString before = versions();
    QTemporaryDir dir;
    auto page = scannedPage(dir.path());
    const QString unwritable = u"/proc/kubelb-backup.yaml"_s; // the folder exists; nobody can create files in it
    CleanupWizard* w = driveTo(*page, CleanupWizard::ConfirmPageId, unwritable);
    QVERIFY(w);
    QTest::keyClicks(w->findChild<QLineEdit*>(u"confirmName"_s), u"kubelb"_s);
    QTest::mouseClick(w->button(QWizard::CommitButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w->currentId(), int(CleanupWizard::ReportPageId), 60000);
    QVERIFY(w->session().report.aborted);
    QVERIFY(w->session().report.outcomes.isEmpty());
    const QString summary = w->findChild<QLabel*>(u"reportSummary"_s)->text();
    QVERIFY2(summary.contains(u"nothing changed"_s) && summary.contains(unwritable), qPrintable(summary));
    QCOMPARE(versions(), before);
    QFile audit(dir.filePath(u"audit.jsonl"_s));
    QVERIFY(!audit.exists() || audit.size() == 0); // no action, no record
}

void TestOrphansWizard::testExecuteRemovesTheOrphansWithBackupAndAudit()
{
    QTemporaryDir dir;
    auto page = scannedPage(dir.path());
    const QString backup = m_dir.filePath(u"backup.yaml"_s);
    CleanupWizard* w = driveTo(*page, CleanupWizard::ConfirmPageId, backup);
    QVERIFY(w);
    QTest::keyClicks(w->findChild<QLineEdit*>(u"confirmName"_s), u"kubelb"_s);
    QTest::mouseClick(w->button(QWizard::CommitButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w->currentId(), int(CleanupWizard::ReportPageId), 60000);
    const models::CleanupReport& report = w->session().report;
    QVERIFY2(!report.aborted, qPrintable(report.abortReason));
    for (const auto& o : report.outcomes)
        QVERIFY2(o.result == models::ActionOutcome::Done, qPrintable(o.action.orphan.object.display() + o.reason));
    QCOMPARE(report.outcomes.size(), 5);

    // Gone from the servers (the stuck one once its finalizer was removed).
    for (const auto& [context, kind, ns, name] :
        { std::tuple { u"kubelb"_s, u"secret"_s, u"tenant-primary"_s, u"orphan-owner-gone"_s },
            std::tuple { u"kubelb"_s, u"secret"_s, u"tenant-primary"_s, u"orphan-no-owner"_s },
            std::tuple { u"kubelb"_s, u"syncsecret"_s, u"tenant-primary"_s, u"orphan-origin-gone"_s },
            std::tuple { u"kubelb"_s, u"syncsecret"_s, u"stray"_s, u"orphan-unmapped"_s },
            std::tuple { u"tenant1"_s, u"syncsecret"_s, u"production"_s, u"orphan-stuck"_s } }) {
        const bool gone = waitUntil(
            [&] {
                return kube({ u"--context"_s, context, u"get"_s, kind, name, u"-n"_s, ns }).err.contains(u"NotFound"_s);
            },
            30000);
        QVERIFY2(gone, qPrintable(name));
    }

    // The backup holds every deleted object, one file per context, readable by the owner only.
    QCOMPARE(w->session().backupFiles.value(u"kubelb"_s), backup);
    QStringList backedUp;
    for (const QString& file : w->session().backupFiles) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        for (const QJsonObject& o : models::parseBackupDocument(f.readAll()))
            backedUp.append(o.value(u"metadata"_s).toObject().value(u"name"_s).toString());
    }
    for (const QString& name : m_orphans)
        QVERIFY2(backedUp.contains(name), qPrintable(name));

    // One audit record per action, without any data value.
    QFile audit(dir.filePath(u"audit.jsonl"_s));
    QVERIFY(audit.open(QIODevice::ReadOnly));
    const QByteArray auditText = audit.readAll();
    const QList<QByteArray> lines = auditText.trimmed().split('\n');
    QCOMPARE(lines.size(), 5);
    for (const QByteArray& line : lines) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        QCOMPARE(record.value(u"who"_s).toString(), u"tester@ci"_s);
        QCOMPARE(record.value(u"dryRun"_s).toBool(true), false);
        QCOMPARE(record.value(u"result"_s).toString(), u"done"_s);
    }
    QVERIFY(!auditText.contains("dmFsdWU=") && !auditText.contains("\"data\""));

    // The page rescans after the wizard closes and finds nothing left.
    QSignalSpy count(page.get(), &views::OrphansPage::orphanCountChanged);
    QTest::mouseClick(w->button(QWizard::FinishButton), Qt::LeftButton);
    QVERIFY(count.wait(60000));
    QCOMPARE(count.last().first().toInt(), 0);
}

void TestOrphansWizard::testBackupRestoresWithKubectl()
{
    KVERIFY(kube({ u"--context"_s, u"kubelb"_s, u"apply"_s, u"-f"_s, m_dir.filePath(u"backup.yaml"_s) }));
    KVERIFY(kube({ u"--context"_s, u"tenant1"_s, u"apply"_s, u"-f"_s, m_dir.filePath(u"backup.tenant1.yaml"_s) }));
    for (const auto& [context, kind, ns, name] :
        { std::tuple { u"kubelb"_s, u"secret"_s, u"tenant-primary"_s, u"orphan-owner-gone"_s },
            std::tuple { u"kubelb"_s, u"secret"_s, u"tenant-primary"_s, u"orphan-no-owner"_s },
            std::tuple { u"kubelb"_s, u"syncsecret"_s, u"tenant-primary"_s, u"orphan-origin-gone"_s },
            std::tuple { u"kubelb"_s, u"syncsecret"_s, u"stray"_s, u"orphan-unmapped"_s },
            std::tuple { u"tenant1"_s, u"syncsecret"_s, u"production"_s, u"orphan-stuck"_s } })
        KVERIFY(kube({ u"--context"_s, context, u"get"_s, kind, name, u"-n"_s, ns }));
}

void TestOrphansWizard::testCancelDuringExecutionStopsBetweenActions()
{
    // The restored objects are orphans again (the stuck one came back without its deletion, so it is live).
    QTemporaryDir dir;
    views::OrphanEnvironment env = environment(dir.path());
    auto wizard = std::make_shared<QPointer<CleanupWizard>>();
    env.makeActions = [clusters = m_clusters, wizard]() -> std::unique_ptr<models::ClusterActions> {
        // Before the first change: press Cancel on the UI thread and wait until the run has seen it.
        return std::make_unique<HookedActions>(std::make_unique<syncctl::RestClusterActions>(*clusters), [wizard] {
            CleanupWizard* w = *wizard;
            const auto cancel = w->session().cancel;
            QMetaObject::invokeMethod(
                w, [w] { w->reject(); }, Qt::QueuedConnection);
            const QDeadlineTimer deadline(30000);
            while (!cancel->load() && !deadline.hasExpired())
                QThread::msleep(5);
        });
    };
    views::OrphansPage page(env);
    QVERIFY(waitUntil([&] { return !page.scanning(); }, 60000));
    QCOMPARE(page.model()->rowCount(), 4);
    *wizard = driveTo(page, CleanupWizard::ConfirmPageId, dir.filePath(u"b.yaml"_s));
    CleanupWizard* w = *wizard;
    QVERIFY(w);
    QTest::keyClicks(w->findChild<QLineEdit*>(u"confirmName"_s), u"kubelb"_s);
    QTest::mouseClick(w->button(QWizard::CommitButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w->currentId(), int(CleanupWizard::ReportPageId), 60000);
    QVERIFY(w->isVisible()); // Cancel during execution stops the run, it does not close the wizard
    const models::CleanupReport& report = w->session().report;
    QVERIFY(report.cancelled);
    QCOMPARE(report.count(models::ActionOutcome::Done), 1);
    QCOMPARE(report.count(models::ActionOutcome::Skipped), 3);
    QVERIFY(w->findChild<QLabel*>(u"reportSummary"_s)->text().contains(u"Cancelled"_s));
    QFile audit(dir.filePath(u"audit.jsonl"_s));
    QVERIFY(audit.open(QIODevice::ReadOnly));
    QCOMPARE(audit.readAll().trimmed().split('\n').size(), 1);
    QSignalSpy count(&page, &views::OrphansPage::orphanCountChanged);
    QTest::mouseClick(w->button(QWizard::FinishButton), Qt::LeftButton);
    QVERIFY(count.wait(60000));
    QCOMPARE(count.last().first().toInt(), 3); // the three cancelled actions left their orphans in place
}

QTEST_MAIN(TestOrphansWizard)
#include "tst_orphans_wizard.moc"
