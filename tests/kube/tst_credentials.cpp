// Credential providers (static, tokenFile, exec plugins) and TLS settings. Secret values are compared with QVERIFY,
// never printed. The embedded API server tests are in tst_credentials_live.cpp.
#include "tst_credentials.h"

#include "kube/execcredential.h"
#include "kube/tls.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <thread>

using namespace Qt::StringLiterals;
using namespace credtest;

namespace credtest {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

QString fixture(const QString& name)
{
    return QStringLiteral(KUBELB_SOURCE_DIR "/tests/data/") + name;
}

/// An exec ClientConfig running `script` with the given PLUGIN_* variables.
kube::ClientConfig execConfig(const QString& script, QList<QPair<QString, QString>> env)
{
    kube::ClientConfig config;
    config.server = u"https://cluster.example:6443"_s;
    config.userName = u"plugin-user"_s;
    config.exec = kube::ExecConfig { kV1, script, {}, std::move(env), {}, false, u"Never"_s };
    return config;
}

} // namespace credtest

namespace {

/// How often a test plugin ran (one line per run in its count file).
int runs(const QString& countFile)
{
    return int(readFile(countFile).count('\n'));
}

QString errorOf(kube::CredentialProvider& provider)
{
    const kube::Expected<kube::Credentials> credentials = provider.current();
    return credentials ? QString() : credentials.error().message();
}

} // namespace

void TestCredentials::initTestCase()
{
    QVERIFY(m_serverDir.isValid());
    const QString tokens = m_serverDir.filePath(u"tokens.csv"_s);
    QVERIFY(writeFile(tokens, "rotating-one,rotator-one,uid-1,\"system:masters\"\nrotating-two,rotator-two,uid-2,\n"));
    apiserver::ApiServerConfig config;
    config.dataDir = m_serverDir.filePath(u"data"_s);
    config.tokenFile = tokens;
    m_server = std::make_unique<apiserver::ApiServer>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_ca = { m_server->caCertificatePem(), readFile(config.dataDir + u"/ca.key"_s) };
    QVERIFY(!m_ca.keyPem.isEmpty());
}

void TestCredentials::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestCredentials::script(const QString& name)
{
    const QString path = m_dir->filePath(name);
    QFile::remove(path);
    if (!QFile::copy(fixture(u"exec/"_s + name), path))
        return {};
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

void TestCredentials::testStaticTokenIsBearer()
{
    kube::ClientConfig config;
    config.token = u"static-token"_s;
    kube::CredentialProvider provider(config);
    const kube::Expected<kube::Credentials> c = provider.current();
    QVERIFY(c);
    QVERIFY(c->authorizationHeader() == "Bearer static-token");
    provider.invalidate();
    QVERIFY(provider.current()->token == "static-token"_L1);
}

void TestCredentials::testBasicAuthHeader()
{
    kube::ClientConfig config;
    config.username = u"admin"_s;
    config.password = u"s3cret"_s;
    kube::CredentialProvider provider(config);
    QVERIFY(provider.current()->authorizationHeader() == "Basic YWRtaW46czNjcmV0");
    QNetworkRequest request(QUrl(u"https://cluster.example"_s));
    kube::configureRequest(request, config, QSslConfiguration::defaultConfiguration(), *provider.current());
    QVERIFY(request.rawHeader("Authorization") == "Basic YWRtaW46czNjcmV0");
}

void TestCredentials::testClientCertificateSendsNoAuthorizationHeader()
{
    kube::ClientConfig config;
    config.clientCertPem = readFile(fixture(u"kubeconfig/pki/ec.crt"_s));
    config.clientKeyPem = readFile(fixture(u"kubeconfig/pki/ec.key"_s));
    kube::CredentialProvider provider(config);
    const kube::Expected<kube::Credentials> c = provider.current();
    QVERIFY(c && c->authorizationHeader().isEmpty() && !c->isEmpty());
    QCOMPARE(c->clientCertPem, config.clientCertPem);
}

void TestCredentials::testTokenFileRereadWhenItChanges()
{
    kube::ClientConfig config;
    config.tokenFile = m_dir->filePath(u"token"_s);
    QVERIFY(writeFile(config.tokenFile, "token-one\n"));
    kube::CredentialProvider provider(config);
    const kube::Credentials first = *provider.current();
    QVERIFY(first.token == "token-one"_L1);
    QVERIFY(writeFile(config.tokenFile, "token-number-two"));
    const kube::Credentials second = *provider.current();
    QVERIFY(second.token == "token-number-two"_L1);
    QVERIFY(second.generation != first.generation);
    // Same size, replaced by rename (a new inode), as kubelet rotates projected tokens.
    QVERIFY(writeFile(config.tokenFile + u".new"_s, "token-number-333"));
    QVERIFY(QFile::remove(config.tokenFile) && QFile::rename(config.tokenFile + u".new"_s, config.tokenFile));
    QVERIFY(provider.current()->token == "token-number-333"_L1);
}

void TestCredentials::testTokenFileCachedWhileUnchangedUntilInvalidate()
{
    kube::ClientConfig config;
    config.tokenFile = m_dir->filePath(u"token"_s);
    QVERIFY(writeFile(config.tokenFile, "token-aaa"));
    QFile file(config.tokenFile);
    const QDateTime mtime = QDateTime::currentDateTimeUtc().addSecs(-60);
    QVERIFY(file.open(QIODevice::ReadWrite) && file.setFileTime(mtime, QFileDevice::FileModificationTime));
    file.close();
    kube::CredentialProvider provider(config);
    QVERIFY(provider.current()->token == "token-aaa"_L1);
    // Same size, same inode, same mtime: the cheap stat sees no change, so the cached value stays.
    QVERIFY(file.open(QIODevice::ReadWrite) && file.write("token-bbb") == 9);
    QVERIFY(file.flush() && file.setFileTime(mtime, QFileDevice::FileModificationTime));
    file.close();
    QVERIFY(provider.current()->token == "token-aaa"_L1);
    provider.invalidate();
    QVERIFY(provider.current()->token == "token-bbb"_L1);
}

void TestCredentials::testTokenFileKeepsLastValueWhenUnreadable()
{
    kube::ClientConfig config;
    config.userName = u"sa"_s;
    config.tokenFile = m_dir->filePath(u"token"_s);
    kube::CredentialProvider missing(config);
    QCOMPARE(errorOf(missing),
        u"unable to read tokenFile \"%1\" for user \"sa\": no such file or directory"_s.arg(config.tokenFile));
    QVERIFY(writeFile(config.tokenFile, "token-kept"));
    kube::CredentialProvider provider(config);
    QVERIFY(provider.current()->token == "token-kept"_L1);
    QVERIFY(QFile::remove(config.tokenFile));
    QVERIFY(provider.current()->token == "token-kept"_L1);
    QVERIFY(writeFile(config.tokenFile, ""));
    QVERIFY(provider.current()->token == "token-kept"_L1);
    // With both set, the file wins while readable and the static token covers a missing file.
    config.token = u"static-token"_s;
    kube::CredentialProvider both(config);
    QVERIFY(both.current()->token == "static-token"_L1);
    QVERIFY(writeFile(config.tokenFile, "token-from-file"));
    QVERIFY(both.current()->token == "token-from-file"_L1);
}

void TestCredentials::testExecCachedUntilExpiry()
{
    const QString count = m_dir->filePath(u"count"_s);
    const QDateTime start = QDateTime::currentDateTimeUtc();
    const QString expiry = start.addSecs(3600).toString(Qt::ISODate);
    kube::CredentialProvider provider(execConfig(script(u"credential.sh"_s),
        { { u"PLUGIN_TOKEN"_s, u"exec-token"_s }, { u"PLUGIN_COUNT_FILE"_s, count }, { u"PLUGIN_EXPIRY"_s, expiry } }));
    QDateTime now = start;
    provider.setClock([&now] { return now; });
    QVERIFY(provider.current()->token == "exec-token"_L1);
    now = start.addSecs(3599);
    QVERIFY(provider.current());
    QCOMPARE(runs(count), 1);
    now = start.addSecs(3601);
    QVERIFY(provider.current());
    QCOMPARE(runs(count), 2);
}

void TestCredentials::testExecWithoutExpiryRerunsOnlyAfterInvalidate()
{
    const QString count = m_dir->filePath(u"count"_s);
    kube::CredentialProvider provider(execConfig(
        script(u"credential.sh"_s), { { u"PLUGIN_TOKEN"_s, u"exec-token"_s }, { u"PLUGIN_COUNT_FILE"_s, count } }));
    for (int i = 0; i < 3; ++i)
        QVERIFY(provider.current());
    QCOMPARE(runs(count), 1);
    provider.invalidate();
    QVERIFY(provider.current());
    QCOMPARE(runs(count), 2);
}

void TestCredentials::testStaleInvalidateIsIgnored()
{
    const QString count = m_dir->filePath(u"count"_s);
    kube::CredentialProvider provider(execConfig(
        script(u"credential.sh"_s), { { u"PLUGIN_TOKEN"_s, u"exec-token"_s }, { u"PLUGIN_COUNT_FILE"_s, count } }));
    const kube::Credentials first = *provider.current();
    provider.invalidate(first); // a 401 with the current credentials: refresh
    const kube::Credentials second = *provider.current();
    QCOMPARE(runs(count), 2);
    QVERIFY(second.generation != first.generation);
    provider.invalidate(first); // a late 401 from a request that used the old ones: nothing to do
    QVERIFY(provider.current());
    QCOMPARE(runs(count), 2);
}

void TestCredentials::testExecInfoArgsAndEnvironment()
{
    const QString info = m_dir->filePath(u"info"_s);
    const QString args = m_dir->filePath(u"args"_s);
    kube::ClientConfig config = execConfig(script(u"credential.sh"_s),
        { { u"PLUGIN_TOKEN"_s, u"exec-token"_s }, { u"PLUGIN_INFO_FILE"_s, info }, { u"PLUGIN_ARGS_FILE"_s, args } });
    config.exec->args = QStringList { u"get-token"_s, u"--cluster=a b"_s };
    config.exec->provideClusterInfo = true;
    config.caPem = readFile(fixture(u"kubeconfig/pki/ca.crt"_s));
    config.tlsServerName = u"kubernetes"_s;
    kube::CredentialProvider provider(config);
    QVERIFY(provider.current());
    QCOMPARE(readFile(args), QByteArray("get-token\n--cluster=a b\n"));
    const QJsonObject sent = QJsonDocument::fromJson(readFile(info)).object();
    QCOMPARE(sent.value(u"kind"_s).toString(), u"ExecCredential"_s);
    QCOMPARE(sent.value(u"apiVersion"_s).toString(), kV1);
    const QJsonObject spec = sent.value(u"spec"_s).toObject();
    QCOMPARE(spec.value(u"interactive"_s), QJsonValue(false));
    const QJsonObject cluster = spec.value(u"cluster"_s).toObject();
    QCOMPARE(cluster.value(u"server"_s).toString(), u"https://cluster.example:6443"_s);
    QCOMPARE(cluster.value(u"tls-server-name"_s).toString(), u"kubernetes"_s);
    QCOMPARE(
        QByteArray::fromBase64(cluster.value(u"certificate-authority-data"_s).toString().toLatin1()), config.caPem);
    QVERIFY(!cluster.contains(u"insecure-skip-tls-verify"_s));
    config.exec->provideClusterInfo = false;
    QVERIFY(
        !QJsonDocument::fromJson(kube::execInfo(config)).object().value(u"spec"_s).toObject().contains(u"cluster"_s));
}

void TestCredentials::testExecConcurrentCallersRunPluginOnce()
{
    const QString count = m_dir->filePath(u"count"_s);
    kube::CredentialProvider provider(execConfig(
        script(u"credential.sh"_s), { { u"PLUGIN_TOKEN"_s, u"exec-token"_s }, { u"PLUGIN_COUNT_FILE"_s, count } }));
    std::atomic<int> ok = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            const kube::Expected<kube::Credentials> c = provider.current();
            if (c && c->token == "exec-token"_L1)
                ++ok;
        });
    for (std::thread& t : threads)
        t.join();
    QCOMPARE(ok.load(), 8);
    QCOMPARE(runs(count), 1);
}

void TestCredentials::testExecClientCertificate()
{
    const QString cert = fixture(u"kubeconfig/pki/ec.crt"_s);
    const QString key = fixture(u"kubeconfig/pki/ec.key"_s);
    kube::CredentialProvider provider(
        execConfig(script(u"credential.sh"_s), { { u"PLUGIN_CERT_FILE"_s, cert }, { u"PLUGIN_KEY_FILE"_s, key } }));
    const kube::Expected<kube::Credentials> c = provider.current();
    QVERIFY2(c, c ? "" : qPrintable(c.error().message()));
    QCOMPARE(c->clientCertPem, readFile(cert));
    QVERIFY(c->clientKeyPem == readFile(key));
    QVERIFY(c->token.isEmpty());
}

void TestCredentials::testExecNotFoundOnPath()
{
    kube::ClientConfig config = execConfig(u"kubelb-no-such-plugin"_s, {});
    config.exec->installHint = u"Install it with: apt install kubelb-plugin"_s;
    kube::CredentialProvider provider(config);
    QProcessEnvironment env;
    env.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
    provider.setProcessEnvironment(env);
    QCOMPARE(errorOf(provider),
        u"exec plugin: executable \"kubelb-no-such-plugin\" not found on PATH (/usr/bin:/bin)\n"
        u"Install it with: apt install kubelb-plugin"_s);
    QCOMPARE(provider.current().error().reason(), u"ExecPluginFailed"_s);
    kube::CredentialProvider missingPath(execConfig(m_dir->filePath(u"nope.sh"_s), {}));
    QCOMPARE(errorOf(missingPath), u"exec plugin: executable \"%1\" not found"_s.arg(m_dir->filePath(u"nope.sh"_s)));
}

void TestCredentials::testExecNonZeroExitShowsStderr()
{
    const QString path = script(u"fail.sh"_s);
    kube::CredentialProvider provider(execConfig(path, {}));
    QCOMPARE(errorOf(provider),
        u"exec plugin: \"%1\" failed with exit code 3: error: the refresh token has expired; run 'login' again"_s.arg(
            path));
}

void TestCredentials::testExecInvalidJsonNeverQuotesOutput()
{
    kube::CredentialProvider provider(
        execConfig(script(u"badjson.sh"_s), { { u"PLUGIN_TOKEN"_s, u"leaked-secret-value"_s } }));
    const QString message = errorOf(provider);
    QCOMPARE(message, u"exec plugin: invalid ExecCredential on stdout: line 1, column 64: unterminated string"_s);
    QVERIFY(!message.contains(u"leaked"_s));
}

void TestCredentials::testExecTimeout()
{
    const QString path = script(u"sleep.sh"_s);
    kube::CredentialProvider provider(execConfig(path, {}));
    provider.setExecTimeout(300);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(errorOf(provider), u"exec plugin: \"%1\" did not finish within 0.3 s"_s.arg(path));
    QVERIFY(timer.elapsed() < 5000);
}

void TestCredentials::testExecInteractiveModes()
{
    kube::ClientConfig config = execConfig(script(u"credential.sh"_s), { { u"PLUGIN_TOKEN"_s, u"exec-token"_s } });
    config.exec->interactiveMode = u"Always"_s;
    kube::CredentialProvider always(config);
    QCOMPARE(errorOf(always), u"exec plugin cannot support interactive mode: standard input is not a terminal"_s);
    config.exec->interactiveMode.clear();
    kube::CredentialProvider unset(config);
    QCOMPARE(errorOf(unset),
        u"exec plugin: interactiveMode must be specified for apiVersion client.authentication.k8s.io/v1"_s);
    config.exec->interactiveMode = u"IfAvailable"_s;
    kube::CredentialProvider ifAvailable(config);
    QVERIFY(ifAvailable.current());
}

void TestCredentials::testParseExecCredentialErrors_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QString>("expected");
    const QByteArray head = "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\"";
    QTest::newRow("not JSON") << QByteArray("token please")
                              << u"exec plugin: invalid ExecCredential on stdout: line 1, column 2: illegal value"_s;
    QTest::newRow("wrong kind") << QByteArray("{\"kind\":\"Status\"}")
                                << u"exec plugin: expected an ExecCredential on stdout, got kind \"Status\""_s;
    QTest::newRow("wrong version") << QByteArray(
        "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{}}")
                                   << u"exec plugin is configured to use API version client.authentication.k8s.io/v1, "
                                      u"plugin returned version client.authentication.k8s.io/v1beta1"_s;
    QTest::newRow("no status") << head + "}" << u"exec plugin didn't return a status field"_s;
    QTest::newRow("empty status") << head + ",\"status\":{}}"
                                  << u"exec plugin didn't return a token or cert/key pair"_s;
    QTest::newRow("only cert") << head + ",\"status\":{\"clientCertificateData\":\"x\"}}"
                               << u"exec plugin returned only certificate or key, not both"_s;
    QTest::newRow("bad cert") << head + ",\"status\":{\"clientCertificateData\":\"x\",\"clientKeyData\":\"y\"}}"
                              << u"exec plugin: failed parsing client key/certificate: no PEM certificate found"_s;
    QTest::newRow("bad expiry") << head + ",\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"tomorrow\"}}"
                                << u"exec plugin: invalid expirationTimestamp \"tomorrow\""_s;
}

void TestCredentials::testParseExecCredentialErrors()
{
    QFETCH(QByteArray, output);
    QFETCH(QString, expected);
    const kube::Expected<kube::ExecCredentialStatus> status = kube::parseExecCredential(output, kV1);
    QVERIFY(!status);
    QCOMPARE(status.error().message(), expected);
}

void TestCredentials::testParseExecCredentialTimestamps()
{
    const QByteArray head = "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
                            "\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"";
    const auto expiry = [&head](const QByteArray& timestamp) {
        const kube::Expected<kube::ExecCredentialStatus> status
            = kube::parseExecCredential(head + timestamp + "\"}}", kV1);
        return status ? status->expirationTimestamp.toUTC() : QDateTime();
    };
    const QDateTime utc(QDate(2030, 1, 2), QTime(3, 4, 5), Qt::UTC);
    QCOMPARE(expiry("2030-01-02T03:04:05Z"), utc);
    QCOMPARE(expiry("2030-01-02T05:04:05+02:00"), utc);
    QCOMPARE(expiry("2030-01-02T03:04:05.250Z"), utc.addMSecs(250));
    QCOMPARE(expiry("2030-01-02T03:04:05.250999999Z"), utc.addMSecs(251)); // RFC3339Nano, rounded to ms
    const kube::Expected<kube::ExecCredentialStatus> none
        = kube::parseExecCredential(head.left(head.indexOf(",\"expirationTimestamp")) + "}}", kV1);
    QVERIFY(none && !none->expirationTimestamp.isValid());
}

void TestCredentials::testSslConfiguration()
{
    kube::ClientConfig config;
    config.caPem = readFile(fixture(u"kubeconfig/pki/ca.crt"_s));
    config.clientCertPem = readFile(fixture(u"kubeconfig/pki/rsa.crt"_s));
    config.clientKeyPem = readFile(fixture(u"kubeconfig/pki/rsa.key"_s));
    const kube::Expected<QSslConfiguration> ssl = kube::sslConfiguration(config);
    QVERIFY(ssl);
    QCOMPARE(ssl->caCertificates(), QSslCertificate::fromData(config.caPem));
    QCOMPARE(ssl->peerVerifyMode(), QSslSocket::VerifyPeer);
    QCOMPARE(ssl->localCertificate(), QSslCertificate(config.clientCertPem));
    QCOMPARE(ssl->privateKey().algorithm(), QSsl::Rsa);
    // Credentials from an exec plugin replace the configured certificate.
    kube::Credentials fromExec;
    fromExec.clientCertPem = readFile(fixture(u"kubeconfig/pki/ec.crt"_s));
    fromExec.clientKeyPem = readFile(fixture(u"kubeconfig/pki/ec.key"_s));
    const kube::Expected<QSslConfiguration> execSsl = kube::sslConfiguration(config, fromExec);
    QCOMPARE(execSsl->localCertificate(), QSslCertificate(fromExec.clientCertPem));
    QCOMPARE(execSsl->privateKey().algorithm(), QSsl::Ec);
    kube::ClientConfig insecure;
    insecure.insecureSkipTlsVerify = true;
    QCOMPARE(kube::sslConfiguration(insecure)->peerVerifyMode(), QSslSocket::VerifyNone);
    QVERIFY(kube::sslConfiguration(insecure)->caCertificates()
        == QSslConfiguration::defaultConfiguration().caCertificates());
    insecure.caPem = "not a certificate";
    insecure.clusterName = u"c"_s;
    QCOMPARE(kube::sslConfiguration(insecure).error().message(),
        u"certificate authority of cluster \"c\" holds no PEM certificate"_s);
}

void TestCredentials::testNetworkProxy()
{
    kube::ClientConfig config;
    QCOMPARE(kube::networkProxy(config).type(), QNetworkProxy::DefaultProxy);
    config.proxyUrl = u"socks5://proxy.example"_s;
    QCOMPARE(kube::networkProxy(config).type(), QNetworkProxy::Socks5Proxy);
    QCOMPARE(kube::networkProxy(config).port(), 1080);
    config.proxyUrl = u"http://proxy.example:3128"_s;
    QCOMPARE(kube::networkProxy(config).type(), QNetworkProxy::HttpProxy);
    QCOMPARE(kube::networkProxy(config).hostName(), u"proxy.example"_s);
    QCOMPARE(kube::networkProxy(config).port(), 3128);
}

QTEST_GUILESS_MAIN(TestCredentials)
