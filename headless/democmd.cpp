#include "cli.h"
#include "commands.h"
#include "demo.h"
#include "signals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QTextStream>
#include <QTimer>

using namespace Qt::StringLiterals;

int runDemo(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Start three embedded Kubernetes-compatible clusters in one process: tenants 'tenant1' and 'tenant2' and "
        "the management cluster 'kubelb' (namespaces tenant-primary and tenant-secondary), with the SyncSecret CRD "
        "applied. Writes kubeconfig and demo.json into --data-dir and runs until Ctrl-C.\n\n"
        "Then, for example:\n  export KUBECONFIG=<data-dir>/kubeconfig\n  kubectl --context tenant1 get syncsecrets"_s);
    parser.addHelpOption();
    parser.addOptions({
        { u"data-dir"_s, u"Where state, kubeconfig and demo.json go. Default ./kubelb-demo."_s, u"dir"_s,
            u"kubelb-demo"_s },
        { u"base-port"_s, u"Serve on 127.0.0.1:PORT, PORT+1, PORT+2 (tenant1, tenant2, kubelb). Default: free ports."_s,
            u"port"_s, u"0"_s },
        { u"in-memory"_s, u"Keep the clusters' objects in memory only (nothing survives a restart)."_s },
        { u"no-controllers"_s, u"Run only the three API servers (no CCMs, no Manager)."_s },
        { u"no-seed"_s, u"Do not create the example SyncSecrets in namespace production."_s },
        { u"enable-garbage-collector"_s,
            u"Delete dependents whose owners are gone (true|false). Default true; false lets orphans be studied."_s,
            u"bool"_s, u"true"_s },
    });
    if (!parser.parse(args)) {
        QTextStream(stderr) << "kubelb-syncd demo: " << parser.errorText()
                            << "\nRun 'kubelb-syncd demo --help' for the options.\n";
        return 2;
    }
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << commandHelp(parser, u"demo"_s);
        return 0;
    }
    QTextStream err(stderr);
    QTextStream out(stdout);
    const QString dataDir = QDir(parser.value(u"data-dir"_s)).absolutePath();
    bool ok = false;
    const uint basePort = parser.value(u"base-port"_s).toUInt(&ok);
    if (!ok || basePort > 65533) {
        err << "kubelb-syncd demo: --base-port must be a port number\n";
        return 2;
    }
    demo::DemoOptions options;
    options.dataDir = dataDir;
    options.basePort = basePort;
    options.inMemory = parser.isSet(u"in-memory"_s);
    options.controllers = !parser.isSet(u"no-controllers"_s);
    options.seed = !parser.isSet(u"no-seed"_s);
    options.garbageCollector = parser.value(u"enable-garbage-collector"_s) != u"false";
    demo::Demo world(options);
    QString error;
    if (!world.start(&error)) {
        err << "kubelb-syncd demo: " << error << '\n';
        return 1;
    }
    const QString kubeconfig = world.kubeconfigPath();
    out << "kubelb-sync demo is running.\n\n";
    for (const auto& c : world.contexts())
        out << "  " << c.name.leftJustified(8) << ' ' << c.server << "  (" << c.role
            << (c.managementNamespace.isEmpty() ? QString() : u" → "_s + c.managementNamespace) << ")\n";
    out << "\nTry:\n  export KUBECONFIG=" << kubeconfig << "\n  kubectl --context tenant1 get syncsecrets -A\n"
        << "  kubectl --context kubelb get syncsecrets,secrets -n tenant-primary\n\nMachine-readable: "
        << QDir(dataDir).filePath(u"demo.json"_s) << "\nPress Ctrl-C to stop.\n";
    out.flush();
    QTimer live;
    QString last;
    QObject::connect(&live, &QTimer::timeout, qApp, [&] {
        const QString now = world.summary();
        if (now != last)
            out << QDateTime::currentDateTime().toString(u"HH:mm:ss"_s) << "  " << now << Qt::endl;
        last = now;
    });
    live.start(1000);
    ShutdownSignals signals;
    QObject::connect(&signals, &ShutdownSignals::requested, qApp, [&] {
        live.stop();
        world.shutdown();
        QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}
