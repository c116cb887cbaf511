#pragma once

// Private state of ApiServer, shared by its implementation files.
#include "apiserver.h"
#include "authn.h"
#include "metrics.h"
#include "pki.h"
#include "registry.h"
#include "requestinfo.h"

#include <QJsonObject>

class QHttpServerRequest;

namespace apiserver {

class HttpFrontend;

/// A finished non-streaming response.
struct Response {
    int code = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

struct ApiServer::Private {
    ApiServerConfig config;
    ObjectStore store;
    ResourceTable resources;
    Registry registry { store, resources };
    ApiMetrics metrics;
    TokenAuthenticator authenticator;
    KeyPair ca;
    KeyPair serving;
    QString adminToken;
    HttpFrontend* secure = nullptr;
    HttpFrontend* insecure = nullptr;
    quint16 securePort = 0;
    quint16 insecurePort = 0;

    bool prepareCredentials(QString* error);
    /// Serves discovery, version, health, metrics and OpenAPI; nullopt when the path is none of those.
    std::optional<Response> serveNonResource(const QString& path, const QUrlQuery& query);
    Response serveResource(
        const RequestInfo& info, const QHttpServerRequest& request, QTcpSocket* socket, bool* streaming);
};

/// JSON body helper.
Response jsonResponse(int code, const QJsonObject& body);
/// A Status error response.
Response errorResponse(const kube::ApiError& error);

} // namespace apiserver
