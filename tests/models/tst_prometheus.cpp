// The Prometheus text parser and the PromQL math behind the metrics page: counter increases across resets and
// histogram_quantile() over bucket deltas, checked against values PromQL gives for the same buckets.
#include "models/metricsmodel.h"
#include "models/prometheus.h"

#include <QTest>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace models;
using namespace models::prom;

namespace {

const QByteArray kExposition = R"(# A comment that is not HELP or TYPE.
# HELP kubelb_ccm_sync_secret_reconcile_total Reconciles by namespace and result.\nSecond line with a \\ backslash.
# TYPE kubelb_ccm_sync_secret_reconcile_total counter
kubelb_ccm_sync_secret_reconcile_total{namespace="production",result="success"} 10
kubelb_ccm_sync_secret_reconcile_total{result="error",namespace="production",} 2 1700000000000
# TYPE kubelb_ccm_sync_secret_reconcile_duration_seconds histogram
kubelb_ccm_sync_secret_reconcile_duration_seconds_bucket{namespace="production",le="0.005"} 4
kubelb_ccm_sync_secret_reconcile_duration_seconds_bucket{namespace="production",le="0.01"} 8
kubelb_ccm_sync_secret_reconcile_duration_seconds_bucket{namespace="production",le="+Inf"} 10
kubelb_ccm_sync_secret_reconcile_duration_seconds_sum{namespace="production"} 0.07
kubelb_ccm_sync_secret_reconcile_duration_seconds_count{namespace="production"} 10
# TYPE workqueue_depth gauge
workqueue_depth{name="ccm"} 3
untyped_inf -Inf
)"
                               // (escaped quotes stay out of raw strings: AutoMoc misreads them)
                               "weird_label{path=\"C:\\\\dir\\\\\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\"} NaN\n";

QList<QPair<double, double>> buckets(std::initializer_list<QPair<double, double>> list)
{
    return QList<QPair<double, double>>(list);
}

constexpr double Inf = std::numeric_limits<double>::infinity();

} // namespace

class TestPrometheus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testParsesFamiliesHelpAndType()
    {
        const Exposition e = parseExposition(kExposition);
        QVERIFY2(e.errors.isEmpty(), qPrintable(e.errors.join(u'\n')));
        QCOMPARE(e.families.size(), 5);
        const MetricFamily* total = e.family(u"kubelb_ccm_sync_secret_reconcile_total"_s);
        QVERIFY(total);
        QCOMPARE(total->type, MetricType::Counter);
        QCOMPARE(total->help, u"Reconciles by namespace and result.\nSecond line with a \\ backslash."_s);
        QCOMPARE(total->samples.size(), 2);
        QCOMPARE(
            total->samples[1].labels, Labels({ { u"namespace"_s, u"production"_s }, { u"result"_s, u"error"_s } }));
        QCOMPARE(total->samples[1].timestampMs.value_or(0), 1700000000000);
        QVERIFY(!total->samples[0].timestampMs);
    }

    void testHistogramSamplesJoinTheirFamily()
    {
        const Exposition e = parseExposition(kExposition);
        const MetricFamily* h = e.family(u"kubelb_ccm_sync_secret_reconcile_duration_seconds"_s);
        QVERIFY(h);
        QCOMPARE(h->type, MetricType::Histogram);
        QCOMPARE(h->samples.size(), 5);
        const auto series = histograms(*h);
        QCOMPARE(series.size(), 1);
        const Histogram& one = series.begin()->second;
        QCOMPARE(series.begin()->first, Labels({ { u"namespace"_s, u"production"_s } }));
        QCOMPARE(one.buckets.size(), 3);
        QVERIFY(std::isinf(one.buckets.last().first));
        QCOMPARE(one.count, 10.0);
        QCOMPARE(one.sum, 0.07);
    }

    void testLabelEscapesAndSpecialValues()
    {
        const Exposition e = parseExposition(kExposition);
        const MetricFamily* weird = e.family(u"weird_label"_s);
        QVERIFY(weird);
        QCOMPARE(weird->type, MetricType::Untyped);
        const Labels& l = weird->samples.first().labels;
        QCOMPARE(l.value(u"path"_s), u"C:\\dir\\"_s);
        QCOMPARE(l.value(u"quote"_s), u"say \"hi\""_s);
        QCOMPARE(l.value(u"nl"_s), u"a\nb"_s);
        QVERIFY(std::isnan(weird->samples.first().value));
        QCOMPARE(e.family(u"untyped_inf"_s)->samples.first().value, -Inf);
    }

    void testMalformedLinesAreReportedAndSkipped_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("unquoted value") << QByteArray("m{a=b} 1");
        QTest::newRow("unterminated value") << QByteArray("m{a=\"b} 1");
        QTest::newRow("missing value") << QByteArray("m{a=\"b\"}");
        QTest::newRow("bad value") << QByteArray("m 1x");
        QTest::newRow("bad timestamp") << QByteArray("m 1 soon");
        QTest::newRow("no name") << QByteArray("{a=\"b\"} 1");
        QTest::newRow("missing comma") << QByteArray("m{a=\"b\" c=\"d\"} 1");
    }

    void testMalformedLinesAreReportedAndSkipped()
    {
        QFETCH(QByteArray, line);
        const Exposition e = parseExposition("good 1\n" + line + "\r\nalso_good 2\r\n");
        QCOMPARE(e.errors.size(), 1);
        QVERIFY2(e.errors.first().startsWith(u"line 2: "_s), qPrintable(e.errors.first()));
        QVERIFY(e.family(u"good"_s) && e.family(u"also_good"_s));
    }

    void testCounterIncreaseHandlesResets()
    {
        QCOMPARE(counterIncrease(10, 25), 15.0);
        QCOMPARE(counterIncrease(10, 10), 0.0);
        QCOMPARE(counterIncrease(100, 7), 7.0); // the process restarted: everything since is new
    }

    void testHistogramQuantile_data()
    {
        QTest::addColumn<double>("q");
        QTest::addColumn<double>("expected");
        // Buckets 0.1:10, 0.2:30, 0.4:36, +Inf:40 — the values PromQL's histogram_quantile() gives.
        QTest::newRow("p50") << 0.5 << 0.15;
        QTest::newRow("p25 in the first bucket") << 0.25 << 0.1;
        QTest::newRow("p10") << 0.1 << 0.04;
        QTest::newRow("p80") << 0.8 << 0.2 + 0.2 * (32.0 - 30.0) / 6.0;
        QTest::newRow("p95 falls into +Inf") << 0.95 << 0.4;
        QTest::newRow("q > 1") << 1.5 << Inf;
        QTest::newRow("q < 0") << -0.5 << -Inf;
    }

    void testHistogramQuantile()
    {
        QFETCH(double, q);
        QFETCH(double, expected);
        const auto b = buckets({ { 0.1, 10 }, { 0.2, 30 }, { 0.4, 36 }, { Inf, 40 } });
        QCOMPARE(histogramQuantile(q, b), expected);
    }

    void testQuantileWithoutObservationsIsNaN()
    {
        QVERIFY(std::isnan(histogramQuantile(0.5, buckets({ { 0.1, 0 }, { Inf, 0 } }))));
        QVERIFY(std::isnan(histogramQuantile(0.5, buckets({ { 0.1, 3 } })))); // no +Inf bucket
    }

    void testHistogramDeltaAndReset()
    {
        const Histogram before { buckets({ { 0.1, 10 }, { Inf, 12 } }), 1.0, 12 };
        const Histogram after { buckets({ { 0.1, 15 }, { Inf, 20 } }), 2.5, 20 };
        const Histogram delta = histogramDelta(before, after);
        QCOMPARE(delta.count, 8.0);
        QCOMPARE(delta.sum, 1.5);
        QCOMPARE(delta.buckets, buckets({ { 0.1, 5 }, { Inf, 8 } }));
        const Histogram restarted { buckets({ { 0.1, 1 }, { Inf, 2 } }), 0.1, 2 };
        QCOMPARE(histogramDelta(after, restarted).buckets, restarted.buckets);
    }

    void testDerivedRatesAndQuantilesBetweenScrapes()
    {
        const Exposition first = parseExposition(kExposition);
        QByteArray later = kExposition;
        later.replace(R"(result="success"} 10)", R"(result="success"} 40)");
        later.replace(R"(le="0.005"} 4)", R"(le="0.005"} 4)");
        later.replace(R"(le="0.01"} 8)", R"(le="0.01"} 28)");
        later.replace(R"(le="+Inf"} 10)", R"(le="+Inf"} 30)");
        const Exposition second = parseExposition(later);
        const auto values = deriveValues(&first, second, 10);
        auto find = [&values](Measure m, const QString& result) {
            for (const DerivedValue& v : values)
                if (v.key.measure == m && v.key.result == result && v.key.controller == u"ccm"_s)
                    return v.value;
            return std::nan("");
        };
        QCOMPARE(find(Measure::ReconcileRate, u"success"_s), 3.0); // (40 - 10) / 10 s
        QCOMPARE(find(Measure::ReconcileRate, u"error"_s), 0.0);
        // 20 new observations, all in (0.005, 0.01]: p50 = 0.005 + 0.005 · 10/20, p95 = 0.005 + 0.005 · 19/20.
        QCOMPARE(find(Measure::DurationP50, {}), 0.0075);
        QCOMPARE(find(Measure::DurationP95, {}), 0.00975);
        QCOMPARE(find(Measure::QueueDepth, {}), 3.0);
        // The first scrape has no rates yet, only gauges.
        const auto initial = deriveValues(nullptr, first, 0);
        QCOMPARE(initial.size(), 1);
        QCOMPARE(initial.first().key.measure, Measure::QueueDepth);
    }
};

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
