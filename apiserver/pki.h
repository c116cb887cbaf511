#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

namespace apiserver {

/// A PEM certificate plus its PEM private key.
struct KeyPair {
    QByteArray certPem;
    QByteArray keyPem;
};

/// Certificate authority helpers over OpenSSL's EVP/X509 APIs (no deprecated calls, no exceptions).
namespace pki {

/// A new self-signed CA (EC P-256, 10 years, CN `commonName`, basicConstraints CA:TRUE, keyCertSign).
std::optional<KeyPair> createCertificateAuthority(const QString& commonName, QString* error = nullptr);
/// A serving certificate signed by `ca` for the given DNS names and IP addresses (SANs), 1 year, serverAuth.
std::optional<KeyPair> createServingCertificate(
    const KeyPair& ca, const QStringList& dnsNames, const QStringList& ipAddresses, QString* error = nullptr);
/// A client certificate signed by `ca`: CN = user, one O per group, clientAuth, 1 year.
std::optional<KeyPair> createClientCertificate(
    const KeyPair& ca, const QString& user, const QStringList& groups, QString* error = nullptr);
/// Verifies that `certPem` was signed by `caPem` and is currently valid; on success sets *user (CN) and
/// *groups (all O values).
bool verifyClientCertificate(
    const QByteArray& caPem, const QByteArray& certPem, QString* user, QStringList* groups, QString* error = nullptr);

} // namespace pki
} // namespace apiserver
