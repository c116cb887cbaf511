#include "httpclient.h"

#include <QEventLoop>
#include <QSslConfiguration>
#include <QTimer>
#include <chrono>

using namespace Qt::StringLiterals;

namespace bench {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

HttpConnection::HttpConnection(Endpoint endpoint, QObject* parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates({ m_endpoint.ca });
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket.setSslConfiguration(ssl);
    connect(&m_socket, &QSslSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(&m_socket, &QSslSocket::disconnected, this, &HttpConnection::onBroken);
    connect(&m_socket, &QSslSocket::errorOccurred, this, &HttpConnection::onBroken);
}

HttpConnection::~HttpConnection()
{
    // The socket is destroyed after the callbacks: it must not call back into a half-destroyed connection.
    m_socket.disconnect(this);
    cancel();
}

bool HttpConnection::open(int timeoutMs)
{
    // An event loop rather than waitForEncrypted(): the other connections' sockets keep being served meanwhile
    // (a blocking wait leaves their final handshake flight unsent and the server times them out).
    QEventLoop loop;
    connect(&m_socket, &QSslSocket::encrypted, &loop, &QEventLoop::quit);
    connect(&m_socket, &QSslSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    m_socket.connectToHostEncrypted(m_endpoint.host, m_endpoint.port);
    loop.exec();
    if (!m_socket.isEncrypted())
        return false;
    // Requests are small single writes: never let Nagle hold one back.
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    return true;
}

void HttpConnection::request(const QByteArray& method, const QByteArray& path, const QByteArray& body, Done done,
    const QByteArray& contentType, const QByteArray& accept)
{
    QByteArray out;
    out.reserve(256 + body.size());
    out += method + ' ' + path + " HTTP/1.1\r\nHost: " + m_endpoint.host.toLatin1() + ':'
        + QByteArray::number(m_endpoint.port) + "\r\nAuthorization: Bearer " + m_endpoint.token
        + "\r\nUser-Agent: apiserver_bench\r\nAccept: " + accept + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        out += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    m_response = {};
    m_sink = nullptr;
    m_done = std::move(done);
    m_state = State::Head;
    if (!m_socket.isEncrypted()) { // report the failure from the event loop, never from inside request()
        QMetaObject::invokeMethod(this, &HttpConnection::onBroken, Qt::QueuedConnection);
        return;
    }
    m_socket.write(out);
}

void HttpConnection::cancel()
{
    m_done = nullptr;
    m_sink = nullptr;
    m_state = State::Idle;
    m_socket.abort();
}

void HttpConnection::stream(const QByteArray& path, ChunkSink sink, Done done)
{
    request("GET", path, {}, std::move(done));
    m_sink = std::move(sink);
}

void HttpConnection::onReadyRead()
{
    m_readNs = nowNs();
    m_buf += m_socket.readAll();
    for (bool progress = true; progress;) {
        progress = false;
        if (m_state == State::Head && parseHead())
            progress = true;
        if (m_state == State::Length && m_buf.size() - m_pos >= m_length) {
            m_response.body = m_buf.mid(m_pos, m_length);
            m_pos += m_length;
            complete();
            progress = true;
        } else if (m_state == State::Chunked && parseChunks()) {
            complete();
            progress = true;
        }
    }
    // Drop consumed bytes, but never while a long Content-Length body is still arriving (that would be quadratic).
    if (m_state != State::Length && m_pos > 0) {
        m_buf.remove(0, m_pos);
        m_pos = 0;
    }
}

bool HttpConnection::parseHead()
{
    const qsizetype end = m_buf.indexOf("\r\n\r\n", m_pos);
    if (end < 0)
        return false;
    const QList<QByteArray> lines = m_buf.mid(m_pos, end - m_pos).split('\n');
    m_response.status = lines.value(0).split(' ').value(1).toInt();
    bool chunked = false;
    m_length = 0;
    for (const auto& raw : lines) {
        const QByteArray line = raw.trimmed().toLower();
        if (line.startsWith("content-length:"))
            m_length = line.mid(15).trimmed().toLongLong();
        else if (line.startsWith("transfer-encoding:") && line.contains("chunked"))
            chunked = true;
    }
    m_pos = end + 4;
    m_state = chunked ? State::Chunked : State::Length;
    return true;
}

bool HttpConnection::parseChunks()
{
    for (;;) {
        const qsizetype lineEnd = m_buf.indexOf("\r\n", m_pos);
        if (lineEnd < 0)
            return false;
        bool ok = false;
        const qsizetype size = m_buf.mid(m_pos, lineEnd - m_pos).split(';').first().trimmed().toLongLong(&ok, 16);
        if (m_buf.size() < lineEnd + 2 + size + 2)
            return false;
        const qsizetype start = lineEnd + 2;
        m_pos = start + size + 2;
        if (!ok || size == 0)
            return true;
        if (m_sink)
            m_sink(m_buf.mid(start, size), m_readNs);
        else
            m_response.body.append(m_buf.constData() + start, size);
    }
}

void HttpConnection::complete()
{
    m_state = State::Idle;
    m_sink = nullptr;
    Done done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(m_response);
}

void HttpConnection::onBroken()
{
    if (!m_done)
        return;
    m_state = State::Idle;
    m_response.status = 0;
    complete();
}

} // namespace bench
