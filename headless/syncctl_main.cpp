// kubelb-syncctl: lineage, orphan detection, guarded cleanup and diagnosis of SyncSecret propagation.
#include "kube/restclient.h"
#include "kubelb/version.h"
#include "syncctl_commands.h"
#include "syncctl_options.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"kubelb-syncctl"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(KUBELB_VERSION_STRING));
    const QStringList args = QCoreApplication::arguments().mid(1);
    if (args.value(0) == u"--version" || args.value(0) == u"version") {
        QTextStream(stdout) << "kubelb-syncctl " << QCoreApplication::applicationVersion() << '\n';
        return syncctl::ExitOk;
    }
    syncctl::Options options;
    QString error;
    if (syncctl::parseArguments(args, &options, &error) != syncctl::ExitOk) {
        QTextStream(stderr) << "kubelb-syncctl: " << error << "\nRun 'kubelb-syncctl --help' for usage.\n";
        return syncctl::ExitUsage;
    }
    if (options.help || args.isEmpty()) {
        QTextStream(stdout) << syncctl::usage(options.command);
        return args.isEmpty() ? syncctl::ExitUsage : syncctl::ExitOk;
    }
    const int code = syncctl::run(options);
    kube::releaseThreadNetwork();
    return code;
}
