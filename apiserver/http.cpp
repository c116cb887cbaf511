#include "http.h"

#include <QTcpSocket>

namespace apiserver::http {

namespace {

QByteArray reasonPhrase(int code)
{
    switch (code) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Request Entity Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

QByteArray statusLine(int code)
{
    return "HTTP/1.1 " + QByteArray::number(code) + ' ' + reasonPhrase(code) + "\r\n";
}

} // namespace

void writeResponse(
    QTcpSocket* socket, int code, const QByteArray& contentType, const QByteArray& body, const Headers& headers)
{
    QByteArray out = statusLine(code);
    out += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nCache-Control: no-cache, private\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += body;
    socket->write(out);
}

void beginChunked(QTcpSocket* socket, int code, const QByteArray& contentType)
{
    socket->write(statusLine(code) + "Content-Type: " + contentType
        + "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\n\r\n");
}

void writeChunk(QTcpSocket* socket, const QByteArray& data)
{
    if (data.isEmpty())
        return;
    socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
}

void endChunked(QTcpSocket* socket)
{
    socket->write("0\r\n\r\n");
}

} // namespace apiserver::http
