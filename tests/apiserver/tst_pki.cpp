#include "apiserver/pki.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslCertificateExtension>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using apiserver::KeyPair;
namespace pki = apiserver::pki;

namespace {

/// Qt 6.4 has no QSslServer: a TCP server that starts server-side TLS on every accepted connection.
class TlsServer : public QTcpServer {
    Q_OBJECT

public:
    explicit TlsServer(const KeyPair& serving)
        : m_certificate(serving.certPem, QSsl::Pem)
        , m_key(serving.keyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey)
    {
    }

    /// Server-side connections that completed the handshake.
    int encryptedCount() const { return m_encrypted; }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto* socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setLocalCertificate(m_certificate);
        socket->setPrivateKey(m_key);
        connect(socket, &QSslSocket::encrypted, this, [this] { ++m_encrypted; });
        socket->startServerEncryption();
    }

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
    int m_encrypted = 0;
};

KeyPair mustCreateCa(const QString& name)
{
    QString error;
    const std::optional<KeyPair> ca = pki::createCertificateAuthority(name, &error);
    if (!ca)
        qFatal("cannot create CA: %s", qPrintable(error));
    return *ca;
}

KeyPair mustCreateServing(const KeyPair& ca)
{
    QString error;
    const std::optional<KeyPair> serving = pki::createServingCertificate(
        ca, { u"localhost"_s, u"kubelb-apiserver.kubelb.svc"_s }, { u"127.0.0.1"_s, u"::1"_s }, &error);
    if (!serving)
        qFatal("cannot create serving certificate: %s", qPrintable(error));
    return *serving;
}

QSslCertificate loadCertificate(const QByteArray& pem)
{
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    return certificates.size() == 1 ? certificates.first() : QSslCertificate {};
}

} // namespace

class TestPki : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void certificateAuthorityIsSelfSignedCa();
    void servingCertificateHasSubjectAltNames();
    void serialNumbersAreRandom128Bit();
    void tlsHandshakeSucceeds_data();
    void tlsHandshakeSucceeds();
    void tlsHandshakeFailsWithOtherCa();
    void tlsHandshakeFailsForUnlistedName();
    void clientCertificateRoundTrip_data();
    void clientCertificateRoundTrip();
    void clientCertificateFromOtherCaIsRejected();
    void servingCertificateIsRejectedAsClient();
    void invalidInputsReportErrors();

private:
    /// Connects a client trusting `caPem` to a TLS server presenting `serving`, until encrypted or failed.
    void handshake(const KeyPair& serving, const QByteArray& caPem, const QString& peerName, bool* encrypted,
        QList<QSslError::SslError>* errors);

    KeyPair m_ca;
    KeyPair m_serving;
};

void TestPki::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    m_ca = mustCreateCa(u"kubelb-ca"_s);
    m_serving = mustCreateServing(m_ca);
}

void TestPki::certificateAuthorityIsSelfSignedCa()
{
    const QSslCertificate ca = loadCertificate(m_ca.certPem);
    QVERIFY(!ca.isNull());
    QVERIFY(ca.isSelfSigned());
    QCOMPARE(ca.subjectInfo(QSslCertificate::CommonName), QStringList { u"kubelb-ca"_s });
    QVERIFY(ca.expiryDate() > QDateTime::currentDateTimeUtc().addYears(9));
    QVERIFY(m_ca.keyPem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
    const QSslKey key(m_ca.keyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    QVERIFY(!key.isNull());
    QCOMPARE(key.length(), 256);

    const QList<QSslCertificateExtension> extensions = ca.extensions();
    const auto basic = std::find_if(extensions.cbegin(), extensions.cend(),
        [](const QSslCertificateExtension& e) { return e.oid() == "2.5.29.19"_L1; });
    QVERIFY(basic != extensions.cend());
    QVERIFY(basic->isCritical());
    QCOMPARE(basic->value().toMap().value(u"ca"_s).toBool(), true);
}

void TestPki::servingCertificateHasSubjectAltNames()
{
    const QSslCertificate serving = loadCertificate(m_serving.certPem);
    QVERIFY(!serving.isNull());
    QVERIFY(!serving.isSelfSigned());
    QCOMPARE(serving.issuerInfo(QSslCertificate::CommonName), QStringList { u"kubelb-ca"_s });
    const auto sans = serving.subjectAlternativeNames();
    const QStringList dns = sans.values(QSsl::AlternativeNameEntryType::DnsEntry);
    QVERIFY(dns.contains(u"localhost"_s));
    QVERIFY(dns.contains(u"kubelb-apiserver.kubelb.svc"_s));
    QList<QHostAddress> ips;
    for (const QString& ip : sans.values(QSsl::AlternativeNameEntryType::IpAddressEntry))
        ips.append(QHostAddress(ip));
    QVERIFY(ips.contains(QHostAddress(QHostAddress::LocalHost)));
    QVERIFY(ips.contains(QHostAddress(QHostAddress::LocalHostIPv6)));
}

void TestPki::serialNumbersAreRandom128Bit()
{
    const KeyPair other = mustCreateServing(m_ca);
    const QByteArray first = loadCertificate(m_serving.certPem).serialNumber();
    const QByteArray second = loadCertificate(other.certPem).serialNumber();
    QVERIFY(first != second);
    QCOMPARE(QByteArray::fromHex(first).size(), 16); // fromHex skips the ':' separators
}

void TestPki::handshake(const KeyPair& serving, const QByteArray& caPem, const QString& peerName, bool* encrypted,
    QList<QSslError::SslError>* errors)
{
    *encrypted = false;
    errors->clear();
    TlsServer server(serving);
    QVERIFY(server.listen(QHostAddress::LocalHost));

    QSslSocket client;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(QSslCertificate::fromData(caPem, QSsl::Pem));
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    client.setSslConfiguration(config);
    QSignalSpy encryptedSpy(&client, &QSslSocket::encrypted);
    QSignalSpy errorSpy(&client, &QAbstractSocket::errorOccurred);
    client.connectToHostEncrypted(u"127.0.0.1"_s, server.serverPort(), peerName);
    QTRY_VERIFY(!encryptedSpy.isEmpty() || !errorSpy.isEmpty());
    *encrypted = client.isEncrypted();
    for (const QSslError& error : client.sslHandshakeErrors())
        errors->append(error.error());
    if (*encrypted)
        QTRY_COMPARE(server.encryptedCount(), 1);
}

void TestPki::tlsHandshakeSucceeds_data()
{
    QTest::addColumn<QString>("peerName");
    QTest::newRow("dns") << u"localhost"_s;
    QTest::newRow("ipv4") << u"127.0.0.1"_s;
}

void TestPki::tlsHandshakeSucceeds()
{
    QFETCH(QString, peerName);
    bool encrypted = false;
    QList<QSslError::SslError> errors;
    handshake(m_serving, m_ca.certPem, peerName, &encrypted, &errors);
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(encrypted);
    QVERIFY(errors.isEmpty());
}

void TestPki::tlsHandshakeFailsWithOtherCa()
{
    const KeyPair otherCa = mustCreateCa(u"other-ca"_s);
    bool encrypted = true;
    QList<QSslError::SslError> errors;
    handshake(m_serving, otherCa.certPem, u"localhost"_s, &encrypted, &errors);
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(!encrypted);
    QVERIFY(errors.contains(QSslError::UnableToGetLocalIssuerCertificate)
        || errors.contains(QSslError::CertificateUntrusted));
    QVERIFY(!errors.contains(QSslError::HostNameMismatch));
}

void TestPki::tlsHandshakeFailsForUnlistedName()
{
    bool encrypted = true;
    QList<QSslError::SslError> errors;
    handshake(m_serving, m_ca.certPem, u"example.com"_s, &encrypted, &errors);
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(!encrypted);
    QCOMPARE(errors, QList<QSslError::SslError> { QSslError::HostNameMismatch });
}

void TestPki::clientCertificateRoundTrip_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QStringList>("groups");
    QTest::newRow("admin") << u"alice"_s << QStringList { u"system:masters"_s, u"kubelb:admins"_s };
    QTest::newRow("no groups") << u"bob"_s << QStringList {};
    // Longer than the 64 characters X.520 suggests for a CN; Kubernetes user names have no such limit.
    QTest::newRow("service account") << u"system:serviceaccount:kubelb-system:kubelb-sync-controller-manager"_s
                                     << QStringList { u"system:serviceaccounts"_s,
                                            u"system:serviceaccounts:kubelb-system"_s };
    QTest::newRow("utf-8") << u"jürgen"_s << QStringList { u"größe"_s };
}

void TestPki::clientCertificateRoundTrip()
{
    QFETCH(QString, user);
    QFETCH(QStringList, groups);
    QString error;
    const std::optional<KeyPair> client = pki::createClientCertificate(m_ca, user, groups, &error);
    QVERIFY2(client, qPrintable(error));
    QString gotUser;
    QStringList gotGroups;
    QVERIFY2(
        pki::verifyClientCertificate(m_ca.certPem, client->certPem, &gotUser, &gotGroups, &error), qPrintable(error));
    QCOMPARE(gotUser, user);
    QCOMPARE(gotGroups, groups);
}

void TestPki::clientCertificateFromOtherCaIsRejected()
{
    const KeyPair otherCa = mustCreateCa(u"other-ca"_s);
    const std::optional<KeyPair> client = pki::createClientCertificate(otherCa, u"mallory"_s, {});
    QVERIFY(client);
    QString user = u"unchanged"_s;
    QString error;
    QVERIFY(!pki::verifyClientCertificate(m_ca.certPem, client->certPem, &user, nullptr, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(user, u"unchanged"_s);
}

void TestPki::servingCertificateIsRejectedAsClient()
{
    QString error;
    QVERIFY(!pki::verifyClientCertificate(m_ca.certPem, m_serving.certPem, nullptr, nullptr, &error));
    QVERIFY2(error.contains(u"purpose"_s), qPrintable(error));
}

void TestPki::invalidInputsReportErrors()
{
    QString error;
    QVERIFY(!pki::createCertificateAuthority(QString(), &error));
    QVERIFY(!error.isEmpty());

    error.clear();
    QVERIFY(!pki::createServingCertificate(m_ca, { u"localhost"_s }, { u"300.1.2.3"_s }, &error));
    QVERIFY2(error.contains(u"300.1.2.3"_s), qPrintable(error));

    error.clear();
    QVERIFY(!pki::createServingCertificate(m_ca, { u"bad name"_s }, {}, &error));
    QVERIFY(!error.isEmpty());

    error.clear();
    const KeyPair mismatched { m_ca.certPem, m_serving.keyPem };
    QVERIFY(!pki::createClientCertificate(mismatched, u"alice"_s, {}, &error));
    QVERIFY2(error.contains(u"does not match"_s), qPrintable(error));

    error.clear();
    QVERIFY(!pki::createClientCertificate(KeyPair { "garbage", "garbage" }, u"alice"_s, {}, &error));
    QVERIFY(!error.isEmpty());

    error.clear();
    QVERIFY(!pki::verifyClientCertificate(m_ca.certPem, "garbage", nullptr, nullptr, &error));
    QVERIFY(!error.isEmpty());
}

// Not QTEST_APPLESS_MAIN: the TLS handshake needs a QCoreApplication for the sockets' event loop.
QTEST_GUILESS_MAIN(TestPki)
#include "tst_pki.moc"
