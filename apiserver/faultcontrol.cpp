// Fault injection at run time: the /debug/faults endpoint and the effects that outlive a request.
#include "apiserver_p.h"
#include "watch.h"

#include <QAbstractHttpServer>
#include <QJsonDocument>
#include <QTcpServer>

using namespace Qt::StringLiterals;

namespace apiserver {

Response ApiServer::Private::serveFaults(const Request& request, const UserInfo& user)
{
    if (!request.remoteAddress.isLoopback() || !user.groups.contains(u"system:masters"_s))
        return errorResponse(kube::ApiError::forbidden(
            u"fault injection is only available to system:masters on a loopback connection"_s));
    if (request.method == u"GET")
        return jsonResponse(200, faults.config().toJson());
    if (request.method != u"PUT" && request.method != u"POST")
        return errorResponse(kube::ApiError::methodNotAllowed(u"use GET to read or PUT to replace the faults"_s));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (!doc.isObject())
        return errorResponse(
            kube::ApiError::badRequest(u"faults must be a JSON object: "_s + parseError.errorString()));
    QString error;
    const auto config = FaultConfig::fromJson(doc.object(), &error);
    if (!config)
        return errorResponse(kube::ApiError::badRequest(error));
    faults.setConfig(*config);
    return jsonResponse(200, config->toJson());
}

void ApiServer::Private::applyFaults(const FaultConfig& config, ApiServer* server)
{
    faults.setConfig(config);
    store.setWindowSize(config.watchWindow > 0 ? config.watchWindow : this->config.watchWindow);
    dropWatches.stop();
    QObject::disconnect(&dropWatches, nullptr, nullptr, nullptr);
    if (config.dropWatchesEverySeconds > 0) {
        QObject::connect(&dropWatches, &QTimer::timeout, server, [this] {
            watches.removeAll(nullptr);
            for (const auto& w : std::as_const(watches)) {
                metrics.countFault(u"watch_drop"_s);
                w->drop();
            }
            watches.clear();
        });
        dropWatches.start(config.dropWatchesEverySeconds * 1000);
    }
    if (config.refuseConnectionsSeconds > 0) {
        metrics.countFault(u"refused"_s);
        // Closing the listeners makes new connections fail with "connection refused"; they reopen on the same
        // ports afterwards. Established connections stay.
        for (QAbstractHttpServer* frontend : frontends()) {
            if (!frontend)
                continue;
            for (QTcpServer* listener : frontend->servers()) {
                const QHostAddress address = listener->serverAddress();
                const quint16 port = listener->serverPort();
                listener->close();
                QTimer::singleShot(config.refuseConnectionsSeconds * 1000, listener,
                    [listener, address, port] { listener->listen(address, port); });
            }
        }
        faults.setConfig([&] {
            FaultConfig once = config;
            once.refuseConnectionsSeconds = 0;
            return once;
        }());
    }
}

} // namespace apiserver
