#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

class QTcpSocket;

namespace apiserver::http {

using Headers = QList<QPair<QByteArray, QByteArray>>;

/// Writes a complete HTTP/1.1 response with Content-Length.
void writeResponse(
    QTcpSocket* socket, int code, const QByteArray& contentType, const QByteArray& body, const Headers& headers = {});
/// Starts a chunked response (status line and headers).
void beginChunked(QTcpSocket* socket, int code, const QByteArray& contentType);
/// Writes one chunk; empty data is skipped (an empty chunk would end the body).
void writeChunk(QTcpSocket* socket, const QByteArray& data);
/// Ends a chunked body.
void endChunked(QTcpSocket* socket);

} // namespace apiserver::http
