#include "watchclient.h"

#include "tls.h"

#include <QJsonDocument>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace kube {

WatchClient::WatchClient(RestClient& client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
    m_manager.setParent(this); // moves with the watch to its thread
    m_pendingStart.setParent(this);
    m_pendingStart.setSingleShot(true);
    connect(&m_pendingStart, &QTimer::timeout, this, &WatchClient::open);
}

WatchClient::~WatchClient()
{
    stop();
}

void WatchClient::start(
    const ResourcePath& path, const QString& resourceVersion, const QUrlQuery& query, int timeoutSeconds)
{
    stop();
    m_buffer.clear();
    m_streamError.reset();
    m_gone = false;
    m_lastRv = resourceVersion;
    m_path = path.withName({});
    m_query = query;
    m_query.addQueryItem(u"watch"_s, u"true"_s);
    m_query.addQueryItem(u"allowWatchBookmarks"_s, u"true"_s);
    if (!resourceVersion.isEmpty())
        m_query.addQueryItem(u"resourceVersion"_s, resourceVersion);
    m_query.addQueryItem(u"timeoutSeconds"_s, QString::number(timeoutSeconds));
    m_pendingStart.start(m_client.reserveMs());
}

void WatchClient::open()
{
    auto request = m_client.prepare({ "GET", m_path.path(), m_query, {}, {}, "application/json" });
    if (!request) {
        Q_EMIT finished(request.error(), false);
        return;
    }
    // A watch lives as long as the server keeps it: no transfer timeout, the server's timeoutSeconds ends it.
    request->setTransferTimeout(0);
    m_manager.setProxy(networkProxy(m_client.config()));
    m_sentAt.start();
    m_observed = false;
    m_reply = m_manager.get(*request);
    // Like client-go, the request is counted (rest_client_requests_total) when the response head arrives.
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        if (m_reply)
            observe(m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
    });
    connect(m_reply, &QNetworkReply::readyRead, this, &WatchClient::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &WatchClient::onFinished);
}

void WatchClient::stop()
{
    m_pendingStart.stop();
    if (!m_reply)
        return;
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
}

void WatchClient::observe(int code)
{
    if (m_observed || (code == 0 && m_reply))
        return; // no status yet: wait for the head or the failure
    m_observed = true;
    RestResponse response;
    response.code = code;
    m_client.observe("GET", response, double(m_sentAt.nsecsElapsed()) / 1e9);
}

void WatchClient::onReadyRead()
{
    if (!m_reply)
        return;
    const int code = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (code != 200)
        return; // an error body is read whole in onFinished
    m_buffer += m_reply->readAll();
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(newline).trimmed();
        m_buffer.remove(0, newline + 1);
        if (!line.isEmpty())
            handleLine(line);
        if (!m_reply)
            return; // a handler stopped us
    }
}

void WatchClient::handleLine(const QByteArray& line)
{
    const QJsonObject message = QJsonDocument::fromJson(line).object();
    const QString type = message.value(u"type"_s).toString();
    const QJsonObject object = message.value(u"object"_s).toObject();
    if (type == u"ERROR") {
        m_streamError = ApiError::fromStatus(object, object.value(u"code"_s).toInt(500));
        m_gone = m_streamError->isGone();
        return;
    }
    const QString rv = object.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
    if (!rv.isEmpty())
        m_lastRv = rv;
    if (type == u"BOOKMARK") {
        Q_EMIT bookmark(rv);
        return;
    }
    const WatchEventType t = type == u"ADDED" ? WatchEventType::Added
        : type == u"MODIFIED"                 ? WatchEventType::Modified
        : type == u"DELETED"                  ? WatchEventType::Deleted
                                              : WatchEventType::Error;
    if (t != WatchEventType::Error)
        Q_EMIT event(t, object);
}

void WatchClient::onFinished()
{
    if (!m_reply)
        return;
    onReadyRead();
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    const RestResponse response = readReply(reply);
    reply->deleteLater();
    observe(response.code);
    if (response.code == 401)
        m_client.invalidateCredentials();
    if (m_streamError) {
        Q_EMIT finished(*m_streamError, m_gone);
    } else if (response.code != 200) {
        const ApiError error = response.error();
        Q_EMIT finished(error, error.isGone());
    } else if (reply->error() != QNetworkReply::NoError) {
        Q_EMIT finished(
            ApiError(503, u"ServiceUnavailable"_s, u"watch stream broken: "_s + reply->errorString()), false);
    } else {
        Q_EMIT finished(ApiError(), false);
    }
}

} // namespace kube
