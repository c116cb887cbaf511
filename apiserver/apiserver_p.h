#pragma once

// Private state of ApiServer, shared by its implementation files.
#include "apiserver.h"
#include "authn.h"
#include "faults.h"
#include "metrics.h"
#include "pki.h"
#include "rbac.h"
#include "registry.h"
#include "request.h"
#include "requestinfo.h"
#include "satokens.h"

#include <QJsonObject>
#include <QPointer>
#include <QTimer>

class QAbstractHttpServer;

namespace apiserver {

class HttpFrontend;
class WatchStream;

struct ApiServer::Private {
    ApiServerConfig config;
    ObjectStore store;
    ResourceTable resources;
    Registry registry { store, resources };
    ApiMetrics metrics;
    TokenAuthenticator authenticator;
    RbacAuthorizer authorizer { store };
    std::unique_ptr<ServiceAccountTokens> saTokens;
    FaultInjector faults;
    QList<QPointer<WatchStream>> watches;
    QTimer dropWatches;
    KeyPair ca;
    KeyPair serving;
    QString adminToken;
    HttpFrontend* secure = nullptr;
    HttpFrontend* insecure = nullptr;
    quint16 securePort = 0;
    quint16 insecurePort = 0;

    bool prepareCredentials(QString* error);
    /// The listening front ends (TLS, and plain HTTP when enabled).
    QList<QAbstractHttpServer*> frontends() const;
    /// Who sent the request: bearer token (static or ServiceAccount), client certificate, or nobody.
    std::optional<UserInfo> authenticate(const Request& request, QTcpSocket* socket, bool secure) const;
    /// Applies a fault configuration (window size, watch dropping, refusing connections).
    void applyFaults(const FaultConfig& config, ApiServer* server);
    /// GET/PUT /debug/faults: loopback clients with system:masters only.
    Response serveFaults(const Request& request, const UserInfo& user);
    /// Serves discovery, version, health, metrics and OpenAPI; nullopt when the path is none of those.
    std::optional<Response> serveNonResource(const QString& path, const QUrlQuery& query);
    Response serveResource(
        const RequestInfo& info, const Request& request, QTcpSocket* socket, const UserInfo& user, bool* streaming);
    /// Answers a SelfSubjectAccessReview for `user`.
    Response reviewAccess(const QJsonObject& review, const UserInfo& user);
    /// POST serviceaccounts/NAME/token: a TokenRequest answered with a signed token.
    Response requestToken(const QString& ns, const QString& name, const QJsonObject& body);
    /// Fills a new kubernetes.io/service-account-token Secret with its token, CA and namespace (the token
    /// controller's job); other Secrets pass through.
    kube::Expected<QJsonObject> populateServiceAccountToken(const QJsonObject& secret);
    /// The OwnerReferencesPermissionEnforcement check for blockOwnerDeletion, as an admission callback.
    std::optional<kube::ApiError> checkOwnerReferences(
        const UserInfo& user, const ResourceInfo& r, const QJsonObject& object, const QJsonObject* old) const;
};

/// JSON body helper.
Response jsonResponse(int code, const QJsonObject& body);
/// A Status error response.
Response errorResponse(const kube::ApiError& error);

} // namespace apiserver
