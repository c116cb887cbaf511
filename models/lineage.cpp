#include "lineage.h"

#include "models/jsonmeta.h"

#include <QCryptographicHash>
#include <QHash>
#include <QMap>
#include <QSet>

using namespace Qt::StringLiterals;

namespace models {

QString linkStateName(LinkState state)
{
    switch (state) {
    case LinkState::Synced:
        return u"Synced"_s;
    case LinkState::Pending:
        return u"Pending"_s;
    case LinkState::Failed:
        return u"Failed"_s;
    case LinkState::Terminating:
        return u"Terminating"_s;
    case LinkState::Drifted:
        return u"Drifted"_s;
    case LinkState::Missing:
        return u"Missing"_s;
    }
    return {};
}

namespace {

/// Decoded data (stringData wins over data, as the API server merges it); values stay inside this file.
QMap<QString, QByteArray> decodedData(const QJsonObject& object)
{
    QMap<QString, QByteArray> data;
    const QJsonObject encoded = object.value("data"_L1).toObject();
    for (auto it = encoded.begin(); it != encoded.end(); ++it)
        data.insert(it.key(), QByteArray::fromBase64(it.value().toString().toLatin1()));
    const QJsonObject plain = object.value("stringData"_L1).toObject();
    for (auto it = plain.begin(); it != plain.end(); ++it)
        data.insert(it.key(), it.value().toString().toUtf8());
    return data;
}

QDateTime lastChange(const QJsonObject& object)
{
    QDateTime newest = meta::creationTime(object);
    const auto consider = [&newest](const QString& text) {
        const QDateTime time = meta::parseTime(text);
        if (time.isValid() && (!newest.isValid() || time > newest))
            newest = time;
    };
    for (const QJsonValue& entry : meta::metadata(object).value("managedFields"_L1).toArray())
        consider(entry.toObject().value("time"_L1).toString());
    for (const QJsonValue& entry : object.value("status"_L1).toObject().value("conditions"_L1).toArray())
        consider(entry.toObject().value("lastTransitionTime"_L1).toString());
    return newest;
}

void addCertificate(
    LineageLink& link, const QJsonObject& object, const LineageOptions& options, QDateTime now, QStringList& warnings)
{
    if (link.type != "kubernetes.io/tls"_L1 || !options.parseCertificate)
        return;
    const QByteArray crt = decodedData(object).value(u"tls.crt"_s);
    CertificateInfo info;
    if (crt.isEmpty() || !options.parseCertificate(crt, &info))
        return;
    const qint64 days = now.daysTo(info.notAfter);
    info.expiresSoon = days < options.certificateWarningDays;
    if (info.expiresSoon)
        warnings.append(days < 0
                ? u"%1: certificate %2 expired"_s.arg(link.object.display(), info.subjectCommonName)
                : u"%1: certificate %2 expires in %3 days"_s.arg(link.object.display(), info.subjectCommonName)
                      .arg(days));
    link.certificate = info;
}

LinkState controllerState(const QJsonObject& object, const LineageLink& link)
{
    if (link.phase == "Failed"_L1)
        return LinkState::Failed;
    if (link.phase == "Synced"_L1 && link.upToDate)
        return LinkState::Synced;
    Q_UNUSED(object);
    return LinkState::Pending;
}

} // namespace

DataSummary summarizeData(const QJsonObject& object)
{
    DataSummary summary;
    QCryptographicHash whole(QCryptographicHash::Sha256);
    const QMap<QString, QByteArray> data = decodedData(object);
    for (auto it = data.cbegin(); it != data.cend(); ++it) {
        summary.keys.append(
            { it.key(), it.value().size(), QCryptographicHash::hash(it.value(), QCryptographicHash::Sha256).toHex() });
        whole.addData(it.key().toUtf8() + '\0' + QByteArray::number(it.value().size()) + '\0');
        whole.addData(it.value());
    }
    summary.fingerprint = whole.result().toHex();
    return summary;
}

namespace {

/// Builds chains with hash indexes: one pass per object list.
class Builder {
public:
    Builder(const Snapshot& snapshot, const LineageOptions& options)
        : m_snapshot(snapshot)
        , m_options(options)
        , m_now(options.now.isValid() ? options.now : snapshot.takenAt)
    {
        for (const QJsonObject& object : snapshot.management.syncSecrets)
            m_syncSecrets.insert(meta::key(meta::namespaceOf(object), meta::name(object)), &object);
        for (const QJsonObject& object : snapshot.management.secrets)
            m_secrets.insert(meta::key(meta::namespaceOf(object), meta::name(object)), &object);
        for (const TenantSnapshot& tenant : snapshot.tenants)
            m_tenantsByNamespace.insert(tenant.tenant.managementNamespace, &tenant);
    }

    QList<LineageChain> run()
    {
        for (const TenantSnapshot& tenant : m_snapshot.tenants)
            for (const QJsonObject& object : tenant.syncSecrets)
                addTenantChain(tenant, object);
        for (const QJsonObject& object : m_snapshot.management.syncSecrets)
            if (!m_used.contains(&object))
                addManagementChain(object);
        for (const QJsonObject& object : m_snapshot.management.secrets)
            if (!m_used.contains(&object) && (meta::isKubelbSecret(object) || !meta::syncSecretOwner(object).isEmpty()))
                addSecretOnlyChain(object);
        return m_chains;
    }

private:
    LineageLink link(const QJsonObject& object, const QString& context, const QString& kind, LineageChain& chain)
    {
        LineageLink result;
        result.object = refOf(object, context, kind);
        result.phase = meta::phase(object);
        result.message = meta::condition(object, u"Synced"_s).value("message"_L1).toString();
        result.generation = meta::generation(object);
        result.observedGeneration = meta::observedGeneration(object);
        result.upToDate = kind == names::SecretKind || result.observedGeneration >= result.generation;
        result.lastChange = lastChange(object);
        result.secondsSinceChange = result.lastChange.isValid() ? result.lastChange.secsTo(m_now) : -1;
        result.type = object.value("type"_L1).toString();
        const DataSummary data = summarizeData(object);
        result.keys = data.keys;
        result.fingerprint = data.fingerprint;
        addCertificate(result, object, m_options, m_now, chain.warnings);
        return result;
    }

    /// State of a downstream link compared with its upstream link.
    static LinkState stateOf(const QJsonObject& object, const LineageLink& link, const LineageLink& upstream)
    {
        if (meta::deletionTime(object).isValid())
            return LinkState::Terminating;
        if (upstream.present() && upstream.fingerprint != link.fingerprint)
            return LinkState::Drifted;
        if (link.object.kind == names::SecretKind)
            return LinkState::Synced;
        return controllerState(object, link);
    }

    void fillManagement(LineageChain& chain, const QJsonObject* management)
    {
        if (!management) {
            chain.warnings.append(u"no management SyncSecret"_s);
            return;
        }
        m_used.insert(management);
        chain.management = link(*management, m_snapshot.management.context, names::SyncSecretKind, chain);
        chain.management.state = stateOf(*management, chain.management, chain.tenant);
        fillSecret(chain, meta::namespaceOf(*management), meta::uid(*management));
    }

    void fillSecret(LineageChain& chain, const QString& ns, const QString& ownerUid)
    {
        const QJsonObject* secret = m_secrets.value(meta::key(ns, ownerUid));
        if (!secret) {
            chain.warnings.append(u"no Secret %1 in %2"_s.arg(ownerUid, ns));
            return;
        }
        m_used.insert(secret);
        chain.secret = link(*secret, m_snapshot.management.context, names::SecretKind, chain);
        chain.secret.state = stateOf(*secret, chain.secret, chain.management);
        if (meta::syncSecretOwner(*secret).value("uid"_L1).toString() != ownerUid)
            chain.warnings.append(u"Secret %1 has no owner reference to its SyncSecret"_s.arg(ownerUid));
    }

    void addTenantChain(const TenantSnapshot& tenant, const QJsonObject& object)
    {
        LineageChain chain;
        chain.tenantContext = tenant.tenant.context;
        chain.originNamespace = meta::namespaceOf(object);
        chain.originName = meta::name(object);
        chain.tenant = link(object, tenant.tenant.context, names::SyncSecretKind, chain);
        chain.tenant.state = stateOf(object, chain.tenant, {});
        const QString ns = tenant.tenant.managementNamespace;
        fillManagement(chain, m_syncSecrets.value(meta::key(ns, meta::uid(object))));
        addDriftWarnings(chain);
        m_chains.append(std::move(chain));
    }

    void addManagementChain(const QJsonObject& object)
    {
        LineageChain chain;
        const TenantSnapshot* tenant = m_tenantsByNamespace.value(meta::namespaceOf(object));
        chain.tenantContext = tenant ? tenant->tenant.context : QString();
        chain.originNamespace = meta::originNamespace(object);
        chain.originName = meta::originName(object);
        chain.warnings.append(!tenant ? u"no tenant maps to namespace %1"_s.arg(meta::namespaceOf(object))
                : !tenant->reachable  ? u"tenant %1 unreachable"_s.arg(tenant->tenant.context)
                                      : u"tenant SyncSecret missing"_s);
        fillManagement(chain, &object);
        addDriftWarnings(chain);
        m_chains.append(std::move(chain));
    }

    void addSecretOnlyChain(const QJsonObject& object)
    {
        LineageChain chain;
        chain.originNamespace = meta::originNamespace(object);
        chain.originName = meta::originName(object);
        chain.warnings.append(u"no management SyncSecret"_s);
        fillSecret(chain, meta::namespaceOf(object), meta::name(object));
        m_chains.append(std::move(chain));
    }

    static void addDriftWarnings(LineageChain& chain)
    {
        if (chain.management.state == LinkState::Drifted)
            chain.warnings.append(u"management SyncSecret data differs from the tenant's"_s);
        if (chain.secret.state == LinkState::Drifted)
            chain.warnings.append(u"Secret data differs from its SyncSecret"_s);
    }

    const Snapshot& m_snapshot;
    const LineageOptions& m_options;
    QDateTime m_now;
    QHash<QString, const QJsonObject*> m_syncSecrets;
    QHash<QString, const QJsonObject*> m_secrets;
    QHash<QString, const TenantSnapshot*> m_tenantsByNamespace;
    QSet<const QJsonObject*> m_used;
    QList<LineageChain> m_chains;
};

} // namespace

QList<LineageChain> buildLineage(const Snapshot& snapshot, const LineageOptions& options)
{
    return Builder(snapshot, options).run();
}

} // namespace models
