#include "fixtures.h"
#include "models/backup.h"
#include "models/cleanup.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace fixtures;
using namespace models;

namespace {

/// In-memory clusters: objects by "context/kind/ns/name"; deletes honour uid + resourceVersion preconditions.
class FakeCluster : public ClusterActions {
public:
    explicit FakeCluster(const Snapshot& s)
    {
        for (const TenantSnapshot& tenant : s.tenants)
            for (const QJsonObject& o : tenant.syncSecrets)
                put(tenant.tenant.context, o);
        for (const QJsonObject& o : s.management.syncSecrets)
            put(s.management.context, o);
        for (const QJsonObject& o : s.management.secrets)
            put(s.management.context, o);
    }
    void put(const QString& context, const QJsonObject& o) { objects.insert(keyOf(refOf(o, context)), o); }
    static QString keyOf(const ObjectRef& r) { return r.context + u'/' + r.kind + u'/' + r.namespace_ + u'/' + r.name; }

    ReadResult read(const QString& context, const QString& kind, const QString& ns, const QString& name) override
    {
        const QString key = keyOf({ context, kind, ns, name, {}, {} });
        if (!objects.contains(key))
            return { ReadResult::NotFound, {}, {} };
        return { ReadResult::Found, objects.value(key), {} };
    }
    ActionResult remove(const ObjectRef& ref, bool dryRun) override
    {
        const QJsonObject current = objects.value(keyOf(ref));
        if (current.isEmpty())
            return { false, false, u"NotFound"_s };
        const QJsonObject metadata = current.value("metadata"_L1).toObject();
        if (metadata.value("uid"_L1).toString() != ref.uid
            || metadata.value("resourceVersion"_L1).toString() != ref.resourceVersion || conflictOnWrite)
            return { false, true, u"Conflict"_s };
        if (!dryRun) {
            objects.remove(keyOf(ref));
            removed.append(ref.name);
        }
        return { true, false, {} };
    }
    ActionResult removeFinalizer(const ObjectRef& ref, const QString&, bool dryRun) override
    {
        if (!dryRun)
            finalizersRemoved.append(ref.name);
        return { true, false, {} };
    }

    QHash<QString, QJsonObject> objects;
    QStringList removed;
    QStringList finalizersRemoved;
    bool conflictOnWrite = false;
};

/// One orphan of each class (4 with its Secret gone), plus the healthy chain.
Snapshot orphanWorld()
{
    Snapshot s = healthy();
    const QString ns = u"tenant-primary"_s;
    s.management.secrets.append(ownedSecret(ns, u"t9"_s, u"m9"_s));
    QJsonObject unowned = object(u"Secret"_s, ns, u"loose"_s, u"s-loose"_s);
    setLabel(unowned, u"kubelb.k8c.io/origin-name"_s, u"app"_s);
    s.management.secrets.append(unowned);
    s.management.syncSecrets.append(managementSyncSecret(ns, u"t-gone"_s, u"m2"_s, u"production"_s, u"old"_s));
    s.management.secrets.append(ownedSecret(ns, u"t-gone"_s, u"m2"_s));
    QJsonObject stuck = managementSyncSecret(ns, u"t-stuck"_s, u"m3"_s, u"production"_s, u"stuck"_s);
    terminate(stuck, 30);
    s.management.syncSecrets.append(stuck);
    s.tenants.first().syncSecrets.append(tenantSyncSecret(u"production"_s, u"stuck"_s, u"t-stuck"_s));
    s.management.syncSecrets.append(managementSyncSecret(u"elsewhere"_s, u"t7"_s, u"m7"_s, u"p"_s, u"x"_s));
    return s;
}

} // namespace

/// Planning order, guarded execution (re-verify, preconditions, backup first), audit records.
class TestCleanup : public QObject {
    Q_OBJECT

private:
    static CleanupExecutor::Options realRun(QByteArray* backup, QList<QJsonObject>* audit = nullptr)
    {
        CleanupExecutor::Options options;
        options.dryRun = false;
        options.who = u"admin@laptop"_s;
        options.clock = [] { return now(); };
        options.writeBackup = [backup](const QByteArray& bytes) {
            *backup = bytes;
            return true;
        };
        if (audit)
            options.audit = [audit](const QJsonObject& record) { audit->append(record); };
        return options;
    }

private Q_SLOTS:
    void testPlanOrder()
    {
        const CleanupPlan plan = planCleanup(findOrphans(orphanWorld()), { true });
        QStringList order;
        for (const PlannedAction& action : plan.actions)
            order.append(
                actionKindName(action.kind) + u' ' + action.orphan.object.kind + u' ' + action.orphan.object.name);
        QCOMPARE(order,
            QStringList({ u"delete SyncSecret t-gone"_s, u"delete SyncSecret t7"_s, u"delete Secret m9"_s,
                u"delete Secret loose"_s, u"remove-finalizer SyncSecret t-stuck"_s }));
        QVERIFY(plan.actions.first().description.contains(u"Manager's finalizer"_s));
    }

    void testFinalizerRemovalIsGuarded_data()
    {
        QTest::addColumn<bool>("force");
        QTest::addColumn<bool>("counterpartGone");
        QTest::addColumn<int>("actions");
        QTest::newRow("no force") << false << true << 0;
        QTest::newRow("force, counterpart present") << true << false << 0;
        QTest::newRow("force, counterpart gone") << true << true << 1;
    }

    void testFinalizerRemovalIsGuarded()
    {
        QFETCH(bool, force);
        QFETCH(bool, counterpartGone);
        QFETCH(int, actions);
        Orphan orphan;
        orphan.cls = OrphanClass::StuckTerminating;
        orphan.object = { u"mgmt"_s, u"SyncSecret"_s, u"ns"_s, u"t"_s, u"m"_s, u"1"_s };
        orphan.relatedConfirmedGone = counterpartGone;
        const CleanupPlan plan = planCleanup({ orphan }, { force });
        QCOMPARE(plan.actions.size(), actions);
        QCOMPARE(plan.skipped.size(), 1 - actions);
    }

    void testCleansEveryOrphanAndKeepsLiveLineage()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        QByteArray backup;
        CleanupExecutor executor(cluster, realRun(&backup));
        const CleanupReport report = executor.run(planCleanup(findOrphans(world), { true }));
        QCOMPARE(report.count(ActionOutcome::Done), 5);
        QCOMPARE(cluster.removed, QStringList({ u"t-gone"_s, u"t7"_s, u"m9"_s, u"loose"_s }));
        QCOMPARE(cluster.finalizersRemoved, QStringList { u"t-stuck"_s });
        QVERIFY(cluster.objects.contains(u"mgmt/SyncSecret/tenant-primary/t1"_s));
        QVERIFY(cluster.objects.contains(u"mgmt/Secret/tenant-primary/m1"_s));
    }

    void testNeverDeletesANonOrphan_data()
    {
        QTest::addColumn<int>("change");
        QTest::newRow("owner recreated with the referenced uid") << 0;
        QTest::newRow("tenant origin back") << 1;
        QTest::newRow("keep label added") << 2;
        QTest::newRow("ownerReference added") << 3;
        QTest::newRow("resourceVersion changed") << 4;
        QTest::newRow("deleted meanwhile") << 5;
    }

    void testNeverDeletesANonOrphan()
    {
        QFETCH(int, change);
        const Snapshot world = orphanWorld();
        const QList<Orphan> orphans = findOrphans(world);
        FakeCluster cluster(world);
        QJsonObject& loose = cluster.objects[u"mgmt/Secret/tenant-primary/loose"_s];
        QJsonObject& copy = cluster.objects[u"mgmt/SyncSecret/tenant-primary/t-gone"_s];
        if (change == 0)
            cluster.put(u"mgmt"_s, managementSyncSecret(u"tenant-primary"_s, u"t9"_s, u"m9"_s, u"p"_s, u"a"_s));
        if (change == 1)
            cluster.put(u"tenant1"_s, tenantSyncSecret(u"production"_s, u"old"_s, u"t-gone"_s));
        if (change == 2)
            setLabel(loose, u"kubelb.k8c.io/keep"_s, u"true"_s);
        if (change == 3)
            setMeta(
                loose, u"ownerReferences"_s, ownedSecret(u"x"_s, u"y"_s, u"z"_s)["metadata"_L1]["ownerReferences"_L1]);
        if (change == 4)
            setMeta(copy, u"resourceVersion"_s, u"2"_s);
        if (change == 5)
            cluster.objects.remove(u"mgmt/Secret/tenant-primary/m9"_s);
        QByteArray backup;
        const CleanupReport report = CleanupExecutor(cluster, realRun(&backup)).run(planCleanup(orphans));
        QCOMPARE(report.count(ActionOutcome::Skipped), 1);
        QCOMPARE(report.count(ActionOutcome::Failed), 0);
        QCOMPARE(cluster.removed.size(), 3);
    }

    void testConflictAtDeleteIsSkipped()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        cluster.conflictOnWrite = true;
        QByteArray backup;
        const CleanupReport report = CleanupExecutor(cluster, realRun(&backup)).run(planCleanup(findOrphans(world)));
        QCOMPARE(report.count(ActionOutcome::Skipped), report.outcomes.size());
        QVERIFY(report.outcomes.first().reason.contains(u"changed since the scan"_s));
        QVERIFY(cluster.removed.isEmpty());
    }

    void testDryRunChangesNothing()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        CleanupExecutor::Options options;
        const CleanupReport report = CleanupExecutor(cluster, options).run(planCleanup(findOrphans(world), { true }));
        QCOMPARE(report.count(ActionOutcome::Done), 5);
        QVERIFY(cluster.removed.isEmpty() && cluster.finalizersRemoved.isEmpty());
    }

    void testBackupFailureAbortsBeforeAnyChange()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        CleanupExecutor::Options options;
        options.dryRun = false;
        options.writeBackup = [](const QByteArray&) { return false; };
        const CleanupReport report = CleanupExecutor(cluster, options).run(planCleanup(findOrphans(world)));
        QVERIFY(report.aborted);
        QVERIFY(cluster.removed.isEmpty());
        options.writeBackup = nullptr;
        QVERIFY(CleanupExecutor(cluster, options).run(planCleanup(findOrphans(world))).aborted);
    }

    void testBackupHoldsEveryAffectedObject()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        QByteArray backup;
        CleanupExecutor(cluster, realRun(&backup)).run(planCleanup(findOrphans(world)));
        QStringList names;
        for (const QJsonObject& o : parseBackupDocument(backup))
            names.append(o["metadata"_L1]["name"_L1].toString());
        names.sort();
        // t-gone's Secret m2 is removed by the Manager, so it is backed up too.
        QCOMPARE(names, QStringList({ u"loose"_s, u"m2"_s, u"m9"_s, u"t-gone"_s, u"t7"_s }));
    }

    void testBackupRoundTrip()
    {
        const Snapshot world = orphanWorld();
        QList<QJsonObject> objects = world.management.syncSecrets + world.management.secrets;
        const QByteArray document = backupDocument(objects);
        QVERIFY(document.startsWith("#"));
        const QList<QJsonObject> parsed = parseBackupDocument(document);
        QCOMPARE(parsed.size(), objects.size());
        for (qsizetype i = 0; i < parsed.size(); ++i) {
            QCOMPARE(parsed[i], stripForBackup(objects[i]));
            const QJsonObject metadata = parsed[i]["metadata"_L1].toObject();
            for (const auto field : { "uid"_L1, "resourceVersion"_L1, "managedFields"_L1, "ownerReferences"_L1 })
                QVERIFY(!metadata.contains(field));
            QVERIFY(!parsed[i].contains("status"_L1));
            QCOMPARE(parsed[i]["data"_L1], objects[i]["data"_L1]);
        }
        QVERIFY(parseBackupDocument("---\n{ not json\n").isEmpty());
    }

    void testAuditRecords()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        cluster.put(u"mgmt"_s, managementSyncSecret(u"tenant-primary"_s, u"t9"_s, u"m9"_s, u"p"_s, u"a"_s));
        QByteArray backup;
        QList<QJsonObject> audit;
        CleanupExecutor(cluster, realRun(&backup, &audit)).run(planCleanup(findOrphans(world)));
        QCOMPARE(audit.size(), 4);
        for (const QJsonObject& record : audit) {
            for (const auto field : { "who"_L1, "when"_L1, "context"_L1, "object"_L1, "action"_L1, "result"_L1 })
                QVERIFY2(record.contains(field), field.data());
            QCOMPARE(record["who"_L1].toString(), u"admin@laptop"_s);
            QCOMPARE(record["when"_L1].toString(), now().toString(Qt::ISODateWithMs));
            const QByteArray line = QJsonDocument(record).toJson(QJsonDocument::Compact);
            QVERIFY(!line.contains('\n') && !line.contains(QByteArray(SecretValueB64.data())));
        }
        QCOMPARE(audit[2]["result"_L1].toString(), u"skipped"_s);
        QCOMPARE(audit[2]["object"_L1]["name"_L1].toString(), u"m9"_s);
    }

    void testCancelStopsBetweenActions()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        QByteArray backup;
        QList<QJsonObject> audit;
        CleanupExecutor::Options options = realRun(&backup, &audit);
        QList<int> progress;
        options.progress = [&progress](int index, const ActionOutcome&) { progress.append(index); };
        options.cancelled = [&cluster] { return cluster.removed.size() == 2; };
        const CleanupPlan plan = planCleanup(findOrphans(world), { true });
        const CleanupReport report = CleanupExecutor(cluster, options).run(plan);
        QVERIFY(report.cancelled);
        QCOMPARE(cluster.removed.size(), 2);
        QVERIFY(cluster.finalizersRemoved.isEmpty());
        QCOMPARE(report.count(ActionOutcome::Done), 2);
        QCOMPARE(report.count(ActionOutcome::Skipped), plan.actions.size() - 2);
        QCOMPARE(report.outcomes.last().reason, u"cancelled"_s);
        QCOMPARE(audit.size(), 2); // nothing was attempted after the cancel
        QCOMPARE(progress, QList<int>({ 0, 1, 2, 3, 4 }));
    }

    void testCancelBeforeTheFirstActionChangesNothing()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        QByteArray backup;
        CleanupExecutor::Options options = realRun(&backup);
        options.cancelled = [] { return true; };
        const CleanupReport report = CleanupExecutor(cluster, options).run(planCleanup(findOrphans(world)));
        QVERIFY(report.cancelled);
        QCOMPARE(report.count(ActionOutcome::Done), 0);
        QVERIFY(cluster.removed.isEmpty());
    }

    void testBackupFilesPerContext()
    {
        const Snapshot world = orphanWorld();
        FakeCluster cluster(world);
        QByteArray backup;
        const CleanupPlan plan = planCleanup(findOrphans(world), { true });
        CleanupExecutor(cluster, realRun(&backup)).run(plan);
        QTemporaryDir dir;
        QString error;
        const auto files = writeBackupFiles(dir.filePath(u"b.yaml"_s), backup, plan, u"mgmt"_s, &error);
        QVERIFY2(!files.isEmpty(), qPrintable(error));
        QCOMPARE(files.value(u"mgmt"_s), dir.filePath(u"b.yaml"_s));
        QFile f(files.value(u"mgmt"_s));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(parseBackupDocument(f.readAll()).size(), parseBackupDocument(backup).size());
        QCOMPARE(f.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
        QVERIFY(writeBackupFiles(u"/nonexistent-dir/b.yaml"_s, backup, plan, u"mgmt"_s, &error).isEmpty());
        QVERIFY(error.contains(u"/nonexistent-dir/b.yaml"_s));
    }
};

QTEST_GUILESS_MAIN(TestCleanup)
#include "tst_cleanup.moc"
