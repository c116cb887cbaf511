#pragma once

#include <QByteArray>
#include <QObject>
#include <QSslCertificate>
#include <QSslSocket>
#include <functional>

namespace bench {

/// Monotonic nanoseconds (steady clock), comparable across the threads of this process.
qint64 nowNs();

/// Where the server listens and how to authenticate.
struct Endpoint {
    QString host; ///< "127.0.0.1"
    quint16 port = 0;
    QByteArray token; ///< bearer token
    QSslCertificate ca; ///< CA that signed the serving certificate
};

/// A complete response.
struct HttpResponse {
    int status = 0; ///< 0: the connection failed before a response arrived
    QByteArray body;
};

/// One keep-alive HTTPS/1.1 connection with at most one request in flight. Parses Content-Length and chunked
/// bodies itself (no QNetworkAccessManager: no 6-connections-per-host cap and less client CPU per request).
class HttpConnection : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const HttpResponse&)>;
    /// Receives each decoded chunk of a streamed body plus when its bytes were read.
    using ChunkSink = std::function<void(const QByteArray& chunk, qint64 receivedNs)>;

    explicit HttpConnection(Endpoint endpoint, QObject* parent = nullptr);
    ~HttpConnection() override;

    /// Connects and finishes the TLS handshake (verifying the CA); false after `timeoutMs`.
    bool open(int timeoutMs);
    /// Sends one request; `done` runs once with the response (status 0 if the connection broke).
    void request(const QByteArray& method, const QByteArray& path, const QByteArray& body, Done done,
        const QByteArray& contentType = "application/json", const QByteArray& accept = "application/json");
    /// Starts a streaming GET (a watch): every chunk goes to `sink`; `done` runs when the stream ends.
    void stream(const QByteArray& path, ChunkSink sink, Done done);
    /// Drops the callbacks of the request in flight and closes the connection (it is unusable afterwards).
    void cancel();
    /// True while a request or stream is in flight.
    bool busy() const { return bool(m_done); }
    /// Status of the current (or last) response; set as soon as its head has been read.
    int responseStatus() const { return m_response.status; }
    /// Last socket error text.
    QString errorString() const { return m_socket.errorString(); }

private:
    void onReadyRead();
    void onBroken();
    bool parseHead();
    bool parseChunks();
    void complete();

    enum class State { Idle, Head, Length, Chunked };
    Endpoint m_endpoint;
    QSslSocket m_socket;
    State m_state = State::Idle;
    QByteArray m_buf;
    qsizetype m_pos = 0; ///< parse position in m_buf
    qsizetype m_length = 0; ///< body length (Content-Length)
    HttpResponse m_response;
    Done m_done;
    ChunkSink m_sink;
    qint64 m_readNs = 0;
};

} // namespace bench
