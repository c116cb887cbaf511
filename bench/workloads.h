#pragma once

#include "httpclient.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace bench {

class ServerProcess;

/// Sizes and rates of one benchmark run.
struct BenchConfig {
    int objects = 20000; ///< Secrets created, then updated, then read
    int concurrency = 32; ///< connections, one request in flight on each
    int dataBytes = 1024; ///< raw bytes of each Secret's data (4 keys)
    int listSize = 10000; ///< objects per namespace; the list phase lists one full namespace
    int listRepeats = 20; ///< timed lists per format (after one validated warm-up)
    int watchers = 100; ///< concurrent watch streams in the fan-out phase
    int fanoutEvents = 500; ///< writes whose delivery to every watcher is timed
    int fanoutRate = 50; ///< fan-out writes per second
    int phaseTimeoutSec = 300; ///< a throughput or list phase gives up after this
    QStringList phases { QStringLiteral("update"), QStringLiteral("get"), QStringLiteral("list"),
        QStringLiteral("fanout") }; ///< run after create (always)
};

/// One request of a throughput phase.
struct RequestSpec {
    QByteArray method;
    QByteArray path;
    QByteArray body;
};

/// Progress and samples of the watch fan-out phase.
struct FanoutState {
    int events = 0; ///< writes to time
    int sent = 0;
    int acked = 0;
    int skipped = 0; ///< rate ticks skipped because the previous write was still in flight
    int writeErrors = 0;
    int unexpected = 0; ///< watch lines that are not one of the timed events
    QList<qint64> sentAt; ///< per write: when its request was written (ns)
    QList<qint64> deliveries; ///< per (event, watcher): send → read (ns)
    QList<qint64> writeLatencies;
};

/// One full benchmark run (create, update, get, list, fan-out) against a started server.
class Workload {
public:
    Workload(const BenchConfig& config, ServerProcess& server);
    ~Workload();

    /// Runs every phase; the result has one object per phase. False with *error when setup failed.
    bool run(QJsonObject* result, QString* error);

private:
    bool connectPool(QString* error);
    bool createNamespaces(QString* error);
    HttpResponse call(HttpConnection* c, const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
        const QByteArray& accept = "application/json");
    QJsonObject throughput(int expectStatus, const std::function<RequestSpec(int)>& make);
    QJsonObject listLatency(bool table);
    QJsonObject fanout();
    void writeAtRate(FanoutState& state);
    bool openWatchers(std::vector<std::unique_ptr<HttpConnection>>& watchers, const QByteArray& path,
        const std::function<void(const QByteArray&, qint64)>& sink);

    QByteArray secretBody(const QByteArray& ns, const QByteArray& name, int seed) const;
    QByteArray namespaceOf(int index) const;
    static QByteArray nameOf(int index);

    BenchConfig m_config;
    ServerProcess& m_server;
    std::vector<std::unique_ptr<HttpConnection>> m_pool;
};

} // namespace bench
