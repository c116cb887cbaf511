#pragma once

// Internal to kubelb_kube: the HTTP/1.1 keep-alive transport of RestClient's synchronous requests.

#include "restclient.h"

#include <QHash>
#include <QObject>

class QNetworkRequest;

namespace kube::http1 {

/// Whether requests of `config` may take this transport: http or https with no proxy (a configured proxy-url, or a
/// proxy Qt would choose for the server, keeps QNetworkAccessManager's proxy handling) and KUBELB_HTTP_TRANSPORT is
/// not "qt". Asking Qt for the proxy costs as much as a request, so a client asks once.
bool supports(const ClientConfig& config);

/// The keep-alive connections of one thread: at most one request in flight per connection, a connection per
/// concurrent request, reused by later requests with the same endpoint and TLS identity.
///
/// It exists because QNetworkAccessManager costs the controllers most of their CPU per request (a reply object,
/// string-based signal connections, a hand-off to Qt's HTTP thread and back): see bench/PROFILE.md. Requests are
/// written and answers parsed on the calling thread, which waits in a local event loop like the QNAM path did (so a
/// server living on the same thread still answers).
class Pool : public QObject {
public:
    explicit Pool(QObject* parent = nullptr);
    ~Pool() override;

    /// Sends `verb` `body` as `request` (prepared by RestClient::prepare: URL, headers, TLS configuration, peer
    /// verify name, transfer timeout) over a connection keyed by `tlsIdentity` and the endpoint. A reused
    /// connection the server closed while idle is replaced and the request sent once more, as Qt does.
    RestResponse send(
        const QNetworkRequest& request, const QByteArray& verb, const QByteArray& body, const QByteArray& tlsIdentity);

    /// Connections kept open between requests (for tests).
    int idleConnections() const { return int(m_idle.size()); }
    /// Connections opened so far (for tests: keep-alive means this stays small).
    int connectionsOpened() const { return m_opened; }

private:
    class Connection;
    QMultiHash<QByteArray, Connection*> m_idle;
    int m_opened = 0;
};

/// The calling thread's pool (the same thread storage as the QNAM managers; see releaseThreadNetwork()).
Pool* threadPool();

} // namespace kube::http1
