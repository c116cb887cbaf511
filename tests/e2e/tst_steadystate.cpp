// Steady state: 1,000 SyncSecrets (half written with stringData, half with data) synced by an in-process CCM and
// Manager between two embedded API servers with at most 5 controller writes each; then a full informer resync must
// cause no write at all. Writes are counted from each server's /metrics (apiserver_request_total, verbs
// POST/PUT/PATCH/DELETE/DELETECOLLECTION).
// Every log line the controllers wrote is captured and checked for the secret values.
#include "controllers/runtime/logging.h"
#include "controllers/syncsecret/runtimes.h"
#include "kube/objects.h"
#include "kube/yaml.h"
#include "support/apiclient.h"
#include "support/e2elogs.h"
#include "support/serverthread.h"
#include "support/wait.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QRegularExpression>
#include <QTest>
#include <QTextStream>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kCount = 1000;
// Sanitizer builds (KUBELB_TEST_SLOWDOWN, cmake/KubelbTargets.cmake) reconcile several times slower: a full resync
// pass of kCount objects must still fit in one period, or the controllers are never idle. Twice the common factor:
// under ASan on a slow machine a pass of 1,000 objects outlasted a 12 s period.
constexpr int kSlowdown = KUBELB_TEST_SLOWDOWN == 1 ? 1 : 2 * KUBELB_TEST_SLOWDOWN;
constexpr int kResyncMs = 4000 * kSlowdown;
constexpr int kIdleMs = 30000 * kSlowdown; // how long the work queues may take to drain
const QString kTenantNs = u"production"_s;
const QString kMgmtNs = u"tenant-primary"_s;
const QSet<QString> kWriteVerbs { u"POST"_s, u"PUT"_s, u"PATCH"_s, u"DELETE"_s, u"DELETECOLLECTION"_s };

QString ssecPath(const QString& ns)
{
    return u"/apis/kubelb.k8c.io/v1alpha1/namespaces/%1/syncsecrets"_s.arg(ns);
}

QString valueOf(int i)
{
    return u"steady-state-value-%1-x7"_s.arg(i, 4, 10, QLatin1Char('0'));
}

// The test's own report lines go straight to stdout: Qt's message handler is the daemon's (captured) logging.
void report(const QString& line)
{
    QTextStream(stdout) << "REPORT: " << line << Qt::endl;
}

using testsupport::waitUntil;

/// Sum of the samples of `family` whose labels contain every `match` pair (Prometheus text format).
double metric(const QByteArray& exposition, const QByteArray& family, const QList<QPair<QString, QString>>& match)
{
    double sum = 0;
    for (const QByteArray& line : exposition.split('\n')) {
        if (!line.startsWith(family + '{'))
            continue;
        const QString text = QString::fromUtf8(line);
        bool all = true;
        for (const auto& [k, v] : match)
            all = all && text.contains(u"%1=\"%2\""_s.arg(k, v));
        if (all)
            sum += text.section(u' ', -1).toDouble();
    }
    return sum;
}

/// Write requests an API server counted, by "VERB resource[/subresource] code".
struct Writes {
    QMap<QString, double> byKind;
    double total() const
    {
        double t = 0;
        for (double v : byKind)
            t += v;
        return t;
    }
    Writes operator-(const Writes& before) const
    {
        Writes d;
        for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
            if (const double n = it.value() - before.byKind.value(it.key()); n != 0)
                d.byKind.insert(it.key(), n);
        return d;
    }
    QString describe() const
    {
        QStringList parts;
        for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
            parts.append(u"%1=%2"_s.arg(it.key()).arg(it.value()));
        return parts.join(u", "_s);
    }
};

Writes writesOf(testsupport::ServerThread& server)
{
    testsupport::ApiClient client(server.url(), server.caPem(), server.adminToken());
    const auto r = client.get(u"/metrics"_s);
    Writes w;
    static const QRegularExpression sample(u"^apiserver_request_total\\{(.*)\\} (\\S+)$"_s);
    for (const QByteArray& line : r.body.split('\n')) {
        const auto m = sample.match(QString::fromUtf8(line));
        if (!m.hasMatch())
            continue;
        QMap<QString, QString> labels;
        static const QRegularExpression pair(u"(\\w+)=\"([^\"]*)\""_s);
        for (auto it = pair.globalMatch(m.captured(1)); it.hasNext();) {
            const auto p = it.next();
            labels.insert(p.captured(1), p.captured(2));
        }
        if (!kWriteVerbs.contains(labels.value(u"verb"_s)))
            continue;
        const QString resource = labels.value(u"resource"_s)
            + (labels.value(u"subresource"_s).isEmpty() ? QString() : u'/' + labels.value(u"subresource"_s));
        w.byKind[u"%1 %2 %3"_s.arg(labels.value(u"verb"_s), resource, labels.value(u"code"_s))]
            += m.captured(2).toDouble();
    }
    return w;
}

QList<QJsonObject> listAll(testsupport::ServerThread& server, const QString& path)
{
    testsupport::ApiClient client(server.url(), server.caPem(), server.adminToken());
    const auto r = client.get(path);
    QList<QJsonObject> items;
    for (const auto& i : r.json.value(u"items"_s).toArray())
        items.append(i.toObject());
    return items;
}

} // namespace

class TestSteadyState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testThousandSyncSecretsReachSynced();
    void testResyncCausesNoWrites();
    void testLogsNeverContainSecretValues();

private:
    double reconciles(const QString& controller);
    bool idle();

    testsupport::ServerThread m_tenant;
    testsupport::ServerThread m_mgmt;
    std::unique_ptr<syncsecret::ManagerRuntime> m_manager;
    std::unique_ptr<syncsecret::CcmRuntime> m_ccm;
    QMutex m_logMutex;
    QByteArray m_log;
    qsizetype m_logLines = 0;
};

void TestSteadyState::initTestCase()
{
    runtime::logging::setSink([this](const QByteArray& line) {
        QMutexLocker lock(&m_logMutex);
        m_log += line;
        m_log += '\n';
        ++m_logLines;
    });
    runtime::logging::install(runtime::logging::Format::Logfmt, runtime::logging::Level::Debug);
    QString error;
    QVERIFY2(m_tenant.start(&error), qPrintable(error));
    QVERIFY2(m_mgmt.start(&error), qPrintable(error));
    QFile crdFile(QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/base/syncsecret-crd.yaml"));
    QVERIFY(crdFile.open(QIODevice::ReadOnly));
    const auto crd = kube::yamlToJson(crdFile.readAll());
    QVERIFY(crd && crd->isObject());
    for (auto* server : { &m_tenant, &m_mgmt }) {
        testsupport::ApiClient client(server->url(), server->caPem(), server->adminToken());
        QCOMPARE(client.post(u"/apis/apiextensions.k8s.io/v1/customresourcedefinitions"_s, crd->toObject()).code, 201);
        QVERIFY(waitUntil([&] { return client.get(ssecPath(u"default"_s)).code == 200; }, 30000));
    }
    testsupport::ApiClient tenant(m_tenant.url(), m_tenant.caPem(), m_tenant.adminToken());
    testsupport::ApiClient mgmt(m_mgmt.url(), m_mgmt.caPem(), m_mgmt.adminToken());
    QCOMPARE(
        tenant
            .post(u"/api/v1/namespaces"_s, QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, kTenantNs } } } })
            .code,
        201);
    QCOMPARE(mgmt.post(u"/api/v1/namespaces"_s,
                     QJsonObject { { u"metadata"_s,
                         QJsonObject { { u"name"_s, kMgmtNs },
                             { u"labels"_s, QJsonObject { { u"kubelb.k8c.io/tenant"_s, u"primary"_s } } } } } })
                 .code,
        201);

    runtime::ManagerOptions endpoints;
    endpoints.metricsBindAddress = u"0"_s;
    endpoints.healthProbeBindAddress = u"0"_s;
    kube::RestOptions rest;
    rest.qps = 0; // measure the controllers, not the client-side rate limiter
    syncsecret::ManagerSettings ms;
    ms.cluster = m_mgmt.adminConfig();
    ms.manager = endpoints;
    ms.rest = rest;
    ms.resyncPeriodMs = kResyncMs;
    m_manager = std::make_unique<syncsecret::ManagerRuntime>(ms);
    QVERIFY2(m_manager->start(&error), qPrintable(error));
    syncsecret::CcmSettings cs;
    cs.tenant = m_tenant.adminConfig();
    cs.management = m_mgmt.adminConfig();
    cs.clusterName = kMgmtNs;
    cs.manager = endpoints;
    cs.rest = rest;
    cs.resyncPeriodMs = kResyncMs;
    m_ccm = std::make_unique<syncsecret::CcmRuntime>(cs);
    QVERIFY2(m_ccm->start(&error), qPrintable(error));
    QVERIFY(waitUntil([&] { return m_ccm->manager().cachesSynced() && m_manager->manager().cachesSynced(); }, 30000));
}

void TestSteadyState::cleanupTestCase()
{
    if (m_ccm)
        m_ccm->shutdown();
    if (m_manager)
        m_manager->shutdown();
    m_ccm.reset();
    m_manager.reset();
    runtime::logging::setSink({});
    // The captured controller log and the values go to the shared e2e log dir for tst_logscan.
    QFile log(testsupport::e2eLogFile(u"controllers"_s));
    if (log.open(QIODevice::WriteOnly)) {
        QMutexLocker lock(&m_logMutex);
        log.write(m_log);
    }
    for (int i = 0; i < kCount; ++i)
        testsupport::secretValue(valueOf(i));
}

double TestSteadyState::reconciles(const QString& controller)
{
    auto& m = controller == u"syncsecret-ccm" ? m_ccm->manager() : m_manager->manager();
    return metric(m.metrics().exposition(), "controller_runtime_reconcile_total", { { u"controller"_s, controller } });
}

// Both work queues empty and no reconcile running.
bool TestSteadyState::idle()
{
    for (const auto& [m, name] : { std::pair { &m_ccm->manager(), u"syncsecret-ccm"_s },
             std::pair { &m_manager->manager(), u"syncsecret-manager"_s } }) {
        const QByteArray e = m->metrics().exposition();
        if (metric(e, "workqueue_depth", { { u"name"_s, name } }) != 0
            || metric(e, "controller_runtime_active_workers", { { u"controller"_s, name } }) != 0)
            return false;
    }
    return true;
}

void TestSteadyState::testThousandSyncSecretsReachSynced()
{
    const Writes tenantBefore = writesOf(m_tenant);
    const Writes mgmtBefore = writesOf(m_mgmt);
    QElapsedTimer timer;
    timer.start();
    testsupport::ApiClient tenant(m_tenant.url(), m_tenant.caPem(), m_tenant.adminToken());
    for (int i = 0; i < kCount; ++i) {
        const QString name = u"steady-%1"_s.arg(i, 4, 10, QLatin1Char('0'));
        QJsonObject o { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
            { u"metadata"_s,
                QJsonObject { { u"name"_s, name }, { u"labels"_s, QJsonObject { { u"app"_s, u"steady"_s } } } } },
            { u"type"_s, u"Opaque"_s } };
        if (i % 2 == 0)
            o[u"stringData"_s] = QJsonObject { { u"value"_s, valueOf(i) } };
        else
            o[u"data"_s] = QJsonObject { { u"value"_s, QString::fromLatin1(valueOf(i).toUtf8().toBase64()) } };
        const auto r = tenant.post(ssecPath(kTenantNs), o);
        QVERIFY2(r.code == 201, qPrintable(u"creating %1: HTTP %2"_s.arg(name).arg(r.code)));
    }
    const qint64 createdMs = timer.elapsed();
    QString state;
    const bool synced = waitUntil(
        [&] {
            int ok = 0;
            for (const auto& o : listAll(m_tenant, ssecPath(kTenantNs))) {
                const QJsonObject status = o.value(u"status"_s).toObject();
                ok += status.value(u"phase"_s).toString() == u"Synced"
                    && status.value(u"observedGeneration"_s).toInteger()
                        == o.value(u"metadata"_s).toObject().value(u"generation"_s).toInteger();
            }
            state = u"%1 of %2 Synced"_s.arg(ok).arg(kCount);
            return ok == kCount;
        },
        240000 * kSlowdown, 200);
    QVERIFY2(synced, qPrintable(state));
    const qint64 syncedMs = timer.elapsed();
    QVERIFY(waitUntil([&] { return idle(); }, kIdleMs));
    const Writes tenantWrites = writesOf(m_tenant) - tenantBefore;
    const Writes mgmtWrites = writesOf(m_mgmt) - mgmtBefore;
    const double controllerWrites = tenantWrites.total() - kCount + mgmtWrites.total();
    report(u"%1 SyncSecrets created in %2 ms, all Synced after %3 ms"_s.arg(kCount).arg(createdMs).arg(syncedMs));
    report(u"tenant writes: "_s + tenantWrites.describe());
    report(u"management writes: "_s + mgmtWrites.describe());
    report(u"controller writes per SyncSecret until Synced: %1 (tenant %2 excluding the test's create, management %3)"_s
               .arg(controllerWrites / kCount, 0, 'f', 2)
               .arg((tenantWrites.total() - kCount) / kCount, 0, 'f', 2)
               .arg(mgmtWrites.total() / kCount, 0, 'f', 2));
    // Finalizer + status on the tenant side, copy (born with its finalizer) + Secret + copy status on the management
    // side; the reconcilers see their own writes (cache write-through), so no 409 retry adds to it.
    QVERIFY2(controllerWrites <= 5.0 * kCount,
        qPrintable(u"%1 controller writes per SyncSecret (goal ≤ 5): tenant %2; management %3"_s
                       .arg(controllerWrites / kCount, 0, 'f', 3)
                       .arg(tenantWrites.describe(), mgmtWrites.describe())));

    // Every Secret holds its SyncSecret's value, whichever way it was written.
    QHash<QString, QString> copyUidByTenantUid;
    for (const auto& c : listAll(m_mgmt, ssecPath(kMgmtNs)))
        copyUidByTenantUid.insert(c.value(u"metadata"_s).toObject().value(u"name"_s).toString(),
            c.value(u"metadata"_s).toObject().value(u"uid"_s).toString());
    QHash<QString, QByteArray> valueBySecret;
    for (const auto& s : listAll(m_mgmt, u"/api/v1/namespaces/%1/secrets"_s.arg(kMgmtNs))) {
        const auto secret = kube::Secret::fromJson(s);
        QVERIFY(secret);
        valueBySecret.insert(secret->metadata.name, secret->data.value(u"value"_s));
    }
    QCOMPARE(copyUidByTenantUid.size(), kCount);
    int checked = 0;
    for (const auto& o : listAll(m_tenant, ssecPath(kTenantNs))) {
        const auto t = kube::SyncSecret::fromJson(o);
        QVERIFY(t);
        const QString secretName = copyUidByTenantUid.value(t->metadata.uid);
        QVERIFY2(!secretName.isEmpty(), qPrintable(t->metadata.name + u" has no copy"_s));
        QVERIFY2(valueBySecret.value(secretName) == t->normalizedData().value(u"value"_s),
            qPrintable(t->metadata.name + u": Secret value differs"_s));
        ++checked;
    }
    QCOMPARE(checked, kCount);
}

void TestSteadyState::testResyncCausesNoWrites()
{
    QVERIFY(waitUntil([&] { return idle(); }, kIdleMs));
    const Writes tenantBefore = writesOf(m_tenant);
    const Writes mgmtBefore = writesOf(m_mgmt);
    const double ccmBefore = reconciles(u"syncsecret-ccm"_s);
    const double managerBefore = reconciles(u"syncsecret-manager"_s);
    QElapsedTimer timer;
    timer.start();
    // At least two resync periods, every object reconciled at least twice by each controller, queues drained.
    QVERIFY2(waitUntil(
                 [&] {
                     return timer.elapsed() >= 2 * kResyncMs
                         && reconciles(u"syncsecret-ccm"_s) - ccmBefore >= 2 * kCount
                         && reconciles(u"syncsecret-manager"_s) - managerBefore >= 2 * kCount && idle();
                 },
                 120000 * kSlowdown),
        "no full resync happened");
    const double ccmReconciles = reconciles(u"syncsecret-ccm"_s) - ccmBefore;
    const double managerReconciles = reconciles(u"syncsecret-manager"_s) - managerBefore;
    const Writes tenantWrites = writesOf(m_tenant) - tenantBefore;
    const Writes mgmtWrites = writesOf(m_mgmt) - mgmtBefore;
    report(u"resync window %1 ms: %2 CCM and %3 Manager reconciles; writes: tenant %4, management %5"_s
               .arg(timer.elapsed())
               .arg(ccmReconciles)
               .arg(managerReconciles)
               .arg(tenantWrites.total())
               .arg(mgmtWrites.total()));
    QVERIFY2(tenantWrites.total() == 0, qPrintable(u"tenant writes during resync: "_s + tenantWrites.describe()));
    QVERIFY2(mgmtWrites.total() == 0, qPrintable(u"management writes during resync: "_s + mgmtWrites.describe()));
}

void TestSteadyState::testLogsNeverContainSecretValues()
{
    QMutexLocker lock(&m_logMutex);
    report(u"captured %1 log lines (%2 bytes), scanned for %3 values raw and base64"_s.arg(m_logLines)
               .arg(m_log.size())
               .arg(kCount));
    QVERIFY(m_logLines > 0);
    for (int i = 0; i < kCount; ++i) {
        const QByteArray raw = valueOf(i).toUtf8();
        QVERIFY2(!m_log.contains(raw) && !m_log.contains(raw.toBase64()),
            qPrintable(u"a log line contains the value of steady-%1"_s.arg(i)));
    }
}

QTEST_GUILESS_MAIN(TestSteadyState)
#include "tst_steadystate.moc"
