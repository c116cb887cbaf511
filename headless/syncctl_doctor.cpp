// `kubelb-syncctl doctor`: the seed's troubleshooting sections as checks, each with a remedy.
#include "syncctl_doctor.h"

#include "models/lineage.h"
#include "syncctl_output.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace syncctl {

namespace {

const QString kFinalizer = u"kubelb.k8c.io/lb-finalizer"_s;

QJsonObject metaOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}

bool hasFinalizer(const QJsonObject& o)
{
    return metaOf(o).value(u"finalizers"_s).toArray().contains(kFinalizer);
}

QString conditionText(const QJsonObject& o)
{
    QStringList parts;
    for (const auto& c : o.value(u"status"_s).toObject().value(u"conditions"_s).toArray()) {
        const QJsonObject cond = c.toObject();
        parts.append(u"%1=%2 (%3: %4)"_s.arg(cond.value(u"type"_s).toString(), cond.value(u"status"_s).toString(),
            cond.value(u"reason"_s).toString(), cond.value(u"message"_s).toString()));
    }
    return parts.isEmpty() ? u"no conditions"_s : parts.join(u"; "_s);
}

} // namespace

QJsonObject Finding::toJson() const
{
    return { { u"section"_s, section }, { u"level"_s, level }, { u"check"_s, check }, { u"message"_s, message },
        { u"remedy"_s, remedy } };
}

Doctor::Doctor(Clusters& clusters, const Options& options)
    : m_clusters(clusters)
    , m_options(options)
{
}

void Doctor::add(const QString& level, const QString& check, const QString& message, const QString& remedy)
{
    m_findings.append({ m_section, level, check, message, remedy });
}

QList<Finding> Doctor::run()
{
    m_section = u"Secret Not Appearing in Management Cluster"_s;
    if (findTenant())
        checkTenant();
    m_section = u"Secret Not Created from SyncSecret"_s;
    if (m_tenantObject && findCopy())
        checkCopy();
    m_section = u"Secret Not Updating"_s;
    if (m_copy)
        checkSecret();
    if (m_secret)
        checkData();
    m_section = u"Orphaned Secrets"_s;
    if (m_mgmtClient)
        checkStaleCopies();
    m_section = u"RBAC"_s;
    checkRbac();
    return m_findings;
}

// The first tenant context holding NAME in NAMESPACE (or the first reachable one, to report it missing).
bool Doctor::findTenant()
{
    for (const auto& t : m_options.tenants) {
        QString error;
        kube::RestClient* client = m_clusters.client(t.context, &error);
        if (!client) {
            add(u"fail"_s, u"tenant reachable"_s, error, u"fix the kubeconfig context or pass --kubeconfig"_s);
            continue;
        }
        const auto object = client->get(syncSecretsPath(m_options.ns, m_options.name));
        if (!object && !object.error().isNotFound()) {
            add(u"fail"_s, u"tenant reachable"_s, describeError(t.context, object.error()),
                u"check network connectivity to the tenant cluster and the credentials of context "_s + t.context);
            continue;
        }
        if (!m_tenantClient || object) {
            m_tenant = t;
            m_tenantClient = client;
            m_tenantObject = object ? std::optional<QJsonObject>(*object) : std::nullopt;
        }
        if (object)
            break;
    }
    if (!m_tenantClient)
        return false;
    if (!m_tenantObject) {
        add(u"fail"_s, u"tenant SyncSecret exists"_s,
            u"SyncSecret %1/%2 not found in %3"_s.arg(m_options.ns, m_options.name, m_tenant.context),
            u"kubectl --context %1 get syncsecret %2 -n %3 — create it, or check the name and namespace"_s.arg(
                m_tenant.context, m_options.name, m_options.ns));
        return false;
    }
    add(u"ok"_s, u"tenant SyncSecret exists"_s,
        u"%1: %2/%3 uid %4"_s.arg(
            m_tenant.context, m_options.ns, m_options.name, metaOf(*m_tenantObject).value(u"uid"_s).toString()));
    return true;
}

void Doctor::checkTenant()
{
    const QJsonObject& t = *m_tenantObject;
    const QString ccmLogs = u"kubectl logs -n kubelb-ccm deployment/kubelb-ccm"_s;
    if (hasFinalizer(t))
        add(u"ok"_s, u"tenant finalizer"_s, kFinalizer + u" present: the CCM has picked it up"_s);
    else
        add(u"fail"_s, u"tenant finalizer"_s, u"no "_s + kFinalizer + u": the CCM has not reconciled it"_s,
            u"check that the CCM runs and its logs: "_s + ccmLogs);
    if (metaOf(t).contains(u"deletionTimestamp"_s))
        add(u"warn"_s, u"tenant deletion"_s,
            u"being deleted since "_s + metaOf(t).value(u"deletionTimestamp"_s).toString(),
            u"the CCM must delete the management copy first; do not remove finalizers by hand"_s);
    const QJsonObject status = t.value(u"status"_s).toObject();
    const QString phase = status.value(u"phase"_s).toString();
    const QString conditions = conditionText(t);
    if (phase == u"Synced")
        add(u"ok"_s, u"tenant status"_s, u"Synced; "_s + conditions);
    else if (phase == u"Failed")
        add(u"fail"_s, u"tenant status"_s, u"Failed; "_s + conditions,
            u"fix the cause in the condition message; then check the CCM logs: "_s + ccmLogs);
    else
        add(u"warn"_s, u"tenant status"_s, (phase.isEmpty() ? u"no status"_s : phase) + u"; "_s + conditions,
            u"wait for the CCM, then check its logs: "_s + ccmLogs);
    const qint64 generation = metaOf(t).value(u"generation"_s).toInteger(1);
    const qint64 observed = status.value(u"observedGeneration"_s).toInteger(0);
    if (observed < generation)
        add(u"warn"_s, u"tenant status current"_s,
            u"observedGeneration %1 < generation %2: the last change is not propagated yet"_s.arg(observed).arg(
                generation),
            u"check the CCM logs for reconciliation errors: "_s + ccmLogs);
}

bool Doctor::findCopy()
{
    QString error;
    m_mgmtContext = m_clusters.managementContext();
    m_mgmtClient = m_clusters.client(m_mgmtContext, &error);
    if (!m_mgmtClient) {
        add(u"fail"_s, u"management reachable"_s, error, u"fix --management-context or the kubeconfig"_s);
        return false;
    }
    const QString uid = metaOf(*m_tenantObject).value(u"uid"_s).toString();
    const auto copy = m_mgmtClient->get(syncSecretsPath(m_tenant.managementNamespace, uid));
    if (!copy) {
        const bool missing = copy.error().isNotFound();
        add(u"fail"_s, u"management copy exists"_s,
            missing ? u"no SyncSecret %1/%2 (named by the tenant UID) in %3"_s.arg(
                m_tenant.managementNamespace, uid, m_mgmtContext)
                    : describeError(m_mgmtContext, copy.error()),
            missing ? u"check the CCM logs, its permission to create syncsecrets in %1 and connectivity to the "
                      "management cluster: kubectl --context %2 get syncsecret -n %1"_s.arg(
                          m_tenant.managementNamespace, m_mgmtContext)
                    : u"check connectivity and credentials of the management context"_s);
        return false;
    }
    m_copy = *copy;
    add(u"ok"_s, u"management copy exists"_s,
        u"%1: %2/%3 uid %4"_s.arg(
            m_mgmtContext, m_tenant.managementNamespace, uid, metaOf(*m_copy).value(u"uid"_s).toString()));
    return true;
}

void Doctor::checkCopy()
{
    const QJsonObject labels = metaOf(*m_copy).value(u"labels"_s).toObject();
    const QString originNs = labels.value(u"kubelb.k8c.io/origin-namespace"_s)
                                 .toString(labels.value(u"kubelb.k8c.io/origin-ns"_s).toString());
    if (labels.value(u"kubelb.k8c.io/origin-name"_s).toString() == m_options.name && originNs == m_options.ns)
        add(u"ok"_s, u"origin labels"_s, u"origin %1/%2"_s.arg(originNs, m_options.name));
    else
        add(u"fail"_s, u"origin labels"_s, u"origin labels do not name %1/%2"_s.arg(m_options.ns, m_options.name),
            u"the CCM rewrites them on its next reconcile; check for other writers of the copy"_s);
    const QString managerLogs = u"kubectl logs -n kubelb deployment/kubelb-manager"_s;
    if (hasFinalizer(*m_copy))
        add(u"ok"_s, u"copy finalizer"_s, kFinalizer + u" present: the Manager has picked it up"_s);
    else
        add(u"fail"_s, u"copy finalizer"_s, u"no "_s + kFinalizer + u" on the copy"_s,
            u"check that the Manager runs and its logs: "_s + managerLogs);
    const QString phase = m_copy->value(u"status"_s).toObject().value(u"phase"_s).toString();
    add(phase == u"Synced" ? u"ok"_s : (phase == u"Failed" ? u"fail"_s : u"warn"_s), u"copy status"_s,
        (phase.isEmpty() ? u"no status"_s : phase) + u"; "_s + conditionText(*m_copy),
        phase == u"Synced" ? QString() : u"check the Manager logs: "_s + managerLogs);
}

void Doctor::checkSecret()
{
    const QString copyUid = metaOf(*m_copy).value(u"uid"_s).toString();
    const auto secret = m_mgmtClient->get(secretsPath(m_tenant.managementNamespace, copyUid));
    if (!secret) {
        add(u"fail"_s, u"Secret exists"_s,
            u"no Secret %1/%2 (named by the copy UID)"_s.arg(m_tenant.managementNamespace, copyUid),
            u"check the Manager's permission to create secrets in %1 and its logs: kubectl get secret %2 -n %1"_s.arg(
                m_tenant.managementNamespace, copyUid));
        return;
    }
    m_secret = *secret;
    add(u"ok"_s, u"Secret exists"_s, u"%1/%2"_s.arg(m_tenant.managementNamespace, copyUid));
    bool owned = false;
    for (const auto& r : metaOf(*m_secret).value(u"ownerReferences"_s).toArray())
        owned = owned
            || (r.toObject().value(u"kind"_s).toString() == u"SyncSecret"
                && r.toObject().value(u"uid"_s).toString() == copyUid);
    if (owned)
        add(u"ok"_s, u"owner reference"_s, u"owned by SyncSecret uid "_s + copyUid);
    else
        add(u"fail"_s, u"owner reference"_s, u"the Secret has no ownerReference to its SyncSecret"_s,
            u"it would be left behind on deletion; the Manager restores the reference on its next reconcile"_s);
}

void Doctor::checkData()
{
    const auto tenant = models::summarizeData(*m_tenantObject);
    const auto copy = models::summarizeData(*m_copy);
    const auto secret = models::summarizeData(*m_secret);
    const QString prints = u"tenant %1, copy %2, Secret %3"_s.arg(
        shortPrint(tenant.fingerprint), shortPrint(copy.fingerprint), shortPrint(secret.fingerprint));
    const bool same = tenant.fingerprint == copy.fingerprint && copy.fingerprint == secret.fingerprint;
    const bool immutable = m_secret->value(u"immutable"_s).toBool();
    if (same)
        add(u"ok"_s, u"data fingerprints"_s, u"equal: "_s + prints);
    else
        add(u"fail"_s, u"data fingerprints"_s, u"differ: "_s + prints,
            immutable ? u"the Secret is immutable: delete it so the Manager recreates it with the new data"_s
                      : u"compare with kubectl get syncsecret/secret -o yaml; check the controllers' logs for "
                        "reconciliation errors and resourceVersion conflicts"_s);
    if (immutable)
        add(same ? u"ok"_s : u"fail"_s, u"immutable"_s, u"the Secret is immutable: its data cannot be updated"_s,
            same ? QString() : u"delete the Secret (the Manager recreates it), or make the SyncSecret immutable too"_s);
    const QString type = m_tenantObject->value(u"type"_s).toString(u"Opaque"_s);
    if (m_secret->value(u"type"_s).toString(u"Opaque"_s) != type)
        add(u"fail"_s, u"type"_s, u"Secret type differs from the SyncSecret's "_s + type,
            u"a Secret's type cannot change: delete the Secret so the Manager recreates it"_s);
}

// Other copies of the same origin and Secrets owned by them: what a failed cleanup leaves behind.
void Doctor::checkStaleCopies()
{
    const QString current = m_tenantObject ? metaOf(*m_tenantObject).value(u"uid"_s).toString() : QString();
    QUrlQuery query;
    query.addQueryItem(u"labelSelector"_s, u"kubelb.k8c.io/origin-name="_s + m_options.name);
    const auto copies = m_mgmtClient->list(syncSecretsPath(m_tenant.managementNamespace), query);
    if (!copies)
        return add(u"warn"_s, u"stale copies"_s, describeError(m_mgmtContext, copies.error()),
            u"grant list on syncsecrets in "_s + m_tenant.managementNamespace);
    QStringList stale;
    for (const auto& c : copies->value(u"items"_s).toArray()) {
        const QString name = metaOf(c.toObject()).value(u"name"_s).toString();
        if (name != current)
            stale.append(name);
    }
    if (stale.isEmpty())
        add(u"ok"_s, u"stale copies"_s, u"no other copy of this origin"_s);
    else
        add(u"warn"_s, u"stale copies"_s, u"other copies with the same origin name: "_s + stale.join(u", "_s),
            u"kubelb-syncctl orphans --tenant %1=%2 shows whether they are orphaned; cleanup removes them"_s.arg(
                m_tenant.context, m_tenant.managementNamespace));
    if (m_copy && !hasFinalizer(*m_copy))
        add(u"warn"_s, u"cleanup guaranteed"_s, u"without the finalizer, deleting the copy may orphan its Secret"_s,
            u"let the Manager add kubelb.k8c.io/lb-finalizer; do not remove finalizers by hand"_s);
}

} // namespace syncctl
