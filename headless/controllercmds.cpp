// `kubelb-syncd ccm` and `kubelb-syncd manager`: flags, optional YAML config file, logging, and the run loop.
#include "cli.h"
#include "commands.h"
#include "controllers/runtime/logging.h"
#include "controllers/syncsecret/runtimes.h"
#include "kube/kubeconfig.h"
#include "kube/yaml.h"
#include "signals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostInfo>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

/// Options shared by both controllers; `leaseNamespace` is where the shipped RBAC lets this controller hold its
/// Lease (ccm: kube-system, manager: kubelb).
QList<QCommandLineOption> commonOptions(const QString& leaseNamespace)
{
    return {
        { u"kubeconfig"_s,
            u"Kubeconfig of the cluster this controller watches (default: KUBECONFIG, ~/.kube/config, "
            "then in-cluster)."_s,
            u"file"_s },
        { u"context"_s, u"Context in that kubeconfig (default: its current-context)."_s, u"name"_s },
        { u"metrics-bind-address"_s, u"Prometheus /metrics address; 0 disables. Default :8080."_s, u"addr"_s,
            u":8080"_s },
        { u"health-probe-bind-address"_s, u"/healthz and /readyz address; 0 disables. Default :8081."_s, u"addr"_s,
            u":8081"_s },
        { u"leader-elect"_s, u"Run with leader election on a coordination.k8s.io Lease (for HA replicas)."_s },
        { u"leader-election-namespace"_s, u"Namespace of the Lease. Default %1."_s.arg(leaseNamespace), u"ns"_s,
            leaseNamespace },
        { u"concurrency"_s, u"Reconciles run in parallel. Default 4."_s, u"n"_s, u"4"_s },
        { u"qps"_s, u"Client-side request rate limit per cluster. Default 50."_s, u"n"_s, u"50"_s },
        { u"burst"_s, u"Client-side burst. Default 100."_s, u"n"_s, u"100"_s },
        { u"log-level"_s, u"debug, info, warn or error. Default info."_s, u"level"_s, u"info"_s },
        { u"log-format"_s, u"logfmt or json. Default logfmt."_s, u"format"_s, u"logfmt"_s },
        { u"config"_s, u"YAML file with any of these options as keys (flags given on the command line win)."_s,
            u"file"_s },
        { u"version"_s, u"Print the version and exit."_s },
    };
}

/// Flag values with the config file's values as defaults.
class Options {
public:
    Options(QCommandLineParser& parser)
        : m_parser(parser)
    {
    }

    bool loadConfig(QString* error)
    {
        if (!m_parser.isSet(u"config"_s))
            return true;
        QFile f(m_parser.value(u"config"_s));
        if (!f.open(QIODevice::ReadOnly)) {
            *error = u"--config: cannot read %1: %2"_s.arg(f.fileName(), f.errorString());
            return false;
        }
        kube::ParseError parseError;
        const auto json = kube::yamlToJson(f.readAll(), &parseError);
        if (!json || !json->isObject()) {
            *error = u"--config %1: %2"_s.arg(
                f.fileName(), json ? u"expected a mapping of option names"_s : parseError.toString());
            return false;
        }
        m_config = json->toObject();
        for (auto it = m_config.begin(); it != m_config.end(); ++it) {
            if (!m_parser.optionNames().contains(it.key()) && !m_known.contains(it.key())) {
                *error = u"--config %1: unknown option \"%2\""_s.arg(f.fileName(), it.key());
                return false;
            }
        }
        return true;
    }
    void setKnown(const QStringList& names) { m_known = names; }
    QString value(const QString& name) const
    {
        if (m_parser.isSet(name) || !m_config.contains(name))
            return m_parser.value(name);
        const QJsonValue v = m_config.value(name);
        return v.isBool()  ? (v.toBool() ? u"true"_s : u"false"_s)
            : v.isDouble() ? QString::number(v.toDouble())
                           : v.toString();
    }
    bool isSet(const QString& name) const
    {
        if (m_parser.isSet(name))
            return true;
        const QJsonValue v = m_config.value(name);
        return v.isBool() ? v.toBool() : !v.isUndefined() && !v.isNull();
    }

private:
    QCommandLineParser& m_parser;
    QJsonObject m_config;
    QStringList m_known;
};

/// Every name of every option (what a --config file may use as keys).
QStringList namesOf(const QList<QCommandLineOption>& options)
{
    QStringList names;
    for (const auto& option : options)
        names += option.names();
    return names;
}

int usageError(const QString& command, const QString& message)
{
    QTextStream(stderr) << "kubelb-syncd " << command << ": " << message << "\nRun 'kubelb-syncd " << command
                        << " --help' for the options.\n";
    return 2;
}

bool positiveInt(const Options& o, const QString& name, int* out)
{
    bool ok = false;
    *out = o.value(name).toInt(&ok);
    return ok && *out > 0;
}

// Parses everything both controllers share; returns an exit code, or -1 to continue.
int parseCommon(const QString& command, QCommandLineParser& parser, const QStringList& args, Options& o,
    runtime::ManagerOptions* manager, kube::RestOptions* rest, int* concurrency)
{
    if (!parser.parse(args))
        return usageError(command, parser.errorText());
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << commandHelp(parser, command);
        return 0;
    }
    if (parser.isSet(u"version"_s)) {
        QTextStream(stdout) << "kubelb-syncd " << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(command, u"unexpected argument \"%1\""_s.arg(parser.positionalArguments().first()));
    QString error;
    if (!o.loadConfig(&error))
        return usageError(command, error);
    runtime::logging::Format format;
    runtime::logging::Level level;
    if (!runtime::logging::parseFormat(o.value(u"log-format"_s), &format))
        return usageError(command, u"--log-format must be logfmt or json"_s);
    if (!runtime::logging::parseLevel(o.value(u"log-level"_s), &level))
        return usageError(command, u"--log-level must be debug, info, warn or error"_s);
    runtime::logging::install(format, level);
    if (!positiveInt(o, u"concurrency"_s, concurrency))
        return usageError(command, u"--concurrency must be a positive number"_s);
    int burst = 0;
    bool ok = false;
    rest->qps = o.value(u"qps"_s).toDouble(&ok);
    if (!ok || rest->qps < 0 || !positiveInt(o, u"burst"_s, &burst))
        return usageError(command, u"--qps must be ≥ 0 and --burst positive"_s);
    rest->burst = burst;
    QHostAddress host;
    quint16 port = 0;
    for (const auto& name : { u"metrics-bind-address"_s, u"health-probe-bind-address"_s })
        if (o.value(name) != u"0" && !runtime::parseBindAddress(o.value(name), &host, &port))
            return usageError(command, u"--%1: \"%2\" is not HOST:PORT (e.g. :8080)"_s.arg(name, o.value(name)));
    manager->metricsBindAddress = o.value(u"metrics-bind-address"_s);
    manager->healthProbeBindAddress = o.value(u"health-probe-bind-address"_s);
    if (o.isSet(u"leader-elect"_s)) {
        runtime::LeaderElectionConfig election;
        election.leaseNamespace = o.value(u"leader-election-namespace"_s);
        election.leaseName = command == u"ccm" ? u"kubelb-ccm-syncsecret"_s : u"kubelb-manager-syncsecret"_s;
        election.identity
            = QHostInfo::localHostName() + u'_' + QString::number(QRandomGenerator::system()->generate(), 16);
        manager->leaderElection = election;
    }
    return -1;
}

kube::Expected<kube::ClientConfig> loadConfig(const QString& path, const QString& context, QStringList* warnings)
{
    kube::KubeconfigLoader loader;
    if (!path.isEmpty())
        loader.setExplicitPath(path);
    return loader.load(context, warnings);
}

int run(const QString& command, const std::function<bool(QString*)>& start, const std::function<void()>& stop,
    const std::function<runtime::Manager&()>& manager)
{
    QString error;
    if (!start(&error)) {
        QTextStream(stderr) << "kubelb-syncd " << command << ": " << error << '\n';
        return 1;
    }
    // A replica that lost its Lease has stopped its controllers: exit so that Kubernetes restarts it as a standby.
    QObject::connect(&manager(), &runtime::Manager::leadershipLost, qApp, [command] {
        runtime::logging::log(runtime::logging::Level::Error, u"kubelb."_s + command,
            u"leader election lost; exiting so that the replica restarts as a standby"_s);
        QCoreApplication::exit(1);
    });
    ShutdownSignals signals;
    QObject::connect(&signals, &ShutdownSignals::requested, qApp, [stop] {
        stop();
        QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}

} // namespace

int runCcm(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Tenant-side SyncSecret controller (KubeLB's CCM). Watches SyncSecrets in the tenant cluster and keeps one "
        "copy of each in the tenant's namespace of the management cluster (named by the tenant object's UID, with "
        "origin labels), repairs edits to the copies, writes status back, and deletes the copy before releasing a "
        "deleted SyncSecret.\n\nExample:\n  kubelb-syncd ccm --kubeconfig tenant.yaml --kubelb-kubeconfig kubelb.yaml "
        "--cluster-name tenant-primary"_s);
    parser.addHelpOption();
    const QList<QCommandLineOption> common = commonOptions(u"kube-system"_s);
    const QList<QCommandLineOption> own {
        { u"kubelb-kubeconfig"_s, u"Kubeconfig of the management (KubeLB) cluster. Required."_s, u"file"_s },
        { u"kubelb-context"_s, u"Context in the management kubeconfig."_s, u"name"_s },
        { u"cluster-name"_s, u"The tenant's namespace in the management cluster (e.g. tenant-primary). Required."_s,
            u"ns"_s },
        { u"enable-secret-conversion"_s,
            u"Also wrap Secrets labelled kubelb.k8c.io/managed-by=kubelb into SyncSecrets of the same name."_s },
    };
    parser.addOptions(common);
    parser.addOptions(own);
    Options o(parser);
    o.setKnown(namesOf(common + own));
    syncsecret::CcmSettings settings;
    if (const int code
        = parseCommon(u"ccm"_s, parser, args, o, &settings.manager, &settings.rest, &settings.concurrency);
        code >= 0)
        return code;
    settings.clusterName = o.value(u"cluster-name"_s);
    settings.secretConversion = o.isSet(u"enable-secret-conversion"_s);
    if (settings.clusterName.isEmpty())
        return usageError(u"ccm"_s, u"--cluster-name is required (the tenant's namespace in the management cluster)"_s);
    if (o.value(u"kubelb-kubeconfig"_s).isEmpty())
        return usageError(u"ccm"_s, u"--kubelb-kubeconfig is required (how to reach the management cluster)"_s);
    QStringList warnings;
    auto tenant = loadConfig(o.value(u"kubeconfig"_s), o.value(u"context"_s), &warnings);
    auto management = loadConfig(o.value(u"kubelb-kubeconfig"_s), o.value(u"kubelb-context"_s), &warnings);
    for (const auto& w : warnings)
        if (!w.contains(u"insecure-skip-tls-verify"_s)) // the REST client says that once per server
            runtime::logging::log(runtime::logging::Level::Warning, u"kubelb.ccm"_s, w);
    if (!tenant || !management) {
        QTextStream(stderr) << "kubelb-syncd ccm: " << (tenant ? management.error() : tenant.error()).message() << '\n';
        return 1;
    }
    settings.tenant = *tenant;
    settings.management = *management;
    syncsecret::CcmRuntime runtime(settings);
    return run(
        u"ccm"_s, [&](QString* e) { return runtime.start(e); }, [&] { runtime.shutdown(); },
        [&]() -> runtime::Manager& { return runtime.manager(); });
}

int runManager(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Management-side SyncSecret controller (KubeLB's Manager). Turns every SyncSecret in a tenant namespace "
        "into a Secret named by the SyncSecret's UID with an owner reference, keeps it up to date, restores edited "
        "or deleted Secrets, reports status, and deletes the Secret before releasing a deleted SyncSecret.\n\n"
        "Example:\n  kubelb-syncd manager --kubeconfig kubelb.yaml --leader-elect"_s);
    parser.addHelpOption();
    const QList<QCommandLineOption> options = commonOptions(u"kubelb"_s)
        + QList<QCommandLineOption> { { u"tenant-namespace-selector"_s,
            u"Label selector of tenant namespaces (default: namespaces labelled kubelb.k8c.io/tenant or named "
            "tenant-*)."_s,
            u"selector"_s } };
    parser.addOptions(options);
    Options o(parser);
    o.setKnown(namesOf(options));
    syncsecret::ManagerSettings settings;
    if (const int code
        = parseCommon(u"manager"_s, parser, args, o, &settings.manager, &settings.rest, &settings.concurrency);
        code >= 0)
        return code;
    if (o.isSet(u"tenant-namespace-selector"_s)) {
        QString error;
        const auto selector = kube::LabelSelector::parse(o.value(u"tenant-namespace-selector"_s), &error);
        if (!selector)
            return usageError(u"manager"_s, u"--tenant-namespace-selector: "_s + error);
        settings.tenants = syncsecret::TenantNamespaces(*selector);
    }
    QStringList warnings;
    auto cluster = loadConfig(o.value(u"kubeconfig"_s), o.value(u"context"_s), &warnings);
    for (const auto& w : warnings)
        if (!w.contains(u"insecure-skip-tls-verify"_s)) // the REST client says that once per server
            runtime::logging::log(runtime::logging::Level::Warning, u"kubelb.manager"_s, w);
    if (!cluster) {
        QTextStream(stderr) << "kubelb-syncd manager: " << cluster.error().message() << '\n';
        return 1;
    }
    settings.cluster = *cluster;
    syncsecret::ManagerRuntime runtime(settings);
    return run(
        u"manager"_s, [&](QString* e) { return runtime.start(e); }, [&] { runtime.shutdown(); },
        [&]() -> runtime::Manager& { return runtime.manager(); });
}
