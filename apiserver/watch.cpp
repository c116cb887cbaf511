#include "watch.h"

#include "http.h"
#include "kube/apierror.h"

#include <QJsonDocument>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace apiserver {

WatchStream::WatchStream(ObjectStore& store, WatchRequest request, QTcpSocket* socket)
    : QObject(socket)
    , m_store(store)
    , m_request(std::move(request))
    , m_socket(socket)
{
    connect(socket, &QTcpSocket::disconnected, this, [this] { m_finished = true; });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, &WatchStream::finish);
    connect(&m_bookmark, &QTimer::timeout, this, [this] {
        send(u"BOOKMARK"_s,
            QJsonObject { { u"kind"_s, m_request.resource.kind },
                { u"apiVersion"_s, m_request.resource.apiVersion(m_request.version) },
                { u"metadata"_s,
                    QJsonObject { { u"resourceVersion"_s, QString::number(m_store.resourceVersion()) },
                        { u"annotations"_s, QJsonObject { { u"k8s.io/initial-events-end"_s, u"true"_s } } } } } });
    });
}

WatchStream::~WatchStream()
{
    if (m_listener)
        m_store.removeListener(m_listener);
}

void WatchStream::start()
{
    http::beginChunked(m_socket, 200, "application/json");
    const QString& rv = m_request.resourceVersion;
    if (rv.isEmpty() || rv == u"0") {
        for (const auto& object : m_store.list(m_request.resource.groupResource(), m_request.ns))
            if (matches(object))
                send(u"ADDED"_s, object);
    } else {
        bool ok = false;
        const quint64 from = rv.toULongLong(&ok);
        if (!ok) {
            send(u"ERROR"_s, kube::ApiError::badRequest(u"invalid resource version: "_s + rv).toStatus());
            finish();
            return;
        }
        const bool replayed = m_store.replaySince(from, [this](const WatchEvent& e) { onEvent(e); });
        if (!replayed) {
            m_expired = true;
            send(u"ERROR"_s,
                kube::ApiError::gone(u"too old resource version: %1 (%2)"_s.arg(from).arg(m_store.windowStart()))
                    .toStatus());
            finish();
            return;
        }
    }
    m_listener = m_store.addListener([this](const WatchEvent& e) { onEvent(e); });
    if (m_request.timeoutSeconds > 0)
        m_timeout.start(m_request.timeoutSeconds * 1000);
    if (m_request.bookmarks)
        m_bookmark.start(m_request.bookmarkIntervalMs);
}

bool WatchStream::matches(const QJsonObject& object) const
{
    const QJsonObject meta = object.value(u"metadata"_s).toObject();
    if (!m_request.ns.isEmpty() && meta.value(u"namespace"_s).toString() != m_request.ns)
        return false;
    return m_request.labels.matches(meta.value(u"labels"_s).toObject()) && m_request.fields.matches(object);
}

void WatchStream::onEvent(const WatchEvent& event)
{
    if (m_finished || event.groupResource != m_request.resource.groupResource())
        return;
    const bool was = !event.previous.isEmpty() && matches(event.previous);
    if (event.type == WatchEvent::Type::Deleted) {
        if (was)
            sendEvent(u"DELETED"_s, event);
        return;
    }
    const bool is = matches(event.object);
    // A change that moves an object into or out of the selection reads as ADDED or DELETED, as in kube.
    if (is && was)
        sendEvent(u"MODIFIED"_s, event);
    else if (is)
        sendEvent(u"ADDED"_s, event);
    else if (was)
        sendEvent(u"DELETED"_s, event);
}

namespace {

/// The last event line encoded, for the next watcher of the same event: the store hands each event to every watcher
/// in turn, and watchers of one resource and version receive the same bytes (100 watchers, one serialisation).
struct SharedLine {
    quint64 resourceVersion = 0;
    QString groupResource;
    QString ns;
    QString name;
    QString type;
    QString apiVersion;
    QByteArray line;

    bool matches(const SharedLine& o) const
    {
        return resourceVersion == o.resourceVersion && groupResource == o.groupResource && ns == o.ns && name == o.name
            && type == o.type && apiVersion == o.apiVersion;
    }
};

} // namespace

void WatchStream::sendEvent(const QString& type, const WatchEvent& event)
{
    if (m_finished || !m_socket)
        return;
    if (m_request.table) { // rendered per watcher (columns, includeObject)
        send(type, event.object);
        return;
    }
    thread_local SharedLine last;
    SharedLine key { event.resourceVersion, event.groupResource, event.ns,
        event.object.value(u"metadata"_s).toObject().value(u"name"_s).toString(), type,
        m_request.resource.apiVersion(m_request.version), {} };
    if (!last.matches(key)) {
        QJsonObject payload = event.object;
        payload[u"apiVersion"_s] = key.apiVersion;
        const QJsonObject line { { u"type"_s, type }, { u"object"_s, payload } };
        key.line = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
        last = std::move(key);
    }
    http::writeChunk(m_socket, last.line);
}

void WatchStream::send(const QString& type, const QJsonObject& object)
{
    if (m_finished || !m_socket)
        return;
    QJsonObject payload = object;
    if (type != u"ERROR" && type != u"BOOKMARK") {
        payload[u"apiVersion"_s] = m_request.resource.apiVersion(m_request.version);
        if (m_request.table)
            payload = toTable(m_request.resource, { payload }, m_request.include);
    }
    const QJsonObject event { { u"type"_s, type }, { u"object"_s, payload } };
    http::writeChunk(m_socket, QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n');
}

void WatchStream::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    m_bookmark.stop();
    if (m_socket)
        http::endChunked(m_socket);
    if (m_listener) {
        m_store.removeListener(m_listener);
        m_listener = 0;
    }
}

void WatchStream::drop()
{
    m_finished = true;
    if (m_socket)
        m_socket->abort();
}

} // namespace apiserver
