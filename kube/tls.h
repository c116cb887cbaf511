#pragma once

#include "clientconfig.h"
#include "credentials.h"
#include "expected.h"

#include <QByteArray>
#include <QNetworkProxy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

class QNetworkRequest;

namespace kube {

/// Whether `keyPem` is the private key of the PEM certificate `certPem` (RSA, EC or any OpenSSL key type);
/// false with *error saying which part is unusable.
bool privateKeyMatchesCertificate(const QByteArray& certPem, const QByteArray& keyPem, QString* error = nullptr);
/// Whether `pem` holds at least one PEM certificate.
bool containsPemCertificate(const QByteArray& pem);
/// A QSslKey for a PEM private key (PKCS#1, SEC1 or PKCS#8; RSA, EC or other OpenSSL types); null on failure.
QSslKey privateKeyFromPem(const QByteArray& pem);

/// The TLS settings for talking to `config.server` as client-go builds them: only the configured CA bundle is
/// trusted (system CAs when none), the client certificate of `credentials` (or of `config`) is presented, and
/// verification is off only with insecure-skip-tls-verify. tls-server-name needs configureRequest().
Expected<QSslConfiguration> sslConfiguration(const ClientConfig& config, const Credentials& credentials = {});
/// The proxy for `config.proxyUrl` (http, https or socks5); DefaultProxy when none is set.
QNetworkProxy networkProxy(const ClientConfig& config);
/// Prepares one request: TLS settings, peer verify name (tls-server-name) and the Authorization header.
void configureRequest(
    QNetworkRequest& request, const ClientConfig& config, const QSslConfiguration& ssl, const Credentials& credentials);

} // namespace kube
