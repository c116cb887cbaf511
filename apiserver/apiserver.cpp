#include "apiserver.h"

#include "apiserver_p.h"
#include "http.h"

#include <QAbstractHttpServer>
#include <QDir>
#include <QFile>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace apiserver {

// Info and up by default: the per-request debug line costs a stderr write per request (`-v` turns it on).
Q_LOGGING_CATEGORY(lcServer, "kubelb.apiserver", QtInfoMsg)

namespace {

const char kReadDeadline[] = "kubelb-read-deadline";

/// A listener whose connections must deliver each request within `readTimeoutMs` of its first byte (Go's
/// http.Server ReadTimeout): a client that sends part of a request and then stalls or dribbles gets 408 and the
/// connection is closed, so slow clients cannot hold connections forever. Other connections are never blocked: the
/// server reads everything asynchronously on its event loop.
template <typename Base> class DeadlineServer : public Base {
public:
    DeadlineServer(int readTimeoutMs, QObject* parent)
        : Base(parent)
        , m_readTimeoutMs(readTimeoutMs)
    {
    }

    // Runs before QAbstractHttpServer connects its own readyRead handler, so the deadline starts before a request
    // that arrives in one piece is parsed and served (HttpFrontend::handleRequest stops it).
    QTcpSocket* nextPendingConnection() override
    {
        QTcpSocket* socket = Base::nextPendingConnection();
        if (socket && m_readTimeoutMs > 0)
            armReadDeadline(socket);
        return socket;
    }

private:
    void armReadDeadline(QTcpSocket* socket) const
    {
        auto* deadline = new QTimer(socket);
        deadline->setObjectName(QLatin1StringView(kReadDeadline));
        deadline->setSingleShot(true);
        deadline->setInterval(m_readTimeoutMs);
        QObject::connect(socket, &QIODevice::readyRead, deadline, [deadline] {
            if (!deadline->isActive())
                deadline->start();
        });
        const int seconds = (m_readTimeoutMs + 999) / 1000;
        QObject::connect(deadline, &QTimer::timeout, socket, [socket, seconds] {
            const Response r = errorResponse(kube::ApiError(
                408, u"Timeout"_s, u"the request was not received within %1s (client too slow)"_s.arg(seconds)));
            qCDebug(lcServer).noquote() << "closing a connection that did not send its request in time";
            http::writeResponse(socket, r.code, r.contentType, r.body, { { "Connection", "close" } });
            socket->disconnectFromHost();
        });
    }

    int m_readTimeoutMs;
};

} // namespace

/// One listener (TLS or plain) that hands every parsed request to the ApiServer.
class HttpFrontend : public QAbstractHttpServer {
public:
    HttpFrontend(ApiServer* server, bool secure)
        : QAbstractHttpServer(server)
        , m_server(server)
        , m_secure(secure)
    {
    }

    /// Listens on address:port (TLS when `ssl` is set) with the read deadline; the port, or 0 on failure.
    quint16 listenWithDeadline(
        const QHostAddress& address, quint16 port, const QSslConfiguration* ssl, int readTimeoutMs)
    {
        QTcpServer* server = nullptr;
        if (ssl) {
            auto* sslServer = new DeadlineServer<QSslServer>(readTimeoutMs, this);
            sslServer->setSslConfiguration(*ssl);
            server = sslServer;
        } else {
            server = new DeadlineServer<QTcpServer>(readTimeoutMs, this);
        }
        if (!server->listen(address, port)) {
            delete server;
            return 0;
        }
        bind(server);
        return server->serverPort();
    }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override
    {
        if (auto* deadline = socket->findChild<QTimer*>(QLatin1StringView(kReadDeadline), Qt::FindDirectChildrenOnly))
            deadline->stop();
        m_server->handle(request, socket, m_secure);
        return true;
    }
    void missingHandler(const QHttpServerRequest&, QTcpSocket*) override { }

private:
    ApiServer* m_server;
    bool m_secure;
};

namespace {

QString randomToken()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()), bytes.size() / 4);
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool readFile(const QString& path, QByteArray* out)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    *out = f.readAll();
    return true;
}

bool writePrivateFile(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = u"cannot write %1: %2"_s.arg(path, f.errorString());
        return false;
    }
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(data);
    if (!f.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

ApiServer::ApiServer(ApiServerConfig config, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->config = std::move(config);
    d->store.setWindowSize(d->config.watchWindow);
}

ApiServer::~ApiServer()
{
    // Open watch streams (children of the listeners' sockets) unregister from the store when destroyed: the
    // listeners go first, while the store still exists.
    delete d->secure;
    delete d->insecure;
}

Registry& ApiServer::registry()
{
    return d->registry;
}
ObjectStore& ApiServer::store()
{
    return d->store;
}
ResourceTable& ApiServer::resources()
{
    return d->resources;
}

// Loads or creates the CA, serving certificate and admin token (in the data dir when there is one).
bool ApiServer::Private::prepareCredentials(QString* error)
{
    const QString dir = config.dataDir;
    const auto path = [&](const QString& file) { return QDir(dir).filePath(file); };
    if (!config.tlsCertFile.isEmpty()) {
        if (!readFile(config.tlsCertFile, &serving.certPem) || !readFile(config.tlsKeyFile, &serving.keyPem)) {
            *error = u"cannot read --tls-cert %1 / --tls-key %2"_s.arg(config.tlsCertFile, config.tlsKeyFile);
            return false;
        }
    } else if (dir.isEmpty() || !readFile(path(u"ca.crt"_s), &ca.certPem) || !readFile(path(u"ca.key"_s), &ca.keyPem)
        || !readFile(path(u"serving.crt"_s), &serving.certPem) || !readFile(path(u"serving.key"_s), &serving.keyPem)) {
        auto newCa = pki::createCertificateAuthority(u"kubelb-sync-ca"_s, error);
        if (!newCa)
            return false;
        auto newServing = pki::createServingCertificate(*newCa,
            { u"localhost"_s, u"kubernetes"_s, u"kubernetes.default"_s, u"kubernetes.default.svc"_s },
            { u"127.0.0.1"_s, u"::1"_s }, error);
        if (!newServing)
            return false;
        ca = *newCa;
        serving = *newServing;
        if (!dir.isEmpty()
            && !(writePrivateFile(path(u"ca.crt"_s), ca.certPem, error)
                && writePrivateFile(path(u"ca.key"_s), ca.keyPem, error)
                && writePrivateFile(path(u"serving.crt"_s), serving.certPem, error)
                && writePrivateFile(path(u"serving.key"_s), serving.keyPem, error)))
            return false;
    }
    QByteArray token;
    if (dir.isEmpty() || !readFile(path(u"admin.token"_s), &token) || token.trimmed().isEmpty()) {
        token = randomToken().toLatin1();
        if (!dir.isEmpty() && !writePrivateFile(path(u"admin.token"_s), token, error))
            return false;
    }
    adminToken = QString::fromLatin1(token.trimmed());
    QByteArray saKey;
    if (dir.isEmpty() || !readFile(path(u"sa.key"_s), &saKey) || saKey.size() < 32) {
        saKey = randomToken().toLatin1();
        if (!dir.isEmpty() && !writePrivateFile(path(u"sa.key"_s), saKey, error))
            return false;
    }
    saTokens = std::make_unique<ServiceAccountTokens>(store, saKey);
    authenticator.addToken(adminToken, { u"kubernetes-admin"_s, u"admin"_s, { u"system:masters"_s } });
    if (!config.tokenFile.isEmpty() && !authenticator.loadFile(config.tokenFile, error))
        return false;
    return true;
}

bool ApiServer::start(QString* error)
{
    if (!d->config.dataDir.isEmpty() && !d->store.open(d->config.dataDir, error))
        return false;
    d->registry.setGarbageCollectorEnabled(d->config.garbageCollector);
    d->registry.bootstrap();
    if (!d->prepareCredentials(error))
        return false;
    for (const auto& object : bootstrapRbacObjects()) {
        const ResourceInfo r
            = *d->resources.findKind(object.value(u"apiVersion"_s).toString(), object.value(u"kind"_s).toString());
        if (!d->registry.get(r, {}, object.value(u"metadata"_s).toObject().value(u"name"_s).toString()))
            d->registry.create(r, {}, object, {});
    }
    if (!d->config.faults.isEmpty()) {
        const auto json = QJsonDocument::fromJson(d->config.faults.toUtf8());
        const auto faults = FaultConfig::fromJson(json.object(), error);
        if (!json.isObject() || !faults) {
            if (error->isEmpty())
                *error = u"--faults is not a JSON object"_s;
            return false;
        }
        d->applyFaults(*faults, this);
    }
    const QSslCertificate cert(d->serving.certPem, QSsl::Pem);
    const QSslKey key(d->serving.keyPem, QSsl::Ec, QSsl::Pem);
    const QSslKey rsaKey(d->serving.keyPem, QSsl::Rsa, QSsl::Pem);
    if (cert.isNull() || (key.isNull() && rsaKey.isNull())) {
        *error = u"the serving certificate or key cannot be loaded"_s;
        return false;
    }
    d->secure = new HttpFrontend(this, true);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificate(cert);
    ssl.setPrivateKey(key.isNull() ? rsaKey : key);
    // Ask for a client certificate without requiring one; pki::verifyClientCertificate judges it per request.
    ssl.setPeerVerifyMode(QSslSocket::QueryPeer);
    d->securePort = d->secure->listenWithDeadline(d->config.bindAddress, d->config.port, &ssl, d->config.readTimeoutMs);
    if (d->securePort == 0) {
        *error = u"cannot listen on %1:%2"_s.arg(d->config.bindAddress.toString()).arg(d->config.port);
        return false;
    }
    if (d->config.insecure) {
        if (!d->config.insecureAddress.isLoopback()) {
            *error = u"--insecure-bind must be a loopback address"_s;
            return false;
        }
        d->insecure = new HttpFrontend(this, false);
        d->insecurePort = d->insecure->listenWithDeadline(
            d->config.insecureAddress, d->config.insecurePort, nullptr, d->config.readTimeoutMs);
        if (d->insecurePort == 0) {
            *error = u"cannot listen on %1:%2"_s.arg(d->config.insecureAddress.toString()).arg(d->config.insecurePort);
            return false;
        }
    }
    qCInfo(lcServer).noquote() << "serving on" << url();
    return true;
}

QList<QAbstractHttpServer*> ApiServer::Private::frontends() const
{
    QList<QAbstractHttpServer*> out;
    if (secure)
        out.append(secure);
    if (insecure)
        out.append(insecure);
    return out;
}

quint16 ApiServer::securePort() const
{
    return d->securePort;
}
quint16 ApiServer::insecurePort() const
{
    return d->insecurePort;
}
QString ApiServer::adminToken() const
{
    return d->adminToken;
}
QByteArray ApiServer::caCertificatePem() const
{
    return d->ca.certPem;
}

QString ApiServer::url() const
{
    QHostAddress host = d->config.bindAddress;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    const QString h
        = host.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + host.toString() + u']' : host.toString();
    return u"https://%1:%2"_s.arg(h).arg(d->securePort);
}

QByteArray ApiServer::kubeconfigCluster(const QString& name) const
{
    const QByteArray ca = d->ca.certPem.isEmpty() ? d->serving.certPem : d->ca.certPem;
    return "- name: " + name.toUtf8() + "\n  cluster:\n    server: " + url().toUtf8()
        + "\n    certificate-authority-data: " + ca.toBase64() + "\n";
}

bool ApiServer::writeKubeconfig(const QString& path, const QString& contextName, QString* error) const
{
    const QByteArray name = contextName.toUtf8();
    const QByteArray yaml = "apiVersion: v1\nkind: Config\nclusters:\n" + kubeconfigCluster(contextName)
        + "users:\n- name: " + name + "-admin\n  user:\n    token: " + d->adminToken.toUtf8()
        + "\ncontexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name
        + "-admin\n    namespace: default\n" + "current-context: " + name + "\npreferences: {}\n";
    return writePrivateFile(path, yaml, error);
}

} // namespace apiserver
