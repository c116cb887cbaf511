#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace models {

/// What the console and CLI show of a TLS certificate (public data only).
struct CertificateInfo {
    QString subjectCommonName;
    QStringList dnsNames; ///< subjectAltName dNSName entries
    QDateTime notAfter; ///< UTC
    bool expiresSoon = false; ///< set by buildLineage() from its warning threshold
};

/// Parses the first certificate of a PEM (or raw DER) blob; false when it is not a certificate.
using CertificateParser = bool (*)(const QByteArray& pemOrDer, CertificateInfo* info);

/// The built-in parser: a minimal DER walker (QtCore only) for subject CN, SAN DNS names and notAfter.
bool parseCertificate(const QByteArray& pemOrDer, CertificateInfo* info);

} // namespace models
