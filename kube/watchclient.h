#pragma once

#include "restclient.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>

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
    /// Cancels the stream; emits nothing more.
    void stop();
    bool isActive() const { return m_reply != nullptr; }
    /// The resourceVersion of the last event or bookmark received.
    QString lastResourceVersion() const { return m_lastRv; }

Q_SIGNALS:
    /// An ADDED/MODIFIED/DELETED event (Bookmarks update lastResourceVersion and emit bookmark()).
    void event(kube::WatchEventType type, const QJsonObject& object);
    void bookmark(const QString& resourceVersion);
    /// The stream ended. `error` is empty for a clean end (timeout); `gone` is true for 410 Expired (relist).
    void finished(const kube::ApiError& error, bool gone);

private:
    void onReadyRead();
    void onFinished();
    void handleLine(const QByteArray& line);

    RestClient& m_client;
    QNetworkAccessManager m_manager;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_buffer;
    QString m_lastRv;
    std::optional<ApiError> m_streamError;
    bool m_gone = false;
};

} // namespace kube
