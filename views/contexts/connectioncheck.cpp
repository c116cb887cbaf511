// Connection checks: the probe runs on a thread of its own with the synchronous RestClient facade (one attempt per
// request, no retries) and its report returns to the caller's thread through a QFutureWatcher, which is destroyed
// with the check so a late report goes nowhere.
#include "connectioncheck.h"

#include "kube/restclient.h"

#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QPromise>
#include <QSslError>
#include <QThread>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace views {

namespace {

/// The parts of the kubeconfig a message points at.
struct Subject {
    QString context;
    const kube::KubeconfigCluster* cluster = nullptr;
    const kube::KubeconfigUser* user = nullptr;
    QString hostPort;
    QString verifyName; ///< the name the server certificate must hold (tls-server-name, else the host)
};

QString clusterField(const Subject& s, const QString& field)
{
    return s.cluster ? s.cluster->origin.where(u"cluster."_s + field) : u"the kubeconfig"_s;
}

QString userField(const Subject& s, const QString& field)
{
    const QString path = field.isEmpty() ? u"user"_s : u"user."_s + field;
    return s.user ? s.user->origin.where(path) : u"the kubeconfig"_s;
}

QString authKind(const kube::ClientConfig& config)
{
    if (config.exec)
        return u"the exec plugin \"%1\""_s.arg(config.exec->command);
    if (!config.tokenFile.isEmpty())
        return u"the token file %1"_s.arg(config.tokenFile);
    if (!config.token.isEmpty())
        return u"its bearer token"_s;
    if (!config.clientCertPem.isEmpty())
        return u"its client certificate"_s;
    if (!config.username.isEmpty())
        return u"basic auth as \"%1\""_s.arg(config.username);
    return u"no credentials (anonymous)"_s;
}

enum class TlsProblem { None, UnknownCa, HostnameMismatch, Expired, Other };

TlsProblem tlsProblem(const kube::RestResponse& r)
{
    static const QList<QPair<QSslError::SslError, TlsProblem>> kinds {
        { QSslError::UnableToGetIssuerCertificate, TlsProblem::UnknownCa },
        { QSslError::UnableToGetLocalIssuerCertificate, TlsProblem::UnknownCa },
        { QSslError::UnableToVerifyFirstCertificate, TlsProblem::UnknownCa },
        { QSslError::SelfSignedCertificate, TlsProblem::UnknownCa },
        { QSslError::SelfSignedCertificateInChain, TlsProblem::UnknownCa },
        { QSslError::CertificateUntrusted, TlsProblem::UnknownCa },
        { QSslError::InvalidCaCertificate, TlsProblem::UnknownCa },
        { QSslError::HostNameMismatch, TlsProblem::HostnameMismatch },
        { QSslError::CertificateExpired, TlsProblem::Expired },
        { QSslError::CertificateNotYetValid, TlsProblem::Expired },
    };
    // QNetworkReply reports only the first SSL error's text; match it against Qt's own wording.
    for (const auto& [error, problem] : kinds)
        if (r.networkError.contains(QSslError(error).errorString()))
            return problem;
    if (r.networkErrorCode == QNetworkReply::SslHandshakeFailedError)
        return TlsProblem::Other;
    return TlsProblem::None;
}

QString describeTls(const Subject& s, const kube::RestResponse& r, TlsProblem problem)
{
    const QString controls = u"The cluster's certificate-authority / certificate-authority-data (%1) decides "
                             "which CA is trusted; insecure-skip-tls-verify: true turns verification off (not "
                             "recommended)."_s.arg(clusterField(s, u"certificate-authority-data"_s));
    switch (problem) {
    case TlsProblem::UnknownCa:
        return u"Context \"%1\": TLS failed: the certificate of %2 is signed by an unknown CA (%3). %4"_s.arg(
            s.context, s.hostPort, r.networkError, controls);
    case TlsProblem::HostnameMismatch:
        return u"Context \"%1\": TLS failed: the certificate of %2 is not valid for %3 (%4). Set tls-server-name "
               "(%5) to a name the certificate holds, or use that name in server:. %6"_s.arg(s.context, s.hostPort,
                   s.verifyName, r.networkError, clusterField(s, u"tls-server-name"_s), controls);
    case TlsProblem::Expired:
        return u"Context \"%1\": TLS failed: the certificate of %2 has expired or is not yet valid (%3); renew it "
               "or check this machine's clock. %4"_s.arg(s.context, s.hostPort, r.networkError, controls);
    default:
        return u"Context \"%1\": TLS handshake with %2 failed: %3. %4"_s.arg(
            s.context, s.hostPort, r.networkError, controls);
    }
}

QString describeNetwork(const Subject& s, const kube::RestResponse& r, int timeoutMs)
{
    if (const TlsProblem problem = tlsProblem(r); problem != TlsProblem::None)
        return describeTls(s, r, problem);
    const QString server = clusterField(s, u"server"_s);
    switch (r.networkErrorCode) {
    case QNetworkReply::ConnectionRefusedError:
        return u"Context \"%1\": connection refused by %2: is the API server running there, and is server: (%3) "
               "right?"_s.arg(s.context, s.hostPort, server);
    case QNetworkReply::HostNotFoundError:
        return u"Context \"%1\": the host of %2 was not found (DNS): check server: (%3) and your network or "
               "VPN."_s.arg(s.context, s.hostPort, server);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return u"Context \"%1\": no answer from %2 within %3 s: a firewall, VPN or proxy may be in the way (%4)."_s.arg(
            s.context, s.hostPort, QString::number(timeoutMs / 1000.0), server);
    default:
        return u"Context \"%1\": cannot reach %2: %3 (%4)."_s.arg(s.context, s.hostPort, r.networkError, server);
    }
}

QString describeLocal(const Subject& s, const kube::ApiError& error)
{
    if (error.reason() == "ExecPluginFailed"_L1) {
        const QString command = userField(s, u"exec.command"_s);
        if (error.message().contains(u"not found"_s))
            return u"Context \"%1\": %2. Install the plugin, or fix command: (%3) to name it by an absolute path "
                   "or a program on that PATH."_s.arg(s.context, error.message(), command);
        return u"Context \"%1\": %2. Run the plugin by hand to see why it fails; it is configured at %3."_s.arg(
            s.context, error.message(), command);
    }
    return u"Context \"%1\": %2"_s.arg(s.context, error.message());
}

QString describeHttp(const Subject& s, const kube::ClientConfig& config, const kube::RestResponse& r)
{
    const kube::ApiError error = r.error();
    if (r.code == 401) {
        if (config.token.isEmpty() && config.tokenFile.isEmpty() && !config.exec && config.clientCertPem.isEmpty()
            && config.username.isEmpty())
            return u"Context \"%1\": the server requires credentials (401) and user \"%2\" has none: enter a token "
                   "with \"Enter token…\" or add one to the kubeconfig (%3)."_s.arg(
                       s.context, config.userName, userField(s, QString()));
        QString remedy = u"get a new token and update the kubeconfig (%1) or enter one with \"Enter token…\""_s.arg(
            userField(s, u"token"_s));
        if (config.exec)
            remedy = u"log in again so that the exec plugin \"%1\" hands out a fresh token"_s.arg(config.exec->command);
        else if (!config.clientCertPem.isEmpty())
            remedy = u"the client certificate may have expired or be signed by a CA the server does not trust"_s;
        else if (!config.username.isEmpty())
            remedy = u"check the username and password"_s;
        return u"Context \"%1\": the credentials for context %1 were rejected (401) — %2 — token expired or wrong: "
               "%3."_s.arg(s.context, authKind(config), remedy);
    }
    if (r.code == 403)
        return u"Context \"%1\": forbidden (403): %2. Ask a cluster admin for a (Cluster)Role binding that allows "
               "this verb on this resource."_s.arg(s.context, error.message());
    return u"Context \"%1\": the API server at %2 answered %3: %4"_s.arg(
        s.context, s.hostPort, QString::number(r.code), error.message());
}

kube::RestResponse get(kube::RestClient& client, const QString& path, const QUrlQuery& query, int timeoutMs)
{
    kube::RestRequest request;
    request.path = path;
    request.query = query;
    return client.sendOnce(request, timeoutMs);
}

} // namespace

QString connectionStateText(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Unknown:
        return u"Not tested"_s;
    case ConnectionState::Connecting:
        return u"Connecting…"_s;
    case ConnectionState::Connected:
        return u"Connected"_s;
    case ConnectionState::Failed:
        return u"Failed"_s;
    }
    return {};
}

ConnectionCheck::ConnectionCheck(kube::Kubeconfig kubeconfig, QString context, QObject* parent)
    : QObject(parent)
    , m_kubeconfig(std::move(kubeconfig))
    , m_context(std::move(context))
{
}

ConnectionCheck::~ConnectionCheck() = default;

void ConnectionCheck::start()
{
    delete m_watcher; // a restarted check ignores the previous probe
    m_watcher = new QFutureWatcher<ConnectionReport>(this);
    auto promise = std::make_shared<QPromise<ConnectionReport>>();
    connect(m_watcher, &QFutureWatcher<ConnectionReport>::finished, this, [this, watcher = m_watcher] {
        if (watcher == m_watcher && watcher->future().resultCount() > 0)
            setReport(watcher->future().result());
    });
    m_watcher->setFuture(promise->future());
    setReport({ ConnectionState::Connecting, u"Connecting to context \"%1\"…"_s.arg(m_context), {} });
    // A thread of its own: the REST client's per-thread network manager (and its cached, already verified TLS
    // connections) ends with it, so every probe does its own TLS handshake with this context's CA and certificate.
    QThread* thread = QThread::create([promise, config = m_kubeconfig, context = m_context, token = m_token,
                                          password = m_password, timeout = m_timeoutMs] {
        promise->start();
        promise->addResult(probe(config, context, token, password, timeout));
        promise->finish();
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void ConnectionCheck::setReport(const ConnectionReport& report)
{
    m_report = report;
    Q_EMIT stateChanged(report.state, report.message);
    if (report.state == ConnectionState::Connected || report.state == ConnectionState::Failed)
        Q_EMIT finished(this);
}

ConnectionReport ConnectionCheck::probe(const kube::Kubeconfig& kubeconfig, const QString& context,
    const QString& token, const QString& password, int timeoutMs)
{
    Subject subject { context, nullptr, nullptr, {}, {} };
    if (const kube::KubeconfigContext* entry = kubeconfig.context(context)) {
        subject.cluster = kubeconfig.cluster(entry->cluster);
        subject.user = kubeconfig.user(entry->user);
    }
    kube::Expected<kube::ClientConfig> resolved = kube::resolveContext(kubeconfig, context);
    if (!resolved)
        return { ConnectionState::Failed, describeLocal(subject, resolved.error()), {} };
    kube::ClientConfig config = *resolved;
    if (!token.isEmpty()) {
        config.token = token;
        config.tokenFile.clear();
        config.exec.reset();
        config.username.clear();
        config.password.clear();
    } else if (!password.isEmpty()) {
        config.password = password;
    }
    const QUrl server(config.server);
    subject.hostPort = server.host() + u':' + QString::number(server.port(server.scheme() == "http"_L1 ? 80 : 443));
    subject.verifyName = config.tlsServerName.isEmpty() ? server.host() : config.tlsServerName;

    kube::RestOptions options;
    options.qps = 0;
    options.maxRetries = 0;
    options.timeoutMs = timeoutMs;
    kube::RestClient client(config, options);
    const kube::RestResponse version = get(client, u"/version"_s, {}, timeoutMs);
    if (version.localError)
        return { ConnectionState::Failed, describeLocal(subject, *version.localError), {} };
    if (version.code == 0)
        return { ConnectionState::Failed, describeNetwork(subject, version, timeoutMs), {} };
    if (!version.ok())
        return { ConnectionState::Failed, describeHttp(subject, config, version), {} };
    const QString gitVersion = QJsonDocument::fromJson(version.body).object().value(u"gitVersion"_s).toString();

    const kube::RestResponse list
        = get(client, u"/apis/kubelb.k8c.io/v1alpha1/syncsecrets"_s, QUrlQuery { { u"limit"_s, u"1"_s } }, timeoutMs);
    if (list.code == 0)
        return { ConnectionState::Failed, describeNetwork(subject, list, timeoutMs), gitVersion };
    if (list.code == 404)
        return { ConnectionState::Connected,
            u"Connected to %1 (Kubernetes %2), but the SyncSecret CRD (syncsecrets.kubelb.k8c.io) is not installed "
            "there: kubectl --context %3 apply -f packaging/kubernetes/base/syncsecret-crd.yaml"_s.arg(
                subject.hostPort, gitVersion, context),
            gitVersion };
    if (!list.ok())
        return { ConnectionState::Failed, describeHttp(subject, config, list), gitVersion };
    return { ConnectionState::Connected,
        u"Connected to %1 (Kubernetes %2) with %3; SyncSecrets can be listed."_s.arg(
            subject.hostPort, gitVersion, authKind(config)),
        gitVersion };
}

} // namespace views
