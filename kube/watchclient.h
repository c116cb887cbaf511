#pragma once

#include "restclient.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <optional>

namespace kube {

/// One watch event as the server streams it.
enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };

/// A single watch request on a collection: streams newline-delimited JSON events until the server ends the
/// stream, the connection drops or `stop()` is called. Resuming and relisting belong to the caller (the
/// reflector): this class reports what happened and the last resourceVersion it saw. Lives in one thread and
/// uses its own QNetworkAccessManager, so a long-lived watch never starves ordinary requests.
class WatchClient : public QObject {
    Q_OBJECT
public:
    WatchClient(RestClient& client, QObject* parent = nullptr);
    ~WatchClient() override;

    /// Starts watching `path` (a collection) from `resourceVersion` ("" = current state first, as kube does).
    /// `query` may carry labelSelector/fieldSelector; watch, resourceVersion, allowWatchBookmarks and
    /// timeoutSeconds are added.
    void start(const ResourcePath& path, const QString& resourceVersion, const QUrlQuery& query = {},
        int timeoutSeconds = 300);
    /// Cancels the stream (or a start still waiting for the client's rate limiter); emits nothing more.
    void stop();
    /// Whether a stream is open or about to be opened.
    bool isActive() const { return m_reply != nullptr || m_pendingStart.isActive(); }
    /// The resourceVersion of the last event or bookmark received.
    QString lastResourceVersion() const { return m_lastRv; }

Q_SIGNALS:
    /// An ADDED/MODIFIED/DELETED event (Bookmarks update lastResourceVersion and emit bookmark()).
    void event(kube::WatchEventType type, const QJsonObject& object);
    void bookmark(const QString& resourceVersion);
    /// The stream ended. `error` is empty for a clean end (timeout); `gone` is true for 410 Expired (relist).
    void finished(const kube::ApiError& error, bool gone);

private:
    void open();
    void onReadyRead();
    void onFinished();
    void observe(int code);
    void handleLine(const QByteArray& line);

    RestClient& m_client;
    QNetworkAccessManager m_manager;
    QTimer m_pendingStart; ///< defers open() while the client's rate limiter says wait (never sleeps the thread)
    ResourcePath m_path;
    QUrlQuery m_query;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_sentAt; ///< for the observer, which sees a watch once its response head (or failure) arrives
    bool m_observed = false;
    QByteArray m_buffer;
    QString m_lastRv;
    std::optional<ApiError> m_streamError;
    bool m_gone = false;
};

} // namespace kube
