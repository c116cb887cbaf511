// The API server's request handling without sockets: the input is a raw HTTP/1.1 request (request line, headers,
// blank line, body) handed to ApiServer::serve, the same path the HTTP front ends take. Requests run as the
// insecure front end's admin so that every handler is reachable; with an Authorization header they go through
// authentication. The server never crashes and answers every request with a status code.
#include "apiserver/apiserver.h"
#include "apiserver/request.h"
#include "fuzzcheck.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

std::unique_ptr<apiserver::ApiServer> g_server;
int g_runs = 0;

apiserver::ApiServer& server()
{
    // A fresh server now and then bounds the memory the objects created by earlier inputs hold.
    if (!g_server || ++g_runs % 5000 == 0) {
        g_server.reset();
        QCoreApplication::processEvents();
        apiserver::ApiServerConfig config;
        config.watchWindow = 100;
        g_server = std::make_unique<apiserver::ApiServer>(config);
        QString error;
        if (!g_server->start(&error)) {
            std::fprintf(stderr, "cannot start the API server: %s\n", qPrintable(error));
            std::abort();
        }
    }
    return *g_server;
}

/// Splits raw bytes into a Request like an HTTP/1.1 parser would (lenient about \r); nullopt without a request line.
std::optional<apiserver::Request> parse(const QByteArray& input)
{
    qsizetype headerEnd = input.indexOf("\r\n\r\n");
    qsizetype bodyStart = headerEnd + 4;
    if (headerEnd < 0) {
        headerEnd = input.indexOf("\n\n");
        bodyStart = headerEnd < 0 ? input.size() : headerEnd + 2;
        if (headerEnd < 0)
            headerEnd = input.size();
    }
    QList<QByteArray> lines = input.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.takeFirst().trimmed().split(' ');
    if (requestLine.size() < 2)
        return std::nullopt;
    apiserver::Request request;
    request.method = QString::fromLatin1(requestLine.at(0)).toUpper();
    request.url = QUrl::fromEncoded(requestLine.at(1));
    for (const auto& line : std::as_const(lines)) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            request.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    request.body = input.mid(bodyStart);
    request.remoteAddress = QHostAddress::LocalHost;
    return request;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication app(*argc, *argv);
    QLoggingCategory::setFilterRules(u"kubelb.*.info=false"_s);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto request = parse(fuzz::bytes(data, size));
    if (!request)
        return 0;
    const bool secure = !request->value("Authorization").isEmpty();
    const apiserver::Response response = server().serve(*request, secure);
    FUZZ_CHECK(response.code >= 200 && response.code < 600, "every request gets a status code");
    if (response.code >= 400)
        FUZZ_CHECK(response.body.contains("\"kind\":\"Status\""), "errors are Kubernetes Status objects");
    if (g_runs % 200 == 0)
        QCoreApplication::processEvents();
    return 0;
}
