#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace apiserver {

/// One HTTP request as the API server sees it, independent of the transport: the HTTP front ends build it from
/// Qt's parsed request, the fuzzer from raw bytes.
struct Request {
    QString method; ///< upper case: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (anything else is UNKNOWN)
    QUrl url; ///< path and query
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress remoteAddress;

    /// The first value of header `name` (case-insensitive); empty when absent.
    QByteArray value(QByteArrayView name) const;
};

/// A finished non-streaming response.
struct Response {
    int code = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

} // namespace apiserver
