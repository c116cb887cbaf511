// HTTP-level behaviour of the embedded API server, driven by QNetworkAccessManager over real TLS.
#include "apiserver/apiserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Reply {
    int code = 0;
    QByteArray body;
    QJsonObject json;
    QNetworkReply* raw = nullptr;
    QByteArray header(const char* name) const { return raw ? raw->rawHeader(name) : QByteArray(); }
};

} // namespace

class TestHttpApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testVersionAnswersLikeKubernetes132();
    void testMissingOrWrongTokenIs401Status();
    void testDiscoveryListsBuiltinsAndVerbs();
    void testCrdAppearsInDiscoveryAndOpenApi();
    void testCreateGetListAsTable();
    void testYamlBodyAccepted();
    void testMalformedJsonIs400Status();
    void testWrongContentTypeIs415();
    void testOversizedBodyIs413();
    void testUnknownResourceIs404();
    void testPlusInQueryIsSpace();
    void testUnknownFieldWarnHeader();
    void testWatchStreamsEventsAfterResourceVersion();
    void testWatchFromZeroStartsWithSyntheticAdded();
    void testWatchersOfOneEventGetTheirOwnTypeAndFormat();
    void testWatchTooOldIs410ErrorEvent();
    void testWatchTimeoutEndsStream();
    void testMetricsCountRequests();

private:
    Reply request(const QByteArray& verb, const QString& path, const QByteArray& body = {},
        const QByteArray& contentType = "application/json", const QByteArray& token = {},
        const QByteArray& accept = "application/json");
    QNetworkRequest makeRequest(const QString& path, const QByteArray& token, const QByteArray& accept);
    QJsonObject createSecret(const QString& name);

    std::unique_ptr<apiserver::ApiServer> m_server;
    QNetworkAccessManager m_nam;
    QSslConfiguration m_ssl;
};

void TestHttpApi::initTestCase()
{
    apiserver::ApiServerConfig config;
    config.watchWindow = 50;
    m_server = std::make_unique<apiserver::ApiServer>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_ssl = QSslConfiguration::defaultConfiguration();
    m_ssl.setCaCertificates(QSslCertificate::fromData(m_server->caCertificatePem()));
}

QNetworkRequest TestHttpApi::makeRequest(const QString& path, const QByteArray& token, const QByteArray& accept)
{
    QNetworkRequest req(QUrl(m_server->url() + path));
    req.setSslConfiguration(m_ssl);
    req.setRawHeader("Authorization", "Bearer " + (token.isNull() ? m_server->adminToken().toLatin1() : token));
    req.setRawHeader("Accept", accept);
    return req;
}

Reply TestHttpApi::request(const QByteArray& verb, const QString& path, const QByteArray& body,
    const QByteArray& contentType, const QByteArray& token, const QByteArray& accept)
{
    QNetworkRequest req = makeRequest(path, token, accept);
    if (!body.isNull())
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply* reply = m_nam.sendCustomRequest(req, verb, body);
    reply->setParent(this);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(10000);
    Reply r;
    r.raw = reply;
    r.code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    return r;
}

QJsonObject TestHttpApi::createSecret(const QString& name)
{
    const QJsonObject body { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Secret"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, name } } } };
    return request("POST", u"/api/v1/namespaces/default/secrets"_s, QJsonDocument(body).toJson()).json;
}

void TestHttpApi::testVersionAnswersLikeKubernetes132()
{
    const Reply r = request("GET", u"/version"_s);
    QCOMPARE(r.code, 200);
    QCOMPARE(r.json.value(u"major"_s).toString(), u"1"_s);
    QCOMPARE(r.json.value(u"minor"_s).toString(), u"32"_s);
    QVERIFY(r.json.value(u"gitVersion"_s).toString().startsWith(u"v1.32"_s));
}

void TestHttpApi::testMissingOrWrongTokenIs401Status()
{
    const Reply r = request("GET", u"/api/v1/namespaces"_s, {}, {}, "wrong");
    QCOMPARE(r.code, 401);
    QCOMPARE(r.json.value(u"kind"_s).toString(), u"Status"_s);
    QCOMPARE(r.json.value(u"reason"_s).toString(), u"Unauthorized"_s);
    QCOMPARE(request("GET", u"/version"_s, {}, {}, "").code, 401);
}

void TestHttpApi::testDiscoveryListsBuiltinsAndVerbs()
{
    const Reply core = request("GET", u"/api/v1"_s);
    QCOMPARE(core.code, 200);
    QStringList names;
    for (const auto& r : core.json.value(u"resources"_s).toArray()) {
        names << r.toObject().value(u"name"_s).toString();
        if (r.toObject().value(u"name"_s).toString() == u"secrets")
            QVERIFY(r.toObject().value(u"verbs"_s).toArray().contains(u"watch"_s));
    }
    for (const auto& expected :
        { u"secrets"_s, u"namespaces"_s, u"namespaces/status"_s, u"configmaps"_s, u"serviceaccounts"_s, u"events"_s })
        QVERIFY2(names.contains(expected), qPrintable(expected));
    const Reply groups = request("GET", u"/apis"_s);
    QStringList groupNames;
    for (const auto& g : groups.json.value(u"groups"_s).toArray())
        groupNames << g.toObject().value(u"name"_s).toString();
    QVERIFY(groupNames.contains(u"coordination.k8s.io"_s));
    QVERIFY(groupNames.contains(u"apiextensions.k8s.io"_s));
    QCOMPARE(request("GET", u"/apis/coordination.k8s.io/v1"_s).code, 200);
}

void TestHttpApi::testCrdAppearsInDiscoveryAndOpenApi()
{
    const QByteArray crd = R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
      "metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},
      "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
      "properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"}}}}}},
      "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}]}]}})";
    QCOMPARE(request("POST", u"/apis/apiextensions.k8s.io/v1/customresourcedefinitions"_s, crd).code, 201);
    const Reply disc = request("GET", u"/apis/example.com/v1"_s);
    QCOMPARE(disc.code, 200);
    QCOMPARE(disc.json.value(u"resources"_s)
                 .toArray()
                 .first()
                 .toObject()
                 .value(u"shortNames"_s)
                 .toArray()
                 .first()
                 .toString(),
        u"wd"_s);
    const Reply openapi = request("GET", u"/openapi/v3"_s);
    QVERIFY(openapi.json.value(u"paths"_s).toObject().contains(u"apis/example.com/v1"_s));
    const Reply doc = request("GET", u"/openapi/v3/apis/example.com/v1"_s);
    QVERIFY(doc.json.value(u"paths"_s)
                .toObject()
                .contains(u"/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"_s));
    QCOMPARE(request("POST", u"/apis/example.com/v1/namespaces/default/widgets"_s,
                 R"({"metadata":{"name":"w1"},"spec":{"size":3}})")
                 .code,
        201);
    const Reply table = request("GET", u"/apis/example.com/v1/namespaces/default/widgets"_s, {}, {}, {},
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    const QJsonArray cols = table.json.value(u"columnDefinitions"_s).toArray();
    QCOMPARE(cols.size(), 2);
    QCOMPARE(cols.at(1).toObject().value(u"name"_s).toString(), u"Size"_s);
    QCOMPARE(table.json.value(u"rows"_s).toArray().first().toObject().value(u"cells"_s).toArray().at(1).toInt(), 3);
}

void TestHttpApi::testCreateGetListAsTable()
{
    createSecret(u"tabled"_s);
    const Reply table = request("GET", u"/api/v1/namespaces/default/secrets"_s, {}, {}, {},
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    QCOMPARE(table.code, 200);
    QCOMPARE(table.json.value(u"kind"_s).toString(), u"Table"_s);
    QStringList columns;
    for (const auto& c : table.json.value(u"columnDefinitions"_s).toArray())
        columns << c.toObject().value(u"name"_s).toString();
    QCOMPARE(columns, (QStringList { u"Name"_s, u"Type"_s, u"Data"_s, u"Age"_s }));
    const QJsonObject row = table.json.value(u"rows"_s).toArray().first().toObject();
    QCOMPARE(row.value(u"object"_s).toObject().value(u"kind"_s).toString(), u"PartialObjectMetadata"_s);
    QVERIFY(!table.json.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString().isEmpty());
    const Reply list = request("GET", u"/api/v1/secrets"_s);
    QCOMPARE(list.json.value(u"kind"_s).toString(), u"SecretList"_s);
    QVERIFY(!list.json.value(u"items"_s).toArray().isEmpty());
}

void TestHttpApi::testYamlBodyAccepted()
{
    const Reply r = request("POST", u"/api/v1/namespaces/default/configmaps"_s,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  port: \"8080\"\n", "application/yaml");
    QCOMPARE(r.code, 201);
    QCOMPARE(r.json.value(u"data"_s).toObject().value(u"port"_s).toString(), u"8080"_s);
}

void TestHttpApi::testMalformedJsonIs400Status()
{
    const Reply r = request("POST", u"/api/v1/namespaces/default/secrets"_s, "{\"metadata\": ");
    QCOMPARE(r.code, 400);
    QCOMPARE(r.json.value(u"status"_s).toString(), u"Failure"_s);
    QCOMPARE(r.json.value(u"reason"_s).toString(), u"BadRequest"_s);
}

void TestHttpApi::testWrongContentTypeIs415()
{
    const Reply r = request("POST", u"/api/v1/namespaces/default/secrets"_s, "x", "text/plain");
    QCOMPARE(r.code, 415);
    QCOMPARE(r.json.value(u"reason"_s).toString(), u"UnsupportedMediaType"_s);
    const Reply patch = request("PATCH", u"/api/v1/namespaces/default/secrets/tabled"_s, "{}", "application/json");
    QCOMPARE(patch.code, 415);
}

void TestHttpApi::testOversizedBodyIs413()
{
    QByteArray big = R"({"metadata":{"name":"big"},"data":{"k":")" + QByteArray(3 * 1024 * 1024 + 10, 'A') + R"("}})";
    const Reply r = request("POST", u"/api/v1/namespaces/default/secrets"_s, big);
    QCOMPARE(r.code, 413);
    QCOMPARE(request("GET", u"/api/v1/namespaces/default/secrets/big"_s).code, 404);
}

void TestHttpApi::testUnknownResourceIs404()
{
    const Reply r = request("GET", u"/api/v1/namespaces/default/gizmos"_s);
    QCOMPARE(r.code, 404);
    QCOMPARE(r.json.value(u"kind"_s).toString(), u"Status"_s);
}

void TestHttpApi::testPlusInQueryIsSpace()
{
    // kubectl (Go's url.Values.Encode) sends `-l 'tier in (plus-a,plus-b)'` with '+' for the spaces.
    for (const auto& [name, tier] : { std::pair { "plus-1", "plus-a" }, std::pair { "plus-2", "plus-c" } }) {
        const QByteArray body
            = QByteArray(R"({"metadata":{"name":")") + name + R"(","labels":{"tier":")" + tier + R"("}}})";
        QCOMPARE(request("POST", u"/api/v1/namespaces/default/secrets"_s, body).code, 201);
    }
    const Reply r = request("GET", u"/api/v1/namespaces/default/secrets?labelSelector=tier+in+%28plus-a%2Cplus-b%29"_s);
    QCOMPARE(r.code, 200);
    const QJsonArray items = r.json.value(u"items"_s).toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first().toObject().value(u"metadata"_s).toObject().value(u"name"_s).toString(), u"plus-1"_s);
}

void TestHttpApi::testUnknownFieldWarnHeader()
{
    const Reply r = request(
        "POST", u"/api/v1/namespaces/default/configmaps"_s, R"({"metadata":{"name":"warned"},"spec":{"x":1}})");
    QCOMPARE(r.code, 201);
    QCOMPARE(r.header("Warning"), QByteArray("299 - \"unknown field \\\"spec\\\"\""));
    const Reply strict = request("POST", u"/api/v1/namespaces/default/configmaps?fieldValidation=Strict"_s,
        R"({"metadata":{"name":"strict"},"spec":{"x":1}})");
    QCOMPARE(strict.code, 400);
}

void TestHttpApi::testWatchStreamsEventsAfterResourceVersion()
{
    const QString rv = createSecret(u"w0"_s).value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
    QNetworkReply* watch = m_nam.get(
        makeRequest(u"/api/v1/namespaces/default/secrets?watch=true&resourceVersion="_s + rv, {}, "application/json"));
    watch->setParent(this);
    QList<QJsonObject> events;
    connect(watch, &QNetworkReply::readyRead, this, [&] {
        while (watch->canReadLine())
            events << QJsonDocument::fromJson(watch->readLine()).object();
    });
    QTRY_VERIFY_WITH_TIMEOUT(watch->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200, 5000);
    createSecret(u"w1"_s);
    request("DELETE", u"/api/v1/namespaces/default/secrets/w1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 2, 5000);
    QCOMPARE(events[0].value(u"type"_s).toString(), u"ADDED"_s);
    QCOMPARE(
        events[0].value(u"object"_s).toObject().value(u"metadata"_s).toObject().value(u"name"_s).toString(), u"w1"_s);
    QCOMPARE(events[1].value(u"type"_s).toString(), u"DELETED"_s);
    watch->abort();
}

// The server encodes each event once for all watchers that receive the same bytes (WatchStream::sendEvent); a
// watcher whose selector turns the same change into DELETED, or that asked for a Table, must still get its own.
void TestHttpApi::testWatchersOfOneEventGetTheirOwnTypeAndFormat()
{
    const QString rv = createSecret(u"fan0"_s).value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
    const QString path = u"/api/v1/namespaces/default/secrets?watch=true&resourceVersion="_s + rv;
    struct Watcher {
        QNetworkReply* reply = nullptr;
        QList<QJsonObject> events;
    };
    Watcher all, selected, table;
    const auto open = [&](Watcher& w, const QString& url, const QByteArray& accept) {
        w.reply = m_nam.get(makeRequest(url, {}, accept));
        w.reply->setParent(this);
        connect(w.reply, &QNetworkReply::readyRead, this, [&w] {
            while (w.reply->canReadLine())
                w.events << QJsonDocument::fromJson(w.reply->readLine()).object();
        });
    };
    open(all, path, "application/json");
    open(selected, path + u"&labelSelector=tier%3Dfront"_s, "application/json");
    open(table, path, "application/json;as=Table;v=v1;g=meta.k8s.io");
    for (Watcher* w : { &all, &selected, &table })
        QTRY_VERIFY_WITH_TIMEOUT(w->reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200, 5000);
    QCOMPARE(request("POST", u"/api/v1/namespaces/default/secrets"_s,
                 R"({"metadata":{"name":"fan1","labels":{"tier":"front"}}})")
                 .code,
        201);
    QCOMPARE(request("PATCH", u"/api/v1/namespaces/default/secrets/fan1"_s, R"({"metadata":{"labels":{"tier":null}}})",
                 "application/merge-patch+json")
                 .code,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(all.events.size(), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(selected.events.size(), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(table.events.size(), 2, 5000);
    const auto types = [](const Watcher& w) {
        QStringList t;
        for (const QJsonObject& e : w.events)
            t << e.value(u"type"_s).toString() + u'/' + e.value(u"object"_s).toObject().value(u"kind"_s).toString();
        return t;
    };
    QCOMPARE(types(all), QStringList({ u"ADDED/Secret"_s, u"MODIFIED/Secret"_s }));
    QCOMPARE(types(selected), QStringList({ u"ADDED/Secret"_s, u"DELETED/Secret"_s }));
    QCOMPARE(types(table), QStringList({ u"ADDED/Table"_s, u"MODIFIED/Table"_s }));
    QCOMPARE(all.events[0].value(u"object"_s).toObject().value(u"apiVersion"_s).toString(), u"v1"_s);
    for (Watcher* w : { &all, &selected, &table })
        w->reply->abort();
}

void TestHttpApi::testWatchFromZeroStartsWithSyntheticAdded()
{
    createSecret(u"z0"_s);
    QNetworkReply* watch = m_nam.get(makeRequest(
        u"/api/v1/namespaces/default/secrets?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dz0"_s, {},
        "application/json"));
    watch->setParent(this);
    QList<QJsonObject> events;
    connect(watch, &QNetworkReply::readyRead, this, [&] {
        while (watch->canReadLine())
            events << QJsonDocument::fromJson(watch->readLine()).object();
    });
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 5000);
    QCOMPARE(events[0].value(u"type"_s).toString(), u"ADDED"_s);
    watch->abort();
}

void TestHttpApi::testWatchTooOldIs410ErrorEvent()
{
    for (int i = 0; i < 60; ++i) // the window holds 50 events
        createSecret(u"fill%1"_s.arg(i));
    QNetworkReply* watch = m_nam.get(
        makeRequest(u"/api/v1/namespaces/default/secrets?watch=true&resourceVersion=2"_s, {}, "application/json"));
    watch->setParent(this);
    QSignalSpy done(watch, &QNetworkReply::finished);
    QVERIFY(done.wait(5000));
    const QJsonObject event = QJsonDocument::fromJson(watch->readAll().trimmed()).object();
    QCOMPARE(event.value(u"type"_s).toString(), u"ERROR"_s);
    QCOMPARE(event.value(u"object"_s).toObject().value(u"code"_s).toInt(), 410);
    QCOMPARE(event.value(u"object"_s).toObject().value(u"reason"_s).toString(), u"Expired"_s);
}

void TestHttpApi::testWatchTimeoutEndsStream()
{
    QNetworkReply* watch = m_nam.get(makeRequest(
        u"/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1&resourceVersion="_s + QString::number(999999),
        {}, "application/json"));
    watch->setParent(this);
    QSignalSpy done(watch, &QNetworkReply::finished);
    QVERIFY(done.wait(5000));
    QCOMPARE(watch->error(), QNetworkReply::NoError);
}

void TestHttpApi::testMetricsCountRequests()
{
    createSecret(u"counted"_s);
    const Reply r = request("GET", u"/metrics"_s, {}, {}, {}, "text/plain");
    QCOMPARE(r.code, 200);
    QVERIFY(r.body.contains(
        "apiserver_request_total{code=\"201\",group=\"\",resource=\"secrets\",subresource=\"\",verb=\"POST\"}"));
    QVERIFY(r.body.contains("apiserver_request_duration_seconds_bucket"));
}

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_httpapi.moc"
