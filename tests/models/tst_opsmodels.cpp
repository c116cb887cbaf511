// The console's operations models under QAbstractItemModelTester: the orphan table and the metrics series table.
#include "models/metricsmodel.h"
#include "models/orphanmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace models;

namespace {

Orphan orphan(OrphanClass cls, const QString& name, qint64 age)
{
    Orphan o;
    o.cls = cls;
    o.object = { u"kubelb"_s, u"Secret"_s, u"tenant-primary"_s, name, u"uid-"_s + name, u"7"_s };
    o.reason = u"no ownerReference"_s;
    o.ageSeconds = age;
    return o;
}

QByteArray exposition(int success, int fastBucket, int total, int depth)
{
    return QByteArray("# TYPE kubelb_manager_sync_secret_reconcile_total counter\n"
                      "kubelb_manager_sync_secret_reconcile_total{namespace=\"tenant-primary\",result=\"success\"} ")
        + QByteArray::number(success)
        + "\n# TYPE kubelb_manager_sync_secret_reconcile_duration_seconds histogram\n"
          "kubelb_manager_sync_secret_reconcile_duration_seconds_bucket{namespace=\"tenant-primary\",le=\"0.01\"} "
        + QByteArray::number(fastBucket)
        + "\nkubelb_manager_sync_secret_reconcile_duration_seconds_bucket{namespace=\"tenant-primary\",le=\"0.1\"} "
        + QByteArray::number(total)
        + "\nkubelb_manager_sync_secret_reconcile_duration_seconds_bucket{namespace=\"tenant-primary\",le=\"+Inf\"} "
        + QByteArray::number(total)
        + "\nkubelb_manager_sync_secret_reconcile_duration_seconds_count{namespace=\"tenant-primary\"} "
        + QByteArray::number(total) + "\n# TYPE workqueue_depth gauge\nworkqueue_depth{name=\"manager\"} "
        + QByteArray::number(depth) + "\n";
}

} // namespace

class TestOpsModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testOrphanModelPassesTheTester()
    {
        OrphanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOrphans(
            { orphan(OrphanClass::NoOwnerReference, u"a"_s, 700), orphan(OrphanClass::OwnerGone, u"b"_s, 90000) });
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(OrphanModel::ColumnCount));
        QCOMPARE(model.index(0, OrphanModel::ClassColumn).data().toString(), u"2 no-owner-reference"_s);
        QCOMPARE(model.index(1, OrphanModel::AgeColumn).data().toString(), u"1d 1h"_s);
        QCOMPARE(model.index(1, OrphanModel::AgeColumn).data(OrphanModel::SortRole).toLongLong(), 90000);
        QCOMPARE(model.index(0, OrphanModel::ObjectColumn).data().toString(), u"Secret tenant-primary/a"_s);
        QCOMPARE(model.index(0, OrphanModel::ContextColumn).data().toString(), u"kubelb"_s);
        model.setOrphans({});
        QCOMPARE(model.rowCount(), 0);
    }

    void testAgeFormat_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("seconds") << qint64(42) << u"42s"_s;
        QTest::newRow("minutes") << qint64(14 * 60 + 5) << u"14m"_s;
        QTest::newRow("hours") << qint64(3 * 3600 + 120) << u"3h 2m"_s;
        QTest::newRow("days") << qint64(2 * 86400 + 3 * 3600) << u"2d 3h"_s;
    }

    void testAgeFormat()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(OrphanModel::formatAge(seconds), text);
    }

    void testMetricsModelPassesTheTester()
    {
        MetricsSeriesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy scraped(&model, &MetricsSeriesModel::scraped);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        model.addScrape(u"embedded"_s, t0, prom::parseExposition(exposition(10, 5, 10, 2)));
        QCOMPARE(model.rowCount(), 1); // only the gauge before a second scrape
        model.addScrape(u"embedded"_s, t0.addSecs(5), prom::parseExposition(exposition(30, 5, 30, 4)));
        QCOMPARE(scraped.size(), 2);
        const int rate
            = model.rowOf({ u"embedded"_s, Measure::ReconcileRate, u"manager"_s, u"tenant-primary"_s, u"success"_s });
        QVERIFY(rate >= 0);
        QCOMPARE(model.data(model.index(rate, MetricsSeriesModel::LatestColumn), MetricsSeriesModel::LatestValueRole)
                     .toDouble(),
            4.0);
        QCOMPARE(model.index(rate, MetricsSeriesModel::LatestColumn).data().toString(), u"4.00/s"_s);
        const int p95 = model.rowOf({ u"embedded"_s, Measure::DurationP95, u"manager"_s, u"tenant-primary"_s, {} });
        QVERIFY(p95 >= 0);
        // 20 new observations, all in (0.01, 0.1]: p95 = 0.01 + 0.09 · 19/20.
        QCOMPARE(model.series(p95).points.last().y(), 0.0955);
        QCOMPARE(model.index(p95, MetricsSeriesModel::LatestColumn).data().toString(), u"95.5 ms"_s);
        const int depth = model.rowOf({ u"embedded"_s, Measure::QueueDepth, u"manager"_s, {}, {} });
        QCOMPARE(model.series(depth).points.size(), 2);
        QCOMPARE(model.index(depth, MetricsSeriesModel::NamespaceColumn).data().toString(), u"(all)"_s);
    }

    void testMetricsRetentionDropsOldPoints()
    {
        MetricsSeriesModel model;
        model.setRetention(std::chrono::seconds(60));
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        for (int i = 0; i < 10; ++i)
            model.addScrape(u"a"_s, t0.addSecs(i * 30), prom::parseExposition(exposition(i, 0, 0, i)));
        const int depth = model.rowOf({ u"a"_s, Measure::QueueDepth, u"manager"_s, {}, {} });
        QCOMPARE(model.series(depth).points.size(), 3); // 4:30 … 3:30 within the last minute
        QCOMPARE(model.series(depth).points.last().y(), 9.0);
    }
};

QTEST_GUILESS_MAIN(TestOpsModels)
#include "tst_opsmodels.moc"
