#include "consoleoptions.h"

#include "kubelb/version.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace app {

bool parseConsoleOptions(const QStringList& arguments, ConsoleOptions* options, QString* error, QString* help)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"kubelb-console — see whether SyncSecrets arrived, what is stuck, and why.\n\n"
        "Try it without a cluster:\n  kubelb-console --demo\n"
        "Against your clusters (one management context, any number of tenants):\n"
        "  kubelb-console --kubeconfig ~/.kube/config --management-context kubelb \\\n"
        "      --tenant tenant1=tenant-primary --tenant tenant2=tenant-secondary\n"
        "Docs screenshots:\n  kubelb-console --demo --screenshot lineage.png --section lineage\n\n"
        "Keys: Ctrl+F filter, Ctrl+1…6 sections, Enter opens details, Esc clears the filter / backs out."_s);
    parser.addHelpOption();
    parser.addOption({ u"version"_s, u"Print the version and exit."_s });
    parser.addOptions({
        { u"demo"_s,
            u"Start three embedded clusters (tenant1, tenant2, management kubelb) with the CCMs and the "
            "Manager in this process, seed the spec's examples and connect to them."_s },
        { u"demo-dir"_s, u"Where the demo writes its kubeconfig and demo.json (default: a temporary directory)."_s,
            u"dir"_s },
        { u"kubeconfig"_s, u"Kubeconfig file(s), ':'-separated (default: $KUBECONFIG, else ~/.kube/config)."_s,
            u"file"_s },
        { u"management-context"_s, u"The management cluster's kubeconfig context."_s, u"name"_s },
        { u"tenant"_s, u"A tenant context and its namespace in the management cluster (repeatable)."_s,
            u"context=namespace"_s },
        { u"screenshot"_s, u"Render the main window to this PNG once the data settled, then exit."_s, u"file"_s },
        { u"section"_s,
            u"With --screenshot: lineage, details, overview, orphans, wizard, metrics, controllers or audit."_s,
            u"name"_s, u"lineage"_s },
        { u"settle-seconds"_s, u"With --screenshot: how long to wait for the data (default 60)."_s, u"s"_s, u"60"_s },
        { u"audit-log"_s, u"The local audit file (default: the application data folder's audit.log)."_s, u"file"_s },
    });
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    if (parser.isSet(u"help"_s)) {
        *help = parser.helpText();
        return false;
    }
    if (parser.isSet(u"version"_s)) {
        *help = u"kubelb-console " KUBELB_VERSION_STRING "\n"_s;
        return false;
    }
    options->demo = parser.isSet(u"demo"_s);
    options->demoDir = parser.value(u"demo-dir"_s);
    if (parser.isSet(u"kubeconfig"_s))
        options->config.kubeconfigFiles = parser.value(u"kubeconfig"_s).split(u':', Qt::SkipEmptyParts);
    options->config.managementContext = parser.value(u"management-context"_s);
    for (const QString& tenant : parser.values(u"tenant"_s)) {
        const qsizetype eq = tenant.indexOf(u'=');
        if (eq <= 0 || eq == tenant.size() - 1) {
            *error = u"--tenant takes CONTEXT=NAMESPACE (the tenant's namespace in the management cluster), got '%1'"_s
                         .arg(tenant);
            return false;
        }
        options->config.tenants.append({ tenant.left(eq), tenant.mid(eq + 1) });
    }
    if (options->demo && !options->config.isEmpty()) {
        *error = u"--demo connects to its own clusters; drop --management-context/--tenant"_s;
        return false;
    }
    if (!options->config.tenants.isEmpty() && options->config.managementContext.isEmpty()) {
        *error = u"--tenant needs --management-context"_s;
        return false;
    }
    options->screenshot = parser.value(u"screenshot"_s);
    options->section = parser.value(u"section"_s);
    const QStringList sections { u"lineage"_s, u"details"_s, u"overview"_s, u"orphans"_s, u"wizard"_s, u"metrics"_s,
        u"controllers"_s, u"audit"_s };
    if (!sections.contains(options->section)) {
        *error = u"--section must be one of %1"_s.arg(sections.join(u", "_s));
        return false;
    }
    bool ok = false;
    options->settleSeconds = parser.value(u"settle-seconds"_s).toInt(&ok);
    if (!ok || options->settleSeconds < 0) {
        *error = u"--settle-seconds must be a number of seconds"_s;
        return false;
    }
    options->auditLog = parser.value(u"audit-log"_s);
    return true;
}

} // namespace app
