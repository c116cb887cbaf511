// Leader election on one Lease of the embedded API server: in-process electors, faults, and real processes
// killed with SIGKILL.
#include "controllers/runtime/leaderelection.h"
#include "controllers/runtime/metrics.h"
#include "kube/restclient.h"
#include "support/serverthread.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int kLeaseMs = 3000;
constexpr int kRenewMs = 2000;
constexpr int kRetryMs = 500;

/// One replica: its own client, metrics and elector.
struct Replica {
    Replica(const kube::ClientConfig& config, const QString& identity, const QString& lease)
        : client(config)
    {
        runtime::LeaderElectionConfig c;
        c.leaseNamespace = u"default"_s;
        c.leaseName = lease;
        c.identity = identity;
        c.leaseDurationMs = kLeaseMs;
        c.renewDeadlineMs = kRenewMs;
        c.retryPeriodMs = kRetryMs;
        elector = std::make_unique<runtime::LeaderElector>(client, c, &metrics);
    }
    bool leading() const { return elector->isLeader(); }
    /// leader_election_master_status of this replica, or -1 when absent.
    double masterStatus() const
    {
        const QByteArray series
            = "leader_election_master_status{name=\"" + elector->config().leaseName.toUtf8() + "\"} ";
        for (const QByteArray& line : metrics.exposition().split('\n'))
            if (line.startsWith(series))
                return line.mid(series.size()).toDouble();
        return -1;
    }

    kube::RestClient client;
    runtime::MetricsRegistry metrics;
    std::unique_ptr<runtime::LeaderElector> elector;
};

} // namespace

class TestLeaderElection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void testExactlyOneLeads();
    void testStopReleasesAndTheStandbyTakesOverQuickly();
    void testLeaderCutOffStepsDownAfterRenewDeadline_data();
    void testLeaderCutOffStepsDownAfterRenewDeadline();
    void testStandbyTakesOverFromKilledProcess();

private:
    QJsonObject leaseSpec(const QString& lease);

    std::unique_ptr<testsupport::ServerThread> m_server;
    std::unique_ptr<kube::RestClient> m_admin;
};

void TestLeaderElection::initTestCase()
{
    m_server = std::make_unique<testsupport::ServerThread>();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_admin = std::make_unique<kube::RestClient>(m_server->adminConfig());
}

void TestLeaderElection::cleanup()
{
    QVERIFY(m_server->setFaults("{}"));
}

QJsonObject TestLeaderElection::leaseSpec(const QString& lease)
{
    const auto got = m_admin->get({ u"coordination.k8s.io"_s, u"v1"_s, u"leases"_s, u"default"_s, lease, {} });
    return got ? got->value(u"spec"_s).toObject() : QJsonObject {};
}

void TestLeaderElection::testExactlyOneLeads()
{
    const QString lease = u"one-leader"_s;
    Replica a(m_server->adminConfig(), u"a"_s, lease);
    Replica b(m_server->adminConfig(), u"b"_s, lease);
    a.elector->start();
    b.elector->start();
    QTRY_VERIFY_WITH_TIMEOUT(a.leading() || b.leading(), 10000);

    // Watch the leader renew a few times; the standby never leads meanwhile.
    QString lastRenew;
    int renewals = 0;
    QDeadlineTimer deadline(15000);
    while (renewals < 4 && !deadline.hasExpired()) {
        QVERIFY(a.leading() != b.leading());
        const QString renew = leaseSpec(lease).value(u"renewTime"_s).toString();
        if (renew != lastRenew) {
            ++renewals;
            lastRenew = renew;
        }
        QTest::qWait(50);
    }
    QVERIFY(renewals >= 4);
    const Replica& leader = a.leading() ? a : b;
    const Replica& standby = a.leading() ? b : a;
    const QJsonObject spec = leaseSpec(lease);
    QCOMPARE(spec.value(u"holderIdentity"_s).toString(), leader.elector->config().identity);
    QCOMPARE(spec.value(u"leaseTransitions"_s).toInt(), 0); // nobody took it over in between
    QCOMPARE(spec.value(u"leaseDurationSeconds"_s).toInt(), kLeaseMs / 1000);
    QCOMPARE(leader.masterStatus(), 1.0);
    QCOMPARE(standby.masterStatus(), 0.0);
}

void TestLeaderElection::testStopReleasesAndTheStandbyTakesOverQuickly()
{
    const QString lease = u"handover"_s;
    Replica a(m_server->adminConfig(), u"a"_s, lease);
    Replica b(m_server->adminConfig(), u"b"_s, lease);
    a.elector->start();
    QTRY_VERIFY_WITH_TIMEOUT(a.leading(), 10000);
    b.elector->start();
    QTRY_COMPARE_WITH_TIMEOUT(b.masterStatus(), 0.0, 5000);
    QVERIFY(!b.leading());

    a.elector->stop(); // releases the lease
    QElapsedTimer sinceRelease;
    sinceRelease.start();
    QVERIFY(!a.leading());
    QCOMPARE(a.masterStatus(), 0.0);
    // A released lease is free at once: the standby takes it on its next retry, far sooner than an expiry.
    QTRY_VERIFY_WITH_TIMEOUT(b.leading(), kLeaseMs - kRetryMs);
    qInfo("standby took over %lld ms after the release", sinceRelease.elapsed());
    QCOMPARE(b.masterStatus(), 1.0);
    QCOMPARE(leaseSpec(lease).value(u"holderIdentity"_s).toString(), u"b"_s);
    QCOMPARE(leaseSpec(lease).value(u"leaseTransitions"_s).toInt(), 1);
}

void TestLeaderElection::testLeaderCutOffStepsDownAfterRenewDeadline_data()
{
    QTest::addColumn<QByteArray>("faults");
    QTest::newRow("server errors") << QByteArray(R"({"errors":[{"resource":"leases","code":500,"rate":1}]})");
    QTest::newRow("throttled") << QByteArray(
        R"({"errors":[{"resource":"leases","code":429,"rate":1,"retryAfterSeconds":1}]})");
    QTest::newRow("answers slower than the deadline") << QByteArray(R"({"latencyMs":2500})");
}

// The client must neither retry nor wait past the renew deadline: the leader steps down before its lease could
// expire for a standby.
void TestLeaderElection::testLeaderCutOffStepsDownAfterRenewDeadline()
{
    QFETCH(QByteArray, faults);
    const QString lease = u"cut-off-"_s + QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-');
    Replica a(m_server->adminConfig(), u"a"_s, lease);
    a.elector->start();
    QTRY_VERIFY_WITH_TIMEOUT(a.leading(), 10000);
    QCOMPARE(a.masterStatus(), 1.0);

    QElapsedTimer sinceCutOff;
    sinceCutOff.start();
    QVERIFY(m_server->setFaults(faults)); // with latency, this answer itself comes late
    QTRY_VERIFY_WITH_TIMEOUT(!a.leading(), kRenewMs + kRetryMs + 2000);
    qInfo("stepped down %lld ms after the cut-off", sinceCutOff.elapsed());
    QCOMPARE(a.masterStatus(), 0.0);

    QVERIFY(m_server->setFaults("{}"));
    QTRY_VERIFY_WITH_TIMEOUT(a.leading(), 10000); // the lease still names it: it takes it back
    QCOMPARE(a.masterStatus(), 1.0);
    QElapsedTimer stopping;
    stopping.start();
    a.elector->stop();
    QVERIFY(stopping.elapsed() < kRenewMs + 1000); // releasing is bounded as well
}

void TestLeaderElection::testStandbyTakesOverFromKilledProcess()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString caFile = dir.filePath(u"ca.pem"_s);
    QFile ca(caFile);
    QVERIFY(ca.open(QIODevice::WriteOnly));
    ca.write(m_server->caPem());
    ca.close();

    const auto arguments = [&](const QString& identity) {
        return QStringList { m_server->url(), QString::fromLatin1(m_server->adminToken()), caFile, u"default"_s,
            u"kill9"_s, identity, QString::number(kLeaseMs), QString::number(kRenewMs), QString::number(kRetryMs) };
    };
    QProcess a;
    QProcess b;
    QByteArray outA;
    QByteArray outB;
    connect(&a, &QProcess::readyReadStandardOutput, this, [&] { outA += a.readAllStandardOutput(); });
    connect(&b, &QProcess::readyReadStandardOutput, this, [&] { outB += b.readAllStandardOutput(); });
    a.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    b.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const auto cleanupProcesses = qScopeGuard([&] {
        for (QProcess* p : { &a, &b }) {
            p->kill();
            p->waitForFinished(5000);
        }
    });

    a.start(QStringLiteral(KUBELB_LEADER_HELPER), arguments(u"a"_s));
    QVERIFY2(a.waitForStarted(10000), qPrintable(a.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(outA.contains("leading a\n"), 15000);
    b.start(QStringLiteral(KUBELB_LEADER_HELPER), arguments(u"b"_s));
    QVERIFY2(b.waitForStarted(10000), qPrintable(b.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(outB.contains("leader a\n"), 15000); // the standby sees the holder
    QVERIFY(!outB.contains("leading"));

    QElapsedTimer sinceKill;
    sinceKill.start();
    a.kill(); // SIGKILL: no release, the lease has to expire
    QVERIFY(a.waitForFinished(5000));
    // The standby saw the last renewal at most a retry period after it happened and retries every period, so it
    // leads within the lease duration plus two retry periods of the kill (one more second for a loaded machine).
    QTRY_VERIFY_WITH_TIMEOUT(outB.contains("leading b\n"), kLeaseMs + 2 * kRetryMs + 1000);
    const qint64 takeover = sinceKill.elapsed();
    qInfo("standby took over %lld ms after kill -9", takeover);
    QVERIFY2(takeover >= kLeaseMs - 2 * kRetryMs, "the standby did not wait for the lease to expire");
    QCOMPARE(leaseSpec(u"kill9"_s).value(u"holderIdentity"_s).toString(), u"b"_s);
}

QTEST_GUILESS_MAIN(TestLeaderElection)
#include "tst_leaderelection.moc"
