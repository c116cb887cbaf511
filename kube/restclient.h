#pragma once

#include "apierror.h"
#include "clientconfig.h"
#include "expected.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrlQuery>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace kube {

class CredentialProvider;

/// Where an API object lives: group/version/resource plus namespace, name and subresource.
struct ResourcePath {
    QString group; ///< "" for core
    QString version;
    QString resource;
    QString ns;
    QString name;
    QString subresource;

    /// "/api/v1/namespaces/ns/secrets/name/status".
    QString path() const;
    /// The same path with another name (or none, for the collection).
    ResourcePath withName(const QString& n) const;
    ResourcePath withNamespace(const QString& n) const;
    ResourcePath withSubresource(const QString& s) const;
};

/// One HTTP request to the API server.
struct RestRequest {
    QByteArray verb = "GET";
    QString path;
    QUrlQuery query;
    QByteArray body;
    QByteArray contentType = "application/json";
    QByteArray accept = "application/json";
};

/// One HTTP answer (after retries). `code` 0 means the connection failed; `networkError` says why.
struct RestResponse {
    int code = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError;
    int networkErrorCode = 0; ///< QNetworkReply::NetworkError when `code` is 0
    QString server; ///< "host:port" dialled, for messages
    std::optional<ApiError> localError; ///< never sent: credentials or TLS settings failed (not retried)

    QByteArray header(const QByteArray& name) const;
    bool ok() const { return code >= 200 && code < 300; }
    /// The Status error this answer carries: a connection failure becomes a 503-like ServiceUnavailable naming
    /// host:port, a local failure (exec plugin, unreadable certificate) its own error.
    ApiError error() const;
    /// A response for a request that could not be prepared.
    static RestResponse failedLocally(const ApiError& error);
};

/// One finished request, for metrics (rest_client_requests_total, rest_client_request_duration_seconds).
struct RequestMetric {
    QString method;
    QString host;
    int code = 0; ///< 0: connection error
    double seconds = 0;
};

/// Client behaviour: client-side rate limit, retries, timeouts, identity.
struct RestOptions {
    double qps = 50; ///< client-side token bucket refill rate; 0 disables the limiter
    int burst = 100;
    int maxRetries = 8; ///< for 429, 5xx and dropped connections (5xx/connection only for idempotent verbs)
    int timeoutMs = 30000;
    QByteArray userAgent; ///< empty: "kubelb-sync/<version> (linux)"
    std::function<void(const RequestMetric&)> observer; ///< called after every HTTP attempt
};

/// Patch formats.
enum class PatchFormat { Merge, Json, Strategic };

/// A Kubernetes REST client: TLS and credentials from a ClientConfig, retries with backoff (Retry-After honoured), a
/// token-bucket rate limit, 401 → refreshed credentials. The synchronous facade is safe from any thread except one
/// whose event loop must not block (use RestJob there): each thread sends over its own keep-alive HTTP/1.1
/// connections (kube/http1.h), or its own QNetworkAccessManager when a proxy applies. RestJob and watches use
/// QNetworkAccessManager.
class RestClient {
public:
    RestClient(ClientConfig config, RestOptions options = {});
    ~RestClient();

    const ClientConfig& config() const { return m_config; }
    const RestOptions& options() const { return m_options; }

    /// Sends a request synchronously, retrying as configured.
    RestResponse execute(const RestRequest& request);
    /// Sends one attempt synchronously: no client-side throttling, no retries, no credential refresh; a
    /// `timeoutMs` > 0 replaces the configured transfer timeout (for callers with their own deadline, like leader
    /// election). The observer still sees it.
    RestResponse sendOnce(const RestRequest& request, int timeoutMs = 0);

    Expected<QJsonObject> get(const ResourcePath& path);
    /// Lists a collection; `labelSelector`/`fieldSelector`/`limit`/`continue` go in `query`.
    Expected<QJsonObject> list(const ResourcePath& path, const QUrlQuery& query = {});
    Expected<QJsonObject> create(const ResourcePath& path, const QJsonObject& object, const QUrlQuery& query = {});
    Expected<QJsonObject> update(const ResourcePath& path, const QJsonObject& object, const QUrlQuery& query = {});
    /// PUT to the /status subresource.
    Expected<QJsonObject> updateStatus(const ResourcePath& path, const QJsonObject& object);
    Expected<QJsonObject> patch(
        const ResourcePath& path, PatchFormat format, const QByteArray& patch, const QUrlQuery& query = {});
    /// DELETE with metav1.DeleteOptions (`propagationPolicy`, `preconditions`, ...); answers the object or Status.
    Expected<QJsonObject> remove(const ResourcePath& path, const QJsonObject& deleteOptions = {});

    /// A QNetworkRequest for `request` with TLS, credentials and User-Agent applied (for streams and jobs).
    Expected<QNetworkRequest> prepare(const RestRequest& request);
    /// Tells the credential provider that the server rejected the credentials (401).
    void invalidateCredentials();
    /// Blocks until the client-side rate limiter admits one more request; returns the milliseconds waited.
    int throttle();
    /// Takes one token from the client-side rate limiter without blocking; returns how many milliseconds the
    /// caller must wait before sending (for event-loop threads, which defer instead of sleeping).
    int reserveMs();
    /// How long to wait before attempt `attempt` (1-based) after `response`, or -1 when it must not be retried.
    int retryDelayMs(const QByteArray& verb, const RestResponse& response, int attempt) const;
    /// Reports an attempt to the observer.
    void observe(const QByteArray& verb, const RestResponse& response, double seconds) const;

private:
    Expected<QJsonObject> json(const RestResponse& response) const;

    ClientConfig m_config;
    RestOptions m_options;
    std::unique_ptr<CredentialProvider> m_credentials;
    struct Limiter;
    std::unique_ptr<Limiter> m_limiter;
    struct SslCache;
    std::unique_ptr<SslCache> m_ssl; ///< the TLS configuration, rebuilt only when the client certificate changes
    bool m_http1 = false; ///< synchronous requests take the keep-alive HTTP/1.1 transport (kube/http1.h)
};

/// An asynchronous request for threads that must not block (the GUI): QtKeychain-style job that deletes itself
/// after `finished`.
class RestJob : public QObject {
    Q_OBJECT
public:
    RestJob(RestClient& client, RestRequest request, QObject* parent = nullptr);

    /// Starts on the next event-loop turn.
    void start();
    const RestResponse& response() const { return m_response; }
    /// The decoded JSON object, or the error.
    Expected<QJsonObject> result() const;

Q_SIGNALS:
    void finished(kube::RestJob* job);

private:
    void attempt();
    void send();
    void complete(const RestResponse& response);

    RestClient& m_client;
    RestRequest m_request;
    RestResponse m_response;
    int m_attempt = 0;
    bool m_reauthenticated = false;
};

/// Deletes the calling thread's QNetworkAccessManagers used by the synchronous facade. Call it on the application
/// thread before the QCoreApplication object is destroyed (short-lived CLI programs); it is recreated on demand.
void releaseThreadNetwork();

/// Reads the response of `reply` into a RestResponse (body, status, headers, network error).
RestResponse readReply(QNetworkReply* reply);

} // namespace kube
