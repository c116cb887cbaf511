#pragma once

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <memory>

class QHttpServerRequest;
class QTcpSocket;

namespace apiserver {

class ObjectStore;
class Registry;
struct Request;
struct Response;
class ResourceTable;

/// Settings of one embedded API server.
struct ApiServerConfig {
    QHostAddress bindAddress = QHostAddress::LocalHost; ///< HTTPS listener
    quint16 port = 0; ///< 0 picks a free port
    bool insecure = false; ///< also serve plain HTTP (loopback only, no authentication)
    QHostAddress insecureAddress = QHostAddress::LocalHost;
    quint16 insecurePort = 0;
    QString dataDir; ///< persistence + generated CA/serving certificate; in memory when empty
    QString tokenFile; ///< CSV token file (token,user,uid,"groups")
    QString tlsCertFile; ///< serving certificate instead of the generated one
    QString tlsKeyFile;
    int watchWindow = 10000; ///< events a watch can resume across
    int bookmarkIntervalMs = 60000;
    bool garbageCollector = true;
    QString faults; ///< FaultConfig JSON (see faults.h); empty = no fault injection
    /// A request must arrive completely within this time of its first byte, else 408 and the connection closes
    /// (slow clients); 0 disables. kube-apiserver's request timeout is 60 s.
    int readTimeoutMs = 60000;
};

/// An embedded, Kubernetes-compatible API server: the store, the REST semantics and the HTTP(S) front ends.
/// Lives in one thread; every request and watch is served on that thread's event loop.
class ApiServer : public QObject {
    Q_OBJECT
public:
    explicit ApiServer(ApiServerConfig config, QObject* parent = nullptr);
    ~ApiServer() override;

    /// Opens the store, prepares TLS material and starts listening; false with *error on failure.
    bool start(QString* error);

    quint16 securePort() const;
    quint16 insecurePort() const;
    /// "https://127.0.0.1:PORT".
    QString url() const;
    /// The bearer token of the generated admin user (group system:masters).
    QString adminToken() const;
    /// PEM of the CA that signed the serving certificate (empty with --tls-cert).
    QByteArray caCertificatePem() const;
    /// Writes a kubeconfig with one cluster/user/context named `contextName` for the admin user.
    bool writeKubeconfig(const QString& path, const QString& contextName, QString* error) const;
    /// The kubeconfig YAML fragments (cluster, user, context entries) for combining several servers in one file.
    QByteArray kubeconfigCluster(const QString& name) const;

    Registry& registry();
    ObjectStore& store();
    ResourceTable& resources();

    /// Serves one request without a connection, exactly as the HTTP front ends do (authentication, authorization,
    /// body decoding, REST semantics, metrics); `secure` false is the insecure front end (no authentication). Watches
    /// need a connection and get 400. Used by the fuzzer; the front ends share the same path.
    Response serve(const Request& request, bool secure);

private:
    friend class HttpFrontend;
    void handle(const QHttpServerRequest& request, QTcpSocket* socket, bool secure);
    /// The one request path: `socket` is null without a connection; *streaming is set when a watch took over.
    Response dispatch(const Request& request, QTcpSocket* socket, bool secure, bool* streaming);
    void respond(QTcpSocket* socket, const Response& response, bool close);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace apiserver
