// Chaos end to end: three `kubelb-syncd apiserver` processes with --data-dir (management, tenant1, tenant2), a CCM
// per tenant and the Manager as processes. Fault injection on all three servers for the whole workload (5% 500s,
// 1% 429s, 100 ms latency, watch streams dropped every 5 s, forced 410 Expired: a quarter of all watch requests
// and every resume from further back than a window shrunk to 20 events); kill -9 + restart of each API server (same
// data dir and port) and of each controller while 1,000 SyncSecrets are created, updated and deleted by a driver that
// retries and records every acknowledged (2xx) write. Then faults off, and the end state must be exact.
//
// Why the driver may treat an injected 500 as "not written": the embedded server decides on an injected error
// before the request reaches the store (apiserver/handler.cpp), so a 500 or 429 answer never committed anything.
// Only a request without an answer (connection dropped, timeout) is ambiguous; a create that then meets 409
// AlreadyExists (its retry, or Qt's own resend on a dropped keep-alive connection) reads the object back and counts
// it as its own only when the data is what it wrote (every written value is unique).
#include "chaosdriver.h"
#include "kube/kubeconfig.h"
#include "kube/objects.h"
#include "support/apiclient.h"
#include "support/apiserverprocess.h"
#include "support/daemonprocess.h"
#include "support/e2elogs.h"
#include "support/kubectl.h"
#include "support/wait.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QTextStream>
#include <functional>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using chaos::ByteMap;
using chaos::Record;

namespace {

constexpr int kCount = 1000;
constexpr int kConvergeMs = 180000;
const QStringList kTenantNamespaces { u"team-a"_s, u"team-b"_s, u"team-c"_s };
const QStringList kMgmtNamespaces { u"tenant-primary"_s, u"tenant-secondary"_s };

QJsonObject chaosFaults()
{
    // KUBELB_CHAOS_FAULTS replaces the mix for exploratory runs (same JSON as PUT /debug/faults).
    if (const QByteArray custom = qgetenv("KUBELB_CHAOS_FAULTS"); !custom.isEmpty())
        return QJsonDocument::fromJson(custom).object();
    return QJsonObject { { u"errors"_s,
                             QJsonArray { QJsonObject { { u"code"_s, 500 }, { u"rate"_s, 0.05 } },
                                 QJsonObject { { u"code"_s, 429 }, { u"rate"_s, 0.01 }, { u"retryAfterSeconds"_s, 1 } },
                                 QJsonObject { { u"verb"_s, u"watch"_s }, { u"code"_s, 410 }, { u"rate"_s, 0.25 } } } },
        { u"latencyMs"_s, 100 }, { u"dropWatchesEverySeconds"_s, 5 }, { u"watchWindow"_s, 20 } };
}

void report(const QString& line)
{
    QTextStream(stdout) << "REPORT: " << line << Qt::endl;
}

using testsupport::waitUntil;

QString ssecPath(const QString& ns, const QString& name = {})
{
    return (ns.isEmpty() ? u"/apis/kubelb.k8c.io/v1alpha1/syncsecrets"_s
                         : u"/apis/kubelb.k8c.io/v1alpha1/namespaces/%1/syncsecrets"_s.arg(ns))
        + (name.isEmpty() ? QString() : u'/' + name);
}

QString secretPath(const QString& ns)
{
    return u"/api/v1/namespaces/%1/secrets"_s.arg(ns);
}

QJsonObject metaOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}

/// Sum of the samples of `family` whose labels contain `match` ("name=\"value\"", empty: all).
double metric(const QByteArray& exposition, const QByteArray& family, const QByteArray& match = {})
{
    double sum = 0;
    for (const QByteArray& line : exposition.split('\n'))
        if (line.startsWith(family + '{') && (match.isEmpty() || line.contains(match)))
            sum += line.mid(line.lastIndexOf(' ') + 1).toDouble();
    return sum;
}

/// What one server's /metrics said, summed over its runs (the management server restarts).
struct ServerFigures {
    double requests = 0;
    double errors500 = 0;
    double errors429 = 0;
    double latency = 0;
    double watchDrops = 0;
    double expired = 0;
    void add(const QByteArray& e)
    {
        expired += metric(e, "kubelb_apiserver_injected_errors_total", "code=\"410\"");
        requests += metric(e, "apiserver_request_total");
        errors500 += metric(e, "kubelb_apiserver_injected_errors_total", "code=\"500\"");
        errors429 += metric(e, "kubelb_apiserver_injected_errors_total", "code=\"429\"");
        latency += metric(e, "kubelb_apiserver_injected_faults_total", "type=\"latency\"");
        watchDrops += metric(e, "kubelb_apiserver_injected_faults_total", "type=\"watch_drop\"");
        expired += metric(e, "kubelb_apiserver_injected_faults_total", "type=\"expired\"");
    }
    QString describe() const
    {
        return u"%1 requests, %2×500, %3×429, %4 delayed, %5 watches dropped, %6×410 Expired"_s.arg(requests)
            .arg(errors500)
            .arg(errors429)
            .arg(latency)
            .arg(watchDrops)
            .arg(expired);
    }
};

/// One cluster: the real API server process and an admin HTTPS client.
struct Cluster {
    explicit Cluster(QString n)
        : name(std::move(n))
    {
    }
    QString name;
    testsupport::ApiServerProcess server;
    std::unique_ptr<testsupport::ApiClient> api;
    QByteArray ca;
    QByteArray token;
    QString kubeconfig; ///< a stable copy of the admin kubeconfig for the daemons
    ServerFigures figures;

    bool connect(QString* error)
    {
        kube::KubeconfigLoader loader;
        loader.setExplicitPath(server.kubeconfigPath());
        const auto config = loader.load();
        if (!config) {
            *error = config.error().message();
            return false;
        }
        ca = config->caPem;
        token = config->token.toUtf8();
        api = std::make_unique<testsupport::ApiClient>(server.url(), ca, token);
        return true;
    }
    bool start(QString* error)
    {
        server.setExtraArguments({ u"--context-name"_s, name });
        if (!server.start(error) || !connect(error))
            return false;
        kubeconfig = server.path(u"admin-copy.kubeconfig");
        QFile::remove(kubeconfig);
        return QFile::copy(server.kubeconfigPath(), kubeconfig);
    }
    /// GET with retries for connection-level failures (a restarted server, a stale pooled connection).
    testsupport::ApiReply get(const QString& path)
    {
        testsupport::ApiReply r;
        for (int attempt = 0; attempt < 5; ++attempt) {
            r = api->get(path);
            if (r.code != 0 && r.code < 500 && r.code != 429)
                return r;
            api = std::make_unique<testsupport::ApiClient>(server.url(), ca, token);
            QTest::qWait(200);
        }
        return r;
    }
    QList<QJsonObject> list(const QString& path, const QString& labelSelector = {})
    {
        const auto r = get(path + (labelSelector.isEmpty() ? QString() : u"?labelSelector="_s + labelSelector));
        QList<QJsonObject> items;
        for (const auto& i : r.json.value(u"items"_s).toArray())
            items.append(i.toObject());
        return items;
    }
    bool setFaults(const QJsonObject& faults)
    {
        for (int attempt = 0; attempt < 5; ++attempt) {
            if (api->request("PUT", u"/debug/faults"_s, QJsonDocument(faults).toJson(QJsonDocument::Compact)).code
                == 200)
                return true;
            api = std::make_unique<testsupport::ApiClient>(server.url(), ca, token);
        }
        return false;
    }
    QByteArray metrics() { return get(u"/metrics"_s).body; }
};

/// A kill -9 waiting for its restart.
struct PendingRestart {
    QDeadlineTimer at;
    std::function<bool(QString*)> restart;
    QString what;
};

} // namespace

class TestChaos : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testThousandSyncSecretsSurviveFaultsAndKills();

private:
    bool startDaemon(testsupport::DaemonProcess& d);
    QString kubectlApply(Cluster& c, const QByteArray& yaml);
    /// Runs the driver until its queue is empty, firing `events` (at a fraction of the phase) and restarts.
    void runPhase(const QString& phase, int total, QList<QPair<double, std::function<void()>>> events);
    void killDaemon(testsupport::DaemonProcess& d);
    void killServer(Cluster& c);
    void servicePendingRestarts(bool all);
    /// Empty when the end state is exactly right; else what is wrong (names and counts, never values).
    QString convergenceProblem();
    QString tenantProblem(int tenant);

    Cluster m_tenant1 { u"tenant1"_s };
    Cluster m_tenant2 { u"tenant2"_s };
    Cluster m_mgmt { u"management"_s };
    testsupport::DaemonProcess m_manager;
    testsupport::DaemonProcess m_ccm1;
    testsupport::DaemonProcess m_ccm2;
    std::unique_ptr<chaos::Driver> m_driver;
    QList<PendingRestart> m_pending;
    QStringList m_restarts;
    QString m_failure; ///< a restart that failed (reported by the test)
};

bool TestChaos::startDaemon(testsupport::DaemonProcess& d)
{
    QString error;
    if (!d.start(&error)) {
        qWarning().noquote() << error;
        return false;
    }
    return true;
}

QString TestChaos::kubectlApply(Cluster& c, const QByteArray& yaml)
{
    const testsupport::Kubectl kubectl(c.server.kubeconfigPath());
    const auto r = kubectl.run({ u"apply"_s, u"-f"_s, u"-"_s }, yaml, 60000);
    return r.exitCode == 0 ? QString() : QString::fromUtf8(r.describe());
}

void TestChaos::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    QFile crd(QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/base/syncsecret-crd.yaml"));
    QVERIFY(crd.open(QIODevice::ReadOnly));
    const QByteArray crdYaml = crd.readAll();
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt }) {
        QString error;
        QVERIFY2(c->start(&error), qPrintable(c->name + u": "_s + error));
        const QString applied = kubectlApply(*c, crdYaml);
        QVERIFY2(applied.isEmpty(), qPrintable(applied));
        QVERIFY2(waitUntil([&] { return c->get(ssecPath(u"default"_s)).code == 200; }, 30000),
            "the SyncSecret CRD was not served");
    }
    QByteArray tenantNamespaces;
    for (const QString& ns : kTenantNamespaces)
        tenantNamespaces += "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns.toUtf8() + "\n---\n";
    for (Cluster* c : { &m_tenant1, &m_tenant2 }) {
        const QString applied = kubectlApply(*c, tenantNamespaces);
        QVERIFY2(applied.isEmpty(), qPrintable(applied));
    }
    const QString applied = kubectlApply(m_mgmt,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tenant-primary\n  labels: {kubelb.k8c.io/tenant: "
        "primary}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: tenant-secondary\n"
        "  labels: {kubelb.k8c.io/tenant: secondary}\n");
    QVERIFY2(applied.isEmpty(), qPrintable(applied));

    const QStringList common { u"--metrics-bind-address"_s, u"0"_s, u"--health-probe-bind-address"_s, u"0"_s,
        u"--concurrency"_s, u"16"_s, u"--qps"_s, u"400"_s, u"--burst"_s, u"800"_s };
    m_manager.configure(u"manager"_s, QStringList { u"manager"_s, u"--kubeconfig"_s, m_mgmt.kubeconfig } + common);
    m_ccm1.configure(u"ccm-tenant1"_s,
        QStringList { u"ccm"_s, u"--kubeconfig"_s, m_tenant1.kubeconfig, u"--kubelb-kubeconfig"_s, m_mgmt.kubeconfig,
            u"--cluster-name"_s, kMgmtNamespaces[0] }
            + common);
    m_ccm2.configure(u"ccm-tenant2"_s,
        QStringList { u"ccm"_s, u"--kubeconfig"_s, m_tenant2.kubeconfig, u"--kubelb-kubeconfig"_s, m_mgmt.kubeconfig,
            u"--cluster-name"_s, kMgmtNamespaces[1] }
            + common);
    QVERIFY(startDaemon(m_manager));
    QVERIFY(startDaemon(m_ccm1));
    QVERIFY(startDaemon(m_ccm2));

    m_driver = std::make_unique<chaos::Driver>(
        QList<chaos::Endpoint> { { m_tenant1.server.url(), m_tenant1.ca, m_tenant1.token },
            { m_tenant2.server.url(), m_tenant2.ca, m_tenant2.token } },
        4);
    for (int i = 0; i < kCount; ++i) {
        Record r;
        r.tenant = i % 2;
        r.ns = kTenantNamespaces.at((i / 2) % kTenantNamespaces.size());
        r.name = u"chaos-%1"_s.arg(i, 4, 10, QLatin1Char('0'));
        r.type = i % 10 == 0 ? u"kubernetes.io/tls"_s : u"Opaque"_s;
        m_driver->addRecord(r);
    }
}

void TestChaos::cleanupTestCase()
{
    for (testsupport::DaemonProcess* d : { &m_manager, &m_ccm1, &m_ccm2 })
        d->kill9();
}

void TestChaos::killDaemon(testsupport::DaemonProcess& d)
{
    d.kill9();
    m_restarts << u"kill -9 "_s + d.name();
    m_pending.append({ QDeadlineTimer(3000), [&d](QString* error) { return d.start(error); }, d.name() });
}

void TestChaos::killServer(Cluster& c)
{
    c.figures.add(c.metrics()); // its counters restart with the process
    c.server.kill();
    m_restarts << u"kill -9 %1 API server"_s.arg(c.name);
    m_pending.append(
        { QDeadlineTimer(1500), [&c](QString* error) { return c.server.restartOnSamePort(error) && c.connect(error); },
            c.name + u" API server"_s });
}

void TestChaos::servicePendingRestarts(bool all)
{
    for (qsizetype i = 0; i < m_pending.size();) {
        if (!all && !m_pending.at(i).at.hasExpired()) {
            ++i;
            continue;
        }
        const PendingRestart p = m_pending.takeAt(i);
        QString error;
        if (!p.restart(&error))
            m_failure += p.what + u" did not restart: "_s + error + u"; "_s;
    }
}

void TestChaos::runPhase(const QString& phase, int total, QList<QPair<double, std::function<void()>>> events)
{
    QElapsedTimer timer;
    timer.start();
    const int before = m_driver->finishedOps();
    m_driver->run();
    const bool done = waitUntil(
        [&] {
            const double progress = double(m_driver->finishedOps() - before) / qMax(1, total);
            while (!events.isEmpty() && progress >= events.first().first)
                events.takeFirst().second();
            servicePendingRestarts(false);
            return m_driver->idle() && events.isEmpty();
        },
        240000, 20);
    QVERIFY2(done,
        qPrintable(u"%1: the driver did not finish (%2 of %3 operations)"_s.arg(phase)
                       .arg(m_driver->finishedOps() - before)
                       .arg(total)));
    report(u"%1: %2 operations in %3 ms"_s.arg(phase).arg(total).arg(timer.elapsed()));
}

void TestChaos::testThousandSyncSecretsSurviveFaultsAndKills()
{
    QElapsedTimer total;
    total.start();
    // Faults on all three servers; the restarted servers get them on the command line.
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt })
        QVERIFY2(c->setFaults(chaosFaults()), qPrintable(c->name + u": cannot set the faults"_s));
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt })
        c->server.setExtraArguments({ u"--context-name"_s, c->name, u"--faults"_s,
            QString::fromUtf8(QJsonDocument(chaosFaults()).toJson(QJsonDocument::Compact)) });

    // Create all, with the CCM of tenant1, tenant2's API server (the driver's requests in flight there are the
    // ambiguous ones) and the management API server killed along the way.
    for (int i = 0; i < kCount; ++i)
        m_driver->enqueue(i, i % 3 == 0 ? chaos::Op::CreateStringData : chaos::Op::Create);
    runPhase(u"create"_s, kCount,
        { { 0.2, [this] { killDaemon(m_ccm1); } }, { 0.5, [this] { killServer(m_tenant2); } },
            { 0.8, [this] { killServer(m_mgmt); } } });
    // Update 40% (merge patches of stringData and GET+PUT of data), the Manager, tenant1's API server and the CCM of
    // tenant1 killed.
    int updates = 0;
    for (int i = 0; i < kCount; ++i) {
        if (i % 5 >= 2)
            continue;
        m_driver->enqueue(i, (i / 2) % 2 == 0 ? chaos::Op::PatchStringData : chaos::Op::Put);
        ++updates;
    }
    runPhase(u"update"_s, updates,
        { { 0.3, [this] { killDaemon(m_manager); } }, { 0.6, [this] { killServer(m_tenant1); } },
            { 0.85, [this] { killDaemon(m_ccm1); } } });
    // Delete 25% (some of them updated), the CCM of tenant2 and the Manager killed meanwhile (finalizers wait).
    int deletes = 0;
    for (int i = 0; i < kCount; ++i) {
        if ((i / 2) % 4 != 3) // both tenants (record i belongs to tenant i % 2), updated ones among them
            continue;
        m_driver->enqueue(i, chaos::Op::Delete);
        ++deletes;
    }
    runPhase(
        u"delete"_s, deletes, { { 0.3, [this] { killDaemon(m_ccm2); } }, { 0.7, [this] { killDaemon(m_manager); } } });
    servicePendingRestarts(true);
    QVERIFY2(m_failure.isEmpty(), qPrintable(m_failure));
    QVERIFY2(m_driver->stats().failed == 0, qPrintable(u"operations given up: "_s + m_driver->failures()));
    const qint64 workloadMs = total.elapsed();

    // Faults off; then the end state must become exactly right.
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt })
        c->server.setExtraArguments({ u"--context-name"_s, c->name });
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt })
        QVERIFY2(c->setFaults(QJsonObject {}), qPrintable(c->name + u": cannot clear the faults"_s));
    QElapsedTimer converge;
    converge.start();
    QString problem;
    const bool converged = waitUntil(
        [&] {
            problem = convergenceProblem();
            return problem.isEmpty();
        },
        kConvergeMs, 500);
    QVERIFY2(converged,
        qPrintable(problem + u" | "_s + m_ccm1.exitReport().left(600) + u" | "_s + m_ccm2.exitReport().left(600)
            + u" | "_s + m_manager.exitReport().left(600)));
    const qint64 convergeMs = converge.elapsed();
    for (const testsupport::DaemonProcess* d : { &m_manager, &m_ccm1, &m_ccm2 })
        QVERIFY2(d->running(), qPrintable(d->exitReport()));

    // kubelb-syncctl finds no orphan of any class (no age filter).
    QProcess ctl;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(
        u"KUBECONFIG"_s, QStringList { m_mgmt.kubeconfig, m_tenant1.kubeconfig, m_tenant2.kubeconfig }.join(u':'));
    ctl.setProcessEnvironment(env);
    ctl.start(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncctl"),
        { u"orphans"_s, u"-o"_s, u"json"_s, u"--older-than"_s, u"0s"_s, u"--management-context"_s, m_mgmt.name,
            u"--tenant"_s, u"tenant1=tenant-primary"_s, u"--tenant"_s, u"tenant2=tenant-secondary"_s });
    QVERIFY(ctl.waitForFinished(60000));
    const QByteArray ctlOut = ctl.readAllStandardOutput();
    QVERIFY2(ctl.exitCode() == 0,
        qPrintable(u"kubelb-syncctl orphans exited %1: %2"_s.arg(ctl.exitCode())
                       .arg(QString::fromUtf8(ctl.readAllStandardError().right(1500)))));
    QCOMPARE(QJsonDocument::fromJson(ctlOut).object().value(u"orphans"_s).toArray().size(), 0);

    // The figures.
    m_tenant1.figures.add(m_tenant1.metrics());
    m_tenant2.figures.add(m_tenant2.metrics());
    m_mgmt.figures.add(m_mgmt.metrics());
    const chaos::DriverStats& s = m_driver->stats();
    report(u"CHAOS SUMMARY: %1 SyncSecrets (%2 live, %3 deleted), %4 acknowledged writes; driver: %5 requests, "
           "%6 retried (%7×500, %8×429, %9 without answer), %10 unanswered creates confirmed by reading them back"_s
               .arg(kCount)
               .arg(kCount - deletes)
               .arg(deletes)
               .arg(s.acknowledged)
               .arg(s.requests)
               .arg(s.retries)
               .arg(s.answered500)
               .arg(s.answered429)
               .arg(s.noAnswer)
               .arg(s.confirmedByRead));
    report(u"CHAOS SUMMARY: restarts: %1"_s.arg(m_restarts.join(u", "_s)));
    for (Cluster* c : { &m_mgmt, &m_tenant1, &m_tenant2 })
        report(u"CHAOS SUMMARY: %1 API server: %2"_s.arg(c->name, c->figures.describe()));
    report(u"CHAOS SUMMARY: workload %1 ms; converged %2 ms after the faults were turned off; total %3 ms; "
           "%4 requests served by the three API servers"_s.arg(workloadMs)
               .arg(convergeMs)
               .arg(total.elapsed())
               .arg(m_mgmt.figures.requests + m_tenant1.figures.requests + m_tenant2.figures.requests));
    QVERIFY(m_tenant1.figures.errors500 + m_tenant2.figures.errors500 + m_mgmt.figures.errors500 > 0);
    QVERIFY(m_mgmt.figures.watchDrops > 0 && m_mgmt.figures.expired > 0);
}

QString TestChaos::convergenceProblem()
{
    for (int t = 0; t < 2; ++t)
        if (const QString p = tenantProblem(t); !p.isEmpty())
            return p;
    return {};
}

// One tenant: the tenant objects against the acknowledged writes, then copies and Secrets against the tenant.
QString TestChaos::tenantProblem(int t)
{
    Cluster& tenant = t == 0 ? m_tenant1 : m_tenant2;
    const QString mgmtNs = kMgmtNamespaces.at(t);
    QHash<QString, QJsonObject> live; // "ns/name" -> tenant object
    for (const auto& o : tenant.list(ssecPath({})))
        live.insert(metaOf(o).value(u"namespace"_s).toString() + u'/' + metaOf(o).value(u"name"_s).toString(), o);
    QHash<QString, QJsonObject> byUid; // tenant uid -> tenant object
    int expectedLive = 0;
    for (const Record& r : m_driver->records()) {
        if (r.tenant != t)
            continue;
        const QString key = r.ns + u'/' + r.name;
        const auto it = live.constFind(key);
        if (r.deleted) {
            if (it != live.cend())
                return u"%1 %2 was deleted (acknowledged) but still exists%3"_s.arg(
                    tenant.name, key, metaOf(*it).contains(u"deletionTimestamp"_s) ? u" (terminating)"_s : QString());
            continue;
        }
        if (!r.created)
            return u"%1 %2: its create was never acknowledged"_s.arg(tenant.name, key);
        ++expectedLive;
        if (it == live.cend())
            return u"%1 %2: acknowledged but missing"_s.arg(tenant.name, key);
        const auto s = kube::SyncSecret::fromJson(*it);
        if (!s)
            return u"%1 %2: undecodable"_s.arg(tenant.name, key);
        if (s->normalizedData() != r.acked)
            return u"%1 %2: data differs from the last acknowledged write %3"_s.arg(
                tenant.name, key, chaos::describeKeys(r.acked));
        if (s->metadata.resourceVersion.toULongLong() < r.ackedRv)
            return u"%1 %2: resourceVersion %3 older than the acknowledged %4"_s.arg(
                tenant.name, key, s->metadata.resourceVersion, QString::number(r.ackedRv));
        if (s->status.phase != kube::kubelb::PhaseSynced || s->status.observedGeneration != s->metadata.generation)
            return u"%1 %2: phase %3, observedGeneration %4 of %5"_s.arg(tenant.name, key, s->status.phase)
                .arg(s->status.observedGeneration.value_or(-1))
                .arg(s->metadata.generation.value_or(-1));
        byUid.insert(s->metadata.uid, *it);
    }
    if (live.size() != expectedLive)
        return u"%1: %2 SyncSecrets exist, %3 expected"_s.arg(tenant.name).arg(live.size()).arg(expectedLive);

    // Copies: exactly one per live tenant object, named by its UID, origin labels right, same data and type.
    QHash<QString, kube::SyncSecret> copies; // copy uid -> copy
    const auto copyList = m_mgmt.list(ssecPath(mgmtNs));
    for (const auto& o : copyList) {
        const auto c = kube::SyncSecret::fromJson(o);
        if (!c)
            return u"undecodable copy in "_s + mgmtNs;
        const auto owner = byUid.constFind(c->metadata.name);
        if (owner == byUid.cend())
            return u"%1/%2: a copy without a live tenant object"_s.arg(mgmtNs, c->metadata.name);
        if (c->metadata.isBeingDeleted())
            return u"%1/%2: copy is terminating"_s.arg(mgmtNs, c->metadata.name);
        const QJsonObject tmeta = metaOf(*owner);
        if (c->metadata.labels.value(u"kubelb.k8c.io/origin-name"_s) != tmeta.value(u"name"_s).toString()
            || c->metadata.labels.value(u"kubelb.k8c.io/origin-namespace"_s) != tmeta.value(u"namespace"_s).toString())
            return u"%1/%2: origin labels do not name its tenant object"_s.arg(mgmtNs, c->metadata.name);
        const auto ts = kube::SyncSecret::fromJson(*owner);
        if (c->normalizedData() != ts->normalizedData() || c->type != ts->type)
            return u"%1/%2: copy data/type differ from the tenant's"_s.arg(mgmtNs, c->metadata.name);
        if (c->status.phase != kube::kubelb::PhaseSynced || c->status.observedGeneration != c->metadata.generation)
            return u"%1/%2: copy phase %3"_s.arg(mgmtNs, c->metadata.name, c->status.phase);
        copies.insert(c->metadata.uid, *c);
    }
    if (copies.size() != expectedLive)
        return u"%1: %2 copies for %3 live SyncSecrets"_s.arg(mgmtNs).arg(copies.size()).arg(expectedLive);

    // Secrets: every Secret in the namespace is owned by a live copy, named by its UID, with equal data and type.
    const auto secretList = m_mgmt.list(secretPath(mgmtNs));
    QSet<QString> seen;
    for (const auto& o : secretList) {
        const auto s = kube::Secret::fromJson(o);
        if (!s)
            return u"undecodable Secret in "_s + mgmtNs;
        const auto copy = copies.constFind(s->metadata.name);
        if (copy == copies.cend())
            return u"%1/%2: a Secret without a live copy"_s.arg(mgmtNs, s->metadata.name);
        const auto ref = s->metadata.controllerRef();
        if (!ref || ref->uid != copy->metadata.uid)
            return u"%1/%2: no controller reference to its copy"_s.arg(mgmtNs, s->metadata.name);
        const QString wantType = copy->type.isEmpty() ? u"Opaque"_s : copy->type;
        if (s->normalizedData() != copy->normalizedData() || s->type != wantType)
            return u"%1/%2: Secret data/type differ from the copy's"_s.arg(mgmtNs, s->metadata.name);
        seen.insert(s->metadata.name);
    }
    if (seen.size() != copies.size())
        return u"%1: %2 Secrets for %3 copies"_s.arg(mgmtNs).arg(seen.size()).arg(copies.size());
    return {};
}

QTEST_GUILESS_MAIN(TestChaos)
#include "tst_chaos.moc"
