#include "http1.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace kube::http1 {

namespace {

// A connection idle longer than this is closed instead of reused: servers and load balancers drop idle
// connections after 60–350 s (kube-apiserver 90 s), and a request sent into a half-closed one is lost time.
constexpr qint64 kMaxIdleMs = 30000;
// A response head larger than this is not an API server speaking.
constexpr qsizetype kMaxHeadBytes = 1 << 20;

/// The Host header: host[:port], IPv6 literals in brackets.
QByteArray hostHeader(const QUrl& url, int defaultPort)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int port = url.port(defaultPort);
    return port == defaultPort ? host : host + ':' + QByteArray::number(port);
}

/// QNetworkReply's error code and wording for a socket error, so callers (ConnectionCheck's messages) read the
/// same either way.
QPair<QNetworkReply::NetworkError, QString> replyError(const QSslSocket& socket, const QString& host)
{
    switch (socket.error()) {
    case QAbstractSocket::ConnectionRefusedError:
        return { QNetworkReply::ConnectionRefusedError, u"Connection refused"_s };
    case QAbstractSocket::RemoteHostClosedError:
        return { QNetworkReply::RemoteHostClosedError, u"Connection closed"_s };
    case QAbstractSocket::HostNotFoundError:
        return { QNetworkReply::HostNotFoundError, u"Host %1 not found"_s.arg(host) };
    case QAbstractSocket::SocketTimeoutError:
        return { QNetworkReply::TimeoutError, u"Socket operation timed out"_s };
    case QAbstractSocket::SslHandshakeFailedError:
        return { QNetworkReply::SslHandshakeFailedError, u"SSL handshake failed: "_s + socket.errorString() };
    case QAbstractSocket::SslInternalError:
        return { QNetworkReply::SslHandshakeFailedError, u"SSL handshake failed: "_s + socket.errorString() };
    default:
        return { QNetworkReply::UnknownNetworkError, socket.errorString() };
    }
}

} // namespace

bool supports(const ClientConfig& config)
{
    // KUBELB_HTTP_TRANSPORT=qt sends every request through QNetworkAccessManager (a fallback, and for comparisons).
    static const bool qtOnly = qEnvironmentVariable("KUBELB_HTTP_TRANSPORT") == "qt"_L1;
    const QUrl server(config.server);
    if (qtOnly || !config.proxyUrl.isEmpty() || (server.scheme() != "https"_L1 && server.scheme() != "http"_L1))
        return false;
    // The proxy Qt would choose for this server (an application proxy or factory, e.g. the system's settings).
    const QList<QNetworkProxy> proxies = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(server));
    return proxies.isEmpty() || proxies.constFirst().type() == QNetworkProxy::NoProxy;
}

/// One keep-alive connection and the parser of its answers (status line, headers, then a Content-Length,
/// chunked or read-until-close body).
class Pool::Connection : public QObject {
public:
    explicit Connection(QObject* parent)
        : QObject(parent)
    {
        m_socket.setProxy(QNetworkProxy::NoProxy);
        // Requests are single small writes: Nagle must not hold one back waiting for an ACK. Set once the TCP
        // connection exists (before that the option has no socket to go to).
        connect(&m_socket, &QAbstractSocket::connected, this,
            [this] { m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1); });
    }

    /// The outcome of one request on this connection.
    struct Outcome {
        RestResponse response;
        bool complete = false; ///< a whole response was read
        bool keepAlive = false; ///< the connection may carry another request
        bool receivedNothing = true; ///< no byte of an answer arrived (a reused connection may be retried)
    };

    bool usable() const
    {
        return m_socket.state() == QAbstractSocket::ConnectedState && m_socket.bytesAvailable() == 0 && m_idle.isValid()
            && m_idle.elapsed() < kMaxIdleMs;
    }

    Outcome exchange(const QNetworkRequest& request, const QByteArray& bytes, bool headRequest)
    {
        const QUrl url = request.url();
        const bool tls = url.scheme() == "https"_L1;
        const int timeoutMs = request.transferTimeout();
        m_outcome = {};
        m_buf.clear();
        m_pos = 0;
        m_state = State::Head;
        m_headRequest = headRequest;
        m_done = false;

        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        const auto finish = [&] {
            m_done = true;
            timer.stop();
            loop.quit();
        };
        const auto activity = [&] {
            if (timeoutMs > 0)
                timer.start(timeoutMs);
        };
        connect(&timer, &QTimer::timeout, &loop, [&] {
            m_outcome.response.networkErrorCode = QNetworkReply::OperationCanceledError;
            m_outcome.response.networkError = u"Operation canceled"_s;
            finish(); // first: the abort's own error must not replace this one
            m_socket.abort();
        });
        connect(&m_socket, &QSslSocket::readyRead, &loop, [&] {
            activity();
            if (m_socket.bytesAvailable() > 0)
                m_outcome.receivedNothing = false;
            m_buf += m_socket.readAll();
            if (parse())
                finish();
        });
        connect(&m_socket, &QSslSocket::bytesWritten, &loop, activity);
        const auto broken = [&] {
            if (m_done)
                return;
            // An answer without a length ends with the connection.
            if (m_state == State::UntilClose) {
                m_outcome.response.body = m_buf.mid(m_pos);
                m_outcome.complete = true;
                m_outcome.keepAlive = false;
                finish();
                return;
            }
            const auto [code, text] = replyError(m_socket, url.host());
            m_outcome.response.code = 0;
            m_outcome.response.networkErrorCode = code;
            m_outcome.response.networkError = text;
            finish();
        };
        connect(&m_socket, &QSslSocket::errorOccurred, &loop, broken);
        connect(&m_socket, &QSslSocket::disconnected, &loop, broken);

        activity();
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_socket.abort();
            if (tls) {
                m_socket.setSslConfiguration(request.sslConfiguration());
                m_socket.connectToHostEncrypted(url.host(), quint16(url.port(443)), request.peerVerifyName());
            } else {
                m_socket.connectToHost(url.host(), quint16(url.port(80)));
            }
        }
        if (!m_done)
            m_socket.write(bytes); // buffered until connected (and encrypted)
        if (!m_done)
            loop.exec(QEventLoop::ExcludeUserInputEvents);
        m_socket.disconnect(&loop);
        m_idle.start();
        return std::move(m_outcome);
    }

private:
    enum class State { Head, Length, Chunked, UntilClose, Done };

    /// Consumes what arrived; true when the answer is complete (or malformed, which ends the exchange).
    bool parse()
    {
        if (m_state == State::Head && !parseHead())
            return m_done;
        switch (m_state) {
        case State::Length:
            if (m_buf.size() - m_pos < m_length)
                return false;
            m_outcome.response.body = m_buf.mid(m_pos, m_length);
            m_pos += m_length;
            return completeBody();
        case State::Chunked:
            return parseChunks();
        case State::Done:
            return true;
        default:
            return false;
        }
    }

    void malformed(const QString& why)
    {
        m_outcome.response.code = 0;
        m_outcome.response.headers.clear();
        m_outcome.response.networkErrorCode = QNetworkReply::ProtocolFailure;
        m_outcome.response.networkError = u"the server's answer is not valid HTTP/1.1: "_s + why;
        m_outcome.keepAlive = false;
        m_state = State::Done;
        m_done = true;
        m_socket.abort();
    }

    bool parseHead()
    {
        for (;;) {
            const qsizetype end = m_buf.indexOf("\r\n\r\n", m_pos);
            if (end < 0) {
                if (m_buf.size() - m_pos > kMaxHeadBytes)
                    malformed(u"response head over 1 MiB"_s);
                return false;
            }
            const QList<QByteArray> lines = m_buf.mid(m_pos, end - m_pos).split('\n');
            m_pos = end + 4;
            const QByteArray statusLine = lines.value(0).trimmed();
            const QList<QByteArray> status = statusLine.split(' ');
            bool ok = false;
            const int code = status.value(1).toInt(&ok);
            if (!statusLine.startsWith("HTTP/1.") || !ok || code < 100 || code > 999) {
                malformed(u"status line \"%1\""_s.arg(QString::fromLatin1(statusLine.left(80))));
                return false;
            }
            if (code >= 100 && code < 200)
                continue; // 100 Continue and other interim answers precede the real one
            RestResponse& r = m_outcome.response;
            r.code = code;
            bool chunked = false;
            qsizetype length = -1;
            bool close = statusLine.startsWith("HTTP/1.0");
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray& line = lines[i];
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed();
                const QByteArray value = line.mid(colon + 1).trimmed();
                r.headers.append({ name, value });
                if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
                    length = value.toLongLong(&ok);
                else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
                    chunked = value.toLower().contains("chunked");
                else if (name.compare("Connection", Qt::CaseInsensitive) == 0)
                    close = value.toLower().contains("close");
            }
            m_outcome.keepAlive = !close;
            if (m_headRequest || code == 204 || code == 304) {
                m_length = 0;
                m_state = State::Length;
            } else if (chunked) {
                m_state = State::Chunked;
            } else if (length >= 0) {
                m_length = length;
                m_state = State::Length;
            } else {
                m_state = State::UntilClose;
                m_outcome.keepAlive = false;
            }
            return true;
        }
    }

    bool parseChunks()
    {
        for (;;) {
            const qsizetype lineEnd = m_buf.indexOf("\r\n", m_pos);
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const qsizetype size
                = m_buf.mid(m_pos, lineEnd - m_pos).split(';').constFirst().trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                malformed(u"bad chunk size"_s);
                return true;
            }
            if (size == 0) {
                // The last chunk, then optional trailers, then an empty line.
                const qsizetype after = lineEnd + 2;
                if (m_buf.size() >= after + 2 && m_buf.mid(after, 2) == "\r\n") {
                    m_pos = after + 2;
                    return completeBody();
                }
                const qsizetype trailersEnd = m_buf.indexOf("\r\n\r\n", after);
                if (trailersEnd < 0)
                    return false;
                m_pos = trailersEnd + 4;
                return completeBody();
            }
            if (m_buf.size() < lineEnd + 2 + size + 2) {
                // The chunks parsed so far are in the body: drop their bytes rather than hold a long answer twice.
                if (m_pos > (1 << 20)) {
                    m_buf.remove(0, m_pos);
                    m_pos = 0;
                }
                return false;
            }
            m_outcome.response.body.append(m_buf.constData() + lineEnd + 2, size);
            m_pos = lineEnd + 2 + size + 2;
        }
    }

    bool completeBody()
    {
        m_state = State::Done;
        m_outcome.complete = true;
        // Anything after the answer is a protocol error on a connection with one request in flight.
        if (m_pos < m_buf.size())
            m_outcome.keepAlive = false;
        return true;
    }

    QSslSocket m_socket;
    QElapsedTimer m_idle;
    State m_state = State::Head;
    QByteArray m_buf;
    qsizetype m_pos = 0;
    qsizetype m_length = 0;
    bool m_headRequest = false;
    bool m_done = false;
    Outcome m_outcome;
};

Pool::Pool(QObject* parent)
    : QObject(parent)
{
}

Pool::~Pool() = default;

RestResponse Pool::send(
    const QNetworkRequest& request, const QByteArray& verb, const QByteArray& body, const QByteArray& tlsIdentity)
{
    const QUrl url = request.url();
    const bool tls = url.scheme() == "https"_L1;
    const int defaultPort = tls ? 443 : 80;
    const QString server = url.host() + u':' + QString::number(url.port(defaultPort));
    const QByteArray key = tlsIdentity + '\0' + url.scheme().toLatin1() + "://" + server.toUtf8() + '\0'
        + request.peerVerifyName().toUtf8();

    QByteArray bytes;
    bytes.reserve(512 + body.size());
    bytes += verb + ' ' + url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment)
        + " HTTP/1.1\r\nHost: " + hostHeader(url, defaultPort) + "\r\n";
    for (const QByteArray& name : request.rawHeaderList())
        bytes += name + ": " + request.rawHeader(name) + "\r\n";
    if (!body.isEmpty() || verb == "POST" || verb == "PUT" || verb == "PATCH")
        bytes += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    bytes += "\r\n";
    bytes += body;

    for (int attempt = 0;; ++attempt) {
        Connection* connection = nullptr;
        bool reused = false;
        while (!connection) {
            auto it = m_idle.find(key);
            if (it == m_idle.end())
                break;
            Connection* candidate = it.value();
            m_idle.erase(it);
            if (candidate->usable()) {
                connection = candidate;
                reused = true;
            } else {
                delete candidate;
            }
        }
        if (!connection) {
            connection = new Connection(this);
            ++m_opened;
        }
        Connection::Outcome outcome = connection->exchange(request, bytes, verb == "HEAD");
        outcome.response.server = server;
        if (outcome.complete && outcome.keepAlive)
            m_idle.insert(key, connection);
        else
            delete connection;
        // A server may close a keep-alive connection just as a request is written into it; nothing of that
        // request was answered, so it is sent once more on a new connection (what Qt's HTTP stack does too).
        const bool canceled = outcome.response.networkErrorCode == QNetworkReply::OperationCanceledError;
        if (!outcome.complete && reused && outcome.receivedNothing && !canceled && attempt == 0)
            continue;
        return std::move(outcome.response);
    }
}

} // namespace kube::http1
