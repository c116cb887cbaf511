#include "apiserver/apiserver.h"
#include "cli.h"
#include "commands.h"
#include "hostport.h"
#include "signals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

using namespace Qt::StringLiterals;

int runApiServer(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Run an embedded Kubernetes-compatible API server: core/v1 namespaces, secrets, configmaps, "
        "serviceaccounts and events, coordination.k8s.io leases and CustomResourceDefinitions, served over HTTPS "
        "with bearer-token authentication. kubectl works against it.\n\n"
        "Example:\n  kubelb-syncd apiserver --bind 127.0.0.1:6443 --data-dir /var/lib/kubelb-apiserver \\\n"
        "      --write-kubeconfig ~/.kube/kubelb-sync.yaml\n  kubectl --kubeconfig ~/.kube/kubelb-sync.yaml get ns"_s);
    parser.addHelpOption();
    parser.addOptions({
        { u"bind"_s, u"HTTPS address (port 0 picks a free one). Default 127.0.0.1:6443."_s, u"host:port"_s,
            u"127.0.0.1:6443"_s },
        { u"insecure-bind"_s, u"Also serve plain HTTP without authentication; loopback addresses only."_s,
            u"host:port"_s },
        { u"data-dir"_s,
            u"Keep objects (SQLite), the generated CA, serving certificate and admin token here. "
            "Without it everything lives in memory."_s,
            u"dir"_s },
        { u"write-kubeconfig"_s, u"Write an admin kubeconfig (HTTPS, generated CA, admin token) to this file."_s,
            u"file"_s },
        { u"context-name"_s, u"Cluster/context name used in the written kubeconfig. Default kubelb-sync."_s, u"name"_s,
            u"kubelb-sync"_s },
        { u"token-file"_s, u"Static bearer tokens, CSV lines: token,user,uid,\"group1,group2\"."_s, u"file"_s },
        { u"tls-cert"_s, u"Serving certificate (PEM) instead of the generated one."_s, u"file"_s },
        { u"tls-key"_s, u"Private key (PEM) of --tls-cert."_s, u"file"_s },
        { u"watch-window"_s, u"Number of recent events a watch can resume from (older: 410 Gone). Default 10000."_s,
            u"n"_s, u"10000"_s },
        { u"request-read-timeout"_s,
            u"Seconds a client may take to send a whole request; slower ones get 408 (0 disables). Default 60."_s,
            u"seconds"_s, u"60"_s },
        { u"enable-garbage-collector"_s, u"Delete dependents whose owners are gone (true|false). Default true."_s,
            u"bool"_s, u"true"_s },
        { u"faults"_s,
            u"Fault injection as JSON, e.g. '{\"errors\":[{\"verb\":\"create\",\"resource\":\"secrets\","
            "\"code\":500,\"rate\":0.05}],\"latencyMs\":100,\"jitterMs\":20,\"dropWatchesEverySeconds\":5,"
            "\"watchWindow\":100}'. Change it at run time with PUT /debug/faults (loopback, system:masters)."_s,
            u"json"_s },
        { { u"v"_s, u"verbose"_s }, u"Log every request."_s },
    });
    if (!parser.parse(args)) {
        QTextStream(stderr) << "kubelb-syncd apiserver: " << parser.errorText()
                            << "\nRun 'kubelb-syncd apiserver --help' for the options.\n";
        return 2;
    }
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << commandHelp(parser, u"apiserver"_s);
        return 0;
    }
    QTextStream err(stderr);
    apiserver::ApiServerConfig config;
    QString error;
    if (!parseHostPort(parser.value(u"bind"_s), &config.bindAddress, &config.port, &error)) {
        err << "kubelb-syncd apiserver: --bind: " << error << '\n';
        return 2;
    }
    if (parser.isSet(u"insecure-bind"_s)) {
        config.insecure = true;
        if (!parseHostPort(parser.value(u"insecure-bind"_s), &config.insecureAddress, &config.insecurePort, &error)) {
            err << "kubelb-syncd apiserver: --insecure-bind: " << error << '\n';
            return 2;
        }
    }
    if (parser.isSet(u"tls-cert"_s) != parser.isSet(u"tls-key"_s)) {
        err << "kubelb-syncd apiserver: --tls-cert and --tls-key go together\n";
        return 2;
    }
    bool ok = false;
    config.watchWindow = parser.value(u"watch-window"_s).toInt(&ok);
    if (!ok || config.watchWindow < 1) {
        err << "kubelb-syncd apiserver: --watch-window must be a positive number\n";
        return 2;
    }
    const int readTimeout = parser.value(u"request-read-timeout"_s).toInt(&ok);
    if (!ok || readTimeout < 0 || readTimeout > 86400) {
        err << "kubelb-syncd apiserver: --request-read-timeout must be 0 (off) to 86400 seconds\n";
        return 2;
    }
    config.readTimeoutMs = readTimeout * 1000;
    const QString gc = parser.value(u"enable-garbage-collector"_s);
    if (gc != u"true" && gc != u"false") {
        err << "kubelb-syncd apiserver: --enable-garbage-collector takes true or false\n";
        return 2;
    }
    config.garbageCollector = gc == u"true";
    config.dataDir = parser.value(u"data-dir"_s);
    config.tokenFile = parser.value(u"token-file"_s);
    config.tlsCertFile = parser.value(u"tls-cert"_s);
    config.tlsKeyFile = parser.value(u"tls-key"_s);
    config.faults = parser.value(u"faults"_s);
    if (parser.isSet(u"verbose"_s))
        QLoggingCategory::setFilterRules(u"kubelb.apiserver.debug=true"_s);

    apiserver::ApiServer server(config);
    if (!server.start(&error)) {
        err << "kubelb-syncd apiserver: " << error << '\n';
        return 1;
    }
    if (parser.isSet(u"write-kubeconfig"_s)
        && !server.writeKubeconfig(parser.value(u"write-kubeconfig"_s), parser.value(u"context-name"_s), &error)) {
        err << "kubelb-syncd apiserver: " << error << '\n';
        return 1;
    }
    QTextStream out(stdout);
    out << "serving " << server.url() << '\n';
    if (config.insecure)
        out << "serving http://" << config.insecureAddress.toString() << ':' << server.insecurePort() << '\n';
    out.flush();
    ShutdownSignals signals;
    QObject::connect(&signals, &ShutdownSignals::requested, qApp, &QCoreApplication::quit);
    return QCoreApplication::exec();
}
