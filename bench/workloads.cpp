#include "workloads.h"

#include "benchstats.h"
#include "serverprocess.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace bench {

namespace {

constexpr int kConnectTimeoutMs = 10000;
constexpr int kDataKeys = 4;
constexpr qint64 kFanoutGraceMs = 10000;
const QByteArray kTableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,"
                                "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const QByteArray kFanoutNamespace = "bench-fanout";

// CPU seconds (user + system) this benchmark process has used.
double clientCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return secs(usage.ru_utime) + secs(usage.ru_stime);
}

// Deterministic, incompressible-looking bytes: what certificates and keys in real Secrets look like.
QByteArray fillerBytes(int size, int seed)
{
    QByteArray out(size, Qt::Uninitialized);
    quint32 x = 2463534242u + quint32(seed) * 7919u;
    for (int i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = char(x & 0xff);
    }
    return out;
}

// The index in a watch event line naming one of the fan-out Secrets ("name":"fan-000123"), or -1.
int fanoutIndex(const QByteArray& line)
{
    static const QByteArray marker = "\"name\":\"fan-";
    const qsizetype at = line.indexOf(marker);
    if (at < 0)
        return -1;
    bool ok = false;
    const int i = line.mid(at + marker.size(), 6).toInt(&ok);
    return ok ? i : -1;
}

} // namespace

Workload::Workload(const BenchConfig& config, ServerProcess& server)
    : m_config(config)
    , m_server(server)
{
}

Workload::~Workload() = default;

QByteArray Workload::nameOf(int index)
{
    return "s-" + QByteArray::number(index).rightJustified(6, '0');
}

QByteArray Workload::namespaceOf(int index) const
{
    return "bench-" + QByteArray::number(index / m_config.listSize);
}

QByteArray Workload::secretBody(const QByteArray& ns, const QByteArray& name, int seed) const
{
    QByteArray data = "{";
    for (int k = 0; k < kDataKeys; ++k) {
        const QByteArray bytes = fillerBytes(m_config.dataBytes / kDataKeys, seed * 8 + k);
        data += (k ? ",\"k" : "\"k") + QByteArray::number(k) + "\":\"" + bytes.toBase64() + '"';
    }
    data += '}';
    return R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":")" + name + R"(","namespace":")" + ns
        + R"(","labels":{"app":"apiserver-bench"}},"type":"Opaque","data":)" + data + '}';
}

bool Workload::connectPool(QString* error)
{
    for (int i = 0; i < m_config.concurrency; ++i) {
        auto c = std::make_unique<HttpConnection>(m_server.endpoint());
        if (!c->open(kConnectTimeoutMs)) {
            *error = u"cannot connect: "_s + c->errorString();
            return false;
        }
        m_pool.push_back(std::move(c));
    }
    return true;
}

HttpResponse Workload::call(HttpConnection* c, const QByteArray& method, const QByteArray& path, const QByteArray& body,
    const QByteArray& accept)
{
    HttpResponse out;
    QEventLoop loop;
    c->request(
        method, path, body,
        [&](const HttpResponse& r) {
            out = r;
            loop.quit();
        },
        "application/json", accept);
    QTimer::singleShot(m_config.phaseTimeoutSec * 1000, &loop, &QEventLoop::quit);
    if (c->busy())
        loop.exec();
    if (c->busy()) // timed out: the callback must not outlive this frame
        c->cancel();
    return out;
}

bool Workload::createNamespaces(QString* error)
{
    const int count = (m_config.objects + m_config.listSize - 1) / m_config.listSize;
    QList<QByteArray> names { kFanoutNamespace };
    for (int i = 0; i < count; ++i)
        names.append("bench-" + QByteArray::number(i));
    for (const auto& name : names) {
        const HttpResponse r
            = call(m_pool.front().get(), "POST", "/api/v1/namespaces", R"({"metadata":{"name":")" + name + R"("}})");
        if (r.status != 201) {
            *error = u"creating namespace %1: HTTP %2 %3 (%4)"_s.arg(QString::fromLatin1(name))
                         .arg(r.status)
                         .arg(QString::fromUtf8(r.body.left(300)), m_pool.front()->errorString());
            return false;
        }
    }
    return true;
}

// Runs `objects` requests over the pool, one in flight per connection, and times each and the whole.
QJsonObject Workload::throughput(int expectStatus, const std::function<RequestSpec(int)>& make)
{
    const int total = m_config.objects;
    QList<qint64> latencies;
    latencies.reserve(total);
    int next = 0;
    int finished = 0;
    int errors = 0;
    int broken = 0;
    QString firstError;
    QEventLoop loop;
    std::function<void(HttpConnection*)> issue = [&](HttpConnection* c) {
        if (next >= total)
            return;
        const RequestSpec spec = make(next++);
        const qint64 sent = nowNs();
        c->request(spec.method, spec.path, spec.body, [&, c, sent](const HttpResponse& r) {
            latencies.append(nowNs() - sent);
            if (r.status != expectStatus && ++errors == 1)
                firstError = u"HTTP %1 %2"_s.arg(r.status).arg(QString::fromUtf8(r.body.left(300)));
            if (r.status == 0 && ++broken == int(m_pool.size()))
                loop.quit();
            if (++finished == total)
                loop.quit();
            else if (r.status != 0)
                issue(c);
        });
    };
    const double serverCpu = m_server.cpuSeconds();
    const double clientCpu = clientCpuSeconds();
    const qint64 start = nowNs();
    for (const auto& c : m_pool)
        issue(c.get());
    QTimer::singleShot(m_config.phaseTimeoutSec * 1000, &loop, &QEventLoop::quit);
    if (finished < total)
        loop.exec();
    for (const auto& c : m_pool)
        if (c->busy()) // timed out: the callbacks must not outlive this frame
            c->cancel();
    const double seconds = double(nowNs() - start) / 1e9;
    const double serverUsed = m_server.cpuSeconds() - serverCpu;
    const int ok = finished - errors;
    return { { u"requests"_s, total }, { u"completed"_s, finished }, { u"errors"_s, errors }, { u"seconds"_s, seconds },
        { u"opsPerSec"_s, double(ok) / seconds }, { u"latency"_s, toJson(summarize(latencies)) },
        { u"serverCpuSeconds"_s, serverUsed }, { u"serverCpuPerOpUs"_s, ok ? serverUsed / ok * 1e6 : 0.0 },
        { u"serverCpuUtilization"_s, serverUsed / seconds }, { u"clientCpuSeconds"_s, clientCpuSeconds() - clientCpu },
        { u"firstError"_s, firstError } };
}

// Lists one full namespace (listSize objects) repeatedly on one connection, as JSON or as kubectl's Table.
QJsonObject Workload::listLatency(bool table)
{
    HttpConnection* c = m_pool.front().get();
    const QByteArray path = "/api/v1/namespaces/" + namespaceOf(0) + "/secrets";
    const QByteArray accept = table ? kTableAccept : "application/json";
    const HttpResponse warmup = call(c, "GET", path, {}, accept);
    const QJsonObject doc = QJsonDocument::fromJson(warmup.body).object();
    const qsizetype items = doc.value(table ? u"rows"_s : u"items"_s).toArray().size();
    QList<qint64> latencies;
    int errors = warmup.status == 200 ? 0 : 1;
    const double serverCpu = m_server.cpuSeconds();
    for (int i = 0; i < m_config.listRepeats; ++i) {
        const qint64 sent = nowNs();
        const HttpResponse r = call(c, "GET", path, {}, accept);
        latencies.append(nowNs() - sent);
        if (r.status != 200)
            ++errors;
    }
    const double serverUsed = m_server.cpuSeconds() - serverCpu;
    return { { u"items"_s, double(items) }, { u"bytes"_s, double(warmup.body.size()) }, { u"errors"_s, errors },
        { u"latency"_s, toJson(summarize(latencies)) },
        { u"serverCpuPerListMs"_s, serverUsed / qMax(1, m_config.listRepeats) * 1e3 } };
}

// Starts one watch per connection and waits until every response head (sent after registration) has arrived.
bool Workload::openWatchers(std::vector<std::unique_ptr<HttpConnection>>& watchers, const QByteArray& path,
    const std::function<void(const QByteArray&, qint64)>& sink)
{
    for (int i = 0; i < m_config.watchers; ++i) {
        auto c = std::make_unique<HttpConnection>(m_server.endpoint());
        if (!c->open(kConnectTimeoutMs))
            return false;
        c->stream(path, sink, [](const HttpResponse&) {});
        watchers.push_back(std::move(c));
    }
    // The server writes the head and registers the listener in the same event-loop turn: a status means ready.
    QEventLoop loop;
    QTimer poll;
    int ready = 0;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        ready = 0;
        for (const auto& w : watchers)
            ready += w->responseStatus() == 200 ? 1 : 0;
        if (ready == int(watchers.size()))
            loop.quit();
    });
    poll.start(10);
    QTimer::singleShot(kConnectTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return ready == int(watchers.size());
}

// 100 watch streams on the secrets collection; creates at a fixed rate; latency from each create's send to each
// watcher reading the event.
QJsonObject Workload::fanout()
{
    const HttpResponse listed
        = call(m_pool.front().get(), "GET", "/api/v1/namespaces/" + kFanoutNamespace + "/secrets");
    const QByteArray rv = QJsonDocument::fromJson(listed.body)
                              .object()
                              .value(u"metadata"_s)
                              .toObject()
                              .value(u"resourceVersion"_s)
                              .toString()
                              .toLatin1();
    FanoutState state;
    state.events = m_config.fanoutEvents;
    state.sentAt.fill(0, state.events);
    state.deliveries.reserve(qsizetype(state.events) * m_config.watchers);
    const auto sink = [&state](const QByteArray& chunk, qint64 at) {
        for (const auto& line : chunk.split('\n')) {
            if (line.isEmpty())
                continue;
            const int i = fanoutIndex(line);
            if (i >= 0 && i < state.events && state.sentAt[i] > 0 && line.startsWith("{\"object\""))
                state.deliveries.append(at - state.sentAt[i]);
            else
                ++state.unexpected;
        }
    };
    std::vector<std::unique_ptr<HttpConnection>> watchers;
    const QByteArray path = "/api/v1/secrets?watch=true&resourceVersion=" + rv
        + "&timeoutSeconds=" + QByteArray::number(state.events / qMax(1, m_config.fanoutRate) + 120);
    if (rv.isEmpty() || !openWatchers(watchers, path, sink))
        return { { u"error"_s, u"cannot open %1 watch streams"_s.arg(m_config.watchers) } };
    const double serverCpu = m_server.cpuSeconds();
    writeAtRate(state);
    const double serverUsed = m_server.cpuSeconds() - serverCpu;
    const qsizetype expected = qsizetype(state.events) * m_config.watchers;
    return { { u"watchers"_s, m_config.watchers }, { u"events"_s, state.sent },
        { u"ratePerSec"_s, m_config.fanoutRate }, { u"deliveries"_s, double(state.deliveries.size()) },
        { u"missing"_s, double(expected - state.deliveries.size()) }, { u"unexpectedLines"_s, state.unexpected },
        { u"skippedTicks"_s, state.skipped }, { u"writeErrors"_s, state.writeErrors },
        { u"latency"_s, toJson(summarize(state.deliveries)) },
        { u"writeLatency"_s, toJson(summarize(state.writeLatencies)) },
        { u"serverCpuPerEventMs"_s, state.sent ? serverUsed / state.sent * 1e3 : 0.0 } };
}

// Creates the fan-out Secrets at the configured rate (skipping a tick while the previous create is in flight),
// then waits until every watcher has every event or 10 s after the last write.
void Workload::writeAtRate(FanoutState& state)
{
    HttpConnection* writer = m_pool.front().get();
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (state.sent == state.events) {
            tick.stop();
            return;
        }
        if (writer->busy()) {
            ++state.skipped;
            return;
        }
        const int i = state.sent++;
        const QByteArray body
            = secretBody(kFanoutNamespace, "fan-" + QByteArray::number(i).rightJustified(6, '0'), 1000000 + i);
        state.sentAt[i] = nowNs();
        writer->request(
            "POST", "/api/v1/namespaces/" + kFanoutNamespace + "/secrets", body, [&state, i](const HttpResponse& r) {
                state.writeLatencies.append(nowNs() - state.sentAt[i]);
                state.writeErrors += r.status == 201 ? 0 : 1;
                ++state.acked;
            });
    });
    const int rate = qMax(1, m_config.fanoutRate);
    tick.start(qMax(1, 1000 / rate));
    const qint64 deadline = nowNs() + (qint64(state.events) * 1000 / rate + kFanoutGraceMs) * 1000000;
    const qsizetype expected = qsizetype(state.events) * m_config.watchers;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if ((state.acked == state.events && state.deliveries.size() >= expected) || nowNs() > deadline)
            loop.quit();
    });
    poll.start(20);
    loop.exec();
    if (writer->busy()) // gave up: the callback must not outlive `state`
        writer->cancel();
}

bool Workload::run(QJsonObject* result, QString* error)
{
    if (!connectPool(error) || !createNamespaces(error))
        return false;
    QJsonObject out;
    out[u"create"_s] = throughput(201, [this](int i) {
        return RequestSpec { "POST", "/api/v1/namespaces/" + namespaceOf(i) + "/secrets",
            secretBody(namespaceOf(i), nameOf(i), 2 * i) };
    });
    if (m_config.phases.contains(u"update"_s))
        out[u"update"_s] = throughput(200, [this](int i) {
            return RequestSpec { "PUT", "/api/v1/namespaces/" + namespaceOf(i) + "/secrets/" + nameOf(i),
                secretBody(namespaceOf(i), nameOf(i), 2 * i + 1) };
        });
    if (m_config.phases.contains(u"get"_s))
        out[u"get"_s] = throughput(200, [this](int i) {
            return RequestSpec { "GET", "/api/v1/namespaces/" + namespaceOf(i) + "/secrets/" + nameOf(i), {} };
        });
    if (m_config.phases.contains(u"list"_s)) {
        out[u"listJson"_s] = listLatency(false);
        out[u"listTable"_s] = listLatency(true);
    }
    if (m_config.phases.contains(u"fanout"_s))
        out[u"fanout"_s] = fanout();
    out[u"serverPeakRssMiB"_s] = m_server.peakRssMiB();
    *result = out;
    return true;
}

} // namespace bench
