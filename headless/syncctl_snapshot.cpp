// Reads a models::Snapshot from the clusters: management SyncSecrets, Secrets and namespaces, the Manager's Lease,
// and every tenant's SyncSecrets.
#include "syncctl_snapshot.h"

#include "kube/kubeconfig.h"

#include <QJsonArray>
#include <QSet>

using namespace Qt::StringLiterals;

namespace syncctl {

namespace {

/// Where the Manager holds its leader-election Lease (packaging/kubernetes/manager).
const QString kLeaseNamespace = u"kubelb"_s;
const QString kLeaseName = u"kubelb-manager-syncsecret"_s;

// Whether a Manager looks alive: false only when its Lease is readable and has expired.
bool managerLeaseFresh(kube::RestClient& client, const QDateTime& now)
{
    const auto lease = client.get({ u"coordination.k8s.io"_s, u"v1"_s, u"leases"_s, kLeaseNamespace, kLeaseName, {} });
    if (!lease)
        return true; // not readable or no leader election: unknown, assume running
    const QJsonObject spec = lease->value(u"spec"_s).toObject();
    const QDateTime renew = QDateTime::fromString(spec.value(u"renewTime"_s).toString(), Qt::ISODateWithMs);
    const int duration = spec.value(u"leaseDurationSeconds"_s).toInt(15);
    return !renew.isValid() || renew.addSecs(duration * 2) >= now;
}

// The management namespaces worth listing Secrets in: every tenant's, plus every namespace holding a copy.
QStringList namespacesOfInterest(const models::Snapshot& snapshot, const Options& options)
{
    QSet<QString> seen;
    QStringList out;
    auto add = [&](const QString& ns) {
        if (!ns.isEmpty() && !seen.contains(ns)) {
            seen.insert(ns);
            out.append(ns);
        }
    };
    for (const auto& t : options.tenants)
        add(t.managementNamespace);
    for (const auto& s : snapshot.management.syncSecrets)
        add(s.value(u"metadata"_s).toObject().value(u"namespace"_s).toString());
    return out;
}

void fetchManagement(Clusters& clusters, const Options& options, models::Snapshot* snapshot)
{
    auto& m = snapshot->management;
    m.context = clusters.managementContext();
    QString error;
    kube::RestClient* client = clusters.client(m.context, &error);
    if (!client) {
        m.reachable = false;
        m.error = error;
        return;
    }
    auto fail = [&](const kube::ApiError& e) {
        m.reachable = false;
        m.error = describeError(m.context, e);
    };
    const auto syncSecrets = listAll(*client, syncSecretsPath());
    if (!syncSecrets)
        return fail(syncSecrets.error());
    m.syncSecrets = *syncSecrets;
    const auto namespaces = listAll(*client, namespacesPath());
    if (!namespaces)
        return fail(namespaces.error());
    m.namespaces = *namespaces;
    QSet<QString> existing;
    for (const auto& n : m.namespaces)
        existing.insert(n.value(u"metadata"_s).toObject().value(u"name"_s).toString());
    for (const QString& ns : namespacesOfInterest(*snapshot, options)) {
        if (!existing.contains(ns))
            continue;
        const auto secrets = listAll(*client, secretsPath(ns));
        if (!secrets)
            return fail(secrets.error());
        m.secrets += *secrets;
    }
    m.managerRunning = managerLeaseFresh(*client, snapshot->takenAt);
}

models::TenantSnapshot fetchTenant(Clusters& clusters, const models::TenantContext& tenant)
{
    models::TenantSnapshot t;
    t.tenant = tenant;
    QString error;
    kube::RestClient* client = clusters.client(tenant.context, &error);
    if (!client) {
        t.reachable = false;
        t.error = error;
        return t;
    }
    const auto syncSecrets = listAll(*client, syncSecretsPath());
    if (!syncSecrets) {
        t.reachable = false;
        t.error = describeError(tenant.context, syncSecrets.error());
        return t;
    }
    t.syncSecrets = *syncSecrets;
    return t;
}

} // namespace

Clusters::Clusters(const Options& options)
    : m_kubeconfig(options.kubeconfig)
    , m_management(options.managementContext)
{
}

Clusters::Clusters(const Options& options, Resolver resolver)
    : m_kubeconfig(options.kubeconfig)
    , m_management(options.managementContext)
    , m_resolver(std::move(resolver))
{
}

Clusters::~Clusters() = default;

QString Clusters::managementContext()
{
    if (!m_management.isEmpty())
        return m_management;
    kube::KubeconfigLoader loader;
    if (!m_kubeconfig.isEmpty())
        loader.setExplicitPath(m_kubeconfig);
    const auto merged = loader.loadMerged();
    m_management = merged && !merged->currentContext.isEmpty() ? merged->currentContext : u"in-cluster"_s;
    return m_management;
}

kube::RestClient* Clusters::client(const QString& context, QString* error)
{
    if (auto it = m_clients.find(context); it != m_clients.end())
        return it->second.get();
    if (m_errors.contains(context)) {
        *error = m_errors.value(context);
        return nullptr;
    }
    const auto config = [&] {
        if (m_resolver)
            return m_resolver(context);
        kube::KubeconfigLoader loader;
        if (!m_kubeconfig.isEmpty())
            loader.setExplicitPath(m_kubeconfig);
        return loader.load(context == u"in-cluster" ? QString() : context);
    }();
    if (!config) {
        *error = describeError(context, config.error());
        m_errors.insert(context, *error);
        return nullptr;
    }
    kube::RestOptions options;
    options.maxRetries = 2; // an unreachable cluster is reported, not waited for
    options.timeoutMs = 15000;
    auto& slot = m_clients[context];
    slot = std::make_unique<kube::RestClient>(*config, options);
    return slot.get();
}

kube::ResourcePath syncSecretsPath(const QString& ns, const QString& name)
{
    return { u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, ns, name, {} };
}

kube::ResourcePath secretsPath(const QString& ns, const QString& name)
{
    return { {}, u"v1"_s, u"secrets"_s, ns, name, {} };
}

kube::ResourcePath namespacesPath()
{
    return { {}, u"v1"_s, u"namespaces"_s, {}, {}, {} };
}

kube::Expected<QList<QJsonObject>> listAll(kube::RestClient& client, const kube::ResourcePath& path)
{
    QList<QJsonObject> items;
    QString token;
    do {
        QUrlQuery query;
        query.addQueryItem(u"limit"_s, u"500"_s);
        if (!token.isEmpty())
            query.addQueryItem(u"continue"_s, token);
        const auto page = client.list(path, query);
        if (!page)
            return page.error();
        for (const auto& item : page->value(u"items"_s).toArray())
            items.append(item.toObject());
        token = page->value(u"metadata"_s).toObject().value(u"continue"_s).toString();
    } while (!token.isEmpty());
    return items;
}

QString describeError(const QString& context, const kube::ApiError& error)
{
    return u"%1: %2"_s.arg(context, error.message().isEmpty() ? error.reason() : error.message());
}

models::Snapshot fetchSnapshot(Clusters& clusters, const Options& options)
{
    models::Snapshot snapshot;
    snapshot.takenAt = QDateTime::currentDateTimeUtc();
    fetchManagement(clusters, options, &snapshot);
    for (const auto& tenant : options.tenants)
        snapshot.tenants.append(fetchTenant(clusters, tenant));
    return snapshot;
}

} // namespace syncctl
