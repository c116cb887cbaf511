// Every auth kind against the embedded API server over real TLS: token, tokenFile rotation, client certificates
// (data and files), exec plugins (token and certificate), 401 + invalidate, tls-server-name.
#include "kube/kubeconfig.h"
#include "kube/tls.h"
#include "tst_credentials.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace credtest;
using kube::ApiError;

QByteArray TestCredentials::clusterYaml(const QByteArray& extra) const
{
    return "clusters:\n- name: live\n  cluster:\n    server: " + m_server->url().toUtf8()
        + "\n    certificate-authority-data: " + m_server->caCertificatePem().toBase64() + "\n" + extra
        + "contexts:\n- name: live\n  context: {cluster: live, user: live}\ncurrent-context: live\n";
}

kube::ClientConfig TestCredentials::loadKubeconfig(const QByteArray& yaml)
{
    const QString path = m_dir->filePath(u"kubeconfig"_s);
    writeFile(path, yaml);
    kube::KubeconfigLoader loader(QProcessEnvironment {});
    loader.setExplicitPath(path);
    const kube::Expected<kube::ClientConfig> config = loader.load();
    if (!config)
        qWarning("kubeconfig: %s", qPrintable(config.error().message()));
    return config ? *config : kube::ClientConfig {};
}

int TestCredentials::get(
    const kube::ClientConfig& config, kube::CredentialProvider& provider, QByteArray* body, kube::Credentials* used)
{
    const kube::Expected<kube::Credentials> credentials = provider.current();
    const kube::Expected<QSslConfiguration> ssl
        = credentials ? kube::sslConfiguration(config, *credentials) : kube::Expected<QSslConfiguration>(ApiError());
    if (!credentials || !ssl)
        return -1;
    if (used)
        *used = *credentials;
    QNetworkAccessManager nam; // one per request: a cached connection would keep the previous client certificate
    QNetworkRequest request(QUrl(config.server + u"/api/v1/namespaces"_s));
    kube::configureRequest(request, config, *ssl, *credentials);
    std::unique_ptr<QNetworkReply> reply(nam.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000))
        return -2;
    if (body)
        *body = reply->readAll();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestCredentials::testLiveToken()
{
    const QString path = m_dir->filePath(u"admin.kubeconfig"_s);
    QString error;
    QVERIFY2(m_server->writeKubeconfig(path, u"live"_s, &error), qPrintable(error));
    kube::KubeconfigLoader loader(QProcessEnvironment {});
    loader.setExplicitPath(path);
    const kube::ClientConfig config = *loader.load();
    kube::CredentialProvider provider(config);
    QCOMPARE(get(config, provider), 200);
}

void TestCredentials::testLiveTokenFileRotation()
{
    QVERIFY(writeFile(m_dir->filePath(u"sa/token"_s), "rotating-one\n"));
    const kube::ClientConfig config
        = loadKubeconfig(clusterYaml("users:\n- name: live\n  user: {tokenFile: sa/token}\n"));
    kube::CredentialProvider provider(config);
    QCOMPARE(get(config, provider), 200);
    QVERIFY(writeFile(m_dir->filePath(u"sa/token"_s), "rotating-two\n"));
    QByteArray body;
    QCOMPARE(get(config, provider, &body), 403); // the rotated token is a user without RBAC rights
    QVERIFY(body.contains("rotator-two"));
}

void TestCredentials::testLiveClientCertificateDataEc()
{
    const auto client = apiserver::pki::createClientCertificate(m_ca, u"cert-admin"_s, { u"system:masters"_s });
    QVERIFY(client && client->keyPem.contains("PRIVATE KEY"));
    const kube::ClientConfig config = loadKubeconfig(clusterYaml("users:\n- name: live\n  user:\n"
                                                                 "    client-certificate-data: "
        + client->certPem.toBase64() + "\n    client-key-data: " + client->keyPem.toBase64() + "\n"));
    QCOMPARE(kube::privateKeyFromPem(config.clientKeyPem).algorithm(), QSsl::Ec);
    kube::CredentialProvider provider(config);
    QCOMPARE(get(config, provider), 200);
}

void TestCredentials::testLiveClientCertificateFiles()
{
    const auto admin = apiserver::pki::createClientCertificate(m_ca, u"file-admin"_s, { u"system:masters"_s });
    const auto nobody = apiserver::pki::createClientCertificate(m_ca, u"file-nobody"_s, {});
    QVERIFY(admin && nobody);
    QVERIFY(writeFile(m_dir->filePath(u"certs/admin.crt"_s), admin->certPem));
    QVERIFY(writeFile(m_dir->filePath(u"certs/admin.key"_s), admin->keyPem));
    QVERIFY(writeFile(m_dir->filePath(u"certs/nobody.crt"_s), nobody->certPem));
    QVERIFY(writeFile(m_dir->filePath(u"certs/nobody.key"_s), nobody->keyPem));
    const QByteArray users = "users:\n- name: live\n  user: {client-certificate: certs/admin.crt, client-key: "
                             "certs/admin.key}\n";
    const kube::ClientConfig config = loadKubeconfig(clusterYaml(users));
    kube::CredentialProvider provider(config);
    QCOMPARE(get(config, provider), 200);
    QByteArray nobodyUsers = users;
    const kube::ClientConfig other = loadKubeconfig(clusterYaml(nobodyUsers.replace("admin", "nobody")));
    kube::CredentialProvider otherProvider(other);
    QByteArray body;
    QCOMPARE(get(other, otherProvider, &body), 403); // authenticated as the certificate's CN
    QVERIFY(body.contains("file-nobody"));
}

void TestCredentials::testLiveExecToken()
{
    const QByteArray users = "users:\n- name: live\n  user:\n    exec:\n      apiVersion: " + kV1.toUtf8()
        + "\n      command: ./credential.sh\n      interactiveMode: Never\n      provideClusterInfo: true\n"
          "      env:\n      - {name: PLUGIN_TOKEN, value: \""
        + m_server->adminToken().toUtf8() + "\"}\n";
    script(u"credential.sh"_s);
    const kube::ClientConfig config = loadKubeconfig(clusterYaml(users));
    QVERIFY(config.exec && config.exec->command == m_dir->filePath(u"credential.sh"_s));
    kube::CredentialProvider provider(config);
    QCOMPARE(get(config, provider), 200);
}

void TestCredentials::testLiveExecClientCertificate()
{
    const auto client = apiserver::pki::createClientCertificate(m_ca, u"exec-admin"_s, { u"system:masters"_s });
    QVERIFY(client);
    QVERIFY(writeFile(m_dir->filePath(u"exec.crt"_s), client->certPem));
    QVERIFY(writeFile(m_dir->filePath(u"exec.key"_s), client->keyPem));
    kube::ClientConfig config = execConfig(script(u"credential.sh"_s),
        { { u"PLUGIN_CERT_FILE"_s, m_dir->filePath(u"exec.crt"_s) },
            { u"PLUGIN_KEY_FILE"_s, m_dir->filePath(u"exec.key"_s) } });
    config.server = m_server->url();
    config.caPem = m_server->caCertificatePem();
    kube::CredentialProvider provider(config);
    QCOMPARE(get(config, provider), 200);
}

void TestCredentials::testLiveExec401InvalidateRefreshes()
{
    const QString tokenFile = m_dir->filePath(u"plugin-token"_s);
    QVERIFY(writeFile(tokenFile, "not-a-valid-token"));
    kube::ClientConfig config = execConfig(script(u"credential.sh"_s), { { u"PLUGIN_TOKEN_FILE"_s, tokenFile } });
    config.server = m_server->url();
    config.caPem = m_server->caCertificatePem();
    kube::CredentialProvider provider(config);
    kube::Credentials used;
    QCOMPARE(get(config, provider, nullptr, &used), 401);
    QVERIFY(writeFile(tokenFile, m_server->adminToken().toUtf8()));
    QCOMPARE(get(config, provider), 401); // still the cached credential
    provider.invalidate(used);
    QCOMPARE(get(config, provider), 200);
}

void TestCredentials::testLiveTlsServerName()
{
    kube::ClientConfig config;
    config.server = m_server->url();
    config.caPem = m_server->caCertificatePem();
    config.token = m_server->adminToken();
    config.tlsServerName = u"kubernetes"_s; // a SAN of the serving certificate, not the address dialled
    kube::CredentialProvider provider(config);
    QCOMPARE(get(config, provider), 200);
    config.tlsServerName = u"wrong.example"_s;
    kube::CredentialProvider wrong(config);
    QCOMPARE(get(config, wrong), 0); // TLS handshake fails: no HTTP status
}
