// The REST client metrics adapter: client-go's rest_client_* families from RequestMetric observations.
#include "controllers/runtime/metrics.h"
#include "controllers/runtime/restmetrics.h"
#include "kube/restclient.h"
#include "kube/watchclient.h"
#include "support/serverthread.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

double sample(const QByteArray& exposition, const QByteArray& series)
{
    for (const QByteArray& line : exposition.split('\n'))
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    return -1;
}

} // namespace

class TestRestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testCountsByCodeMethodAndHost();
    void testObserversOfOneRegistryShareFamilies();
    void testObserverOutlivesItsRegistry();
    void testRealClientIsCounted();
    void testWatchIsCountedOnceItsHeadArrives();
};

void TestRestMetrics::testCountsByCodeMethodAndHost()
{
    runtime::MetricsRegistry registry;
    const auto observe = runtime::restClientMetricsObserver(registry);
    observe({ u"GET"_s, u"127.0.0.1"_s, 200, 0.01 });
    observe({ u"GET"_s, u"127.0.0.1"_s, 200, 0.3 });
    observe({ u"PUT"_s, u"127.0.0.1"_s, 409, 0.02 });
    observe({ u"GET"_s, u"example.com"_s, 0, 1.5 });
    const QByteArray text = registry.exposition();
    QCOMPARE(sample(text, R"(rest_client_requests_total{code="200",host="127.0.0.1",method="GET"})"), 2.0);
    QCOMPARE(sample(text, R"(rest_client_requests_total{code="409",host="127.0.0.1",method="PUT"})"), 1.0);
    QCOMPARE(sample(text, R"(rest_client_requests_total{code="<error>",host="example.com",method="GET"})"), 1.0);
    QCOMPARE(sample(text, R"(rest_client_request_duration_seconds_count{host="127.0.0.1",verb="GET"})"), 2.0);
    QCOMPARE(
        sample(text, R"(rest_client_request_duration_seconds_bucket{host="127.0.0.1",verb="GET",le="0.025"})"), 1.0);
    QCOMPARE(sample(text, R"(rest_client_request_duration_seconds_bucket{host="127.0.0.1",verb="GET",le="0.5"})"), 2.0);
    QCOMPARE(sample(text, R"(rest_client_request_duration_seconds_count{host="example.com",verb="GET"})"), 1.0);
    QVERIFY(text.contains("# TYPE rest_client_requests_total counter"));
}

void TestRestMetrics::testObserversOfOneRegistryShareFamilies()
{
    runtime::MetricsRegistry registry;
    const auto first = runtime::restClientMetricsObserver(registry);
    const auto second = runtime::restClientMetricsObserver(registry); // a second client of the same manager
    first({ u"GET"_s, u"h"_s, 200, 0.1 });
    second({ u"GET"_s, u"h"_s, 200, 0.1 });
    QCOMPARE(sample(registry.exposition(), R"(rest_client_requests_total{code="200",host="h",method="GET"})"), 2.0);
}

void TestRestMetrics::testObserverOutlivesItsRegistry()
{
    auto registry = std::make_unique<runtime::MetricsRegistry>();
    const auto observe = runtime::restClientMetricsObserver(*registry);
    registry.reset();
    observe({ u"GET"_s, u"h"_s, 200, 0.1 }); // a client that outlives the manager must not crash
}

void TestRestMetrics::testRealClientIsCounted()
{
    testsupport::ServerThread server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    runtime::MetricsRegistry registry;
    kube::RestOptions options;
    options.observer = runtime::restClientMetricsObserver(registry);
    kube::RestClient client(server.adminConfig(), options);
    QVERIFY(client.get({ {}, u"v1"_s, u"namespaces"_s, {}, u"default"_s, {} }));
    QVERIFY(client.get({ {}, u"v1"_s, u"namespaces"_s, {}, u"missing"_s, {} }).error().isNotFound());
    const QByteArray text = registry.exposition();
    QCOMPARE(sample(text, R"(rest_client_requests_total{code="200",host="127.0.0.1",method="GET"})"), 1.0);
    QCOMPARE(sample(text, R"(rest_client_requests_total{code="404",host="127.0.0.1",method="GET"})"), 1.0);
    QCOMPARE(sample(text, R"(rest_client_request_duration_seconds_count{host="127.0.0.1",verb="GET"})"), 2.0);
}

void TestRestMetrics::testWatchIsCountedOnceItsHeadArrives()
{
    testsupport::ServerThread server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QList<int> codes;
    kube::RestOptions options;
    options.observer = [&](const kube::RequestMetric& m) { codes.append(m.code); };
    kube::RestClient client(server.adminConfig(), options);
    kube::WatchClient watch(client);
    const kube::ResourcePath secrets { {}, u"v1"_s, u"secrets"_s, u"default"_s, {}, {} };
    watch.start(secrets, {});
    QTRY_COMPARE(codes, QList<int> { 200 }); // while the stream is still open
    QVERIFY(watch.isActive());
    watch.stop();

    QVERIFY(server.setFaults(R"({"errors":[{"verb":"watch","resource":"secrets","code":500,"rate":1}]})"));
    watch.start(secrets, {});
    QTRY_COMPARE(codes, (QList<int> { 200, 500 }));
    QVERIFY(server.setFaults("{}"));
}

QTEST_GUILESS_MAIN(TestRestMetrics)
#include "tst_restmetrics.moc"
