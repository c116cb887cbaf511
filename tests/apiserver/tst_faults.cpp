// Each fault-injection mode, shown by the effect a client sees.
#include "apiserver/apiserver.h"
#include "support/apiclient.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using testsupport::ApiClient;

class TestFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void testInjectedErrors_data();
    void testInjectedErrors();
    void testRulesMatchVerbAndResource();
    void testLatencyDelaysAnswers();
    void testDroppedWatchStreams();
    void testShrunkWindowForces410OnResume();
    void testInjected410EndsWatchesWithExpired();
    void testRefusedConnectionsRecover();
    void testFaultsFromConfigAtStart();
    void testAdminEndpointNeedsMasters();
    void testBadFaultConfigIsRejected();

private:
    ApiClient admin()
    {
        return ApiClient(m_server->url(), m_server->caCertificatePem(), m_server->adminToken().toLatin1());
    }
    void setFaults(const QByteArray& json);
    QString createSecret(const QString& name);

    std::unique_ptr<apiserver::ApiServer> m_server;
};

void TestFaults::init()
{
    m_server = std::make_unique<apiserver::ApiServer>(apiserver::ApiServerConfig {});
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void TestFaults::cleanup()
{
    m_server.reset();
}

void TestFaults::setFaults(const QByteArray& json)
{
    const auto r = admin().request("PUT", u"/debug/faults"_s, json);
    QVERIFY2(r.code == 200, r.body.constData());
}

QString TestFaults::createSecret(const QString& name)
{
    const auto r = admin().post(u"/api/v1/namespaces/default/secrets"_s,
        QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, name } } } });
    return r.json.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
}

void TestFaults::testInjectedErrors_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::newRow("500") << 500 << u"InternalError"_s;
    QTest::newRow("429") << 429 << u"TooManyRequests"_s;
    QTest::newRow("409") << 409 << u"Conflict"_s;
}

void TestFaults::testInjectedErrors()
{
    QFETCH(int, code);
    QFETCH(QString, reason);
    setFaults(QByteArray(R"({"errors":[{"verb":"create","resource":"secrets","rate":1,"retryAfterSeconds":7,"code":)")
        + QByteArray::number(code) + "}]}");
    const auto r = admin().post(u"/api/v1/namespaces/default/secrets"_s,
        QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, u"x"_s } } } });
    QCOMPARE(r.code, code);
    QCOMPARE(r.json.value(u"kind"_s).toString(), u"Status"_s);
    QCOMPARE(r.json.value(u"reason"_s).toString(), reason);
    if (code == 429)
        QCOMPARE(r.header("Retry-After"), QByteArray("7"));
    QCOMPARE(admin().get(u"/api/v1/namespaces/default/secrets/x"_s).code, 404); // nothing was written
    const auto metrics = admin().get(u"/metrics"_s);
    QVERIFY(metrics.body.contains("kubelb_apiserver_injected_faults_total{type=\"error\"} 1"));
    QVERIFY2(
        metrics.body.contains("kubelb_apiserver_injected_errors_total{code=\"" + QByteArray::number(code) + "\"} 1"),
        metrics.body.constData());
}

void TestFaults::testRulesMatchVerbAndResource()
{
    setFaults(R"({"errors":[{"verb":"create","resource":"configmaps","rate":1}]})");
    QVERIFY(!createSecret(u"fine"_s).isEmpty());
    QCOMPARE(admin().get(u"/api/v1/namespaces/default/configmaps"_s).code, 200);
    setFaults(R"({"errors":[{"rate":0}]})");
    QVERIFY(!createSecret(u"fine2"_s).isEmpty());
}

void TestFaults::testLatencyDelaysAnswers()
{
    setFaults(R"({"latencyMs":300,"jitterMs":50})");
    QElapsedTimer t;
    t.start();
    QCOMPARE(admin().get(u"/api/v1/namespaces"_s).code, 200);
    QVERIFY2(t.elapsed() >= 300, qPrintable(QString::number(t.elapsed())));
}

void TestFaults::testDroppedWatchStreams()
{
    setFaults(R"({"dropWatchesEverySeconds":1})");
    ApiClient client = admin();
    std::unique_ptr<QNetworkReply> watch(client.stream(u"/api/v1/namespaces/default/secrets?watch=true"_s));
    QSignalSpy finished(watch.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(5000));
    QVERIFY(watch->error() != QNetworkReply::NoError); // the stream ended without its terminating chunk
}

void TestFaults::testShrunkWindowForces410OnResume()
{
    const QString rv = createSecret(u"first"_s);
    for (int i = 0; i < 5; ++i)
        createSecret(u"more%1"_s.arg(i));
    setFaults(R"({"watchWindow":2})");
    ApiClient client = admin();
    std::unique_ptr<QNetworkReply> watch(
        client.stream(u"/api/v1/namespaces/default/secrets?watch=true&resourceVersion="_s + rv));
    QSignalSpy finished(watch.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(5000));
    const QJsonObject event = QJsonDocument::fromJson(watch->readAll().trimmed()).object();
    QCOMPARE(event.value(u"type"_s).toString(), u"ERROR"_s);
    QCOMPARE(event.value(u"object"_s).toObject().value(u"code"_s).toInt(), 410);
    // Counted as an injected fault: the window was shrunk by the fault settings.
    const auto metrics = admin().get(u"/metrics"_s);
    QVERIFY2(
        metrics.body.contains("kubelb_apiserver_injected_faults_total{type=\"expired\"} 1"), metrics.body.constData());
}

void TestFaults::testInjected410EndsWatchesWithExpired()
{
    const QString rv = createSecret(u"first"_s);
    setFaults(R"({"errors":[{"verb":"watch","code":410,"rate":1}]})");
    ApiClient client = admin();
    std::unique_ptr<QNetworkReply> watch(
        client.stream(u"/api/v1/namespaces/default/secrets?watch=true&resourceVersion="_s + rv));
    QSignalSpy finished(watch.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(watch->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject event = QJsonDocument::fromJson(watch->readAll().trimmed()).object();
    QCOMPARE(event.value(u"type"_s).toString(), u"ERROR"_s);
    QCOMPARE(event.value(u"object"_s).toObject().value(u"code"_s).toInt(), 410);
    QCOMPARE(event.value(u"object"_s).toObject().value(u"reason"_s).toString(), u"Expired"_s);
    // Only watches: lists and reads are served.
    QCOMPARE(admin().get(u"/api/v1/namespaces/default/secrets"_s).code, 200);
    const auto metrics = admin().get(u"/metrics"_s);
    QVERIFY(metrics.body.contains("kubelb_apiserver_injected_errors_total{code=\"410\"} 1"));
}

void TestFaults::testRefusedConnectionsRecover()
{
    setFaults(R"({"refuseConnectionsSeconds":2})");
    const auto tryConnect = [&] {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->securePort());
        return socket.waitForConnected(1000);
    };
    QVERIFY(!tryConnect());
    QDeadlineTimer deadline(10000);
    bool back = false;
    while (!back && !deadline.hasExpired()) {
        QTest::qWait(100); // let the server's event loop reopen the listener
        back = tryConnect();
    }
    QVERIFY(back);
    ApiClient fresh = admin();
    QCOMPARE(fresh.get(u"/api/v1/namespaces"_s).code, 200);
}

void TestFaults::testFaultsFromConfigAtStart()
{
    apiserver::ApiServerConfig config;
    config.faults = uR"({"errors":[{"verb":"list","resource":"namespaces","code":500,"rate":1}]})"_s;
    apiserver::ApiServer server(config);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    ApiClient client(server.url(), server.caCertificatePem(), server.adminToken().toLatin1());
    QCOMPARE(client.get(u"/api/v1/namespaces"_s).code, 500);
    QCOMPARE(client.get(u"/api/v1/namespaces/default"_s).code, 200);
}

void TestFaults::testAdminEndpointNeedsMasters()
{
    ApiClient anonymous(m_server->url(), m_server->caCertificatePem());
    QCOMPARE(anonymous.get(u"/debug/faults"_s).code, 401);
    const auto r = admin().get(u"/debug/faults"_s);
    QCOMPARE(r.code, 200);
    QVERIFY(r.json.contains(u"errors"_s));
}

void TestFaults::testBadFaultConfigIsRejected()
{
    const auto unknown = admin().request("PUT", u"/debug/faults"_s, R"({"explode":true})");
    QCOMPARE(unknown.code, 400);
    QVERIFY(unknown.json.value(u"message"_s).toString().contains(u"explode"_s));
    QCOMPARE(admin().request("PUT", u"/debug/faults"_s, R"({"errors":[{"code":418,"rate":1}]})").code, 400);
    QCOMPARE(admin().request("PUT", u"/debug/faults"_s, "not json").code, 400);
    // 410 is what a watch gets; a list or a write cannot be "too old".
    QCOMPARE(admin().request("PUT", u"/debug/faults"_s, R"({"errors":[{"code":410,"rate":1}]})").code, 400);
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
