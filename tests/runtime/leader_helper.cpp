// A replica for the kill -9 takeover test: campaigns for a Lease and reports on stdout.
// Usage: tst_leader_helper SERVER TOKEN CA_FILE NAMESPACE LEASE IDENTITY LEASE_MS RENEW_MS RETRY_MS
// Prints "campaigning <identity>", "leader <holder>" whenever it sees a new holder, "leading <identity>" when it
// acquires the lease and "stopped <identity>" when it loses it.
#include "controllers/runtime/leaderelection.h"
#include "kube/restclient.h"

#include <QCoreApplication>
#include <QFile>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

void say(const QString& line)
{
    std::fprintf(stdout, "%s\n", qPrintable(line));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 10) {
        std::fprintf(
            stderr, "usage: %s SERVER TOKEN CA_FILE NAMESPACE LEASE IDENTITY LEASE_MS RENEW_MS RETRY_MS\n", argv[0]);
        return 2;
    }
    QFile ca(args.at(3));
    if (!ca.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(args.at(3)));
        return 2;
    }
    kube::ClientConfig config;
    config.server = args.at(1);
    config.token = args.at(2);
    config.caPem = ca.readAll();
    kube::RestClient client(config);

    runtime::LeaderElectionConfig election;
    election.leaseNamespace = args.at(4);
    election.leaseName = args.at(5);
    election.identity = args.at(6);
    election.leaseDurationMs = args.at(7).toInt();
    election.renewDeadlineMs = args.at(8).toInt();
    election.retryPeriodMs = args.at(9).toInt();
    runtime::LeaderElector elector(client, election);
    // Direct connections: the lines are printed from the elector's thread the moment things happen.
    QObject::connect(
        &elector, &runtime::LeaderElector::newLeader, &elector,
        [](const QString& holder) { say(u"leader "_s + holder); }, Qt::DirectConnection);
    QObject::connect(
        &elector, &runtime::LeaderElector::startedLeading, &elector, [&] { say(u"leading "_s + election.identity); },
        Qt::DirectConnection);
    QObject::connect(
        &elector, &runtime::LeaderElector::stoppedLeading, &elector, [&] { say(u"stopped "_s + election.identity); },
        Qt::DirectConnection);
    say(u"campaigning "_s + election.identity);
    elector.start();
    return app.exec();
}
