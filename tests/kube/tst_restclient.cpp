// The REST client against the embedded API server with fault injection: retries, backoff, limits, errors.
#include "apiserver/pki.h"
#include "kube/http1.h"
#include "kube/restclient.h"
#include "kube/watchclient.h"
#include "support/serverthread.h"

#include <QFile>
#include <QJsonArray>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <future>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;
using kube::ResourcePath;

namespace {

const ResourcePath kSecrets { {}, u"v1"_s, u"secrets"_s, u"default"_s, {}, {} };

QJsonObject secret(const QString& name)
{
    return { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Secret"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, name } } } };
}

/// A plain-HTTP server on its own thread that answers each request with what `respond` returns, to drive the
/// keep-alive transport through answers the embedded API server never gives (chunked trailers, bodies ending with
/// the connection, connections closed while idle, no answer at all). One connection at a time.
class ScriptedServer {
public:
    /// Returns the raw answer for the n-th request (0-based) and whether to close the connection after it.
    using Respond = std::function<QByteArray(int n, const QByteArray& request, bool* close)>;

    explicit ScriptedServer(Respond respond)
        : m_respond(std::move(respond))
    {
        std::promise<quint16> port;
        auto ready = port.get_future();
        m_thread = std::thread([this, &port] { run(port); });
        m_port = ready.get();
    }
    ~ScriptedServer()
    {
        m_stop = true;
        m_thread.join();
    }

    kube::ClientConfig config() const
    {
        kube::ClientConfig c;
        c.server = u"http://127.0.0.1:%1"_s.arg(m_port);
        return c;
    }
    int connections() const { return m_connections; }
    QList<QByteArray> requests() const
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

private:
    void run(std::promise<quint16>& port)
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost);
        port.set_value(server.serverPort());
        int n = 0;
        while (!m_stop) {
            if (!server.waitForNewConnection(20))
                continue;
            std::unique_ptr<QTcpSocket> socket(server.nextPendingConnection());
            ++m_connections;
            QByteArray buffer;
            while (!m_stop && socket->state() == QAbstractSocket::ConnectedState) {
                const qsizetype end = buffer.indexOf("\r\n\r\n");
                if (end < 0) {
                    socket->waitForReadyRead(20);
                    buffer += socket->readAll();
                    continue;
                }
                const QByteArray head = buffer.left(end + 4);
                const qsizetype lengthAt = head.toLower().indexOf("content-length: ");
                const qsizetype length = lengthAt < 0
                    ? 0
                    : head.mid(lengthAt + 16, head.indexOf('\r', lengthAt) - lengthAt - 16).toLongLong();
                while (!m_stop && buffer.size() < end + 4 + length && socket->waitForReadyRead(20))
                    buffer += socket->readAll();
                const QByteArray request = buffer.left(end + 4 + length);
                buffer.remove(0, request.size());
                {
                    std::lock_guard lock(m_mutex);
                    m_requests.append(request);
                }
                bool close = false;
                const QByteArray answer = m_respond(n++, request, &close);
                socket->write(answer);
                socket->waitForBytesWritten(1000);
                if (close) {
                    socket->disconnectFromHost();
                    if (socket->state() != QAbstractSocket::UnconnectedState)
                        socket->waitForDisconnected(1000);
                }
            }
        }
    }

    Respond m_respond;
    std::thread m_thread;
    quint16 m_port = 0;
    std::atomic<bool> m_stop { false };
    std::atomic<int> m_connections { 0 };
    mutable std::mutex m_mutex;
    QList<QByteArray> m_requests;
};

QByteArray okJson(const QByteArray& body, const QByteArray& extraHeaders = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n" + extraHeaders + "\r\n" + body;
}

const kube::RestRequest kGetPods { "GET", u"/api/v1/pods"_s, {}, {}, {}, "application/json" };

} // namespace

class TestRestClient : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void testCrudRoundTrip();
    void testStatusBecomesApiError();
    void test500RetriedForIdempotentVerbsOnly();
    void test429RetriedForEveryVerbHonouringRetryAfter();
    void testGivesUpAfterMaxRetries();
    void testConnectionRefusedIsRetriedThenReported();
    void testMissingExecPluginFailsOnceWithItsOwnError();
    void testUnauthorizedNamesContextAndCredentials();
    void testOtherTlsSettingsNeverReuseAVerifiedConnection();
    void testClientSideRateLimit();
    void testAsyncJobDoesNotBlock();
    void testWatchClientStreamsAndReportsGone();
    void testObserverSeesEveryAttempt();
    void testInsecureClientDoesNotLendItsConnectionToAVerifyingOne();
    void testVerifyingFailureDoesNotBreakAnInsecureClient();
    void testClientCertificatesAreNotSharedBetweenClients();
    void testKeepAliveCarriesSequentialRequestsOnOneConnection();
    void testRequestIsWellFormed();
    void testIdleConnectionClosedByServerIsReplaced();
    void testChunkedTrailersAndUntilCloseBodies();
    void testTransferTimeoutCancels();
    void testMalformedAnswerIsAProtocolFailure();
    void testProxiesKeepQtTransport();

private:
    /// A client certificate (PEM cert, key) signed by the server's CA.
    QPair<QByteArray, QByteArray> clientCertificate(const QString& user, const QStringList& groups) const;

    QTemporaryDir m_dir;
    std::unique_ptr<testsupport::ServerThread> m_server;
};

void TestRestClient::initTestCase()
{
    apiserver::ApiServerConfig config;
    config.watchWindow = 20;
    config.dataDir = m_dir.filePath(u"data"_s); // for the CA key (client certificates)
    m_server = std::make_unique<testsupport::ServerThread>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

QPair<QByteArray, QByteArray> TestRestClient::clientCertificate(const QString& user, const QStringList& groups) const
{
    QFile caCert(m_dir.filePath(u"data/ca.crt"_s)), caKey(m_dir.filePath(u"data/ca.key"_s));
    if (!caCert.open(QIODevice::ReadOnly) || !caKey.open(QIODevice::ReadOnly))
        return {};
    const auto cert = apiserver::pki::createClientCertificate({ caCert.readAll(), caKey.readAll() }, user, groups);
    return cert ? qMakePair(cert->certPem, cert->keyPem) : QPair<QByteArray, QByteArray> {};
}

void TestRestClient::cleanup()
{
    QVERIFY(m_server->setFaults("{}"));
}

void TestRestClient::testCrudRoundTrip()
{
    kube::RestClient client(m_server->adminConfig());
    auto created = client.create(kSecrets, secret(u"crud"_s));
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message()));
    auto got = client.get(kSecrets.withName(u"crud"_s));
    QVERIFY(got);
    auto patched
        = client.patch(kSecrets.withName(u"crud"_s), kube::PatchFormat::Merge, R"({"metadata":{"labels":{"a":"b"}}})");
    QVERIFY(patched);
    QUrlQuery selector;
    selector.addQueryItem(u"labelSelector"_s, u"a=b"_s);
    auto listed = client.list(kSecrets, selector);
    QVERIFY(listed);
    QCOMPARE(listed->value(u"items"_s).toArray().size(), 1);
    QVERIFY(client.remove(kSecrets.withName(u"crud"_s), { { u"propagationPolicy"_s, u"Background"_s } }));
    QVERIFY(client.get(kSecrets.withName(u"crud"_s)).error().isNotFound());
}

void TestRestClient::testStatusBecomesApiError()
{
    kube::RestClient client(m_server->adminConfig());
    QVERIFY(client.create(kSecrets, secret(u"dup"_s)));
    const auto again = client.create(kSecrets, secret(u"dup"_s));
    QVERIFY(!again);
    QVERIFY(again.error().isAlreadyExists());
    QCOMPARE(again.error().code(), 409);
    auto stale = client.get(kSecrets.withName(u"dup"_s));
    QJsonObject obj = *stale;
    QJsonObject meta = obj.value(u"metadata"_s).toObject();
    meta[u"resourceVersion"_s] = u"1"_s;
    obj[u"metadata"_s] = meta;
    QVERIFY(client.update(kSecrets.withName(u"dup"_s), obj).error().isConflict());
    QVERIFY(client.create(kSecrets, secret(u"Bad_Name"_s)).error().isInvalid());
}

void TestRestClient::test500RetriedForIdempotentVerbsOnly()
{
    QVERIFY(m_server->setFaults(R"({"errors":[{"verb":"list","resource":"secrets","code":500,"rate":0.5},
        {"verb":"create","resource":"secrets","code":500,"rate":1}]})"));
    std::atomic<int> attempts { 0 };
    kube::RestOptions options;
    options.maxRetries = 20;
    options.observer = [&](const kube::RequestMetric&) { ++attempts; };
    kube::RestClient client(m_server->adminConfig(), options);
    for (int i = 0; i < 10; ++i)
        QVERIFY(client.list(kSecrets)); // every GET eventually succeeds
    QVERIFY(attempts.load() > 10); // some were retried
    attempts = 0;
    const auto created = client.create(kSecrets, secret(u"never"_s));
    QCOMPARE(created.error().code(), 500);
    QCOMPARE(attempts.load(), 1); // POST is not repeated after a 500
}

void TestRestClient::test429RetriedForEveryVerbHonouringRetryAfter()
{
    QVERIFY(m_server->setFaults(
        R"({"errors":[{"verb":"create","resource":"secrets","code":429,"rate":0.5,"retryAfterSeconds":1}]})"));
    std::atomic<int> throttled { 0 };
    kube::RestOptions options;
    options.maxRetries = 30;
    options.observer = [&](const kube::RequestMetric& m) { throttled += m.code == 429 ? 1 : 0; };
    kube::RestClient client(m_server->adminConfig(), options);
    // Create until a 429 has been seen (each is retried after the 1 s Retry-After); every create must succeed.
    for (int i = 0; i < 20 && throttled.load() == 0; ++i)
        QVERIFY(client.create(kSecrets, secret(u"throttled-%1"_s.arg(i))));
    QVERIFY(throttled.load() > 0);
}

void TestRestClient::testGivesUpAfterMaxRetries()
{
    QVERIFY(m_server->setFaults(R"({"errors":[{"verb":"get","resource":"configmaps","code":500,"rate":1}]})"));
    std::atomic<int> attempts { 0 };
    kube::RestOptions options;
    options.maxRetries = 3;
    options.observer = [&](const kube::RequestMetric&) { ++attempts; };
    kube::RestClient client(m_server->adminConfig(), options);
    const auto r = client.get({ {}, u"v1"_s, u"configmaps"_s, u"default"_s, u"x"_s, {} });
    QVERIFY(!r);
    QCOMPARE(attempts.load(), 4);
}

void TestRestClient::testConnectionRefusedIsRetriedThenReported()
{
    kube::ClientConfig config = m_server->adminConfig();
    config.server = u"https://127.0.0.1:1"_s;
    kube::RestOptions options;
    options.maxRetries = 2;
    std::atomic<int> attempts { 0 };
    options.observer = [&](const kube::RequestMetric& m) {
        QCOMPARE(m.code, 0);
        ++attempts;
    };
    kube::RestClient client(config, options);
    const auto r = client.get(kSecrets.withName(u"x"_s));
    QCOMPARE(r.error().code(), 503);
    QVERIFY(r.error().message().startsWith(u"cannot reach the API server at 127.0.0.1:1: "_s));
    QCOMPARE(attempts.load(), 3);
}

void TestRestClient::testMissingExecPluginFailsOnceWithItsOwnError()
{
    kube::ClientConfig config = m_server->adminConfig();
    config.token.clear();
    config.exec = kube::ExecConfig { u"client.authentication.k8s.io/v1"_s, u"kubelb-no-such-plugin"_s, {}, {}, {},
        false, u"Never"_s };
    const auto missing = kube::RestClient(config).get(kSecrets.withName(u"x"_s));
    QCOMPARE(missing.error().reason(), u"ExecPluginFailed"_s); // not "cannot reach the API server"
    QVERIFY2(missing.error().message().contains(u"\"kubelb-no-such-plugin\" not found on PATH"_s),
        qPrintable(missing.error().message()));

    // A failing plugin runs once per request: a local failure is not retried like a dropped connection.
    QTemporaryDir dir;
    QFile plugin(dir.filePath(u"failing-plugin"_s));
    QVERIFY(plugin.open(QIODevice::WriteOnly));
    plugin.write("#!/bin/sh\necho run >> \"$RUNS_FILE\"\nexit 1\n");
    plugin.close();
    plugin.setPermissions(QFileDevice::ReadOwner | QFileDevice::ExeOwner);
    config.exec->command = plugin.fileName();
    config.exec->env = { { u"RUNS_FILE"_s, dir.filePath(u"runs"_s) } };
    const auto failed = kube::RestClient(config).get(kSecrets.withName(u"x"_s));
    QCOMPARE(failed.error().reason(), u"ExecPluginFailed"_s);
    QFile runs(dir.filePath(u"runs"_s));
    QVERIFY(runs.open(QIODevice::ReadOnly));
    QCOMPARE(runs.readAll(), QByteArray("run\n"));
}

void TestRestClient::testUnauthorizedNamesContextAndCredentials()
{
    kube::ClientConfig config = m_server->adminConfig();
    config.contextName = u"tenant7"_s;
    config.token = u"expired-token-value"_s;
    kube::RestClient client(config);
    const auto r = client.get(kSecrets.withName(u"x"_s));
    QCOMPARE(r.error().code(), 401);
    QCOMPARE(r.error().reason(), u"Unauthorized"_s);
    QCOMPARE(r.error().message(),
        u"the credentials for context \"tenant7\" were rejected (401 Unauthorized): the token expired or is wrong"_s);

    auto* job = new kube::RestJob(client, { "GET", u"/api/v1/namespaces"_s, {}, {}, {}, "application/json" });
    QSignalSpy done(job, &kube::RestJob::finished);
    QString message;
    connect(job, &kube::RestJob::finished, this, [&](kube::RestJob* j) { message = j->result().error().message(); });
    job->start();
    QVERIFY(done.wait(10000));
    QVERIFY2(message.startsWith(u"the credentials for context \"tenant7\" were rejected"_s), qPrintable(message));
}

void TestRestClient::testOtherTlsSettingsNeverReuseAVerifiedConnection()
{
    kube::RestClient trusted(m_server->adminConfig());
    const kube::RestRequest list { "GET", u"/api/v1/namespaces"_s, {}, {}, {}, "application/json" };
    QCOMPARE(trusted.execute(list).code, 200);
    // Same thread, same host:port, but a CA that did not sign the server's certificate: Qt caches connections by
    // host and port, so without a manager per TLS identity this request would ride the verified connection.
    const auto otherCa = apiserver::pki::createCertificateAuthority(u"someone-else"_s);
    QVERIFY(otherCa);
    kube::ClientConfig config = m_server->adminConfig();
    config.caPem = otherCa->certPem;
    kube::RestOptions options;
    options.maxRetries = 0;
    kube::RestClient untrusted(config, options);
    const kube::RestResponse r = untrusted.execute(list);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.networkError.contains(u"SSL"_s), qPrintable(r.networkError));
    QCOMPARE(trusted.execute(list).code, 200);
}

void TestRestClient::testClientSideRateLimit()
{
    kube::RestOptions options;
    options.qps = 5;
    options.burst = 2;
    kube::RestClient client(m_server->adminConfig(), options);
    QCOMPARE(client.throttle(), 0);
    QCOMPARE(client.throttle(), 0);
    QVERIFY(client.throttle() > 0); // the third request in a burst of 2 must wait
}

void TestRestClient::testAsyncJobDoesNotBlock()
{
    kube::RestClient client(m_server->adminConfig());
    auto* job = new kube::RestJob(client, { "GET", u"/api/v1/namespaces/default"_s, {}, {}, {}, "application/json" });
    QSignalSpy done(job, &kube::RestJob::finished);
    job->start();
    QVERIFY(done.isEmpty()); // start() defers to the event loop
    QVERIFY(done.wait(5000));
    auto* finished = done.first().first().value<kube::RestJob*>();
    QVERIFY(finished->result());
}

void TestRestClient::testWatchClientStreamsAndReportsGone()
{
    kube::RestClient client(m_server->adminConfig());
    auto listed = client.list(kSecrets);
    const QString rv = listed->value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
    kube::WatchClient watch(client);
    QList<std::pair<kube::WatchEventType, QString>> seen;
    connect(&watch, &kube::WatchClient::event, this, [&](kube::WatchEventType t, const QJsonObject& o) {
        seen.append({ t, o.value(u"metadata"_s).toObject().value(u"name"_s).toString() });
    });
    watch.start(kSecrets, rv);
    QVERIFY(client.create(kSecrets, secret(u"watched"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 1, 5000);
    QCOMPARE(seen[0].first, kube::WatchEventType::Added);
    QCOMPARE(seen[0].second, u"watched"_s);
    QVERIFY(!watch.lastResourceVersion().isEmpty());
    watch.stop();
    for (int i = 0; i < 30; ++i) // push the old version out of the 20-event window
        QVERIFY(client.create(kSecrets, secret(u"filler-%1"_s.arg(i))));
    QSignalSpy finished(&watch, &kube::WatchClient::finished);
    watch.start(kSecrets, rv);
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.first().at(1).toBool(), true);
}

void TestRestClient::testObserverSeesEveryAttempt()
{
    QList<kube::RequestMetric> metrics;
    std::mutex mutex;
    kube::RestOptions options;
    options.observer = [&](const kube::RequestMetric& m) {
        std::lock_guard lock(mutex);
        metrics.append(m);
    };
    kube::RestClient client(m_server->adminConfig(), options);
    QVERIFY(client.get({ {}, u"v1"_s, u"namespaces"_s, {}, u"default"_s, {} }));
    QCOMPARE(metrics.size(), 1);
    QCOMPARE(metrics[0].method, u"GET"_s);
    QCOMPARE(metrics[0].host, u"127.0.0.1"_s);
    QCOMPARE(metrics[0].code, 200);
}

// Qt keys its connection cache by scheme, host and port only: TLS settings (trusted CAs, verification, client
// certificate) belong to each client, so two clients of one thread talking to one server must not share a
// connection. Here an insecure client connects first; a client without the server's CA must still fail.
void TestRestClient::testInsecureClientDoesNotLendItsConnectionToAVerifyingOne()
{
    kube::ClientConfig insecure = m_server->adminConfig();
    insecure.caPem.clear();
    insecure.insecureSkipTlsVerify = true;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"TLS certificate verification is disabled"_s));
    kube::RestClient lax(insecure);
    QVERIFY(lax.get(kSecrets));
    kube::ClientConfig untrusted = m_server->adminConfig();
    untrusted.caPem.clear(); // the system CAs, which did not sign the server's certificate
    kube::RestOptions once;
    once.maxRetries = 0;
    kube::RestClient strict(untrusted, once);
    const auto r = strict.get(kSecrets);
    QVERIFY2(!r, "a verifying client reused the connection an insecure client had opened");
    QVERIFY2(r.error().message().contains(u"SSL"_s), qPrintable(r.error().message()));
    // And the verifying client with the right CA works on the same server at the same time.
    kube::RestClient right(m_server->adminConfig());
    QVERIFY(right.get(kSecrets));
}

// The other way round: a failed verification must not poison the insecure client's connection.
void TestRestClient::testVerifyingFailureDoesNotBreakAnInsecureClient()
{
    kube::ClientConfig untrusted = m_server->adminConfig();
    untrusted.caPem.clear();
    kube::RestOptions once;
    once.maxRetries = 0;
    kube::RestClient strict(untrusted, once);
    QVERIFY(!strict.get(kSecrets));
    kube::ClientConfig insecure = untrusted;
    insecure.insecureSkipTlsVerify = true;
    kube::RestClient lax(insecure);
    const auto r = lax.get(kSecrets);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
}

// Two identities by client certificate on one server from one thread: each request carries its own.
void TestRestClient::testClientCertificatesAreNotSharedBetweenClients()
{
    const auto alice = clientCertificate(u"alice"_s, { u"system:masters"_s });
    const auto bob = clientCertificate(u"bob"_s, {});
    QVERIFY(!alice.first.isEmpty() && !bob.first.isEmpty());
    const auto as = [&](const QPair<QByteArray, QByteArray>& cert) {
        kube::ClientConfig c = m_server->adminConfig();
        c.token.clear();
        c.clientCertPem = cert.first;
        c.clientKeyPem = cert.second;
        return c;
    };
    kube::RestClient a(as(alice));
    kube::RestClient b(as(bob));
    QVERIFY(a.get(kSecrets));
    const auto r = b.get(kSecrets);
    QVERIFY2(!r && r.error().code() == 403, "bob's request was sent with alice's client certificate");
    QVERIFY(a.get(kSecrets));
}

// The controllers' requests reuse one TLS connection per thread instead of a handshake each (kube/http1.h).
void TestRestClient::testKeepAliveCarriesSequentialRequestsOnOneConnection()
{
    kube::RestClient client(m_server->adminConfig());
    QVERIFY(client.get(kSecrets)); // opens (or reuses) this thread's connection to the server
    const int opened = kube::http1::threadPool()->connectionsOpened();
    for (int i = 0; i < 20; ++i)
        QVERIFY(client.create(kSecrets, secret(u"keepalive-%1"_s.arg(i))));
    QCOMPARE(kube::http1::threadPool()->connectionsOpened(), opened);
    QVERIFY(kube::http1::threadPool()->idleConnections() >= 1);
}

// Request line, Host, the prepared headers, a Content-Length for bodies: what a server needs, nothing it must not get.
void TestRestClient::testRequestIsWellFormed()
{
    ScriptedServer server([](int, const QByteArray&, bool*) { return okJson("{}"); });
    kube::ClientConfig config = server.config();
    config.token = u"t0ken"_s;
    kube::RestClient client(config);
    QUrlQuery query;
    query.addQueryItem(u"labelSelector"_s, u"a in (b,c)"_s);
    QVERIFY(client.list(kSecrets, query));
    QVERIFY(client.patch(kSecrets.withName(u"x"_s), kube::PatchFormat::Merge, R"({"a":1})"));
    const QList<QByteArray> requests = server.requests();
    QCOMPARE(requests.size(), 2);
    const QByteArray list = requests[0];
    QVERIFY2(list.startsWith("GET /api/v1/namespaces/default/secrets?labelSelector=a%20in%20(b,c) HTTP/1.1\r\n"),
        list.constData());
    QVERIFY(list.contains("\r\nHost: 127.0.0.1:"));
    QVERIFY(list.contains("\r\nAuthorization: Bearer t0ken\r\n"));
    QVERIFY(list.contains("\r\nAccept: application/json\r\n"));
    QVERIFY(list.contains("\r\nUser-Agent: kubelb-sync/"));
    QVERIFY(!list.toLower().contains("content-length"));
    const QByteArray patch = requests[1];
    QVERIFY(patch.startsWith("PATCH /api/v1/namespaces/default/secrets/x HTTP/1.1\r\n"));
    QVERIFY(patch.contains("\r\nContent-Type: application/merge-patch+json\r\n"));
    QVERIFY(patch.contains("\r\nContent-Length: 7\r\n"));
    QVERIFY(patch.endsWith("\r\n\r\n{\"a\":1}"));
    QCOMPARE(server.connections(), 1);
}

// A server (or load balancer) that drops an idle keep-alive connection must not fail the next request, whatever
// its verb: nothing of it was answered, so it goes out again on a new connection, once.
void TestRestClient::testIdleConnectionClosedByServerIsReplaced()
{
    ScriptedServer server([](int n, const QByteArray&, bool* close) {
        *close = true; // says keep-alive, closes anyway: what an idle timeout looks like from the client
        return okJson("{\"n\":" + QByteArray::number(n) + "}");
    });
    kube::RestOptions options;
    options.maxRetries = 0; // the replacement is the transport's, not a retry
    kube::RestClient client(server.config(), options);
    QCOMPARE(client.get(kSecrets.withName(u"a"_s))->value(u"n"_s).toInt(), 0);
    QTRY_COMPARE(server.connections(), 1);
    const auto created = client.create(kSecrets, secret(u"b"_s));
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message()));
    QCOMPARE(created->value(u"n"_s).toInt(), 1);
    QCOMPARE(server.connections(), 2);
    QCOMPARE(server.requests().size(), 2); // the POST reached the server once
}

void TestRestClient::testChunkedTrailersAndUntilCloseBodies()
{
    ScriptedServer server([](int n, const QByteArray&, bool* close) -> QByteArray {
        switch (n) {
        case 0: // chunked with an extension and a trailer
            return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{\"a\"\r\n5\r\n:\"bc\"\r\n1\r\n}\r\n"
                   "0\r\nX-Trailer: 1\r\n\r\n";
        case 1: // 100 Continue first, then a 204 without a body on the same connection
            return "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        default: // no length: the body ends with the connection
            *close = true;
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"until\":\"close\"}";
        }
    });
    kube::RestClient client(server.config());
    QCOMPARE(client.get(kSecrets.withName(u"a"_s))->value(u"a"_s).toString(), u"bc"_s);
    const kube::RestResponse empty = client.execute(kGetPods);
    QCOMPARE(empty.code, 204);
    QVERIFY(empty.body.isEmpty());
    QCOMPARE(client.get(kSecrets.withName(u"c"_s))->value(u"until"_s).toString(), u"close"_s);
    QCOMPARE(server.connections(), 1);
    QCOMPARE(kube::http1::threadPool()->idleConnections() >= 0, true);
}

void TestRestClient::testTransferTimeoutCancels()
{
    QTcpServer silent; // accepts (the kernel does) and never answers
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    kube::ClientConfig config;
    config.server = u"http://127.0.0.1:%1"_s.arg(silent.serverPort());
    kube::RestClient client(config);
    const kube::RestResponse r = client.sendOnce(kGetPods, 300);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.networkErrorCode, int(QNetworkReply::OperationCanceledError));
    QCOMPARE(r.error().code(), 503);
    QVERIFY2(r.error().message().contains(u"127.0.0.1:%1"_s.arg(silent.serverPort())), qPrintable(r.error().message()));
}

void TestRestClient::testMalformedAnswerIsAProtocolFailure()
{
    ScriptedServer server([](int, const QByteArray&, bool* close) {
        *close = true;
        return QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    });
    kube::RestOptions options;
    options.maxRetries = 0;
    kube::RestClient client(server.config(), options);
    const kube::RestResponse r = client.execute(kGetPods);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.networkErrorCode, int(QNetworkReply::ProtocolFailure));
    QVERIFY2(r.networkError.contains(u"SSH-2.0"_s), qPrintable(r.networkError));
}

void TestRestClient::testProxiesKeepQtTransport()
{
    kube::ClientConfig config = m_server->adminConfig();
    QVERIFY(kube::http1::supports(config));
    config.proxyUrl = u"socks5://127.0.0.1:1"_s;
    QVERIFY(!kube::http1::supports(config));
    config.proxyUrl.clear();
    config.server = u"https://api.example.com:6443"_s; // Qt never proxies loopback addresses
    QVERIFY(kube::http1::supports(config));
    QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::HttpProxy, u"127.0.0.1"_s, 3128));
    const bool withApplicationProxy = kube::http1::supports(config);
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    QVERIFY(!withApplicationProxy);
}

QTEST_GUILESS_MAIN(TestRestClient)
#include "tst_restclient.moc"
