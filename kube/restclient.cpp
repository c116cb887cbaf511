#include "restclient.h"

#include "credentials.h"
#include "tls.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
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

QThreadStorage<QNetworkAccessManager*> g_managers;

// One manager per thread: QNetworkAccessManager is not thread-safe, and each worker blocks on its own.
QPointer<QNetworkAccessManager>& applicationThreadManager()
{
    static QPointer<QNetworkAccessManager> manager;
    return manager;
}

QNetworkAccessManager* threadManager()
{
    // The application thread's manager is released explicitly (releaseThreadNetwork()) while Qt's network stack
    // is still alive; QThreadStorage would destroy it only after the application object and warn on exit.
    QCoreApplication* app = QCoreApplication::instance();
    if (app && QThread::currentThread() == app->thread()) {
        auto& manager = applicationThreadManager();
        if (!manager)
            manager = new QNetworkAccessManager;
        return manager;
    }
    if (!g_managers.hasLocalData())
        g_managers.setLocalData(new QNetworkAccessManager);
    return g_managers.localData();
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
        delete applicationThreadManager().data();
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
    if (code == 0)
        return ApiError(503, u"ServiceUnavailable"_s, u"cannot reach the API server: "_s + networkError);
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
    if (r.code == 0)
        r.networkError = reply->errorString();
    return r;
}

// Building a QSslConfiguration parses the CA (and client certificate) PEM; doing that for every request cost
// the controllers a fifth of their CPU (bench/PROFILE.md). It only changes when the credentials' certificate does.
struct RestClient::SslCache {
    std::mutex mutex;
    QByteArray key; ///< client certificate + key PEM the configuration was built with
    std::optional<QSslConfiguration> ssl;
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
    {
        std::lock_guard lock(m_ssl->mutex);
        const QByteArray key = credentials->clientCertPem + '\0' + credentials->clientKeyPem;
        if (!m_ssl->ssl || m_ssl->key != key) {
            auto built = sslConfiguration(m_config, *credentials);
            if (!built)
                return built.error();
            m_ssl->ssl = *built;
            m_ssl->key = key;
        }
        ssl = *m_ssl->ssl;
    }
    configureRequest(req, m_config, ssl, *credentials);
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
    if (attempt > m_options.maxRetries)
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
        return RestResponse { 0, {}, {}, prepared.error().message() };
    if (timeoutMs > 0)
        prepared->setTransferTimeout(timeoutMs);
    QNetworkAccessManager* manager = threadManager();
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
        return response.error();
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
        complete(RestResponse { 0, {}, {}, prepared.error().message() });
        return;
    }
    QElapsedTimer timer;
    timer.start();
    QNetworkAccessManager* manager = threadManager();
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
        return m_response.error();
    const QJsonDocument doc = QJsonDocument::fromJson(m_response.body);
    return doc.isObject() ? Expected<QJsonObject>(doc.object())
                          : Expected<QJsonObject>(ApiError::internal(u"the server answered with invalid JSON"_s));
}

} // namespace kube
