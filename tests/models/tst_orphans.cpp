#include "fixtures.h"
#include "models/orphans.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace fixtures;
using models::Snapshot;

Q_DECLARE_METATYPE(models::Snapshot)

/// The orphan classifier: every class, and every lookalike that must not be flagged.
class TestOrphans : public QObject {
    Q_OBJECT

private:
    static QStringList classify(const Snapshot& snapshot, const models::OrphanOptions& options = {})
    {
        QStringList found;
        for (const models::Orphan& orphan : models::findOrphans(snapshot, options))
            found.append(models::orphanClassName(orphan.cls) + u' ' + orphan.object.name);
        found.sort();
        return found;
    }

    static QJsonObject& mgmtSyncSecret(Snapshot& s) { return s.management.syncSecrets.first(); }

private Q_SLOTS:
    void testClassify_data()
    {
        QTest::addColumn<Snapshot>("snapshot");
        QTest::addColumn<QStringList>("expected");
        const QString ns = u"tenant-primary"_s;

        QTest::newRow("healthy") << healthy() << QStringList {};

        Snapshot s = healthy();
        s.management.secrets.append(ownedSecret(ns, u"t9"_s, u"m9"_s));
        QTest::newRow("1: owner gone") << s << QStringList { u"owner-gone m9"_s };

        s = healthy();
        s.management.secrets.append(ownedSecret(ns, u"t1"_s, u"m-old"_s));
        QTest::newRow("1: owner has another uid") << s << QStringList { u"owner-gone m-old"_s };

        s = healthy();
        setMeta(mgmtSyncSecret(s), u"resourceVersion"_s, u"99"_s);
        QTest::newRow("not: owner present with another resourceVersion") << s << QStringList {};

        s = healthy();
        QJsonObject unowned = object(u"Secret"_s, ns, u"loose"_s, u"s-loose"_s);
        setLabel(unowned, u"kubelb.k8c.io/origin-name"_s, u"app"_s);
        s.management.secrets.append(unowned);
        QTest::newRow("2: origin labels, no ownerReference") << s << QStringList { u"no-owner-reference loose"_s };

        s = healthy();
        s.management.secrets.append(object(u"Secret"_s, ns, u"unrelated"_s, u"s-u"_s));
        QTest::newRow("not: unlabelled Secret without owner") << s << QStringList {};

        s = healthy();
        s.management.syncSecrets.append(managementSyncSecret(ns, u"t-gone"_s, u"m2"_s, u"production"_s, u"old"_s));
        s.management.secrets.append(ownedSecret(ns, u"t-gone"_s, u"m2"_s));
        QTest::newRow("3: tenant origin gone") << s << QStringList { u"origin-gone t-gone"_s };

        Snapshot unreachable = s;
        unreachable.tenants.first().reachable = false;
        QTest::newRow("not: tenant unreachable") << unreachable << QStringList {};

        s = healthy();
        s.tenants.first().syncSecrets.first() = tenantSyncSecret(u"production"_s, u"app"_s, u"t1-new"_s);
        QTest::newRow("3: tenant object recreated with a new uid") << s << QStringList { u"origin-gone t1"_s };

        s = healthy();
        terminate(s.tenants.first().syncSecrets.first(), 30);
        QTest::newRow("4: tenant SyncSecret stuck") << s << QStringList { u"stuck-terminating app"_s };

        s = healthy();
        terminate(mgmtSyncSecret(s), 30);
        QTest::newRow("4: management SyncSecret stuck") << s << QStringList { u"stuck-terminating t1"_s };

        s = healthy();
        terminate(mgmtSyncSecret(s), 2);
        QTest::newRow("not: terminating for 2 minutes") << s << QStringList {};

        s = healthy();
        terminate(mgmtSyncSecret(s), 30, false);
        setMeta(mgmtSyncSecret(s), u"finalizers"_s, QJsonArray {});
        QTest::newRow("not: terminating without finalizer") << s << QStringList {};

        s = healthy();
        s.management.syncSecrets.append(managementSyncSecret(u"elsewhere"_s, u"t7"_s, u"m7"_s, u"p"_s, u"x"_s));
        QTest::newRow("5: unmapped namespace") << s << QStringList { u"unmapped-namespace t7"_s };

        s = healthy();
        s.management.syncSecrets.append(managementSyncSecret(ns, u"t-gone"_s, u"m2"_s, u"production"_s, u"o"_s, 2));
        QTest::newRow("not: fresh") << s << QStringList {};

        s = healthy();
        QJsonObject kept = managementSyncSecret(ns, u"t-gone"_s, u"m2"_s, u"production"_s, u"o"_s);
        setLabel(kept, u"kubelb.k8c.io/keep"_s, u"true"_s);
        s.management.syncSecrets.append(kept);
        QTest::newRow("not: kept") << s << QStringList {};
    }

    void testClassify()
    {
        QFETCH(Snapshot, snapshot);
        QFETCH(QStringList, expected);
        QCOMPARE(classify(snapshot), expected);
    }

    void testExcludedNamespaceNeverFlagged()
    {
        Snapshot s = healthy();
        s.management.syncSecrets.append(managementSyncSecret(u"elsewhere"_s, u"t7"_s, u"m7"_s, u"p"_s, u"x"_s));
        models::OrphanOptions options;
        options.excludedNamespaces = { u"elsewhere"_s };
        QCOMPARE(classify(s, options), QStringList {});
    }

    void testOlderThanIsConfigurable()
    {
        Snapshot s = healthy();
        s.management.secrets.append(ownedSecret(u"tenant-primary"_s, u"t9"_s, u"m9"_s, 30));
        models::OrphanOptions options;
        options.olderThan = std::chrono::hours(1);
        QCOMPARE(classify(s, options), QStringList {});
        options.olderThan = std::chrono::minutes(20);
        QCOMPARE(classify(s, options), QStringList { u"owner-gone m9"_s });
    }

    void testUnreachableTenantIsUnknown()
    {
        Snapshot s = healthy();
        s.tenants.first().reachable = false;
        s.tenants.first().error = u"connection refused"_s;
        const models::OrphanScan scan = models::scanOrphans(s);
        QVERIFY(scan.orphans.isEmpty());
        QCOMPARE(scan.unknown.size(), 1);
        QVERIFY(scan.unknown.first().reason.contains(u"tenant1"_s));
    }

    void testStuckTerminatingCause_data()
    {
        QTest::addColumn<bool>("managerRunning");
        QTest::addColumn<bool>("secretPresent");
        QTest::addColumn<QString>("cause");
        QTest::addColumn<bool>("confirmedGone");
        QTest::newRow("manager down") << false << true << u"not running"_s << false;
        QTest::newRow("rbac on secrets") << true << true << u"RBAC"_s << false;
        QTest::newRow("secret gone") << true << false << u"RBAC"_s << true;
    }

    void testStuckTerminatingCause()
    {
        QFETCH(bool, managerRunning);
        QFETCH(bool, secretPresent);
        QFETCH(QString, cause);
        QFETCH(bool, confirmedGone);
        Snapshot s = healthy();
        s.management.managerRunning = managerRunning;
        if (!secretPresent)
            s.management.secrets.clear();
        terminate(mgmtSyncSecret(s), 30);
        const QList<models::Orphan> orphans = models::findOrphans(s);
        QCOMPARE(orphans.size(), 1);
        QVERIFY2(orphans.first().likelyCause.contains(cause), qPrintable(orphans.first().likelyCause));
        QCOMPARE(orphans.first().relatedConfirmedGone, confirmedGone);
        QCOMPARE(orphans.first().related.name, u"m1"_s);
    }

    void testTenantStuckWhileManagementUnreachable()
    {
        Snapshot s = healthy();
        terminate(s.tenants.first().syncSecrets.first(), 30);
        s.management.reachable = false;
        s.management.error = u"timeout"_s;
        const QList<models::Orphan> orphans = models::findOrphans(s);
        QCOMPARE(orphans.size(), 1);
        QVERIFY(orphans.first().likelyCause.contains(u"management cluster unreachable"_s));
        QVERIFY(!orphans.first().relatedConfirmedGone);
    }

    void testUpstreamOriginNsLabelIsRead()
    {
        Snapshot s = healthy();
        QJsonObject legacy = object(u"SyncSecret"_s, u"tenant-primary"_s, u"t-gone"_s, u"m2"_s);
        setLabel(legacy, u"kubelb.k8c.io/origin-name"_s, u"old"_s);
        setLabel(legacy, u"kubelb.k8c.io/origin-ns"_s, u"staging"_s);
        s.management.syncSecrets.append(legacy);
        const QList<models::Orphan> orphans = models::findOrphans(s);
        QCOMPARE(orphans.size(), 1);
        QCOMPARE(orphans.first().related.namespace_, u"staging"_s);
        QCOMPARE(orphans.first().related.name, u"old"_s);
    }

    void testReasonsNeverContainData()
    {
        Snapshot s = healthy();
        s.management.secrets.append(ownedSecret(u"tenant-primary"_s, u"t9"_s, u"m9"_s));
        s.management.syncSecrets.append(managementSyncSecret(u"x"_s, u"t7"_s, u"m7"_s, u"p"_s, u"x"_s));
        for (const models::Orphan& orphan : models::findOrphans(s)) {
            const QString text = orphan.reason + orphan.likelyCause + orphan.object.display();
            QVERIFY(!text.contains(SecretValueB64) && !text.contains(SecretValue));
        }
    }
};

QTEST_GUILESS_MAIN(TestOrphans)
#include "tst_orphans.moc"
