// propagation_bench: the SyncSecret controllers end to end, as real processes. Two `kubelb-syncd apiserver`
// processes (tenant, management; in memory) and the CCM and the Manager as `kubelb-syncd ccm|manager` processes.
//
//  - propagation: N SyncSecrets (1 KiB data each) created at a fixed client concurrency until every management
//    Secret exists with equal data and every tenant status is Synced, observed through watches; then the floor:
//    the same writes per object issued directly by this client at the same concurrency against fresh servers.
//  - API calls per SyncSecret from the servers' apiserver_request_total; writes across a forced resync (both
//    controllers restarted at steady state).
//  - update latency: one tenant object changed 200 times, one at a time, until the management Secret shows it.
//  - memory: the Manager's RSS with N cached SyncSecrets (seeded directly, with their Secrets) minus its RSS with
//    an empty cache, against the raw JSON of those objects as the server lists them.
#include "benchstats.h"
#include "controllerprocess.h"
#include "httpclient.h"
#include "kube/yaml.h"
#include "kubelb/version.h"
#include "serverprocess.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <memory>
#include <sys/resource.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

using bench::Endpoint;
using bench::HttpConnection;
using bench::HttpResponse;
using bench::nowNs;

constexpr int kConnectTimeoutMs = 10000;
constexpr int kDataKeys = 4;
const QByteArray kTenantNs = "production";
const QByteArray kMgmtNs = "tenant-primary";
const QByteArray kFinalizer = "kubelb.k8c.io/lb-finalizer";
const QByteArray kWriteVerbs[] = { "POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION" };

struct Options {
    QString syncd;
    QString workDir;
    QString jsonFile;
    QStringList scenarios { u"propagation"_s, u"memory"_s };
    QList<int> sizes { 1000, 10000 };
    QList<int> memorySizes { 10000, 100000 };
    int concurrency = 16;
    int dataBytes = 1024;
    int updates = 200;
    int settleMs = 6000;
    int timeoutSec = 600;
    QStringList controllerFlags { u"--qps"_s, u"0"_s };
};

// User + system CPU seconds of this benchmark process (the client, its watches and their JSON parsing).
double selfCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return secs(usage.ru_utime) + secs(usage.ru_stime);
}

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QByteArray ssecPath(const QByteArray& ns, const QByteArray& name = {}, const QByteArray& sub = {})
{
    QByteArray p = "/apis/kubelb.k8c.io/v1alpha1/namespaces/" + ns + "/syncsecrets";
    if (!name.isEmpty())
        p += '/' + name;
    if (!sub.isEmpty())
        p += '/' + sub;
    return p;
}

QByteArray secretPath(const QByteArray& ns, const QByteArray& name = {})
{
    QByteArray p = "/api/v1/namespaces/" + ns + "/secrets";
    return name.isEmpty() ? p : p + '/' + name;
}

QByteArray nameOf(const QByteArray& prefix, int i)
{
    return prefix + QByteArray::number(i).rightJustified(6, '0');
}

int indexOf(const QString& name)
{
    bool ok = false;
    const int i = name.right(6).toInt(&ok);
    return ok ? i : -1;
}

QByteArray fillerBytes(int size, quint32 seed)
{
    QByteArray b(size, Qt::Uninitialized);
    quint32 x = 2463534242u + seed * 7919u;
    for (int i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = char(x & 0xff);
    }
    return b;
}

QJsonObject parse(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject meta(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}

// The writes the controllers make for one SyncSecret, as the floor client issues them: the management copy (named by
// the tenant UID, born with the cleanup finalizer) and the Secret owned by that copy.
QJsonObject managementCopy(const QString& uid, const QJsonObject& labels, const QJsonValue& data)
{
    return QJsonObject { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
        { u"metadata"_s,
            QJsonObject { { u"name"_s, uid }, { u"namespace"_s, QString::fromLatin1(kMgmtNs) }, { u"labels"_s, labels },
                { u"finalizers"_s, QJsonArray { QString::fromLatin1(kFinalizer) } } } },
        { u"type"_s, u"Opaque"_s }, { u"data"_s, data } };
}

QJsonObject managedSecret(const QString& uid, const QString& copyUid, QJsonObject labels, const QJsonValue& data)
{
    labels[u"kubelb.k8c.io/syncsecret-owned"_s] = u"true"_s;
    return QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Secret"_s },
        { u"metadata"_s,
            QJsonObject { { u"name"_s, copyUid }, { u"namespace"_s, QString::fromLatin1(kMgmtNs) },
                { u"labels"_s, labels },
                { u"ownerReferences"_s,
                    QJsonArray { QJsonObject { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s },
                        { u"kind"_s, u"SyncSecret"_s }, { u"name"_s, uid }, { u"uid"_s, copyUid },
                        { u"controller"_s, true }, { u"blockOwnerDeletion"_s, true } } } } } },
        { u"type"_s, u"Opaque"_s }, { u"data"_s, data } };
}

// Sends one request and waits for its answer (setup and sequential phases only).
HttpResponse call(HttpConnection& c, const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
    const QByteArray& contentType = "application/json", int timeoutMs = 300000)
{
    HttpResponse result;
    QEventLoop loop;
    c.request(
        method, path, body,
        [&](const HttpResponse& r) {
            result = r;
            loop.quit();
        },
        contentType);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (c.busy())
        loop.exec();
    if (c.busy())
        c.cancel();
    return result;
}

// Runs the event loop until `done()` or the timeout; checks every `stepMs` (local state only, no requests).
template <typename F> bool waitFor(F&& done, int timeoutMs, int stepMs = 5)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    tick.start(stepMs);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return done();
}

using Pool = std::vector<std::unique_ptr<HttpConnection>>;

bool openPool(const Endpoint& endpoint, int size, Pool* pool, QString* error)
{
    for (int i = 0; i < size; ++i) {
        auto c = std::make_unique<HttpConnection>(endpoint);
        if (!c->open(kConnectTimeoutMs)) {
            *error = u"cannot connect: "_s + c->errorString();
            return false;
        }
        pool->push_back(std::move(c));
    }
    return true;
}

/// A task works on object `index` using the connections of `slot` and calls `finished(ok)` once.
using Task = std::function<void(int index, int slot, std::function<void(bool ok)> finished)>;

// Runs tasks 0..total-1 on `slots` parallel slots (one task in flight per slot). Returns the failures.
int runParallel(int total, int slots, const Task& task, int timeoutMs)
{
    int next = 0;
    int finished = 0;
    int failures = 0;
    QEventLoop loop;
    std::function<void(int)> issue = [&](int slot) {
        if (next >= total)
            return;
        const int index = next++;
        task(index, slot, [&, slot](bool ok) {
            failures += ok ? 0 : 1;
            if (++finished == total)
                loop.quit();
            else
                QMetaObject::invokeMethod(
                    &loop, [&issue, slot] { issue(slot); }, Qt::QueuedConnection);
        });
    };
    for (int s = 0; s < slots; ++s)
        issue(s);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (finished < total)
        loop.exec();
    return failures + (total - finished);
}

/// A watch stream decoded into events.
class WatchStream {
public:
    using Handler = std::function<void(const QString& type, const QJsonObject& object, qint64 receivedNs)>;

    bool open(const Endpoint& endpoint, const QByteArray& path, Handler handler, QString* error)
    {
        m_handler = std::move(handler);
        m_conn = std::make_unique<HttpConnection>(endpoint);
        if (!m_conn->open(kConnectTimeoutMs)) {
            *error = u"watch: cannot connect"_s;
            return false;
        }
        m_conn->stream(
            path,
            [this](const QByteArray& chunk, qint64 ns) {
                m_buf += chunk;
                qsizetype start = 0;
                for (qsizetype nl; (nl = m_buf.indexOf('\n', start)) >= 0; start = nl + 1) {
                    const QJsonObject e = parse(m_buf.mid(start, nl - start));
                    if (!e.isEmpty())
                        m_handler(e.value(u"type"_s).toString(), e.value(u"object"_s).toObject(), ns);
                }
                m_buf.remove(0, start);
            },
            [this](const HttpResponse& r) { m_ended = r.status; });
        if (!waitFor([this] { return m_conn->responseStatus() != 0; }, kConnectTimeoutMs)
            || m_conn->responseStatus() != 200) {
            *error = u"watch %1: HTTP %2"_s.arg(QString::fromLatin1(path)).arg(m_conn->responseStatus());
            return false;
        }
        return true;
    }
    bool ended() const { return m_ended >= 0; }

private:
    std::unique_ptr<HttpConnection> m_conn;
    QByteArray m_buf;
    Handler m_handler;
    int m_ended = -1;
};

/// Requests an API server counted, by "VERB resource[/subresource] code", from apiserver_request_total.
using Counts = QMap<QString, double>;

Counts requestCounts(HttpConnection& c)
{
    Counts counts;
    const HttpResponse r = call(c, "GET", "/metrics");
    for (const QByteArray& line : r.body.split('\n')) {
        if (!line.startsWith("apiserver_request_total{"))
            continue;
        const QByteArray labels = line.mid(24, line.lastIndexOf('}') - 24);
        QMap<QByteArray, QByteArray> l;
        for (const QByteArray& pair : labels.split(',')) {
            const qsizetype eq = pair.indexOf('=');
            if (eq > 0)
                l.insert(pair.left(eq), QByteArray(pair.mid(eq + 1)).replace('"', ""));
        }
        QByteArray resource = l.value("resource");
        if (resource.isEmpty())
            continue; // non-resource URLs: this benchmark's own /metrics reads
        if (!l.value("subresource").isEmpty())
            resource += '/' + l.value("subresource");
        counts[QString::fromLatin1(l.value("verb") + ' ' + resource + ' ' + l.value("code"))]
            += line.mid(line.lastIndexOf(' ') + 1).toDouble();
    }
    return counts;
}

Counts operator-(const Counts& after, const Counts& before)
{
    Counts d;
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        if (const double n = it.value() - before.value(it.key()); n != 0)
            d.insert(it.key(), n);
    return d;
}

double sumVerbs(const Counts& c, std::initializer_list<const char*> verbs)
{
    double sum = 0;
    for (auto it = c.cbegin(); it != c.cend(); ++it)
        for (const char* v : verbs)
            if (it.key().startsWith(QLatin1StringView(v) + u' '))
                sum += it.value();
    return sum;
}

double writesOf(const Counts& c)
{
    return sumVerbs(c, { "POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION" });
}

// Requests answered 409 Conflict.
double conflictsOf(const Counts& c)
{
    double sum = 0;
    for (auto it = c.cbegin(); it != c.cend(); ++it)
        if (it.key().endsWith(u" 409"_s))
            sum += it.value();
    return sum;
}

QJsonObject countsJson(const Counts& c)
{
    QJsonObject o;
    for (auto it = c.cbegin(); it != c.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

/// One API server process with a connection pool and the SyncSecret CRD installed.
struct Cluster {
    std::unique_ptr<bench::ServerProcess> server;
    Pool pool;
    HttpConnection& admin() { return *pool.front(); }

    bool start(const QString& syncd, const QString& dir, int connections, QString* error)
    {
        QDir().mkpath(dir);
        server = std::make_unique<bench::ServerProcess>(syncd, dir, false);
        if (!server->start(error) || !openPool(server->endpoint(), connections, &pool, error))
            return false;
        QFile crdFile(QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/base/syncsecret-crd.yaml"));
        if (!crdFile.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the SyncSecret CRD"_s;
            return false;
        }
        const auto crd = kube::yamlToJson(crdFile.readAll());
        if (!crd || !crd->isObject()) {
            *error = u"cannot parse the SyncSecret CRD"_s;
            return false;
        }
        const HttpResponse r = call(admin(), "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            QJsonDocument(crd->toObject()).toJson(QJsonDocument::Compact));
        if (r.status != 201) {
            *error = u"creating the CRD: HTTP %1"_s.arg(r.status);
            return false;
        }
        // The new resource is served within a moment (setup only).
        const QDeadlineTimer deadline(30000);
        while (call(admin(), "GET", ssecPath("default")).status != 200) {
            if (deadline.hasExpired()) {
                *error = u"the SyncSecret resource was never served"_s;
                return false;
            }
            QThread::msleep(50);
        }
        return true;
    }

    bool createNamespace(const QByteArray& name, const QByteArray& labels, QString* error)
    {
        const HttpResponse r = call(admin(), "POST", "/api/v1/namespaces",
            R"({"metadata":{"name":")" + name + R"(","labels":{)" + labels + "}}}");
        if (r.status != 201)
            *error = u"creating namespace %1: HTTP %2"_s.arg(QString::fromLatin1(name)).arg(r.status);
        return r.status == 201;
    }

    QByteArray listVersion(const QByteArray& path)
    {
        return meta(parse(call(admin(), "GET", path + "?limit=1").body))
            .value(u"resourceVersion"_s)
            .toString()
            .toLatin1();
    }
};

/// The objects of one propagation run: bodies and the Secret data each must produce.
struct Workset {
    int count = 0;
    bool stringData = false;
    QList<QByteArray> bodies;
    QList<QJsonObject> expected; ///< base64 data the management Secret must hold

    Workset(int n, int dataBytes, bool useStringData)
        : count(n)
        , stringData(useStringData)
    {
        for (int i = 0; i < n; ++i) {
            QJsonObject data;
            QJsonObject wire;
            for (int k = 0; k < kDataKeys; ++k) {
                const QByteArray key = "k" + QByteArray::number(k);
                QByteArray value = fillerBytes(dataBytes / kDataKeys, quint32(i * 8 + k));
                if (stringData) // printable: the string itself is 256 bytes of the Secret's data
                    value = value.toBase64().left(dataBytes / kDataKeys);
                data.insert(QString::fromLatin1(key), QString::fromLatin1(value.toBase64()));
                wire.insert(QString::fromLatin1(key), QString::fromLatin1(stringData ? value : value.toBase64()));
            }
            expected.append(data);
            const QJsonObject o { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
                { u"metadata"_s,
                    QJsonObject { { u"name"_s, QString::fromLatin1(nameOf("ss-", i)) },
                        { u"namespace"_s, QString::fromLatin1(kTenantNs) },
                        { u"labels"_s, QJsonObject { { u"app"_s, u"propagation-bench"_s } } } } },
                { u"type"_s, u"Opaque"_s }, { stringData ? u"stringData"_s : u"data"_s, wire } };
            bodies.append(compact(o));
        }
    }
};

/// Per-object progress, fed by the tenant SyncSecret watch and the management Secret watch.
struct Progress {
    QList<qint64> createdAt; ///< create acknowledged
    QList<qint64> syncedAt; ///< tenant status Synced for the current generation seen
    QList<qint64> secretAt; ///< management Secret with equal data seen
    int done = 0;
    qint64 lastDone = 0;
    const Workset* set = nullptr;
    // Update-latency probe: the Secret of object `probe` showing `probeValue` under k0.
    int probe = -1;
    QString probeValue;
    qint64 probeSeenAt = 0;

    explicit Progress(const Workset& w)
        : createdAt(w.count, 0)
        , syncedAt(w.count, 0)
        , secretAt(w.count, 0)
        , set(&w)
    {
    }
    void check(int i, qint64 ns)
    {
        if (syncedAt[i] && secretAt[i] && createdAt[i] >= 0) {
            ++done;
            lastDone = ns;
            createdAt[i] = -createdAt[i] - 1; // mark as counted; decoded by latency()
        }
    }
    void onTenant(const QString& type, const QJsonObject& o, qint64 ns)
    {
        if (type == u"DELETED"_s)
            return;
        const int i = indexOf(meta(o).value(u"name"_s).toString());
        if (i < 0 || i >= set->count || syncedAt[i])
            return;
        const QJsonObject status = o.value(u"status"_s).toObject();
        if (status.value(u"phase"_s).toString() == u"Synced"_s
            && status.value(u"observedGeneration"_s).toInteger() == meta(o).value(u"generation"_s).toInteger()) {
            syncedAt[i] = ns;
            check(i, ns);
        }
    }
    void onSecret(const QString& type, const QJsonObject& o, qint64 ns)
    {
        if (type == u"DELETED"_s)
            return;
        const QString origin = meta(o).value(u"labels"_s).toObject().value(u"kubelb.k8c.io/origin-name"_s).toString();
        const int i = indexOf(origin);
        if (i < 0 || i >= set->count)
            return;
        const QJsonObject data = o.value(u"data"_s).toObject();
        if (i == probe && data.value(u"k0"_s).toString() == probeValue && !probeSeenAt)
            probeSeenAt = ns;
        if (!secretAt[i] && data == set->expected[i]) {
            secretAt[i] = ns;
            check(i, ns);
        }
    }
    QList<qint64> latencies() const
    {
        QList<qint64> l;
        for (int i = 0; i < createdAt.size(); ++i)
            if (createdAt[i] < 0)
                l.append(qMax(syncedAt[i], secretAt[i]) - (-createdAt[i] - 1));
        return l;
    }
};

bool openWatches(Cluster& tenant, Cluster& mgmt, Progress& p, WatchStream& tw, WatchStream& sw, QString* error)
{
    const QByteArray trv = tenant.listVersion(ssecPath(kTenantNs));
    const QByteArray srv = mgmt.listVersion(secretPath(kMgmtNs));
    return tw.open(
               tenant.server->endpoint(),
               ssecPath(kTenantNs) + "?watch=true&timeoutSeconds=3600&resourceVersion=" + trv,
               [&p](const QString& t, const QJsonObject& o, qint64 ns) { p.onTenant(t, o, ns); }, error)
        && sw.open(
            mgmt.server->endpoint(), secretPath(kMgmtNs) + "?watch=true&timeoutSeconds=3600&resourceVersion=" + srv,
            [&p](const QString& t, const QJsonObject& o, qint64 ns) { p.onSecret(t, o, ns); }, error);
}

bool startClusters(const Options& o, const QString& dir, Cluster& tenant, Cluster& mgmt, QString* error)
{
    return tenant.start(o.syncd, dir + u"/tenant"_s, o.concurrency, error)
        && mgmt.start(o.syncd, dir + u"/management"_s, o.concurrency, error)
        && tenant.createNamespace(kTenantNs, {}, error)
        && mgmt.createNamespace(kMgmtNs, R"("kubelb.k8c.io/tenant":"primary")", error);
}

std::unique_ptr<bench::ControllerProcess> ccmProcess(const Options& o, const QString& dir, Cluster& t, Cluster& m)
{
    QStringList args { u"ccm"_s, u"--kubeconfig"_s, t.server->kubeconfigPath(), u"--kubelb-kubeconfig"_s,
        m.server->kubeconfigPath(), u"--cluster-name"_s, QString::fromLatin1(kMgmtNs) };
    return std::make_unique<bench::ControllerProcess>(o.syncd, args + o.controllerFlags, dir + u"/ccm.log"_s);
}

std::unique_ptr<bench::ControllerProcess> managerProcess(const Options& o, const QString& dir, Cluster& m)
{
    QStringList args { u"manager"_s, u"--kubeconfig"_s, m.server->kubeconfigPath() };
    return std::make_unique<bench::ControllerProcess>(o.syncd, args + o.controllerFlags, dir + u"/manager.log"_s);
}

// Work queue empty, no reconcile running and at least `minReconciles` reconciles done.
bool controllerIdle(const bench::ControllerProcess& p, const QByteArray& name, double minReconciles)
{
    const QByteArray m = p.metrics();
    const QByteArray label = "name=\"" + name + '"';
    const QByteArray controller = "controller=\"" + name + '"';
    return !m.isEmpty() && bench::metricSum(m, "workqueue_depth", label) == 0
        && bench::metricSum(m, "controller_runtime_active_workers", controller) == 0
        && bench::metricSum(m, "controller_runtime_reconcile_total", controller) >= minReconciles;
}

// Polls both controllers' metrics (between phases only) until both are idle twice in a row, 500 ms apart.
bool waitIdle(const std::vector<std::pair<bench::ControllerProcess*, QByteArray>>& controllers, double minReconciles,
    int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    int streak = 0;
    while (!deadline.hasExpired()) {
        bool all = true;
        for (const auto& [p, name] : controllers)
            all = all && controllerIdle(*p, name, minReconciles);
        streak = all ? streak + 1 : 0;
        if (streak >= 2)
            return true;
        waitFor([] { return false; }, 1000);
    }
    return false;
}

QJsonObject phaseJson(
    const Progress& p, qint64 startNs, int count, const Counts& tenantCounts, const Counts& mgmtCounts, int creates)
{
    const double seconds = double(p.lastDone - startNs) / 1e9;
    const double tenantWrites = writesOf(tenantCounts) - creates;
    const double mgmtWrites = writesOf(mgmtCounts);
    return { { u"objects"_s, count }, { u"completed"_s, p.done }, { u"seconds"_s, seconds },
        { u"objectsPerSec"_s, p.done / seconds }, { u"latency"_s, bench::toJson(bench::summarize(p.latencies())) },
        { u"writesPerObject"_s, (tenantWrites + mgmtWrites) / count },
        { u"tenantWritesPerObject"_s, tenantWrites / count }, { u"managementWritesPerObject"_s, mgmtWrites / count },
        { u"getsPerObject"_s, (sumVerbs(tenantCounts, { "GET" }) + sumVerbs(mgmtCounts, { "GET" })) / count },
        { u"conflictsPerObject"_s, (conflictsOf(tenantCounts) + conflictsOf(mgmtCounts)) / count },
        { u"tenantRequests"_s, countsJson(tenantCounts) }, { u"managementRequests"_s, countsJson(mgmtCounts) } };
}

// Creates every tenant SyncSecret at the configured concurrency, recording each acknowledgement.
int createAll(Cluster& tenant, const Workset& w, Progress& p, int concurrency, int timeoutMs)
{
    return runParallel(
        w.count, concurrency,
        [&](int i, int slot, std::function<void(bool)> finished) {
            tenant.pool[slot]->request(
                "POST", ssecPath(kTenantNs), w.bodies[i], [&p, i, finished, &w](const HttpResponse& r) {
                    if (p.createdAt[i] == 0)
                        p.createdAt[i] = nowNs();
                    Q_UNUSED(w);
                    finished(r.status == 201);
                });
        },
        timeoutMs);
}

QJsonObject updateLatency(Cluster& tenant, Progress& p, int updates, bool stringData)
{
    QList<qint64> samples;
    int errors = 0;
    p.probe = p.set->count / 2;
    const QByteArray path = ssecPath(kTenantNs, nameOf("ss-", p.probe));
    for (int u = 0; u < updates; ++u) {
        const QByteArray raw = fillerBytes(256, 0x5eed0000u + quint32(u)).toBase64().left(256);
        p.probeValue = QString::fromLatin1(raw.toBase64());
        p.probeSeenAt = 0;
        const QByteArray patch
            = stringData ? R"({"stringData":{"k0":")" + raw + "\"}}" : R"({"data":{"k0":")" + raw.toBase64() + "\"}}";
        const qint64 sent = nowNs();
        const HttpResponse r = call(tenant.admin(), "PATCH", path, patch, "application/merge-patch+json");
        if (r.status != 200 || !waitFor([&] { return p.probeSeenAt != 0; }, 10000, 1)) {
            ++errors;
            continue;
        }
        samples.append(p.probeSeenAt - sent);
    }
    p.probe = -1;
    return { { u"updates"_s, updates }, { u"errors"_s, errors },
        { u"latency"_s, bench::toJson(bench::summarize(samples)) } };
}

// Controllers run: creates, waits for every object, counts, update latency, forced resync by restart.
QJsonObject controllersRun(const Options& o, const QString& dir, const Workset& w, QString* error)
{
    Cluster tenant, mgmt;
    if (!startClusters(o, dir, tenant, mgmt, error))
        return {};
    auto manager = managerProcess(o, dir, mgmt);
    auto ccm = ccmProcess(o, dir, tenant, mgmt);
    if (!manager->start(error) || !ccm->start(error))
        return {};
    Progress p(w);
    WatchStream tw, sw;
    if (!openWatches(tenant, mgmt, p, tw, sw, error))
        return {};
    const Counts tenantBefore = requestCounts(tenant.admin());
    const Counts mgmtBefore = requestCounts(mgmt.admin());
    const double ccmCpu = bench::processCpuSeconds(ccm->pid());
    const double managerCpu = bench::processCpuSeconds(manager->pid());
    const double tenantCpu = tenant.server->cpuSeconds();
    const double mgmtCpu = mgmt.server->cpuSeconds();
    const double clientCpu = selfCpuSeconds();
    const auto reconciles = [&] {
        return std::pair { ccm->metric("controller_runtime_reconcile_total", "controller=\"syncsecret-ccm\""),
            manager->metric("controller_runtime_reconcile_total", "controller=\"syncsecret-manager\"") };
    };
    const auto reconcilesBefore = reconciles();
    const qint64 start = nowNs();
    const int createErrors = createAll(tenant, w, p, o.concurrency, o.timeoutSec * 1000);
    const bool complete = waitFor([&] { return p.done == w.count; }, o.timeoutSec * 1000, 20);
    QJsonObject cpu { { u"ccm"_s, bench::processCpuSeconds(ccm->pid()) - ccmCpu },
        { u"manager"_s, bench::processCpuSeconds(manager->pid()) - managerCpu },
        { u"tenantServer"_s, tenant.server->cpuSeconds() - tenantCpu },
        { u"managementServer"_s, mgmt.server->cpuSeconds() - mgmtCpu },
        { u"benchClient"_s, selfCpuSeconds() - clientCpu } };
    if (!complete) {
        *error = u"controllers: %1 of %2 objects complete after %3 s (create errors %4)"_s.arg(p.done)
                     .arg(w.count)
                     .arg(o.timeoutSec)
                     .arg(createErrors);
        return {};
    }
    // Counts are read once the controllers are idle: writes that finish after the last object was seen count too.
    const std::vector<std::pair<bench::ControllerProcess*, QByteArray>> both { { ccm.get(), "syncsecret-ccm" },
        { manager.get(), "syncsecret-manager" } };
    waitIdle(both, 0, 60000);
    const Counts tenantCounts = requestCounts(tenant.admin()) - tenantBefore;
    const Counts mgmtCounts = requestCounts(mgmt.admin()) - mgmtBefore;
    QJsonObject result = phaseJson(p, start, w.count, tenantCounts, mgmtCounts, w.count);
    result[u"createErrors"_s] = createErrors;
    result[u"cpuSeconds"_s] = cpu;
    // Reconciles per object until idle: every reconcile beyond the ones that write costs CPU and finds nothing to do.
    const auto reconcilesAfter = reconciles();
    const double ccmReconciles = (reconcilesAfter.first - reconcilesBefore.first) / w.count;
    const double managerReconciles = (reconcilesAfter.second - reconcilesBefore.second) / w.count;
    result[u"reconcilesPerObject"_s] = QJsonObject { { u"ccm"_s, ccmReconciles }, { u"manager"_s, managerReconciles } };
    out() << "  controllers: " << w.count << " objects in " << QString::number(result[u"seconds"_s].toDouble(), 'f', 2)
          << " s, writes/object " << QString::number(result[u"writesPerObject"_s].toDouble(), 'f', 2)
          << ", GETs/object " << QString::number(result[u"getsPerObject"_s].toDouble(), 'f', 3) << Qt::endl;
    out() << "  reconciles/object ccm " << QString::number(ccmReconciles, 'f', 2) << " manager "
          << QString::number(managerReconciles, 'f', 2) << "; CPU s ccm "
          << QString::number(cpu.value(u"ccm"_s).toDouble(), 'f', 1) << " manager "
          << QString::number(cpu.value(u"manager"_s).toDouble(), 'f', 1) << " servers "
          << QString::number(
                 cpu.value(u"tenantServer"_s).toDouble() + cpu.value(u"managementServer"_s).toDouble(), 'f', 1)
          << Qt::endl;

    if (o.updates > 0 && w.count >= 10000) {
        result[u"update"_s] = updateLatency(tenant, p, o.updates, w.stringData);
        const QJsonObject l = result[u"update"_s].toObject().value(u"latency"_s).toObject();
        out() << "  update latency p50 " << l.value(u"p50Ms"_s).toDouble() << " ms p99 "
              << l.value(u"p99Ms"_s).toDouble() << " ms" << Qt::endl;
        waitIdle(both, 0, 60000);
    }

    // Forced resync at steady state: both controllers restarted; every object reconciled again by each.
    const Counts tenantSteady = requestCounts(tenant.admin());
    const Counts mgmtSteady = requestCounts(mgmt.admin());
    ccm->stop();
    manager->stop();
    QElapsedTimer resyncTimer;
    resyncTimer.start();
    if (!manager->start(error) || !ccm->start(error))
        return {};
    const bool resynced = waitIdle(both, w.count, o.timeoutSec * 1000);
    const Counts tenantResync = requestCounts(tenant.admin()) - tenantSteady;
    const Counts mgmtResync = requestCounts(mgmt.admin()) - mgmtSteady;
    result[u"resync"_s] = QJsonObject { { u"completed"_s, resynced }, { u"seconds"_s, resyncTimer.elapsed() / 1000.0 },
        { u"ccmReconciles"_s, ccm->metric("controller_runtime_reconcile_total", "controller=\"syncsecret-ccm\"") },
        { u"managerReconciles"_s,
            manager->metric("controller_runtime_reconcile_total", "controller=\"syncsecret-manager\"") },
        { u"writes"_s, writesOf(tenantResync) + writesOf(mgmtResync) },
        { u"gets"_s, sumVerbs(tenantResync, { "GET" }) + sumVerbs(mgmtResync, { "GET" }) },
        { u"tenantRequests"_s, countsJson(tenantResync) }, { u"managementRequests"_s, countsJson(mgmtResync) } };
    out() << "  resync after restart: writes " << result[u"resync"_s].toObject().value(u"writes"_s).toDouble()
          << Qt::endl;
    ccm->stop();
    manager->stop();
    return result;
}

// The floor: this client issues the controllers' writes itself, one chain per object, `concurrency` chains at a time.
QJsonObject floorRun(const Options& o, const QString& dir, const Workset& w, QString* error)
{
    Cluster tenant, mgmt;
    if (!startClusters(o, dir, tenant, mgmt, error))
        return {};
    Progress p(w);
    WatchStream tw, sw;
    if (!openWatches(tenant, mgmt, p, tw, sw, error))
        return {};
    const Counts tenantBefore = requestCounts(tenant.admin());
    const Counts mgmtBefore = requestCounts(mgmt.admin());
    const double tenantCpu = tenant.server->cpuSeconds();
    const double mgmtCpu = mgmt.server->cpuSeconds();
    const double clientCpu = selfCpuSeconds();
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    QString firstError;
    const auto status = [&now](qint64 generation, const QString& message) {
        return QJsonObject { { u"phase"_s, u"Synced"_s }, { u"observedGeneration"_s, generation },
            { u"conditions"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"Synced"_s }, { u"status"_s, u"True"_s },
                    { u"observedGeneration"_s, generation }, { u"lastTransitionTime"_s, now },
                    { u"reason"_s, u"SecretSynced"_s }, { u"message"_s, message } } } } };
    };
    const qint64 start = nowNs();
    const Task chain = [&](int i, int slot, std::function<void(bool)> finished) {
        HttpConnection* t = tenant.pool[slot].get();
        HttpConnection* m = mgmt.pool[slot].get();
        const auto fail = [&firstError, finished](const char* step, const HttpResponse& r) {
            if (firstError.isEmpty())
                firstError = u"%1: HTTP %2 %3"_s.arg(QLatin1StringView(step))
                                 .arg(r.status)
                                 .arg(QString::fromUtf8(r.body.left(200)));
            finished(false);
        };
        // 1. the tenant's create (as in the controllers run)
        t->request("POST", ssecPath(kTenantNs), w.bodies[i], [=, &p, &w](const HttpResponse& r1) {
            p.createdAt[i] = nowNs();
            if (r1.status != 201)
                return fail("create", r1);
            QJsonObject tenantObj = parse(r1.body);
            QJsonObject tm = meta(tenantObj);
            tm[u"finalizers"_s] = QJsonArray { QString::fromLatin1(kFinalizer) };
            tenantObj[u"metadata"_s] = tm;
            const QByteArray name = tm.value(u"name"_s).toString().toLatin1();
            // 2. tenant finalizer
            t->request("PUT", ssecPath(kTenantNs, name), compact(tenantObj), [=, &w](const HttpResponse& r2) {
                if (r2.status != 200)
                    return fail("finalizer", r2);
                const QJsonObject withFinalizer = parse(r2.body);
                const QString uid = meta(withFinalizer).value(u"uid"_s).toString();
                QJsonObject labels = meta(withFinalizer).value(u"labels"_s).toObject();
                labels[u"kubelb.k8c.io/origin-name"_s] = QString::fromLatin1(name);
                labels[u"kubelb.k8c.io/origin-namespace"_s] = QString::fromLatin1(kTenantNs);
                const QJsonObject copy = managementCopy(uid, labels, w.expected[i]);
                // 3. management copy
                m->request("POST", ssecPath(kMgmtNs), compact(copy), [=, &w](const HttpResponse& r3) {
                    if (r3.status != 201)
                        return fail("copy", r3);
                    QJsonObject copyObj = parse(r3.body);
                    const QString copyUid = meta(copyObj).value(u"uid"_s).toString();
                    const QJsonObject secret = managedSecret(uid, copyUid, labels, w.expected[i]);
                    // 4. the Secret
                    m->request("POST", secretPath(kMgmtNs), compact(secret), [=](const HttpResponse& r4) mutable {
                        if (r4.status != 201)
                            return fail("secret", r4);
                        const QString message
                            = u"Secret %1/%2 is up to date"_s.arg(QString::fromLatin1(kMgmtNs), copyUid);
                        copyObj[u"status"_s] = status(meta(copyObj).value(u"generation"_s).toInteger(1), message);
                        // 5. the copy's status
                        m->request("PUT", ssecPath(kMgmtNs, uid.toLatin1(), "status"), compact(copyObj),
                            [=](const HttpResponse& r5) mutable {
                                if (r5.status != 200)
                                    return fail("copy status", r5);
                                QJsonObject tenantStatus = withFinalizer;
                                tenantStatus[u"status"_s]
                                    = status(meta(withFinalizer).value(u"generation"_s).toInteger(1), message);
                                // 6. the tenant status
                                t->request("PUT", ssecPath(kTenantNs, name, "status"), compact(tenantStatus),
                                    [=](const HttpResponse& r6) {
                                        if (r6.status != 200)
                                            return fail("tenant status", r6);
                                        finished(true);
                                    });
                            });
                    });
                });
            });
        });
    };
    const int failures = runParallel(w.count, o.concurrency, chain, o.timeoutSec * 1000);
    const bool complete = waitFor([&] { return p.done == w.count; }, 60000, 20);
    if (!complete) {
        *error
            = u"floor: %1 of %2 objects complete, %3 chains failed (%4)"_s.arg(p.done).arg(w.count).arg(failures).arg(
                firstError);
        return {};
    }
    const Counts tenantCounts = requestCounts(tenant.admin()) - tenantBefore;
    const Counts mgmtCounts = requestCounts(mgmt.admin()) - mgmtBefore;
    QJsonObject result = phaseJson(p, start, w.count, tenantCounts, mgmtCounts, w.count);
    result[u"cpuSeconds"_s] = QJsonObject { { u"tenantServer"_s, tenant.server->cpuSeconds() - tenantCpu },
        { u"managementServer"_s, mgmt.server->cpuSeconds() - mgmtCpu },
        { u"benchClient"_s, selfCpuSeconds() - clientCpu } };
    out() << "  floor:       " << w.count << " objects in " << QString::number(result[u"seconds"_s].toDouble(), 'f', 2)
          << " s" << Qt::endl;
    return result;
}

QJsonObject propagation(const Options& o, const QString& base, int n, QString* error)
{
    // Half of the sizes use stringData: the 1,000 run writes stringData, the larger ones data.
    const bool stringData = n < 10000;
    out() << "== propagation N=" << n << (stringData ? " (stringData)" : " (data)") << Qt::endl;
    const Workset w(n, o.dataBytes, stringData);
    const QJsonObject controllers = controllersRun(o, base + u"/controllers-%1"_s.arg(n), w, error);
    if (controllers.isEmpty())
        return {};
    const QJsonObject floor = floorRun(o, base + u"/floor-%1"_s.arg(n), w, error);
    if (floor.isEmpty())
        return {};
    const double ratio = controllers.value(u"seconds"_s).toDouble() / floor.value(u"seconds"_s).toDouble();
    out() << "  ratio controllers/floor " << QString::number(ratio, 'f', 2) << Qt::endl;
    return { { u"objects"_s, n }, { u"stringData"_s, stringData }, { u"controllers"_s, controllers },
        { u"floor"_s, floor }, { u"ratio"_s, ratio } };
}

// Seeds N management SyncSecrets exactly as the controllers leave them (finalizer, Synced status, the Secret).
int seed(Cluster& mgmt, int n, int dataBytes, int concurrency, int timeoutMs)
{
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    return runParallel(
        n, concurrency,
        [&, now](int i, int slot, std::function<void(bool)> finished) {
            HttpConnection* c = mgmt.pool[slot].get();
            QJsonObject data;
            for (int k = 0; k < kDataKeys; ++k)
                data.insert(u"k%1"_s.arg(k),
                    QString::fromLatin1(fillerBytes(dataBytes / kDataKeys, quint32(i * 8 + k)).toBase64()));
            const QString origin = QString::fromLatin1(nameOf("ss-", i));
            const QJsonObject labels { { u"app"_s, u"propagation-bench"_s }, { u"kubelb.k8c.io/origin-name"_s, origin },
                { u"kubelb.k8c.io/origin-namespace"_s, u"production"_s } };
            const QString uid = u"00000000-0000-4000-8000-%1"_s.arg(i, 12, 10, QLatin1Char('0'));
            const QJsonObject copy = managementCopy(uid, labels, data);
            c->request("POST", ssecPath(kMgmtNs), compact(copy), [=](const HttpResponse& r1) {
                if (r1.status != 201)
                    return finished(false);
                QJsonObject created = parse(r1.body);
                const QString copyUid = meta(created).value(u"uid"_s).toString();
                const QJsonObject secret = managedSecret(uid, copyUid, labels, data);
                c->request("POST", secretPath(kMgmtNs), compact(secret), [=](const HttpResponse& r2) mutable {
                    if (r2.status != 201)
                        return finished(false);
                    const qint64 generation = meta(created).value(u"generation"_s).toInteger(1);
                    created[u"status"_s]
                        = QJsonObject { { u"phase"_s, u"Synced"_s }, { u"observedGeneration"_s, generation },
                              { u"conditions"_s,
                                  QJsonArray { QJsonObject { { u"type"_s, u"Synced"_s }, { u"status"_s, u"True"_s },
                                      { u"observedGeneration"_s, generation }, { u"lastTransitionTime"_s, now },
                                      { u"reason"_s, u"SecretSynced"_s },
                                      { u"message"_s,
                                          u"Secret %1/%2 is up to date"_s.arg(u"tenant-primary"_s, copyUid) } } } } };
                    c->request("PUT", ssecPath(kMgmtNs, uid.toLatin1(), "status"), compact(created),
                        [=](const HttpResponse& r3) { finished(r3.status == 200); });
                });
            });
        },
        timeoutMs);
}

// The Manager's resident memory once its caches hold `n` SyncSecrets (and their Secrets), minus an empty cache.
QJsonObject memory(const Options& o, const QString& base, int n, QString* error)
{
    out() << "== memory N=" << n << Qt::endl;
    const QString dir = base + u"/memory-%1"_s.arg(n);
    Cluster mgmt;
    if (!mgmt.start(o.syncd, dir + u"/management"_s, o.concurrency, error)
        || !mgmt.createNamespace(kMgmtNs, R"("kubelb.k8c.io/tenant":"primary")", error))
        return {};
    const auto settledRss = [&](bench::ControllerProcess& p, double minReconciles) {
        waitIdle({ { &p, "syncsecret-manager" } }, minReconciles, o.timeoutSec * 1000);
        waitFor([] { return false; }, o.settleMs);
        return bench::processMemoryMiB(p.pid(), "VmRSS");
    };
    auto empty = managerProcess(o, dir, mgmt);
    if (!empty->start(error))
        return {};
    const double emptyRss = settledRss(*empty, 0);
    empty->stop();
    QElapsedTimer seedTimer;
    seedTimer.start();
    const int failures = seed(mgmt, n, o.dataBytes, o.concurrency, o.timeoutSec * 1000);
    if (failures) {
        *error = u"seeding %1 SyncSecrets: %2 failed"_s.arg(n).arg(failures);
        return {};
    }
    const double seedSeconds = seedTimer.elapsed() / 1000.0;
    const Counts before = requestCounts(mgmt.admin());
    auto full = managerProcess(o, dir, mgmt);
    if (!full->start(error, o.timeoutSec * 1000))
        return {};
    const double fullRss = settledRss(*full, n);
    const double peakRss = bench::processMemoryMiB(full->pid(), "VmHWM");
    const Counts during = requestCounts(mgmt.admin()) - before;
    full->stop();
    const qsizetype ssecBytes = call(mgmt.admin(), "GET", ssecPath(kMgmtNs)).body.size();
    const qsizetype secretBytes
        = call(mgmt.admin(), "GET", secretPath(kMgmtNs) + "?labelSelector=kubelb.k8c.io%2Fsyncsecret-owned")
              .body.size();
    const double deltaBytes = (fullRss - emptyRss) * 1048576.0;
    const double ratio = deltaBytes / double(ssecBytes + secretBytes);
    out() << "  RSS empty " << emptyRss << " MiB, with " << n << " cached " << fullRss << " MiB; raw JSON "
          << (ssecBytes + secretBytes) / 1048576.0 << " MiB; ratio " << ratio << Qt::endl;
    return { { u"objects"_s, n }, { u"seedSeconds"_s, seedSeconds }, { u"emptyRssMiB"_s, emptyRss },
        { u"rssMiB"_s, fullRss }, { u"peakRssMiB"_s, peakRss }, { u"deltaMiB"_s, fullRss - emptyRss },
        { u"rawJsonBytes"_s,
            QJsonObject { { u"syncSecrets"_s, double(ssecBytes) }, { u"secrets"_s, double(secretBytes) } } },
        { u"ratio"_s, ratio }, { u"ratioSyncSecretsOnly"_s, deltaBytes / double(ssecBytes) },
        { u"managerWritesAtStart"_s, writesOf(during) }, { u"managerRequestsAtStart"_s, countsJson(during) } };
}

QList<int> intList(const QString& text)
{
    QList<int> out;
    for (const auto& part : text.split(u',', Qt::SkipEmptyParts))
        if (const int v = part.toInt(); v > 0)
            out.append(v);
    return out;
}

QString defaultSyncd()
{
    const QString sibling = QDir(QCoreApplication::applicationDirPath()).filePath(u"../headless/kubelb-syncd"_s);
    return QFileInfo::exists(sibling) ? QFileInfo(sibling).canonicalFilePath() : QStringLiteral(KUBELB_SYNCD_PATH);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"propagation_bench"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"SyncSecret controllers end to end against real API server processes."_s);
    parser.addHelpOption();
    Options o;
    parser.addOptions({
        { u"syncd"_s, u"Path of kubelb-syncd (default: <build>/headless/kubelb-syncd)."_s, u"path"_s },
        { u"json"_s, u"Write the machine-readable results here."_s, u"file"_s },
        { u"work-dir"_s, u"Kubeconfigs and controller logs go here (default: a temporary directory)."_s, u"dir"_s },
        { u"scenarios"_s, u"Comma-separated: propagation, memory. Default both."_s, u"list"_s,
            u"propagation,memory"_s },
        { u"sizes"_s, u"SyncSecrets per propagation run. Default 1000,10000."_s, u"list"_s, u"1000,10000"_s },
        { u"memory-sizes"_s, u"Cached SyncSecrets per memory run. Default 10000,100000."_s, u"list"_s,
            u"10000,100000"_s },
        { u"concurrency"_s, u"Client requests (or write chains) in flight. Default 16."_s, u"n"_s, u"16"_s },
        { u"updates"_s, u"Sequential updates timed in the 10,000 run. Default 200."_s, u"n"_s, u"200"_s },
        { u"settle-ms"_s, u"Wait before reading RSS. Default 6000."_s, u"ms"_s, u"6000"_s },
        { u"timeout"_s, u"Seconds before a phase gives up. Default 600."_s, u"s"_s, u"600"_s },
        { u"controller-flags"_s, u"Extra flags for both controllers, space-separated. Default \"--qps 0\"."_s,
            u"flags"_s, u"--qps 0"_s },
    });
    parser.process(app);
    o.syncd = parser.isSet(u"syncd"_s) ? parser.value(u"syncd"_s) : defaultSyncd();
    o.jsonFile = parser.value(u"json"_s);
    o.workDir = parser.value(u"work-dir"_s);
    o.scenarios = parser.value(u"scenarios"_s).split(u',', Qt::SkipEmptyParts);
    o.sizes = intList(parser.value(u"sizes"_s));
    o.memorySizes = intList(parser.value(u"memory-sizes"_s));
    o.concurrency = qMax(1, parser.value(u"concurrency"_s).toInt());
    o.updates = qMax(0, parser.value(u"updates"_s).toInt());
    o.settleMs = qMax(0, parser.value(u"settle-ms"_s).toInt());
    o.timeoutSec = qMax(10, parser.value(u"timeout"_s).toInt());
    o.controllerFlags = parser.value(u"controller-flags"_s).split(u' ', Qt::SkipEmptyParts);
    if (!QFileInfo(o.syncd).isExecutable()) {
        out() << "propagation_bench: no executable kubelb-syncd at " << o.syncd << Qt::endl;
        return 2;
    }
    QTemporaryDir tempBase;
    const QString base = o.workDir.isEmpty() ? tempBase.path() : o.workDir;
    QDir().mkpath(base);

    bool failed = false;
    // One result per size; a failed size is recorded with its error and the run goes on.
    const auto runSizes = [&](const QString& scenario, const auto& sizes, auto run) {
        QJsonArray runs;
        if (!o.scenarios.contains(scenario))
            return runs;
        for (int n : sizes) {
            QString error;
            QJsonObject r = run(o, base, n, &error);
            if (r.isEmpty()) {
                out() << "  FAILED: " << error << Qt::endl;
                r = { { u"objects"_s, n }, { u"error"_s, error } };
                failed = true;
            }
            runs.append(r);
        }
        return runs;
    };
    const QJsonArray propagationRuns = runSizes(u"propagation"_s, o.sizes, propagation);
    const QJsonArray memoryRuns = runSizes(u"memory"_s, o.memorySizes, memory);
    const QJsonObject doc { { u"benchmark"_s, u"propagation_bench"_s },
        { u"commit"_s, QStringLiteral(KUBELB_PROJECT_GIT_HASH) },
        { u"finishedAt"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
        { u"config"_s,
            QJsonObject { { u"concurrency"_s, o.concurrency }, { u"dataBytes"_s, o.dataBytes },
                { u"updates"_s, o.updates }, { u"settleMs"_s, o.settleMs },
                { u"controllerFlags"_s, o.controllerFlags.join(u' ') } } },
        { u"propagation"_s, propagationRuns }, { u"memory"_s, memoryRuns } };
    if (!o.jsonFile.isEmpty()) {
        QFile f(o.jsonFile);
        if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(doc).toJson()) < 0) {
            out() << "propagation_bench: cannot write " << o.jsonFile << Qt::endl;
            return 1;
        }
    }
    return failed ? 1 : 0;
}
