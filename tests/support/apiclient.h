#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSslConfiguration>
#include <QString>

class QNetworkReply;

namespace testsupport {

/// A finished HTTP exchange with the API server.
struct ApiReply {
    int code = 0; ///< HTTP status, 0 when the connection failed
    QByteArray body;
    QJsonObject json;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray header(const QByteArray& name) const;
};

/// A small synchronous HTTPS client for tests: one request at a time, waits with a deadline on the event loop.
class ApiClient {
public:
    /// `baseUrl` like "https://127.0.0.1:1234"; `caPem` is trusted; `token` sent as a bearer token unless empty.
    ApiClient(const QString& baseUrl, const QByteArray& caPem, const QByteArray& token = {});

    /// Uses a client certificate instead of (or besides) the token.
    void setClientCertificate(const QByteArray& certPem, const QByteArray& keyPem);
    void setToken(const QByteArray& token) { m_token = token; }

    ApiReply request(const QByteArray& verb, const QString& path, const QByteArray& body = {},
        const QByteArray& contentType = "application/json", const QByteArray& accept = "application/json");
    ApiReply get(const QString& path) { return request("GET", path); }
    ApiReply post(const QString& path, const QJsonObject& body);
    /// Starts a streaming GET (a watch); the caller owns the reply.
    QNetworkReply* stream(const QString& path);

private:
    QNetworkRequest makeRequest(const QString& path, const QByteArray& accept) const;

    QString m_base;
    QByteArray m_token;
    QSslConfiguration m_ssl;
    QNetworkAccessManager m_nam;
};

} // namespace testsupport
