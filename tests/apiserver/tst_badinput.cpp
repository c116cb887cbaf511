// Bad input against the embedded API server over real HTTPS: every bad request gets a 4xx Kubernetes Status whose
// message names the problem, and nothing is written (the global resourceVersion does not move).
#include "support/apiclient.h"
#include "support/serverthread.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslSocket>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using testsupport::ApiClient;
using testsupport::ApiReply;

namespace {

constexpr int kReadTimeoutMs = 1500;

/// A Secret body with the given metadata name and data (base64 values as given, unchecked).
QByteArray secret(const QString& name, const QJsonObject& data = {}, const QString& type = {})
{
    QJsonObject o { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Secret"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, name } } } };
    if (!data.isEmpty())
        o[u"data"_s] = data;
    if (!type.isEmpty())
        o[u"type"_s] = type;
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray syncSecret(const QString& name, const QJsonValue& data, const QJsonValue& immutable = {})
{
    QJsonObject o { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, name } } }, { u"data"_s, data } };
    if (!immutable.isUndefined())
        o[u"immutable"_s] = immutable;
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

/// base64 of `size` bytes.
QString b64(qsizetype size)
{
    return QString::fromLatin1(QByteArray(size, 'x').toBase64());
}

/// A raw HTTP/1.1 exchange over TLS: the status code (0 without an answer) and the body.
struct RawReply {
    int code = 0;
    QByteArray body;
    bool closed = false; ///< the server closed the connection
};

} // namespace

class TestBadInput : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testRejected_data();
    void testRejected();
    void testMissingContentTypeOnPatch();
    void testTruncatedBodyWritesNothing();
    void testSlowClientTimesOutWithoutBlockingOthers();

private:
    ApiClient admin() const { return ApiClient(m_server->url(), m_server->caPem(), m_server->adminToken()); }
    QString globalResourceVersion();
    std::unique_ptr<QSslSocket> connectRaw();
    RawReply readReply(QSslSocket* socket, int timeoutMs);

    std::unique_ptr<testsupport::ServerThread> m_server;
};

void TestBadInput::initTestCase()
{
    apiserver::ApiServerConfig config;
    config.readTimeoutMs = kReadTimeoutMs;
    m_server = std::make_unique<testsupport::ServerThread>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    ApiClient client = admin();
    QFile crd(QString::fromUtf8(KUBELB_SOURCE_DIR) + u"/packaging/kubernetes/base/syncsecret-crd.yaml"_s);
    QVERIFY(crd.open(QIODevice::ReadOnly));
    ApiReply r = client.request(
        "POST", u"/apis/apiextensions.k8s.io/v1/customresourcedefinitions"_s, crd.readAll(), "application/yaml");
    QVERIFY2(r.code == 201, r.body.constData());
    r = client.request("POST", u"/api/v1/namespaces/default/secrets"_s, secret(u"existing"_s));
    QVERIFY2(r.code == 201, r.body.constData());
    // The CRD's resource is served once its Established condition is set.
    QTRY_COMPARE_WITH_TIMEOUT(
        client.get(u"/apis/kubelb.k8c.io/v1alpha1/namespaces/default/syncsecrets"_s).code, 200, 5000);
}

QString TestBadInput::globalResourceVersion()
{
    // A list's resourceVersion is the server's current one: any write anywhere moves it.
    const ApiReply r = admin().get(u"/api/v1/namespaces"_s);
    return r.json.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
}

void TestBadInput::testRejected_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QStringList>("message"); ///< fragments the Status message must contain

    const QByteArray json = "application/json";
    const QString secrets = u"/api/v1/namespaces/default/secrets"_s;
    const QString syncsecrets = u"/apis/kubelb.k8c.io/v1alpha1/namespaces/default/syncsecrets"_s;
    const QString existing = secrets + u"/existing"_s;
    const QJsonObject ok { { u"k"_s, u"dg=="_s } };

    QTest::newRow("name uppercase") << QByteArray("POST") << secrets << json << secret(u"App-TLS"_s) << 422
                                    << u"Invalid"_s << QStringList { u"metadata.name"_s, u"App-TLS"_s, u"RFC 1123"_s };
    QTest::newRow("name too long") << QByteArray("POST") << secrets << json << secret(QString(254, u'a')) << 422
                                   << u"Invalid"_s << QStringList { u"metadata.name"_s, u"253"_s };
    QTest::newRow("name empty") << QByteArray("POST") << secrets << json << secret(QString()) << 422 << u"Invalid"_s
                                << QStringList { u"metadata.name"_s, u"Required value"_s };
    QTest::newRow("namespace name with dots")
        << QByteArray("POST") << u"/api/v1/namespaces"_s << json
        << QByteArray(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team.a"}})") << 422 << u"Invalid"_s
        << QStringList { u"metadata.name"_s, u"team.a"_s, u"RFC 1123 label"_s };
    QTest::newRow("data key with slash") << QByteArray("POST") << secrets << json
                                         << secret(u"k1"_s, { { u"a/b"_s, u"dg=="_s } }) << 422 << u"Invalid"_s
                                         << QStringList { u"data[a/b]"_s, u"valid config key"_s };
    QTest::newRow("data key dot-dot") << QByteArray("POST") << secrets << json
                                      << secret(u"k2"_s, { { u".."_s, u"dg=="_s } }) << 422 << u"Invalid"_s
                                      << QStringList { u"data[..]"_s, u"'..'"_s };
    QTest::newRow("data key empty") << QByteArray("POST") << secrets << json
                                    << secret(u"k3"_s, { { QString(), u"dg=="_s } }) << 422 << u"Invalid"_s
                                    << QStringList { u"data[]"_s, u"valid config key"_s };
    QTest::newRow("data key too long") << QByteArray("POST") << secrets << json
                                       << secret(u"k4"_s, { { QString(254, u'k'), u"dg=="_s } }) << 422 << u"Invalid"_s
                                       << QStringList { u"data["_s, u"253"_s };
    QTest::newRow("data value bad base64")
        << QByteArray("POST") << secrets << json << secret(u"b1"_s, { { u"k"_s, u"!!not-base64"_s } }) << 422
        << u"Invalid"_s << QStringList { u"data[k]"_s, u"illegal base64 data at input byte 0"_s };
    QTest::newRow("tls secret without key")
        << QByteArray("POST") << secrets << json
        << secret(u"t1"_s, { { u"tls.crt"_s, u"dg=="_s } }, u"kubernetes.io/tls"_s) << 422 << u"Invalid"_s
        << QStringList { u"data[tls.key]"_s, u"Required value"_s };
    QTest::newRow("secret type changed") << QByteArray("PUT") << existing << json
                                         << secret(u"existing"_s, ok, u"kubernetes.io/basic-auth"_s) << 422
                                         << u"Invalid"_s << QStringList { u"type"_s, u"immutable"_s };
    QTest::newRow("secret data over 1 MiB")
        << QByteArray("POST") << secrets << json
        << secret(u"big"_s, { { u"a"_s, b64(600 * 1024) }, { u"b"_s, b64(600 * 1024) } }) << 422 << u"Invalid"_s
        << QStringList { u"data"_s, u"Too long"_s, u"1048576"_s };
    QTest::newRow("request over 3 MiB") << QByteArray("POST") << secrets << json
                                        << secret(u"huge"_s, { { u"a"_s, b64(2400 * 1024) } }) << 413
                                        << u"RequestEntityTooLarge"_s << QStringList { u"limit is 3145728"_s };
    QTest::newRow("syncsecret data is a string")
        << QByteArray("POST") << syncsecrets << json << syncSecret(u"s1"_s, u"text"_s) << 422 << u"Invalid"_s
        << QStringList { u"data"_s, u"must be of type object"_s };
    QTest::newRow("syncsecret immutable is a string")
        << QByteArray("POST") << syncsecrets << json << syncSecret(u"s2"_s, ok, u"yes"_s) << 422 << u"Invalid"_s
        << QStringList { u"immutable"_s, u"must be of type boolean"_s };
    QTest::newRow("syncsecret data value is a number")
        << QByteArray("POST") << syncsecrets << json << syncSecret(u"s3"_s, QJsonObject { { u"k"_s, 5 } }) << 422
        << u"Invalid"_s << QStringList { u"data.k"_s, u"must be of type string"_s };
    QTest::newRow("malformed json") << QByteArray("POST") << secrets << json
                                    << QByteArray(R"({"metadata":{"name":"j1"},)") << 400 << u"BadRequest"_s
                                    << QStringList { u"error decoding request body"_s };
    QTest::newRow("json not an object") << QByteArray("POST") << secrets << json << QByteArray("[1,2]") << 400
                                        << u"BadRequest"_s << QStringList { u"error decoding request body"_s };
    QTest::newRow("malformed yaml") << QByteArray("POST") << secrets << QByteArray("application/yaml")
                                    << QByteArray("metadata:\n  name: y1\n  labels: [a, b\ndata: {\n") << 400
                                    << u"BadRequest"_s
                                    << QStringList { u"error decoding YAML request body"_s, u"line"_s };
    QTest::newRow("yaml not a mapping") << QByteArray("POST") << secrets << QByteArray("application/yaml")
                                        << QByteArray("- a\n- b\n") << 400 << u"BadRequest"_s
                                        << QStringList { u"not a mapping"_s };
    QTest::newRow("content type text/plain")
        << QByteArray("POST") << secrets << QByteArray("text/plain") << secret(u"c1"_s) << 415
        << u"UnsupportedMediaType"_s << QStringList { u"unknown format"_s, u"application/json"_s };
    QTest::newRow("unsupported patch type")
        << QByteArray("PATCH") << existing << QByteArray("application/xml") << QByteArray("<data/>") << 415
        << u"UnsupportedMediaType"_s << QStringList { u"unknown format"_s, u"application/merge-patch+json"_s };
    QTest::newRow("json patch failing test op")
        << QByteArray("PATCH") << existing << QByteArray("application/json-patch+json")
        << QByteArray(
               R"([{"op":"add","path":"/metadata/labels","value":{"a":"b"}},{"op":"test","path":"/type","value":"nope"}])")
        << 422 << u"Invalid"_s << QStringList { u"test"_s, u"/type"_s };
    QTest::newRow("json patch on a missing path")
        << QByteArray("PATCH") << existing << QByteArray("application/json-patch+json")
        << QByteArray(R"([{"op":"add","path":"/data/x","value":"eA=="}])") << 422 << u"Invalid"_s
        << QStringList { u"add operation does not apply"_s, u"/data/x"_s };
    QTest::newRow("merge patch with bad base64")
        << QByteArray("PATCH") << existing << QByteArray("application/merge-patch+json")
        << QByteArray(R"({"data":{"k":"%%%"}})") << 422 << u"Invalid"_s
        << QStringList { u"data[k]"_s, u"illegal base64"_s };
    QTest::newRow("merge patch renames data key badly")
        << QByteArray("PATCH") << existing << QByteArray("application/merge-patch+json")
        << QByteArray(R"({"data":{"a/b":"dg=="}})") << 422 << u"Invalid"_s << QStringList { u"data[a/b]"_s };
}

void TestBadInput::testRejected()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    QFETCH(QString, reason);
    QFETCH(QStringList, message);

    ApiClient client = admin();
    const ApiReply before = client.get(u"/api/v1/namespaces/default/secrets/existing"_s);
    QCOMPARE(before.code, 200);
    const QString rv = globalResourceVersion();
    QVERIFY(!rv.isEmpty());

    const ApiReply r = client.request(method, path, body, contentType);
    QCOMPARE(r.code, code);
    QCOMPARE(r.json.value(u"kind"_s).toString(), u"Status"_s);
    QCOMPARE(r.json.value(u"status"_s).toString(), u"Failure"_s);
    QCOMPARE(r.json.value(u"code"_s).toInt(), code);
    QCOMPARE(r.json.value(u"reason"_s).toString(), reason);
    const QString text = r.json.value(u"message"_s).toString();
    for (const auto& fragment : message)
        QVERIFY2(text.contains(fragment), qPrintable(u"'%1' not in: %2"_s.arg(fragment, text.left(400))));

    QCOMPARE(globalResourceVersion(), rv); // nothing was written anywhere
    QCOMPARE(client.get(u"/api/v1/namespaces/default/secrets/existing"_s).json, before.json);
}

void TestBadInput::testMissingContentTypeOnPatch()
{
    // A create without Content-Type is JSON (kube-apiserver's default); a patch without one cannot pick a type.
    const QString rv = globalResourceVersion();
    auto socket = connectRaw();
    QVERIFY(socket);
    const QByteArray body = R"({"data":{"k":"dg=="}})";
    socket->write("PATCH /api/v1/namespaces/default/secrets/existing HTTP/1.1\r\nHost: localhost\r\n"
                  "Authorization: Bearer "
        + m_server->adminToken() + "\r\nConnection: close\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n\r\n" + body);
    const RawReply r = readReply(socket.get(), 10000);
    QCOMPARE(r.code, 415);
    const QJsonObject status = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(status.value(u"reason"_s).toString(), u"UnsupportedMediaType"_s);
    QVERIFY2(status.value(u"message"_s).toString().contains(u"media type"_s), r.body.constData());
    QCOMPARE(globalResourceVersion(), rv);
}

std::unique_ptr<QSslSocket> TestBadInput::connectRaw()
{
    auto socket = std::make_unique<QSslSocket>();
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromData(m_server->caPem()));
    socket->setSslConfiguration(ssl);
    const QUrl url(m_server->url());
    socket->connectToHostEncrypted(url.host(), quint16(url.port()));
    if (!socket->waitForEncrypted(10000)) {
        qWarning() << "TLS connection failed:" << socket->errorString();
        return nullptr;
    }
    return socket;
}

RawReply TestBadInput::readReply(QSslSocket* socket, int timeoutMs)
{
    RawReply reply;
    QByteArray data;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (socket->state() != QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0) {
            reply.closed = true;
            break;
        }
        if (socket->bytesAvailable() == 0)
            socket->waitForReadyRead(int(qMin<qint64>(200, deadline.remainingTime())));
        data += socket->readAll();
    }
    const qsizetype end = data.indexOf("\r\n\r\n");
    const QList<QByteArray> status = data.left(data.indexOf("\r\n")).split(' ');
    if (status.size() >= 2)
        reply.code = status.at(1).toInt();
    if (end >= 0)
        reply.body = data.mid(end + 4);
    return reply;
}

void TestBadInput::testTruncatedBodyWritesNothing()
{
    const QString rv = globalResourceVersion();
    {
        auto socket = connectRaw();
        QVERIFY(socket);
        const QByteArray body = secret(u"truncated"_s, { { u"k"_s, u"dg=="_s } });
        socket->write("POST /api/v1/namespaces/default/secrets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + m_server->adminToken() + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size() + 100) + "\r\n\r\n" + body);
        QVERIFY(socket->waitForBytesWritten(5000));
        socket->disconnectFromHost(); // the promised rest never comes
    }
    // The server drops the half request: the object is absent, nothing moved, and it keeps serving.
    ApiClient client = admin();
    QCOMPARE(client.get(u"/api/v1/namespaces/default/secrets/truncated"_s).code, 404);
    QCOMPARE(globalResourceVersion(), rv);
}

void TestBadInput::testSlowClientTimesOutWithoutBlockingOthers()
{
    const QString rv = globalResourceVersion();
    auto slow = connectRaw();
    QVERIFY(slow);
    const QByteArray body = secret(u"dribbled"_s, { { u"k"_s, u"dg=="_s } });
    slow->write("POST /api/v1/namespaces/default/secrets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + m_server->adminToken()
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n");
    QVERIFY(slow->waitForBytesWritten(5000));

    // Dribble one byte every 100 ms (the whole body would take ~10 s); meanwhile another client is served.
    QElapsedTimer clock;
    clock.start();
    ApiClient other = admin();
    bool servedMeanwhile = false;
    RawReply reply;
    qsizetype sent = 0;
    const QDeadlineTimer deadline(kReadTimeoutMs * 4);
    while (!deadline.hasExpired() && slow->state() == QAbstractSocket::ConnectedState && sent < body.size() - 1) {
        slow->write(body.mid(sent++, 1));
        slow->waitForBytesWritten(1000);
        if (!servedMeanwhile && clock.elapsed() > kReadTimeoutMs / 3)
            servedMeanwhile = other.get(u"/api/v1/namespaces/default/secrets/existing"_s).code == 200;
        if (slow->waitForReadyRead(100))
            break; // the server answered
    }
    QVERIFY2(servedMeanwhile, "another client was not served while the slow one dribbled");
    reply = readReply(slow.get(), 5000);
    QCOMPARE(reply.code, 408);
    QVERIFY(reply.closed);
    const QJsonObject status = QJsonDocument::fromJson(reply.body).object();
    QCOMPARE(status.value(u"kind"_s).toString(), u"Status"_s);
    QCOMPARE(status.value(u"reason"_s).toString(), u"Timeout"_s);
    QVERIFY2(status.value(u"message"_s).toString().contains(u"too slow"_s), reply.body.constData());
    QVERIFY(sent < body.size() - 1); // cut off before the body was complete
    QCOMPARE(other.get(u"/api/v1/namespaces/default/secrets/dribbled"_s).code, 404);
    QCOMPARE(globalResourceVersion(), rv);
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
