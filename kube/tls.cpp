#include "tls.h"

#include <QNetworkRequest>
#include <QSslCertificate>
#include <QUrl>
#include <memory>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

template <auto Free> struct Deleter {
    template <typename T> void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;

BioPtr memoryBio(const QByteArray& data)
{
    return BioPtr(BIO_new_mem_buf(data.constData(), int(data.size())));
}

X509Ptr readCertificate(const QByteArray& pem)
{
    BioPtr bio = memoryBio(pem);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    return cert;
}

KeyPtr readPrivateKey(const QByteArray& pem)
{
    BioPtr bio = memoryBio(pem);
    // An empty passphrase callback result: encrypted keys fail instead of prompting on the terminal.
    auto noPassphrase = [](char*, int, int, void*) { return 0; };
    KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    ERR_clear_error();
    return key;
}

bool setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool privateKeyMatchesCertificate(const QByteArray& certPem, const QByteArray& keyPem, QString* error)
{
    const X509Ptr cert = readCertificate(certPem);
    if (!cert)
        return setError(error, u"no PEM certificate found"_s);
    const KeyPtr key = readPrivateKey(keyPem);
    if (!key)
        return setError(error, u"no PEM private key found"_s);
    const bool match = X509_check_private_key(cert.get(), key.get()) == 1;
    ERR_clear_error();
    return match || setError(error, u"private key does not match the certificate's public key"_s);
}

bool containsPemCertificate(const QByteArray& pem)
{
    return !QSslCertificate::fromData(pem, QSsl::Pem).isEmpty();
}

QSslKey privateKeyFromPem(const QByteArray& pem)
{
    KeyPtr key = readPrivateKey(pem);
    if (!key)
        return {};
    switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
        return QSslKey(pem, QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey);
    case EVP_PKEY_EC:
        return QSslKey(pem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    default:
        // Qt's OpenSSL backend takes ownership of a native EVP_PKEY handle.
        return QSslKey(Qt::HANDLE(key.release()), QSsl::PrivateKey);
    }
}

Expected<QSslConfiguration> sslConfiguration(const ClientConfig& config, const Credentials& credentials)
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!config.caPem.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromData(config.caPem, QSsl::Pem);
        if (cas.isEmpty())
            return ApiError(0, u"InvalidConfiguration"_s,
                u"certificate authority of cluster \"%1\" holds no PEM certificate"_s.arg(config.clusterName));
        ssl.setCaCertificates(cas);
    }
    ssl.setPeerVerifyMode(config.insecureSkipTlsVerify ? QSslSocket::VerifyNone : QSslSocket::VerifyPeer);
    const bool fromCredentials = !credentials.clientCertPem.isEmpty();
    const QByteArray certPem = fromCredentials ? credentials.clientCertPem : config.clientCertPem;
    const QByteArray keyPem = fromCredentials ? credentials.clientKeyPem : config.clientKeyPem;
    if (!certPem.isEmpty()) {
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
        const QSslKey key = privateKeyFromPem(keyPem);
        if (chain.isEmpty() || key.isNull())
            return ApiError(0, u"InvalidConfiguration"_s,
                u"client certificate or key of user \"%1\" is not valid PEM"_s.arg(config.userName));
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
    }
    return ssl;
}

QNetworkProxy networkProxy(const ClientConfig& config)
{
    if (config.proxyUrl.isEmpty())
        return QNetworkProxy(QNetworkProxy::DefaultProxy);
    const QUrl url(config.proxyUrl);
    const bool socks = url.scheme() == "socks5"_L1;
    const int defaultPort = socks ? 1080 : url.scheme() == "https"_L1 ? 443 : 80;
    return QNetworkProxy(socks ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy, url.host(),
        quint16(url.port(defaultPort)), url.userName(), url.password());
}

void configureRequest(
    QNetworkRequest& request, const ClientConfig& config, const QSslConfiguration& ssl, const Credentials& credentials)
{
    request.setSslConfiguration(ssl);
    if (!config.tlsServerName.isEmpty())
        request.setPeerVerifyName(config.tlsServerName);
    const QByteArray authorization = credentials.authorizationHeader();
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
}

} // namespace kube
