#pragma once

#include "kube/selector.h"
#include "resources.h"
#include "store.h"
#include "table.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpSocket;

namespace apiserver {

/// What a watch request asked for.
struct WatchRequest {
    ResourceInfo resource;
    QString version; ///< the URL's version, used for apiVersion in events
    QString ns; ///< empty: all namespaces
    kube::LabelSelector labels;
    kube::FieldSelector fields;
    bool table = false; ///< events carry one-row Tables (kubectl get -w)
    IncludeObject include = IncludeObject::Metadata;
    QString resourceVersion; ///< "" or "0": start with synthetic ADDED events of the current state
    int timeoutSeconds = 0;
    bool bookmarks = false;
    int bookmarkIntervalMs = 60000;
};

/// One streaming watch on a client socket: replays the window, then forwards matching store events as
/// newline-delimited JSON chunks; ends on timeout, client disconnect or when the server drops it.
class WatchStream : public QObject {
    Q_OBJECT
public:
    /// Takes over `socket` (the stream is its child and dies with it).
    WatchStream(ObjectStore& store, WatchRequest request, QTcpSocket* socket);
    ~WatchStream() override;

    /// Writes the response head and the initial events; a version older than the window yields a 410 ERROR event.
    void start();
    /// Ends the stream cleanly (terminating chunk), as a server-side timeout does.
    void finish();
    /// Closes the connection abruptly (fault injection).
    void drop();
    /// Whether start() answered 410 Expired (the requested resourceVersion is older than the window).
    bool expired() const { return m_expired; }

private:
    void onEvent(const WatchEvent& event);
    /// Sends a store event, sharing its encoded line with the other watchers of the same resource and version.
    void sendEvent(const QString& type, const WatchEvent& event);
    bool matches(const QJsonObject& object) const;
    void send(const QString& type, const QJsonObject& object);

    ObjectStore& m_store;
    WatchRequest m_request;
    QPointer<QTcpSocket> m_socket;
    int m_listener = 0;
    bool m_finished = false;
    bool m_expired = false;
    QTimer m_timeout;
    QTimer m_bookmark;
};

} // namespace apiserver
