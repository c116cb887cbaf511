#include "apiserver/apiserver.h"
#include "apiserver/pki.h"
#include "apiserver/registry.h"
#include "apiserver/store.h"
#include "cli.h"
#include "commands.h"
#include "controllers/runtime/logging.h"
#include "controllers/syncsecret/runtimes.h"
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
#include <QTimer>
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

kube::ClientConfig adminConfig(const apiserver::ApiServer& server, const QString& context)
{
    kube::ClientConfig c;
    c.server = server.url();
    c.caPem = server.caCertificatePem();
    c.token = server.adminToken();
    c.contextName = context;
    c.source = u"demo"_s;
    return c;
}

runtime::ManagerOptions loopbackEndpoints()
{
    runtime::ManagerOptions o;
    o.metricsBindAddress = u"127.0.0.1:0"_s;
    o.healthProbeBindAddress = u"127.0.0.1:0"_s;
    return o;
}

QJsonObject object(const QString& kind, const QString& apiVersion, const QString& ns, const QString& name,
    const QJsonObject& body = {})
{
    QJsonObject o = body;
    o[u"apiVersion"_s] = apiVersion;
    o[u"kind"_s] = kind;
    QJsonObject meta = o.value(u"metadata"_s).toObject();
    meta[u"name"_s] = name;
    if (!ns.isEmpty())
        meta[u"namespace"_s] = ns;
    o[u"metadata"_s] = meta;
    return o;
}

// The seed document's examples (TLS certificate, registry credentials, Opaque configuration) in namespace
// production, plus a labelled Secret for the conversion controller. Values are demo placeholders.
QList<QJsonObject> seedObjects(const QString& tenant)
{
    const auto ca = apiserver::pki::createCertificateAuthority(u"demo-ca"_s);
    const auto cert = ca ? apiserver::pki::createServingCertificate(*ca, { u"app.example.com"_s }, {}) : std::nullopt;
    const QString ssApi = u"kubelb.k8c.io/v1alpha1"_s;
    QList<QJsonObject> objects {
        object(u"Namespace"_s, u"v1"_s, {}, u"production"_s),
        object(u"SyncSecret"_s, ssApi, u"production"_s, u"app-tls"_s,
            { { u"type"_s, u"kubernetes.io/tls"_s },
                { u"stringData"_s,
                    QJsonObject { { u"tls.crt"_s, QString::fromLatin1(cert ? cert->certPem : QByteArray()) },
                        { u"tls.key"_s, QString::fromLatin1(cert ? cert->keyPem : QByteArray()) } } } }),
    };
    if (tenant != u"tenant1")
        return objects;
    objects.append(object(u"SyncSecret"_s, ssApi, u"production"_s, u"registry-credentials"_s,
        { { u"type"_s, u"kubernetes.io/dockerconfigjson"_s },
            { u"stringData"_s,
                QJsonObject { { u".dockerconfigjson"_s,
                    uR"({"auths":{"registry.example.com":{"username":"user","password":"demo-password","auth":"dXNlcjpkZW1vLXBhc3N3b3Jk"}}})"_s } } } }));
    objects.append(object(u"SyncSecret"_s, ssApi, u"production"_s, u"app-config"_s,
        { { u"type"_s, u"Opaque"_s },
            { u"stringData"_s,
                QJsonObject { { u"database-url"_s, u"postgresql://user:demo@db:5432/app"_s },
                    { u"api-key"_s, u"demo-api-key-0000"_s } } } }));
    objects.append(object(u"Secret"_s, u"v1"_s, u"production"_s, u"converted-credentials"_s,
        { { u"metadata"_s,
              QJsonObject { { u"labels"_s, QJsonObject { { u"kubelb.k8c.io/managed-by"_s, u"kubelb"_s } } } } },
            { u"type"_s, u"Opaque"_s }, { u"stringData"_s, QJsonObject { { u"token"_s, u"demo-token-0000"_s } } } }));
    return objects;
}

// One line describing the state of every cluster, for the live summary.
QString summary(const std::vector<DemoCluster>& clusters)
{
    QStringList parts;
    for (const auto& c : clusters) {
        auto& store = c.server->store();
        const auto syncSecrets = store.list(u"syncsecrets.kubelb.k8c.io"_s);
        int synced = 0;
        for (const auto& o : syncSecrets)
            synced += o.value(u"status"_s).toObject().value(u"phase"_s).toString() == u"Synced" ? 1 : 0;
        QString part = u"%1: %2 SyncSecrets (%3 Synced)"_s.arg(c.context).arg(syncSecrets.size()).arg(synced);
        if (c.role == u"management")
            part += u", %1 Secrets"_s.arg(store.list(u"secrets"_s).size());
        parts.append(part);
    }
    return parts.join(u" · "_s);
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
        config.garbageCollector = parser.value(u"enable-garbage-collector"_s) != u"false";
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
    std::vector<std::unique_ptr<syncsecret::CcmRuntime>> ccms;
    std::unique_ptr<syncsecret::ManagerRuntime> manager;
    if (!parser.isSet(u"no-controllers"_s)) {
        runtime::logging::install(runtime::logging::Format::Logfmt, runtime::logging::Level::Warning);
        const auto& mgmt = *clusters.back().server;
        syncsecret::ManagerSettings ms;
        ms.cluster = adminConfig(mgmt, u"kubelb"_s);
        ms.manager = loopbackEndpoints();
        manager = std::make_unique<syncsecret::ManagerRuntime>(ms);
        if (!manager->start(&error)) {
            err << "kubelb-syncd demo: manager: " << error << '\n';
            return 1;
        }
        QJsonObject entry = contexts.at(2).toObject();
        entry[u"metricsUrl"_s] = u"http://127.0.0.1:%1/metrics"_s.arg(manager->manager().metricsPort());
        contexts.replace(2, entry);
        for (int i = 0; i < 2; ++i) {
            syncsecret::CcmSettings cs;
            cs.tenant = adminConfig(*clusters[size_t(i)].server, clusters[size_t(i)].context);
            cs.management = adminConfig(mgmt, u"kubelb"_s);
            cs.clusterName = clusters[size_t(i)].managementNamespace;
            cs.secretConversion = true;
            cs.manager = loopbackEndpoints();
            ccms.push_back(std::make_unique<syncsecret::CcmRuntime>(cs));
            if (!ccms.back()->start(&error)) {
                err << "kubelb-syncd demo: ccm " << clusters[size_t(i)].context << ": " << error << '\n';
                return 1;
            }
            QJsonObject tenantEntry = contexts.at(i).toObject();
            tenantEntry[u"metricsUrl"_s] = u"http://127.0.0.1:%1/metrics"_s.arg(ccms.back()->manager().metricsPort());
            contexts.replace(i, tenantEntry);
        }
    }
    if (!parser.isSet(u"no-seed"_s)) {
        for (int i = 0; i < 2; ++i)
            for (const auto& o : seedObjects(clusters[size_t(i)].context))
                if (!applyObject(*clusters[size_t(i)].server, o, &error)) {
                    err << "kubelb-syncd demo: seeding " << clusters[size_t(i)].context << ": " << error << '\n';
                    return 1;
                }
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
        << "  kubectl --context kubelb get syncsecrets,secrets -n tenant-primary\n\nMachine-readable: "
        << QDir(dataDir).filePath(u"demo.json"_s) << "\nPress Ctrl-C to stop.\n";
    out.flush();
    QTimer live;
    QString last;
    QObject::connect(&live, &QTimer::timeout, qApp, [&] {
        const QString now = summary(clusters);
        if (now != last)
            out << QDateTime::currentDateTime().toString(u"HH:mm:ss"_s) << "  " << now << Qt::endl;
        last = now;
    });
    live.start(1000);
    ShutdownSignals signals;
    QObject::connect(&signals, &ShutdownSignals::requested, qApp, [&] {
        live.stop();
        for (auto& ccm : ccms)
            ccm->shutdown();
        if (manager)
            manager->shutdown();
        QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}
