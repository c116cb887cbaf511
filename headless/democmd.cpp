#include "apiserver/apiserver.h"
#include "apiserver/registry.h"
#include "commands.h"
#include "kube/yaml.h"
#include "signals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

struct DemoCluster {
    QString context;
    QString role; ///< "tenant" or "management"
    QString managementNamespace; ///< for tenants: where their SyncSecrets land on the management cluster
    QStringList namespaces; ///< created at start besides the defaults
    std::unique_ptr<apiserver::ApiServer> server;
};

// Creates or updates one object in-process, as `kubectl apply` would.
bool applyObject(apiserver::ApiServer& server, const QJsonObject& object, QString* error)
{
    auto& resources = server.resources();
    const auto* found
        = resources.findKind(object.value(u"apiVersion"_s).toString(), object.value(u"kind"_s).toString());
    if (!found) {
        *error = u"no resource serves %1 %2"_s.arg(
            object.value(u"apiVersion"_s).toString(), object.value(u"kind"_s).toString());
        return false;
    }
    const apiserver::ResourceInfo r = *found;
    const QJsonObject meta = object.value(u"metadata"_s).toObject();
    const QString ns = meta.value(u"namespace"_s).toString(r.namespaced ? u"default"_s : QString());
    const QString name = meta.value(u"name"_s).toString();
    auto& registry = server.registry();
    auto result
        = registry.get(r, ns, name) ? registry.update(r, ns, name, object, {}) : registry.create(r, ns, object, {});
    if (!result) {
        *error = result.error().message();
        return false;
    }
    return true;
}

bool applyManifest(apiserver::ApiServer& server, const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1"_s.arg(path);
        return false;
    }
    kube::ParseError parseError;
    const auto docs = kube::yamlDocumentsToJson(file.readAll(), &parseError);
    if (!docs) {
        *error = u"%1: %2"_s.arg(path, parseError.toString());
        return false;
    }
    for (const auto& doc : *docs)
        if (!applyObject(server, doc, error))
            return false;
    return true;
}

bool writeFile(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = u"cannot write %1: %2"_s.arg(path, f.errorString());
        return false;
    }
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(data);
    return f.commit() || (*error = u"cannot write %1: %2"_s.arg(path, f.errorString()), false);
}

QByteArray combinedKubeconfig(const std::vector<DemoCluster>& clusters)
{
    QByteArray clustersYaml, users, contexts;
    for (const auto& c : clusters) {
        const QByteArray name = c.context.toUtf8();
        clustersYaml += c.server->kubeconfigCluster(c.context);
        users += "- name: " + name + "-admin\n  user:\n    token: " + c.server->adminToken().toUtf8() + '\n';
        contexts += "- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name
            + "-admin\n    namespace: default\n";
    }
    return "apiVersion: v1\nkind: Config\nclusters:\n" + clustersYaml + "users:\n" + users + "contexts:\n" + contexts
        + "current-context: kubelb\npreferences: {}\n";
}

} // namespace

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
    });
    parser.process(args);
    QTextStream err(stderr);
    QTextStream out(stdout);
    const QString dataDir = QDir(parser.value(u"data-dir"_s)).absolutePath();
    bool ok = false;
    const uint basePort = parser.value(u"base-port"_s).toUInt(&ok);
    if (!ok || basePort > 65533) {
        err << "kubelb-syncd demo: --base-port must be a port number\n";
        return 2;
    }
    if (!QDir().mkpath(dataDir)) {
        err << "kubelb-syncd demo: cannot create " << dataDir << '\n';
        return 1;
    }
    std::vector<DemoCluster> clusters;
    clusters.push_back({ u"tenant1"_s, u"tenant"_s, u"tenant-primary"_s, {}, nullptr });
    clusters.push_back({ u"tenant2"_s, u"tenant"_s, u"tenant-secondary"_s, {}, nullptr });
    clusters.push_back({ u"kubelb"_s, u"management"_s, {}, { u"tenant-primary"_s, u"tenant-secondary"_s }, nullptr });
    QString error;
    QJsonArray contexts;
    for (size_t i = 0; i < clusters.size(); ++i) {
        auto& c = clusters[i];
        apiserver::ApiServerConfig config;
        config.port = basePort ? quint16(basePort + i) : 0;
        if (!parser.isSet(u"in-memory"_s))
            config.dataDir = QDir(dataDir).filePath(c.context);
        c.server = std::make_unique<apiserver::ApiServer>(config);
        if (!c.server->start(&error) || !applyManifest(*c.server, u":/manifests/syncsecret-crd.yaml"_s, &error)) {
            err << "kubelb-syncd demo: " << c.context << ": " << error << '\n';
            return 1;
        }
        for (const auto& ns : c.namespaces) {
            const QString tenant = ns.mid(QStringLiteral("tenant-").size());
            const QJsonObject nsObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
                { u"metadata"_s,
                    QJsonObject {
                        { u"name"_s, ns }, { u"labels"_s, QJsonObject { { u"kubelb.k8c.io/tenant"_s, tenant } } } } } };
            if (!applyObject(*c.server, nsObject, &error)) {
                err << "kubelb-syncd demo: " << c.context << ": " << error << '\n';
                return 1;
            }
        }
        QJsonObject entry { { u"name"_s, c.context }, { u"role"_s, c.role }, { u"server"_s, c.server->url() } };
        if (!c.managementNamespace.isEmpty())
            entry[u"managementNamespace"_s] = c.managementNamespace;
        contexts.append(entry);
    }
    const QString kubeconfig = QDir(dataDir).filePath(u"kubeconfig"_s);
    const QJsonObject demo { { u"kubeconfig"_s, kubeconfig }, { u"dataDir"_s, dataDir }, { u"contexts"_s, contexts },
        { u"managementContext"_s, u"kubelb"_s } };
    if (!writeFile(kubeconfig, combinedKubeconfig(clusters), &error)
        || !writeFile(QDir(dataDir).filePath(u"demo.json"_s), QJsonDocument(demo).toJson(), &error)) {
        err << "kubelb-syncd demo: " << error << '\n';
        return 1;
    }
    out << "kubelb-sync demo is running.\n\n";
    for (const auto& c : clusters)
        out << "  " << c.context.leftJustified(8) << ' ' << c.server->url() << "  (" << c.role
            << (c.managementNamespace.isEmpty() ? QString() : u" → "_s + c.managementNamespace) << ")\n";
    out << "\nTry:\n  export KUBECONFIG=" << kubeconfig << "\n  kubectl --context tenant1 get syncsecrets -A\n"
        << "  kubectl --context kubelb get namespaces\n\nMachine-readable: " << QDir(dataDir).filePath(u"demo.json"_s)
        << "\nPress Ctrl-C to stop.\n";
    out.flush();
    ShutdownSignals signals;
    QObject::connect(&signals, &ShutdownSignals::requested, qApp, &QCoreApplication::quit);
    return QCoreApplication::exec();
}
