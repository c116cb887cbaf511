#include "restclient.h"

#include "credentials.h"
#include "http1.h"
#include "tls.h"
#include "tsan.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QSet>
#include <QSslConfiguration>
#include <QThread>
#include <QThreadStorage>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <mutex>
#include <optional>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

Q_LOGGING_CATEGORY(lcRest, "kubelb.kube.rest")

// TLS verification is off only when the kubeconfig says so, and then the process says it once per server.
void warnInsecureOnce(const ClientConfig& config)
{
    static QMutex mutex;
    static QSet<QString> warned;
    QMutexLocker lock(&mutex);
    if (warned.contains(config.server))
        return;
    warned.insert(config.server);
    qCWarning(lcRest).noquote() << u"TLS certificate verification is disabled for %1 (insecure-skip-tls-verify in "
                                   "the kubeconfig): the server's identity is not checked"_s.arg(config.server);
}

/// The answer's error; a 401 names the context and the kind of credentials, since "Unauthorized" alone helps nobody.
ApiError errorFor(const RestResponse& response, const ClientConfig& config)
{
    ApiError error = response.error();
    if (response.code != 401)
        return error;
    const QString who = config.contextName.isEmpty() ? config.server : u"context \"%1\""_s.arg(config.contextName);
    QString why = u"no credentials were sent"_s;
    if (config.exec)
        why = u"the token of exec plugin \"%1\" expired or is wrong; log in again"_s.arg(config.exec->command);
    else if (!config.token.isEmpty() || !config.tokenFile.isEmpty())
        why = u"the token expired or is wrong"_s;
    else if (!config.clientCertPem.isEmpty())
        why = u"the client certificate expired or its CA is not trusted by the server"_s;
    else if (!config.username.isEmpty())
        why = u"wrong username or password"_s;
    return ApiError(
        401, error.reason(), u"the credentials for %1 were rejected (401 Unauthorized): %2"_s.arg(who, why));
}

/// The network managers of one thread, one per TLS identity (trusted CAs, verification, client certificate): Qt
/// reuses a cached connection by host and port alone, so a request with other TLS settings must not share a
/// manager with one whose connection was verified, or authenticated by certificate, under different ones.
class ThreadManagers : public QObject {
public:
    QNetworkAccessManager* forIdentity(const QByteArray& identity)
    {
        QNetworkAccessManager*& manager = m_managers[identity];
        if (!manager) {
            // The constructor fills Qt's process-wide network backend plugin loader (a QFactoryLoader behind Qt's
            // own QMutex, invisible to TSan); a second thread's first manager reads what the first one's built.
            KubelbTsanIgnore qtInternal;
            manager = new QNetworkAccessManager(this);
        }
        return manager;
    }

    http1::Pool* pool()
    {
        if (!m_pool)
            m_pool = new http1::Pool(this);
        return m_pool;
    }

private:
    QHash<QByteArray, QNetworkAccessManager*> m_managers;
    http1::Pool* m_pool = nullptr;
};

QThreadStorage<ThreadManagers*> g_managers;

// One set per thread: QNetworkAccessManager is not thread-safe, and each worker blocks on its own.
QPointer<ThreadManagers>& applicationThreadManagers()
{
    static QPointer<ThreadManagers> managers;
    return managers;
}

ThreadManagers* threadManagers()
{
    // The application thread's managers are released explicitly (releaseThreadNetwork()) while Qt's network stack
    // is still alive; QThreadStorage would destroy them only after the application object and warn on exit.
    QCoreApplication* app = QCoreApplication::instance();
    if (app && QThread::currentThread() == app->thread()) {
        auto& managers = applicationThreadManagers();
        if (!managers)
            managers = new ThreadManagers;
        return managers;
    }
    if (!g_managers.hasLocalData())
        g_managers.setLocalData(new ThreadManagers);
    return g_managers.localData();
}

QNetworkAccessManager* threadManager(const QByteArray& identity)
{
    return threadManagers()->forIdentity(identity);
}

// The attribute of a prepared request that names its TLS identity (set by RestClient::prepare()).
constexpr auto kTlsIdentityAttribute = QNetworkRequest::Attribute(QNetworkRequest::User + 71);

/// What a TLS connection made for `request` is bound to, as a short key.
QByteArray tlsIdentity(const QNetworkRequest& request)
{
    return request.attribute(kTlsIdentityAttribute).toByteArray();
}

bool idempotent(const QByteArray& verb)
{
    return verb == "GET" || verb == "HEAD" || verb == "PUT" || verb == "DELETE";
}

QByteArray contentTypeOf(PatchFormat f)
{
    switch (f) {
    case PatchFormat::Merge:
        return "application/merge-patch+json";
    case PatchFormat::Json:
        return "application/json-patch+json";
    case PatchFormat::Strategic:
        return "application/strategic-merge-patch+json";
    }
    return "application/merge-patch+json";
}

} // namespace

http1::Pool* http1::threadPool()
{
    return threadManagers()->pool();
}

// A token bucket shared by every thread using the client (client-go's flowcontrol with qps/burst).
struct RestClient::Limiter {
    std::mutex mutex;
    double tokens = 0;
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
    double qps = 0;
    double burst = 0;

    /// Takes one token now or in the future; returns how long the caller must wait for it.
    int reserveMs()
    {
        if (qps <= 0)
            return 0;
        std::lock_guard lock(mutex);
        const auto now = std::chrono::steady_clock::now();
        tokens = std::min(burst, tokens + std::chrono::duration<double>(now - last).count() * qps);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : int(std::ceil(-tokens / qps * 1000.0));
    }
};

void releaseThreadNetwork()
{
    QCoreApplication* app = QCoreApplication::instance();
    if (app && QThread::currentThread() == app->thread())
        delete applicationThreadManagers().data();
    else if (g_managers.hasLocalData())
        g_managers.setLocalData(nullptr);
}

QString ResourcePath::path() const
{
    QString p = group.isEmpty() ? u"/api/"_s + version : u"/apis/%1/%2"_s.arg(group, version);
    if (!ns.isEmpty())
        p += u"/namespaces/"_s + ns;
    p += u'/' + resource;
    if (!name.isEmpty())
        p += u'/' + name;
    if (!subresource.isEmpty())
        p += u'/' + subresource;
    return p;
}

ResourcePath ResourcePath::withName(const QString& n) const
{
    ResourcePath p = *this;
    p.name = n;
    return p;
}

ResourcePath ResourcePath::withNamespace(const QString& n) const
{
    ResourcePath p = *this;
    p.ns = n;
    return p;
}

ResourcePath ResourcePath::withSubresource(const QString& s) const
{
    ResourcePath p = *this;
    p.subresource = s;
    return p;
}

QByteArray RestResponse::header(const QByteArray& name) const
{
    for (const auto& [k, v] : headers)
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

ApiError RestResponse::error() const
{
    if (localError)
        return *localError;
    if (code == 0)
        return ApiError(503, u"ServiceUnavailable"_s,
            u"cannot reach the API server"_s + (server.isEmpty() ? QString() : u" at "_s + server) + u": "_s
                + networkError);
    ApiError e = ApiError::fromStatus(QJsonDocument::fromJson(body).object(), code);
    if (e.retryAfterSeconds() == 0 && !header("Retry-After").isEmpty())
        e.withRetryAfter(header("Retry-After").toInt());
    return e;
}

RestResponse readReply(QNetworkReply* reply)
{
    RestResponse r;
    r.code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen()) // an aborted (timed-out) reply is closed: nothing to read
        r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    if (r.code == 0) {
        r.networkError = reply->errorString();
        r.networkErrorCode = int(reply->error());
    }
    const QUrl url = reply->url();
    r.server = url.host() + u':' + QString::number(url.port(url.scheme() == "http"_L1 ? 80 : 443));
    return r;
}

RestResponse RestResponse::failedLocally(const ApiError& error)
{
    RestResponse r;
    r.networkError = error.message();
    r.localError = error;
    return r;
}

// Building a QSslConfiguration parses the CA (and client certificate) PEM; doing that for every request cost
// the controllers a fifth of their CPU (bench/PROFILE.md). It only changes when the credentials' certificate does.
struct RestClient::SslCache {
    std::mutex mutex;
    QByteArray key; ///< client certificate + key PEM the configuration was built with
    std::optional<QSslConfiguration> ssl;
    QByteArray identity; ///< the TLS identity of requests made with `ssl` (see threadManager())
};

RestClient::RestClient(ClientConfig config, RestOptions options)
    : m_config(std::move(config))
    , m_options(std::move(options))
    , m_credentials(std::make_unique<CredentialProvider>(m_config))
    , m_limiter(std::make_unique<Limiter>())
    , m_ssl(std::make_unique<SslCache>())
{
    if (m_options.userAgent.isEmpty())
        m_options.userAgent = "kubelb-sync/" KUBELB_VERSION " (linux)";
    m_limiter->qps = m_options.qps;
    m_limiter->burst = std::max(1, m_options.burst);
    m_limiter->tokens = m_limiter->burst;
    if (m_config.insecureSkipTlsVerify)
        warnInsecureOnce(m_config);
    m_http1 = http1::supports(m_config);
}

RestClient::~RestClient() = default;

Expected<QNetworkRequest> RestClient::prepare(const RestRequest& request)
{
    QUrl url(m_config.server);
    url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) + request.path);
    url.setQuery(request.query);
    QNetworkRequest req(url);
    auto credentials = m_credentials->current();
    if (!credentials)
        return credentials.error();
    QSslConfiguration ssl;
    QByteArray identity;
    {
        std::lock_guard lock(m_ssl->mutex);
        const QByteArray key = credentials->clientCertPem + '\0' + credentials->clientKeyPem;
        if (!m_ssl->ssl || m_ssl->key != key) {
            auto built = sslConfiguration(m_config, *credentials);
            if (!built)
                return built.error();
            m_ssl->ssl = *built;
            m_ssl->key = key;
            // Which manager (and so which pooled connections) may carry this request: see threadManager().
            QCryptographicHash tls(QCryptographicHash::Sha256);
            tls.addData(m_config.caPem);
            tls.addData(m_config.insecureSkipTlsVerify ? "\1insecure\1" : "\1verify\1");
            tls.addData(credentials->clientCertPem.isEmpty() ? m_config.clientCertPem : credentials->clientCertPem);
            tls.addData(m_config.tlsServerName.toUtf8());
            m_ssl->identity = tls.result();
        }
        ssl = *m_ssl->ssl;
        identity = m_ssl->identity;
    }
    configureRequest(req, m_config, ssl, *credentials);
    req.setAttribute(kTlsIdentityAttribute, identity);
    req.setHeader(QNetworkRequest::UserAgentHeader, m_options.userAgent);
    req.setRawHeader("Accept", request.accept);
    if (!request.body.isNull())
        req.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    req.setTransferTimeout(m_options.timeoutMs);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    return req;
}

void RestClient::invalidateCredentials()
{
    m_credentials->invalidate();
}

int RestClient::throttle()
{
    const int wait = m_limiter->reserveMs();
    if (wait > 0)
        QThread::msleep(ulong(wait));
    return wait;
}

int RestClient::reserveMs()
{
    return m_limiter->reserveMs();
}

int RestClient::retryDelayMs(const QByteArray& verb, const RestResponse& response, int attempt) const
{
    if (attempt > m_options.maxRetries || response.localError)
        return -1;
    const bool throttled = response.code == 429;
    const bool transient = response.code == 0 || response.code == 500 || response.code == 502 || response.code == 503
        || response.code == 504;
    // A 429 was not processed, so any verb may repeat; other failures may have been applied already.
    if (!throttled && !(transient && idempotent(verb)))
        return -1;
    const int retryAfter = response.header("Retry-After").toInt();
    if (retryAfter > 0)
        return std::min(retryAfter, 60) * 1000;
    const int base = std::min(5000, 100 << std::min(attempt - 1, 6));
    return base + int(QRandomGenerator::global()->bounded(base / 5 + 1));
}

void RestClient::observe(const QByteArray& verb, const RestResponse& response, double seconds) const
{
    if (m_options.observer)
        m_options.observer({ QString::fromLatin1(verb), QUrl(m_config.server).host(), response.code, seconds });
}

RestResponse RestClient::sendOnce(const RestRequest& request, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    auto prepared = prepare(request);
    if (!prepared)
        return RestResponse::failedLocally(prepared.error());
    if (timeoutMs > 0)
        prepared->setTransferTimeout(timeoutMs);
    if (m_http1) {
        RestResponse r = http1::threadPool()->send(*prepared, request.verb, request.body, tlsIdentity(*prepared));
        observe(request.verb, r, double(timer.nsecsElapsed()) / 1e9);
        return r;
    }
    QNetworkAccessManager* manager = threadManager(tlsIdentity(*prepared));
    manager->setProxy(networkProxy(m_config));
    QNetworkReply* reply = manager->sendCustomRequest(*prepared, request.verb, request.body);
    if (!reply->isFinished()) {
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    RestResponse r = readReply(reply);
    delete reply;
    observe(request.verb, r, double(timer.nsecsElapsed()) / 1e9);
    return r;
}

RestResponse RestClient::execute(const RestRequest& request)
{
    bool reauthenticated = false;
    for (int attempt = 1;; ++attempt) {
        throttle();
        RestResponse response = sendOnce(request);
        if (response.code == 401 && !reauthenticated) {
            reauthenticated = true;
            invalidateCredentials();
            continue;
        }
        const int delay = retryDelayMs(request.verb, response, attempt);
        if (delay < 0)
            return response;
        QThread::msleep(ulong(delay));
    }
}

Expected<QJsonObject> RestClient::json(const RestResponse& response) const
{
    if (!response.ok())
        return errorFor(response, m_config);
    if (response.body.trimmed().isEmpty())
        return QJsonObject {};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(response.body, &error);
    if (!doc.isObject())
        return ApiError::internal(u"the server answered with invalid JSON: "_s + error.errorString());
    return doc.object();
}

Expected<QJsonObject> RestClient::get(const ResourcePath& path)
{
    return json(execute({ "GET", path.path(), {}, {}, {}, "application/json" }));
}

Expected<QJsonObject> RestClient::list(const ResourcePath& path, const QUrlQuery& query)
{
    return json(execute({ "GET", path.withName({}).path(), query, {}, {}, "application/json" }));
}

Expected<QJsonObject> RestClient::create(const ResourcePath& path, const QJsonObject& object, const QUrlQuery& query)
{
    return json(execute({ "POST", path.withName({}).path(), query, QJsonDocument(object).toJson(QJsonDocument::Compact),
        "application/json", "application/json" }));
}

Expected<QJsonObject> RestClient::update(const ResourcePath& path, const QJsonObject& object, const QUrlQuery& query)
{
    return json(execute({ "PUT", path.path(), query, QJsonDocument(object).toJson(QJsonDocument::Compact),
        "application/json", "application/json" }));
}

Expected<QJsonObject> RestClient::updateStatus(const ResourcePath& path, const QJsonObject& object)
{
    return update(path.withSubresource(u"status"_s), object);
}

Expected<QJsonObject> RestClient::patch(
    const ResourcePath& path, PatchFormat format, const QByteArray& patch, const QUrlQuery& query)
{
    return json(execute({ "PATCH", path.path(), query, patch, contentTypeOf(format), "application/json" }));
}

Expected<QJsonObject> RestClient::remove(const ResourcePath& path, const QJsonObject& deleteOptions)
{
    const QByteArray body
        = deleteOptions.isEmpty() ? QByteArray() : QJsonDocument(deleteOptions).toJson(QJsonDocument::Compact);
    return json(execute({ "DELETE", path.path(), {}, body, "application/json", "application/json" }));
}

RestJob::RestJob(RestClient& client, RestRequest request, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_request(std::move(request))
{
}

void RestJob::start()
{
    QTimer::singleShot(0, this, &RestJob::attempt);
}

// Waits for the client-side rate limiter without blocking the thread, then sends.
void RestJob::attempt()
{
    ++m_attempt;
    const int wait = m_client.reserveMs();
    if (wait > 0)
        QTimer::singleShot(wait, this, &RestJob::send);
    else
        send();
}

void RestJob::send()
{
    auto prepared = m_client.prepare(m_request);
    if (!prepared) {
        complete(RestResponse::failedLocally(prepared.error()));
        return;
    }
    QElapsedTimer timer;
    timer.start();
    QNetworkAccessManager* manager = threadManager(tlsIdentity(*prepared));
    manager->setProxy(networkProxy(m_client.config()));
    QNetworkReply* reply = manager->sendCustomRequest(*prepared, m_request.verb, m_request.body);
    reply->setParent(this); // a job deleted early aborts its request
    connect(reply, &QNetworkReply::finished, this, [this, reply, timer] {
        const RestResponse response = readReply(reply);
        reply->deleteLater();
        m_client.observe(m_request.verb, response, double(timer.nsecsElapsed()) / 1e9);
        if (response.code == 401 && !m_reauthenticated) {
            m_reauthenticated = true;
            m_client.invalidateCredentials();
            QTimer::singleShot(0, this, &RestJob::send);
            return;
        }
        const int delay = m_client.retryDelayMs(m_request.verb, response, m_attempt);
        if (delay < 0)
            complete(response);
        else
            QTimer::singleShot(delay, this, &RestJob::attempt);
    });
}

void RestJob::complete(const RestResponse& response)
{
    m_response = response;
    Q_EMIT finished(this);
    deleteLater();
}

Expected<QJsonObject> RestJob::result() const
{
    if (!m_response.ok())
        return errorFor(m_response, m_client.config());
    const QJsonDocument doc = QJsonDocument::fromJson(m_response.body);
    return doc.isObject() ? Expected<QJsonObject>(doc.object())
                          : Expected<QJsonObject>(ApiError::internal(u"the server answered with invalid JSON"_s));
}

} // namespace kube
