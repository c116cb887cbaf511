// kubelb-syncd: the headless daemon. Subcommands select what runs; each has its own --help.
#include "commands.h"
#include "kubelb/version.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

const char* kUsage = R"(Usage: kubelb-syncd <command> [options]

The KubeLB SyncSecret daemon.

Commands:
  ccm         Tenant-side SyncSecret controller: propagates SyncSecrets to the management cluster.
  manager     Management-side SyncSecret controller: turns SyncSecrets into Secrets.
  apiserver   Run an embedded Kubernetes-compatible API server (HTTPS, optional SQLite persistence).
  demo        Start three embedded clusters (contexts tenant1, tenant2, kubelb), write a kubeconfig and
              demo.json into --data-dir, and run until Ctrl-C.

Run 'kubelb-syncd <command> --help' for the options of a command.
Global options:
  --version   Print the version and git revision.
  --help      Show this text.
)";

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"kubelb-syncd"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(KUBELB_VERSION_STRING));
    QStringList args = QCoreApplication::arguments();
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString command = args.value(1);
    if (command == u"--version" || command == u"version") {
        out << "kubelb-syncd " << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    if (command.isEmpty() || command == u"--help" || command == u"-h" || command == u"help") {
        out << kUsage;
        return command.isEmpty() ? 1 : 0;
    }
    args.removeAt(1);
    if (command == u"apiserver")
        return runApiServer(args);
    if (command == u"demo")
        return runDemo(args);
    if (command == u"ccm")
        return runCcm(args);
    if (command == u"manager")
        return runManager(args);
    err << "kubelb-syncd: unknown command \"" << command << "\"\n\n" << kUsage;
    return 2;
}
