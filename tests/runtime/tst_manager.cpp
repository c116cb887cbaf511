// The manager against the embedded API server: probes, /metrics, starting controllers only once the caches synced
// and the lease is held, losing the lease, and graceful shutdown handing the lease to a waiting replica.
#include "controllers/runtime/controller.h"
#include "controllers/runtime/manager.h"
#include "controllers/runtime/restmetrics.h"
#include "kube/restclient.h"
#include "support/serverthread.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using kube::ResourcePath;
using runtime::Request;
using runtime::Result;

namespace {

ResourcePath configMaps(const QString& ns)
{
    return { {}, u"v1"_s, u"configmaps"_s, ns, {}, {} };
}

ResourcePath leases()
{
    return { u"coordination.k8s.io"_s, u"v1"_s, u"leases"_s, u"default"_s, {}, {} };
}

struct HttpAnswer {
    int code = 0;
    QByteArray body;
};

/// A plain HTTP GET to the manager's endpoints on 127.0.0.1 (they are served by this thread's event loop).
HttpAnswer httpGet(quint16 port, const QString& path)
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    std::unique_ptr<QNetworkReply> reply(
        nam.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)))));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll() };
}

/// The value of one series in a Prometheus exposition, or -1.
double sample(const QByteArray& exposition, const QByteArray& series)
{
    for (const QByteArray& line : exposition.split('\n'))
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    return -1;
}

class FuncReconciler : public runtime::Reconciler {
public:
    explicit FuncReconciler(std::function<Result(const Request&)> f)
        : m_f(std::move(f))
    {
    }
    Result reconcile(const Request& request) override { return m_f(request); }

private:
    std::function<Result(const Request&)> m_f;
};

/// A reconciler counting its calls.
struct Counting : FuncReconciler {
    Counting()
        : FuncReconciler([this](const Request&) {
            ++calls;
            return Result::success();
        })
    {
    }
    std::atomic<int> calls { 0 };
};

/// One replica: a manager with an informer on the config maps of one namespace and a controller fed by it, its
/// client wired to the manager's REST client metrics. Torn down in a safe order: manager shutdown first.
struct Replica {
    Replica(const kube::ClientConfig& config, const QString& ns, runtime::Reconciler& reconciler,
        std::optional<runtime::LeaderElectionConfig> election = std::nullopt, const QString& name = u"test"_s)
    {
        runtime::ManagerOptions options;
        options.metricsBindAddress = u"127.0.0.1:0"_s;
        options.healthProbeBindAddress = u"127.0.0.1:0"_s;
        options.leaderElection = election;
        options.gracefulShutdownMs = 15000;
        manager = std::make_unique<runtime::Manager>(options);
        kube::RestOptions restOptions;
        restOptions.observer = runtime::restClientMetricsObserver(manager->metrics());
        client = std::make_unique<kube::RestClient>(config, restOptions);
        kube::RestOptions electionOptions;
        electionOptions.observer = [this, metrics = restOptions.observer](const kube::RequestMetric& m) {
            ++electionRequests;
            metrics(m);
        };
        electionClient = std::make_unique<kube::RestClient>(config, electionOptions);
        manager->setLeaderElectionClient(electionClient.get());
        runtime::ControllerOptions controllerOptions;
        controllerOptions.name = name;
        controllerOptions.concurrency = 2;
        controllerOptions.metrics = &manager->metrics();
        controller = std::make_unique<runtime::Controller>(std::move(controllerOptions), reconciler);
        informer = manager->addInformer(*client, configMaps(ns));
        controller->watch(*informer);
        manager->addController(controller.get());
    }
    ~Replica()
    {
        manager->shutdown();
        controller.reset();
        client.reset();
        electionClient.reset();
        manager.reset();
    }
    bool start()
    {
        QString error;
        const bool ok = manager->start(&error);
        if (!ok)
            qWarning() << "manager did not start:" << error;
        return ok;
    }
    HttpAnswer health(const QString& path) const { return httpGet(manager->healthPort(), path); }
    QByteArray metrics() const { return httpGet(manager->metricsPort(), u"/metrics"_s).body; }

    std::unique_ptr<runtime::Manager> manager;
    std::unique_ptr<kube::RestClient> client;
    std::unique_ptr<kube::RestClient> electionClient;
    std::atomic<int> electionRequests { 0 };
    std::unique_ptr<runtime::Controller> controller;
    runtime::Informer* informer = nullptr;
};

runtime::LeaderElectionConfig election(
    const QString& lease, const QString& identity, int leaseMs, int renewMs, int retryMs)
{
    runtime::LeaderElectionConfig c;
    c.leaseNamespace = u"default"_s;
    c.leaseName = lease;
    c.identity = identity;
    c.leaseDurationMs = leaseMs;
    c.renewDeadlineMs = renewMs;
    c.retryPeriodMs = retryMs;
    return c;
}

} // namespace

class TestManager : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void testBadBindAddressFailsStart();
    void testProbesAndReadinessFollowCacheSync();
    void testMetricsEndpointExposesRuntimeFamilies();
    void testControllersWithoutInformersStart();
    void testControllersRunOnlyWhileLeading();
    void testLosingTheLeaseStopsControllers();
    void testGracefulShutdownFinishesInFlightWorkAndHandsOverTheLease();

private:
    void createNamespace(const QString& name);
    void createConfigMap(const QString& ns, const QString& name);

    std::unique_ptr<testsupport::ServerThread> m_server;
    std::unique_ptr<kube::RestClient> m_admin;
};

void TestManager::initTestCase()
{
    m_server = std::make_unique<testsupport::ServerThread>();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_admin = std::make_unique<kube::RestClient>(m_server->adminConfig());
}

void TestManager::cleanup()
{
    QVERIFY(m_server->setFaults("{}"));
}

void TestManager::createNamespace(const QString& name)
{
    QVERIFY(m_admin->create({ {}, u"v1"_s, u"namespaces"_s, {}, {}, {} },
        QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, name } } } }));
}

void TestManager::createConfigMap(const QString& ns, const QString& name)
{
    QVERIFY(m_admin->create(configMaps(ns), QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, name } } } }));
}

void TestManager::testBadBindAddressFailsStart()
{
    runtime::ManagerOptions options;
    options.metricsBindAddress = u"nowhere"_s;
    options.healthProbeBindAddress = u"0"_s;
    runtime::Manager manager(options);
    QString error;
    QVERIFY(!manager.start(&error));
    QVERIFY(error.contains(u"nowhere"_s));

    runtime::ManagerOptions needsClient;
    needsClient.metricsBindAddress = u"0"_s;
    needsClient.healthProbeBindAddress = u"0"_s;
    needsClient.leaderElection = election(u"x"_s, u"a"_s, 3000, 2000, 500);
    runtime::Manager electing(needsClient);
    QVERIFY(!electing.start(&error));
    QVERIFY(error.contains(u"leader election"_s));
}

void TestManager::testProbesAndReadinessFollowCacheSync()
{
    const QString ns = u"ready"_s;
    createNamespace(ns);
    createConfigMap(ns, u"one"_s);
    QVERIFY(m_server->setFaults(R"({"errors":[{"verb":"list","resource":"configmaps","code":500,"rate":1}]})"));
    Counting reconciler;
    Replica replica(m_server->adminConfig(), ns, reconciler);
    QVERIFY(replica.start());

    QCOMPARE(replica.health(u"/healthz"_s).code, 200);
    // The informer's lists fail: not ready, and no controller runs on an empty cache.
    QTRY_VERIFY_WITH_TIMEOUT(
        sample(replica.metrics(), R"(rest_client_requests_total{code="500",host="127.0.0.1",method="GET"})") >= 2,
        10000);
    QCOMPARE(replica.health(u"/readyz"_s).code, 503);
    QVERIFY(!replica.manager->cachesSynced());
    QVERIFY(!replica.controller->isRunning());
    QCOMPARE(reconciler.calls.load(), 0);

    QVERIFY(m_server->setFaults("{}"));
    QTRY_COMPARE_WITH_TIMEOUT(replica.health(u"/readyz"_s).code, 200, 20000);
    QTRY_VERIFY(replica.controller->isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(reconciler.calls.load(), 1, 10000);
    QCOMPARE(replica.health(u"/healthz"_s).body, QByteArray("ok"));
}

void TestManager::testMetricsEndpointExposesRuntimeFamilies()
{
    const QString ns = u"metrics"_s;
    createNamespace(ns);
    createConfigMap(ns, u"one"_s);
    Counting reconciler;
    Replica replica(m_server->adminConfig(), ns, reconciler, std::nullopt, u"metrics-ctl"_s);
    QVERIFY(replica.start());
    QTRY_COMPARE_WITH_TIMEOUT(reconciler.calls.load(), 1, 10000);

    const HttpAnswer answer = httpGet(replica.manager->metricsPort(), u"/metrics"_s);
    QCOMPARE(answer.code, 200);
    const QByteArray& text = answer.body;
    QTRY_COMPARE(
        sample(replica.metrics(), R"(controller_runtime_reconcile_total{controller="metrics-ctl",result="success"})"),
        1.0);
    QCOMPARE(sample(text, R"(controller_runtime_max_concurrent_reconciles{controller="metrics-ctl"})"), 2.0);
    QVERIFY(sample(text, R"(controller_runtime_reconcile_time_seconds_count{controller="metrics-ctl"})") >= 1);
    QVERIFY(sample(text, R"(workqueue_adds_total{name="metrics-ctl"})") >= 1);
    QVERIFY(sample(text, R"(workqueue_depth{name="metrics-ctl"})") >= 0);
    QVERIFY(sample(text, R"(rest_client_requests_total{code="200",host="127.0.0.1",method="GET"})") >= 1);
    QVERIFY(sample(text, R"(rest_client_request_duration_seconds_count{host="127.0.0.1",verb="GET"})") >= 1);
    QVERIFY(text.contains("# TYPE rest_client_request_duration_seconds histogram"));
}

void TestManager::testControllersWithoutInformersStart()
{
    runtime::ManagerOptions options;
    options.metricsBindAddress = u"0"_s;
    options.healthProbeBindAddress = u"0"_s;
    Counting reconciler;
    runtime::ControllerOptions controllerOptions;
    controllerOptions.name = u"timer-driven"_s;
    runtime::Controller controller(std::move(controllerOptions), reconciler);
    runtime::Manager manager(options);
    manager.addController(&controller);
    QString error;
    QVERIFY2(manager.start(&error), qPrintable(error));
    QTRY_VERIFY(controller.isRunning());
    controller.queue().add(u"x"_s);
    QTRY_COMPARE(reconciler.calls.load(), 1);
    manager.shutdown();
    QVERIFY(!controller.isRunning());
}

void TestManager::testControllersRunOnlyWhileLeading()
{
    const QString ns = u"gated"_s;
    createNamespace(ns);
    createConfigMap(ns, u"one"_s);
    const QString now = QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"_s);
    QVERIFY(m_admin->create(leases(),
        QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, u"gated"_s } } },
            { u"spec"_s,
                QJsonObject { { u"holderIdentity"_s, u"someone-else"_s }, { u"leaseDurationSeconds"_s, 60 },
                    { u"renewTime"_s, now }, { u"acquireTime"_s, now } } } }));

    Counting reconciler;
    Replica replica(m_server->adminConfig(), ns, reconciler, election(u"gated"_s, u"me"_s, 3000, 2000, 200));
    QVERIFY(replica.start());
    QTRY_VERIFY_WITH_TIMEOUT(replica.manager->cachesSynced(), 10000);
    QCOMPARE(replica.health(u"/readyz"_s).code, 200); // readiness is about caches, not leadership
    // Let the elector try a few times.
    const int triesBefore = replica.electionRequests.load();
    QTRY_VERIFY_WITH_TIMEOUT(replica.electionRequests.load() >= triesBefore + 3, 10000);
    QVERIFY(!replica.manager->isLeader());
    QVERIFY(!replica.controller->isRunning());
    QCOMPARE(reconciler.calls.load(), 0);
    QCOMPARE(sample(replica.metrics(), R"(leader_election_master_status{name="gated"})"), 0.0);

    // The other holder lets go.
    auto lease = m_admin->get(leases().withName(u"gated"_s));
    QVERIFY(lease);
    QJsonObject spec = lease->value(u"spec"_s).toObject();
    spec[u"holderIdentity"_s] = QString();
    (*lease)[u"spec"_s] = spec;
    QVERIFY(m_admin->update(leases().withName(u"gated"_s), *lease));
    QTRY_VERIFY_WITH_TIMEOUT(replica.manager->isLeader(), 5000);
    QTRY_VERIFY(replica.controller->isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(reconciler.calls.load(), 1, 10000);
    QCOMPARE(sample(replica.metrics(), R"(leader_election_master_status{name="gated"})"), 1.0);
}

void TestManager::testLosingTheLeaseStopsControllers()
{
    const QString ns = u"losing"_s;
    createNamespace(ns);
    Counting reconciler;
    Replica replica(m_server->adminConfig(), ns, reconciler, election(u"losing"_s, u"me"_s, 3000, 2000, 500));
    QSignalSpy lost(replica.manager.get(), &runtime::Manager::leadershipLost);
    QVERIFY(replica.start());
    QTRY_VERIFY_WITH_TIMEOUT(replica.controller->isRunning(), 10000);

    QVERIFY(m_server->setFaults(R"({"errors":[{"resource":"leases","code":500,"rate":1}]})"));
    QTRY_COMPARE_WITH_TIMEOUT(lost.count(), 1, 6000);
    QVERIFY(!replica.controller->isRunning());
    QVERIFY(!replica.manager->isLeader());
    QCOMPARE(sample(replica.metrics(), R"(leader_election_master_status{name="losing"})"), 0.0);
}

// Replica A leads and is in the middle of a reconcile when it shuts down; B waits for the same lease. A finishes
// the reconcile within the deadline, releases the lease, and B takes over long before the lease could expire.
void TestManager::testGracefulShutdownFinishesInFlightWorkAndHandsOverTheLease()
{
    const QString ns = u"handover"_s;
    createNamespace(ns);
    constexpr int leaseMs = 15000;
    std::mutex mutex;
    std::condition_variable cv;
    bool gateOpen = false;
    std::atomic<bool> started { false };
    std::atomic<bool> finished { false };
    FuncReconciler slow([&](const Request& r) {
        if (r.name == u"slow") {
            started = true;
            std::unique_lock lock(mutex);
            cv.wait_for(lock, 20s, [&] { return gateOpen; });
            finished = true;
        }
        return Result::success();
    });
    Counting other;
    Replica a(m_server->adminConfig(), ns, slow, election(u"handover"_s, u"a"_s, leaseMs, 10000, 300));
    QVERIFY(a.start());
    QTRY_VERIFY_WITH_TIMEOUT(a.controller->isRunning(), 10000);
    Replica b(m_server->adminConfig(), ns, other, election(u"handover"_s, u"b"_s, leaseMs, 10000, 300));
    QVERIFY(b.start());
    QTRY_VERIFY_WITH_TIMEOUT(b.manager->cachesSynced(), 10000);
    QVERIFY(!b.manager->isLeader());

    createConfigMap(ns, u"slow"_s);
    QTRY_VERIFY_WITH_TIMEOUT(started.load(), 10000);
    // Opens the gate once shutdown has begun, so the reconcile is in flight while the manager stops.
    std::thread opener([&] {
        QDeadlineTimer deadline(20000);
        while (!a.controller->queue().shuttingDown() && !deadline.hasExpired())
            std::this_thread::yield();
        std::lock_guard lock(mutex);
        gateOpen = true;
        cv.notify_all();
    });
    a.manager->shutdown();
    opener.join();
    QVERIFY(finished.load()); // shutdown returned only after the in-flight reconcile finished
    QVERIFY(!a.controller->isRunning());
    QVERIFY(!a.manager->isLeader());

    QElapsedTimer sinceRelease;
    sinceRelease.start();
    QTRY_VERIFY_WITH_TIMEOUT(b.manager->isLeader(), 3000);
    qInfo("standby manager took over %lld ms after the shutdown (lease %d ms)", sinceRelease.elapsed(), leaseMs);
    QTRY_VERIFY(b.controller->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(other.calls.load() >= 1, 10000); // B reconciles what its cache holds
}

QTEST_GUILESS_MAIN(TestManager)
#include "tst_manager.moc"
