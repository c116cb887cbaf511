#include "demo.h"

#include "apiserver/apiserver.h"
#include "apiserver/pki.h"
#include "apiserver/registry.h"
#include "apiserver/store.h"
#include "controllers/runtime/logging.h"
#include "controllers/syncsecret/runtimes.h"
#include "kube/yaml.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace demo {

struct Demo::Cluster {
    QString context;
    QString role; ///< "tenant" or "management"
    QString managementNamespace; ///< for tenants: where their SyncSecrets land on the management cluster
    QStringList namespaces; ///< created at start besides the defaults
    std::unique_ptr<apiserver::ApiServer> server;
    QString metricsUrl;
};

namespace {

// Creates or updates one object in-process, as `kubectl apply` would.
bool applyObjectImpl(apiserver::ApiServer& server, const QJsonObject& object, QString* error)
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
        if (!applyObjectImpl(server, doc, error))
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

QByteArray combinedKubeconfig(const std::vector<std::unique_ptr<Demo::Cluster>>& clusters)
{
    QByteArray clustersYaml, users, contexts;
    for (const auto& c : clusters) {
        const QByteArray name = c->context.toUtf8();
        clustersYaml += c->server->kubeconfigCluster(c->context);
        users += "- name: " + name + "-admin\n  user:\n    token: " + c->server->adminToken().toUtf8() + '\n';
        contexts += "- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name
            + "-admin\n    namespace: default\n";
    }
    return "apiVersion: v1\nkind: Config\nclusters:\n" + clustersYaml + "users:\n" + users + "contexts:\n" + contexts
        + "current-context: kubelb\npreferences: {}\n";
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
QList<QJsonObject> seedObjectsImpl(const QString& tenant)
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

} // namespace

bool applyObject(apiserver::ApiServer& server, const QJsonObject& object, QString* error)
{
    return applyObjectImpl(server, object, error);
}

QList<QJsonObject> seedObjects(const QString& tenant)
{
    return seedObjectsImpl(tenant);
}

Demo::Demo(DemoOptions options)
    : m_options(std::move(options))
{
}

Demo::~Demo()
{
    shutdown();
}

bool Demo::start(QString* error)
{
    const auto add = [this](const QString& context, const QString& role, const QString& ns, const QStringList& extra) {
        auto c = std::make_unique<Cluster>();
        c->context = context;
        c->role = role;
        c->managementNamespace = ns;
        c->namespaces = extra;
        m_clusters.push_back(std::move(c));
    };
    add(u"tenant1"_s, u"tenant"_s, u"tenant-primary"_s, {});
    add(u"tenant2"_s, u"tenant"_s, u"tenant-secondary"_s, {});
    add(u"kubelb"_s, u"management"_s, {}, { u"tenant-primary"_s, u"tenant-secondary"_s });
    if (!QDir().mkpath(m_options.dataDir)) {
        *error = u"cannot create %1"_s.arg(m_options.dataDir);
        return false;
    }
    for (size_t i = 0; i < m_clusters.size(); ++i) {
        auto& c = *m_clusters[i];
        apiserver::ApiServerConfig config;
        config.port = m_options.basePort ? quint16(m_options.basePort + i) : 0;
        config.garbageCollector = m_options.garbageCollector;
        if (!m_options.inMemory)
            config.dataDir = QDir(m_options.dataDir).filePath(c.context);
        c.server = std::make_unique<apiserver::ApiServer>(config);
        if (!c.server->start(error) || !applyManifest(*c.server, u":/manifests/syncsecret-crd.yaml"_s, error)) {
            *error = c.context + u": "_s + *error;
            return false;
        }
        for (const auto& ns : c.namespaces) {
            const QString tenant = ns.mid(QStringLiteral("tenant-").size());
            const QJsonObject nsObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
                { u"metadata"_s,
                    QJsonObject {
                        { u"name"_s, ns }, { u"labels"_s, QJsonObject { { u"kubelb.k8c.io/tenant"_s, tenant } } } } } };
            if (!applyObjectImpl(*c.server, nsObject, error)) {
                *error = c.context + u": "_s + *error;
                return false;
            }
        }
    }
    if (m_options.controllers && !startControllers(error))
        return false;
    if (m_options.seed && !seed(error))
        return false;
    QJsonArray contexts;
    for (const auto& c : this->contexts()) {
        QJsonObject entry { { u"name"_s, c.name }, { u"role"_s, c.role }, { u"server"_s, c.server } };
        if (!c.managementNamespace.isEmpty())
            entry[u"managementNamespace"_s] = c.managementNamespace;
        if (!c.metricsUrl.isEmpty())
            entry[u"metricsUrl"_s] = c.metricsUrl;
        contexts.append(entry);
    }
    const QJsonObject demo { { u"kubeconfig"_s, kubeconfigPath() }, { u"dataDir"_s, m_options.dataDir },
        { u"contexts"_s, contexts }, { u"managementContext"_s, u"kubelb"_s } };
    return writeFile(kubeconfigPath(), combinedKubeconfig(m_clusters), error)
        && writeFile(demoJsonPath(), QJsonDocument(demo).toJson(), error);
}

bool Demo::startControllers(QString* error)
{
    runtime::logging::install(runtime::logging::Format::Logfmt, runtime::logging::Level::Warning);
    Cluster& mgmt = *m_clusters.back();
    syncsecret::ManagerSettings ms;
    ms.cluster = adminConfig(mgmt.context);
    ms.manager = loopbackEndpoints();
    m_manager = std::make_unique<syncsecret::ManagerRuntime>(ms);
    if (!m_manager->start(error)) {
        *error = u"manager: "_s + *error;
        return false;
    }
    mgmt.metricsUrl = u"http://127.0.0.1:%1/metrics"_s.arg(m_manager->manager().metricsPort());
    for (size_t i = 0; i + 1 < m_clusters.size(); ++i) {
        Cluster& tenant = *m_clusters[i];
        syncsecret::CcmSettings cs;
        cs.tenant = adminConfig(tenant.context);
        cs.management = adminConfig(mgmt.context);
        cs.clusterName = tenant.managementNamespace;
        cs.secretConversion = true;
        cs.manager = loopbackEndpoints();
        m_ccms.push_back(std::make_unique<syncsecret::CcmRuntime>(cs));
        if (!m_ccms.back()->start(error)) {
            *error = u"ccm "_s + tenant.context + u": "_s + *error;
            return false;
        }
        tenant.metricsUrl = u"http://127.0.0.1:%1/metrics"_s.arg(m_ccms.back()->manager().metricsPort());
    }
    return true;
}

bool Demo::seed(QString* error)
{
    for (const auto& c : m_clusters) {
        if (c->role != u"tenant")
            continue;
        for (const auto& o : seedObjectsImpl(c->context))
            if (!applyObjectImpl(*c->server, o, error)) {
                *error = u"seeding "_s + c->context + u": "_s + *error;
                return false;
            }
    }
    return true;
}

void Demo::shutdown()
{
    for (auto& ccm : m_ccms)
        ccm->shutdown();
    if (m_manager)
        m_manager->shutdown();
    m_ccms.clear();
    m_manager.reset();
    m_clusters.clear();
}

QList<DemoContext> Demo::contexts() const
{
    QList<DemoContext> out;
    for (const auto& c : m_clusters)
        out.append(
            { c->context, c->role, c->managementNamespace, c->server ? c->server->url() : QString(), c->metricsUrl });
    return out;
}

QString Demo::kubeconfigPath() const
{
    return QDir(m_options.dataDir).filePath(u"kubeconfig"_s);
}

QString Demo::demoJsonPath() const
{
    return QDir(m_options.dataDir).filePath(u"demo.json"_s);
}

kube::ClientConfig Demo::adminConfig(const QString& context) const
{
    const apiserver::ApiServer* s = server(context);
    kube::ClientConfig c;
    if (!s)
        return c;
    c.server = s->url();
    c.caPem = s->caCertificatePem();
    c.token = s->adminToken();
    c.contextName = context;
    c.source = u"demo"_s;
    return c;
}

apiserver::ApiServer* Demo::server(const QString& context) const
{
    for (const auto& c : m_clusters)
        if (c->context == context)
            return c->server.get();
    return nullptr;
}

QString Demo::summary() const
{
    QStringList parts;
    for (const auto& c : m_clusters) {
        auto& store = c->server->store();
        const auto syncSecrets = store.list(u"syncsecrets.kubelb.k8c.io"_s);
        int synced = 0;
        for (const auto& o : syncSecrets)
            synced += o.value(u"status"_s).toObject().value(u"phase"_s).toString() == u"Synced" ? 1 : 0;
        QString part = u"%1: %2 SyncSecrets (%3 Synced)"_s.arg(c->context).arg(syncSecrets.size()).arg(synced);
        if (c->role == u"management")
            part += u", %1 Secrets"_s.arg(store.list(u"secrets"_s).size());
        parts.append(part);
    }
    return parts.join(u" · "_s);
}

} // namespace demo
