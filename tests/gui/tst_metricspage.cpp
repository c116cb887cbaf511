// The metrics page fed by exposition functions (the embedded controllers' path) and by a real HTTP /metrics
// endpoint: after two scrapes the charts and the table hold the expected rate and p95; it renders offscreen.
// With KUBELB_SCREENSHOT_DIR set, it also renders five minutes of realistic data to metrics.png.
#include "models/metricsmodel.h"
#include "views/charts/metricschart.h"
#include "views/charts/metricspage.h"

#include <QChartView>
#include <QDateTimeAxis>
#include <QDir>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QToolTip>
#include <atomic>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

/// One scrape of a CCM and a Manager after `step` scrape intervals of varying traffic: every counter is the sum
/// of its per-interval increases, so the page sees the rates and latencies this generator intends.
QByteArray realistic(int step)
{
    QByteArray out;
    auto line = [&out](const QByteArray& text, double value) { out += text + ' ' + QByteArray::number(value) + '\n'; };
    // Cumulative share of the reconciles at or below each bound (normal phase, slow phase).
    const QList<std::tuple<QByteArray, double, double>> shares { { "0.001", 0.15, 0.05 }, { "0.0025", 0.45, 0.2 },
        { "0.005", 0.7, 0.4 }, { "0.01", 0.85, 0.6 }, { "0.025", 0.95, 0.85 }, { "0.05", 1.0, 1.0 } };
    for (const auto& [prefix, ns, controller, scale] :
        { std::tuple { QByteArray("kubelb_ccm"), QByteArray("production"), QByteArray("ccm"), 1.0 },
            std::tuple { QByteArray("kubelb_manager"), QByteArray("tenant-primary"), QByteArray("manager"), 1.6 } }) {
        double success = 0, errors = 0;
        QList<double> buckets(shares.size() + 1, 0);
        for (int i = 0; i < step; ++i) {
            const double n = std::round(scale * (6 + 3 * std::sin(i / 5.0) + (i % 11 == 0 ? 8 : 0)));
            const double e = (i % int(9 * scale) == 0 ? 1 : 0) + (i > 40 && i % 3 == 0 ? scale : 0);
            success += n;
            errors += e;
            for (qsizetype b = 0; b < shares.size(); ++b)
                buckets[b] += std::floor((n + e) * (i > 40 ? std::get<2>(shares[b]) : std::get<1>(shares[b])));
            buckets.last() += n + e;
        }
        out += "# TYPE " + prefix + "_sync_secret_reconcile_total counter\n";
        line(prefix + "_sync_secret_reconcile_total{namespace=\"" + ns + "\",result=\"success\"}", success);
        line(prefix + "_sync_secret_reconcile_total{namespace=\"" + ns + "\",result=\"error\"}", errors);
        out += "# TYPE " + prefix + "_sync_secret_reconcile_duration_seconds histogram\n";
        for (qsizetype b = 0; b < shares.size(); ++b)
            line(prefix + "_sync_secret_reconcile_duration_seconds_bucket{namespace=\"" + ns + "\",le=\""
                    + std::get<0>(shares[b]) + "\"}",
                buckets[b]);
        line(prefix + "_sync_secret_reconcile_duration_seconds_bucket{namespace=\"" + ns + "\",le=\"+Inf\"}",
            buckets.last());
        line(prefix + "_sync_secret_reconcile_duration_seconds_count{namespace=\"" + ns + "\"}", buckets.last());
        out += "# TYPE controller_runtime_reconcile_errors_total counter\n";
        line("controller_runtime_reconcile_errors_total{controller=\"" + controller + "\"}", errors);
        out += "# TYPE workqueue_depth gauge\n";
        line("workqueue_depth{name=\"" + controller + "\"}",
            std::round(scale * (2 + 1.5 * std::sin(step / 4.0)) + (step % 11 == 0 ? 7 : 0)));
    }
    return out;
}

const QByteArray kFirst
    = "# TYPE kubelb_ccm_sync_secret_reconcile_total counter\n"
      "kubelb_ccm_sync_secret_reconcile_total{namespace=\"production\",result=\"success\"} 10\n"
      "# TYPE kubelb_ccm_sync_secret_reconcile_duration_seconds histogram\n"
      "kubelb_ccm_sync_secret_reconcile_duration_seconds_bucket{namespace=\"production\",le=\"0.005\"} 4\n"
      "kubelb_ccm_sync_secret_reconcile_duration_seconds_bucket{namespace=\"production\",le=\"0.01\"} 10\n"
      "kubelb_ccm_sync_secret_reconcile_duration_seconds_bucket{namespace=\"production\",le=\"+Inf\"} 10\n"
      "kubelb_ccm_sync_secret_reconcile_duration_seconds_count{namespace=\"production\"} 10\n";

QByteArray second()
{
    QByteArray text = kFirst;
    text.replace("result=\"success\"} 10", "result=\"success\"} 40");
    text.replace("le=\"0.01\"} 10", "le=\"0.01\"} 30");
    text.replace("le=\"+Inf\"} 10", "le=\"+Inf\"} 30");
    text.replace("count{namespace=\"production\"} 10", "count{namespace=\"production\"} 30");
    return text;
}

QLineSeries* seriesNamed(views::MetricsPage& page, const QString& chart, const QString& needle)
{
    auto* view = page.findChild<QChartView*>(chart);
    if (!view)
        return nullptr;
    for (QAbstractSeries* s : view->chart()->series())
        if (s->name().contains(needle))
            return qobject_cast<QLineSeries*>(s);
    return nullptr;
}

/// The table text of the row whose columns contain every one of `cells`, column `column`.
QString tableCell(views::MetricsPage& page, const QStringList& cells, int column)
{
    const QAbstractItemModel* m = page.findChild<QTableView*>(u"metricsTable"_s)->model();
    for (int row = 0; row < m->rowCount(); ++row) {
        QStringList texts;
        for (int c = 0; c < m->columnCount(); ++c)
            texts.append(m->index(row, c).data().toString());
        if (std::all_of(cells.cbegin(), cells.cend(), [&texts](const QString& t) { return texts.contains(t); }))
            return texts.value(column);
    }
    return {};
}

/// One scrape after `step` intervals: the CCM's SyncSecret counter for five namespaces × three results, and
/// controller-runtime's for two controllers × four results (requeue_after never moves).
QByteArray manyNamespaces(int step)
{
    QByteArray out = "# TYPE kubelb_ccm_sync_secret_reconcile_total counter\n";
    const QList<QByteArray> results { "success", "error", "requeue" };
    for (int n = 0; n < 5; ++n)
        for (qsizetype r = 0; r < results.size(); ++r)
            out += "kubelb_ccm_sync_secret_reconcile_total{namespace=\"ns" + QByteArray::number(n) + "\",result=\""
                + results[r] + "\"} " + QByteArray::number(step * (n + 1) * (r + 1)) + '\n';
    out += "# TYPE controller_runtime_reconcile_total counter\n";
    for (const QByteArray& controller : { QByteArray("secret-conversion"), QByteArray("syncsecret-ccm") })
        for (const auto& [result, per] : { std::pair { QByteArray("success"), 7 }, std::pair { QByteArray("error"), 1 },
                 std::pair { QByteArray("requeue"), 2 }, std::pair { QByteArray("requeue_after"), 0 } })
            out += "controller_runtime_reconcile_total{controller=\"" + controller + "\",result=\"" + result + "\"} "
                + QByteArray::number(step * per) + '\n';
    return out;
}

QChart* chartOf(views::MetricsPage& page, const QString& name)
{
    auto* view = page.findChild<QChartView*>(name);
    return view ? view->chart() : nullptr;
}

/// The lines of a chart that hold points, by name.
QHash<QString, QLineSeries*> linesOf(QChart* chart)
{
    QHash<QString, QLineSeries*> lines;
    for (QAbstractSeries* s : chart->series())
        if (auto* line = qobject_cast<QLineSeries*>(s); line && line->count() > 0)
            lines.insert(line->name(), line);
    return lines;
}

/// The labels of the legend entries shown.
QStringList legendLabels(QChart* chart)
{
    QStringList labels;
    for (QLegendMarker* marker : chart->legend()->markers())
        if (marker->isVisible())
            labels.append(marker->label());
    return labels;
}

/// A fake clock that advances `step` seconds per call.
std::function<QDateTime()> steppingClock(QDateTime start, int step)
{
    auto calls = std::make_shared<std::atomic_int>(0);
    return [start, step, calls] { return start.addSecs(qint64(step) * calls->fetch_add(1)); };
}

} // namespace

class TestMetricsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testTwoScrapesGiveRateAndP95()
    {
        views::MetricsPage page;
        page.resize(1100, 760);
        page.setScrapeInterval(std::chrono::hours(1));
        page.setClock(steppingClock(QDateTime::currentDateTimeUtc(), 10));
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        auto calls = std::make_shared<std::atomic_int>(0);
        page.addSource(u"embedded"_s, [calls] { return calls->fetch_add(1) == 0 ? kFirst : second(); });
        QTRY_COMPARE(scraped.size(), 1);
        page.scrapeNow();
        QTRY_COMPARE(scraped.size(), 2);
        QCOMPARE(scraped.last().at(1).toString(), QString());

        QLineSeries* rate = seriesNamed(page, u"reconcileRateChart"_s, u"success"_s);
        QVERIFY(rate);
        QCOMPARE(rate->count(), 1);
        QCOMPARE(rate->at(0).y(), 3.0); // (40 - 10) / 10 s
        QLineSeries* p95 = seriesNamed(page, u"durationChart"_s, u"p95"_s);
        QVERIFY(p95);
        // 20 new observations in (0.005, 0.01]: p95 = 0.005 + 0.005 · 19/20 s = 9.75 ms.
        QCOMPARE(p95->at(0).y(), 9.75);
        QCOMPARE(tableCell(page, { u"reconcile rate"_s, u"success"_s }, models::MetricsSeriesModel::LatestColumn),
            u"3.00/s"_s);
        QCOMPARE(tableCell(page, { u"p95 duration"_s, u"production"_s }, models::MetricsSeriesModel::LatestColumn),
            models::MetricsSeriesModel::formatValue(models::Measure::DurationP95, 0.00975));
        // Hovering a line shows the measured value under the mouse.
        Q_EMIT rate->hovered(rate->at(0) + QPointF(1500, 0.1), true);
        QVERIFY2(QToolTip::text().contains(u"success"_s) && QToolTip::text().contains(u"3 /s"_s),
            qPrintable(QToolTip::text()));
        // Less than the range collected: the time axis spans the first to the latest scrape, for either range.
        auto* axis = qobject_cast<QDateTimeAxis*>(
            page.findChild<QChartView*>(u"reconcileRateChart"_s)->chart()->axes(Qt::Horizontal).first());
        QCOMPARE(axis->min(), page.model()->firstScrapeAt());
        QCOMPARE(axis->min().secsTo(axis->max()), 10);
        page.setRange(std::chrono::hours(1));
        QCOMPARE(axis->min(), page.model()->firstScrapeAt());
        QCOMPARE(axis->min().secsTo(axis->max()), 10);
        const QPixmap shot = page.grab();
        QVERIFY(!shot.isNull());
        QCOMPARE(shot.size(), QSize(1100, 760));
    }

    void testSeriesAreAggregatedAcrossNamespacesWithACappedLegend()
    {
        views::MetricsPage page;
        page.resize(1280, 860);
        page.setScrapeInterval(std::chrono::hours(1));
        page.setClock(steppingClock(QDateTime::currentDateTimeUtc(), 10));
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        for (const QString& source : { u"tenant1"_s, u"tenant2"_s }) {
            auto step = std::make_shared<std::atomic_int>(1);
            page.addSource(source, [step] { return manyNamespaces(step->fetch_add(1)); });
        }
        QTRY_COMPARE(scraped.size(), 2);
        page.scrapeNow();
        QTRY_COMPARE(scraped.size(), 4);

        // One line per source · controller · result, the five namespaces summed: 2 × (3 + 2 × 4) lines.
        QChart* rate = chartOf(page, u"reconcileRateChart"_s);
        const QHash<QString, QLineSeries*> lines = linesOf(rate);
        QCOMPARE(lines.size(), 22);
        for (const QString& source : { u"tenant1"_s, u"tenant2"_s }) {
            for (const QString& result : { u"success"_s, u"error"_s, u"requeue"_s })
                QVERIFY2(lines.contains(source + u" · ccm · "_s + result), qPrintable(lines.keys().join(u", "_s)));
            for (const QString& controller : { u"secret-conversion"_s, u"syncsecret-ccm"_s })
                for (const QString& result : { u"success"_s, u"error"_s, u"requeue"_s, u"requeue_after"_s })
                    QVERIFY(lines.contains(source + u" · "_s + controller + u" · "_s + result));
            // The line is the sum of the namespaces' series (which the table keeps, one row each).
            double sum = 0;
            int namespaces = 0;
            for (int row = 0; row < page.model()->rowCount(); ++row) {
                const models::MetricSeries& s = page.model()->series(row);
                if (s.key.source == source && s.key.controller == u"ccm" && s.key.result == u"success") {
                    sum += s.points.last().y();
                    ++namespaces;
                }
            }
            QCOMPARE(namespaces, 5);
            QLineSeries* success = lines.value(source + u" · ccm · success"_s);
            QCOMPARE(success->count(), 1);
            QCOMPARE(success->at(0).y(), sum);
            QVERIFY(sum > 0);
        }
        QCOMPARE(tableCell(page, { u"tenant2"_s, u"ns3"_s, u"requeue"_s }, models::MetricsSeriesModel::LatestColumn),
            models::MetricsSeriesModel::formatValue(models::Measure::ReconcileRate, 4 * 3 / 20.0));

        // Too many lines for the legend: it names the busiest ones, in full, and the title says so.
        page.show(); // legend entries are laid out (and shown) with the chart
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCoreApplication::processEvents();
        const QStringList labels = legendLabels(rate);
        QVERIFY(!labels.isEmpty());
        QVERIFY2(labels.size() <= views::MetricsChart::legendCap(), qPrintable(labels.join(u", "_s)));
        for (const QString& label : labels) {
            QVERIFY(!label.isEmpty());
            QVERIFY2(lines.contains(label) && label.count(u" · "_s) == 2, qPrintable(label));
        }
        QVERIFY(labels.contains(u"tenant1 · ccm · success"_s)); // 1.5/s: the busiest line of tenant1
        QVERIFY2(rate->title().contains(u"top %1 of 22"_s.arg(labels.size())), qPrintable(rate->title()));
        // Every other chart keeps its legend within the cap too, with names.
        for (const QString& name : { u"durationChart"_s, u"queueDepthChart"_s, u"errorRateChart"_s }) {
            const QStringList other = legendLabels(chartOf(page, name));
            QVERIFY(other.size() <= views::MetricsChart::legendCap());
            for (const QString& label : other)
                QVERIFY(!label.isEmpty());
        }
    }

    void testFewLinesAreAllNamedInTheLegend()
    {
        views::MetricsPage page;
        page.setScrapeInterval(std::chrono::hours(1));
        page.setClock(steppingClock(QDateTime::currentDateTimeUtc(), 10));
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        auto calls = std::make_shared<std::atomic_int>(0);
        page.addSource(u"embedded"_s, [calls] { return calls->fetch_add(1) == 0 ? kFirst : second(); });
        QTRY_COMPARE(scraped.size(), 1);
        page.scrapeNow();
        QTRY_COMPARE(scraped.size(), 2);
        QChart* duration = chartOf(page, u"durationChart"_s);
        page.show(); // legend entries are laid out (and shown) with the chart
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCoreApplication::processEvents();
        QCOMPARE(legendLabels(duration), QStringList({ u"ccm · p50"_s, u"ccm · p95"_s }));
        QCOMPARE(duration->title(), u"Reconcile duration in ms (slowest namespace): p95, p50 dashed"_s);
        QCOMPARE(legendLabels(chartOf(page, u"reconcileRateChart"_s)), QStringList({ u"ccm · success"_s }));
    }

    void testTimeAxisStartsAtTheFirstScrapeUntilTheRangeIsFull()
    {
        views::MetricsPage page;
        page.setScrapeInterval(std::chrono::hours(1));
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-3600);
        page.setClock(steppingClock(start, 60)); // one scrape a minute
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        auto step = std::make_shared<std::atomic_int>(1);
        page.addSource(u"embedded"_s, [step] { return manyNamespaces(step->fetch_add(1)); });
        auto* axis = qobject_cast<QDateTimeAxis*>(chartOf(page, u"reconcileRateChart"_s)->axes(Qt::Horizontal).first());
        for (int i = 1; i <= 8; ++i) {
            QTRY_COMPARE(scraped.size(), i);
            const QDateTime latest = start.addSecs(60 * (i - 1));
            QCOMPARE(page.model()->latestScrapeAt(), latest);
            if (i > 1) { // one scrape alone spans at least a second
                QCOMPARE(axis->max(), latest);
            }
            // The window (5 minutes) fills after six scrapes; from then on it scrolls.
            QCOMPARE(axis->min(), i <= 6 ? start : latest.addSecs(-300));
            page.scrapeNow();
        }
        page.setRange(std::chrono::hours(1)); // an hour is not full yet: back to the first scrape
        QCOMPARE(axis->min(), start);
    }

    void testCounterResetNeverGivesANegativeRate()
    {
        views::MetricsPage page;
        page.setScrapeInterval(std::chrono::hours(1));
        page.setClock(steppingClock(QDateTime::currentDateTimeUtc(), 10));
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        auto calls = std::make_shared<std::atomic_int>(0);
        page.addSource(u"embedded"_s, [calls] { return calls->fetch_add(1) == 1 ? kFirst : second(); });
        QTRY_COMPARE(scraped.size(), 1);
        page.scrapeNow();
        QTRY_COMPARE(scraped.size(), 2); // 40 → 10: the controller restarted and counted 10 since
        QLineSeries* rate = seriesNamed(page, u"reconcileRateChart"_s, u"success"_s);
        QVERIFY(rate);
        QCOMPARE(rate->at(0).y(), 1.0);
    }

    void testScrapesAMetricsUrl()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        int requests = 0;
        connect(&server, &QTcpServer::newConnection, this, [&] {
            QTcpSocket* socket = server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [&requests, socket] {
                if (!socket->readAll().contains("GET /metrics"))
                    return;
                const QByteArray body = requests++ == 0 ? kFirst : second();
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\n"
                              "Content-Length: "
                    + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                socket->disconnectFromHost();
            });
        });
        views::MetricsPage page;
        page.setScrapeInterval(std::chrono::hours(1));
        page.setClock(steppingClock(QDateTime::currentDateTimeUtc(), 5));
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        page.addSource(u"daemon"_s, QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(server.serverPort())));
        QTRY_COMPARE(scraped.size(), 1);
        page.scrapeNow();
        QTRY_COMPARE(scraped.size(), 2);
        QCOMPARE(scraped.last().at(1).toString(), QString());
        QCOMPARE(tableCell(page, { u"daemon"_s, u"success"_s }, models::MetricsSeriesModel::LatestColumn), u"6.00/s"_s);
    }

    void testUnreachableUrlIsReported()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        views::MetricsPage page;
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        page.addSource(u"daemon"_s, QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(port)));
        QTRY_COMPARE(scraped.size(), 1);
        QVERIFY(!scraped.first().at(1).toString().isEmpty());
        QCOMPARE(page.model()->rowCount(), 0);
        QVERIFY(page.findChild<QLabel*>(u"metricsStatus"_s)->text().contains(u"scrape failed"_s));
    }

    void testMalformedLinesAreCountedInTheStatus()
    {
        views::MetricsPage page;
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        page.addSource(u"embedded"_s, [] { return QByteArray("workqueue_depth{name=\"ccm\"} 3\nnot prometheus\n"); });
        QTRY_COMPARE(scraped.size(), 1);
        QVERIFY2(page.findChild<QLabel*>(u"metricsStatus"_s)->text().contains(u"1 line(s) not understood"_s),
            qPrintable(page.findChild<QLabel*>(u"metricsStatus"_s)->text()));
        QCOMPARE(page.model()->rowCount(), 1); // the good line still counts
    }

    void testScreenshot()
    {
        const QString dir = qEnvironmentVariable("KUBELB_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set KUBELB_SCREENSHOT_DIR to write metrics.png");
        views::MetricsPage page;
        page.resize(1280, 860);
        page.setScrapeInterval(std::chrono::hours(1));
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-300);
        page.setClock(steppingClock(start, 5));
        QSignalSpy scraped(&page, &views::MetricsPage::scraped);
        auto step = std::make_shared<std::atomic_int>(0);
        page.addSource(u"embedded"_s, [step] { return realistic(step->fetch_add(1)); });
        for (int i = 1; i <= 60; ++i) {
            QTRY_COMPARE(scraped.size(), i);
            page.scrapeNow();
        }
        QTRY_COMPARE(scraped.size(), 61);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCoreApplication::processEvents(); // the charts lay out their axes on a posted event
        QVERIFY(page.grab().save(QDir(dir).filePath(u"metrics.png"_s)));
    }
};

QTEST_MAIN(TestMetricsPage)
#include "tst_metricspage.moc"
