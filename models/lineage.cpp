#include "lineage.h"

#include "models/jsonmeta.h"
#include "models/parallel.h"

#include <QHash>
#include <QJsonArray>
#include <QMap>
#include <QSet>
#include <algorithm>
#include <atomic>
#include <map>
#include <openssl/evp.h>
#include <vector>

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

/// Appends the base64 `text` decoded to `out`, as QByteArray::fromBase64() does (characters outside the
/// alphabet, padding included, are skipped), without the Latin-1 and result copies.
void appendBase64(QStringView text, QByteArray& out)
{
    const qsizetype start = out.size();
    out.resize(start + (text.size() * 3) / 4 + 3);
    char* o = out.data() + start;
    unsigned buffer = 0;
    int bits = 0;
    for (const QChar c : text) {
        const char16_t ch = c.unicode();
        int d;
        if (ch >= u'A' && ch <= u'Z')
            d = ch - u'A';
        else if (ch >= u'a' && ch <= u'z')
            d = ch - u'a' + 26;
        else if (ch >= u'0' && ch <= u'9')
            d = ch - u'0' + 52;
        else if (ch == u'+')
            d = 62;
        else if (ch == u'/')
            d = 63;
        else
            continue;
        buffer = (buffer << 6) | unsigned(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = char(buffer >> bits);
            buffer &= (1u << bits) - 1;
        }
    }
    out.resize(o - out.constData());
}

/// Decoded `encoded` (an object's data) and `plain` (its stringData, which wins, as the API server merges them);
/// values stay inside this file.
QMap<QString, QByteArray> decodedData(const QJsonObject& encoded, const QJsonObject& plain)
{
    QMap<QString, QByteArray> data;
    for (auto it = encoded.begin(); it != encoded.end(); ++it) {
        QByteArray value;
        appendBase64(it.value().toString(), value);
        data.insert(it.key(), value);
    }
    for (auto it = plain.begin(); it != plain.end(); ++it)
        data.insert(it.key(), it.value().toString().toUtf8());
    return data;
}

/// Newest of creation, managedFields and condition transition times.
QDateTime lastChange(const QString& created, const QJsonArray& managedFields, const QJsonArray& conditions)
{
    QDateTime newest = meta::parseTime(created);
    const auto consider = [&newest](const QString& text) {
        const QDateTime time = meta::parseTime(text);
        if (time.isValid() && (!newest.isValid() || time > newest))
            newest = time;
    };
    for (const QJsonValue& entry : managedFields)
        consider(entry.toObject().value("time"_L1).toString());
    for (const QJsonValue& entry : conditions)
        consider(entry.toObject().value("lastTransitionTime"_L1).toString());
    return newest;
}

LinkState controllerState(const LineageLink& link)
{
    if (link.phase == "Failed"_L1)
        return LinkState::Failed;
    if (link.phase == "Synced"_L1 && link.upToDate)
        return LinkState::Synced;
    return LinkState::Pending;
}

} // namespace

namespace {

constexpr char HexDigits[] = "0123456789abcdef";

/// Lower-case hex of `bytes` (QByteArray::toHex() without the intermediate copy).
QByteArray hex(QByteArrayView bytes)
{
    QByteArray out(bytes.size() * 2, Qt::Uninitialized);
    char* o = out.data();
    for (const char c : bytes) {
        *o++ = HexDigits[(uchar(c) >> 4) & 0xf];
        *o++ = HexDigits[uchar(c) & 0xf];
    }
    return out;
}

/// SHA-256 with libcrypto (one context per thread, reused).
class Sha256 {
public:
    Sha256()
        : m_md(EVP_MD_fetch(nullptr, "SHA256", nullptr))
        , m_context(EVP_MD_CTX_new())
    {
    }
    ~Sha256()
    {
        EVP_MD_CTX_free(m_context);
        EVP_MD_free(m_md);
    }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void reset() { EVP_DigestInit_ex2(m_context, m_md, nullptr); }
    void addData(QByteArrayView data) { EVP_DigestUpdate(m_context, data.data(), size_t(data.size())); }
    /// Lower-case hex of the digest; the context must be reset() before the next use.
    QByteArray hexResult()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(m_context, digest, &length);
        return hex(QByteArrayView(reinterpret_cast<const char*>(digest), qsizetype(length)));
    }

private:
    EVP_MD* m_md;
    EVP_MD_CTX* m_context;
};

/// Adds one key to `summary` and to the running fingerprint `whole`.
void addKey(DataSummary& summary, Sha256& whole, Sha256& one, const QString& name, QByteArrayView value)
{
    one.reset();
    one.addData(value);
    summary.keys.append({ name, value.size(), one.hexResult() });
    // name '\0' decimal size '\0' value, as before (QByteArray::number() without the allocation).
    char separator[24];
    char* end = separator + sizeof separator;
    char* digits = end;
    *--digits = '\0';
    for (qsizetype n = value.size();; n /= 10) {
        *--digits = char('0' + n % 10);
        if (n < 10)
            break;
    }
    *--digits = '\0';
    // The name's UTF-8 (ASCII, as data keys are, without an allocation).
    char ascii[256];
    if (name.size() <= qsizetype(sizeof ascii)
        && std::all_of(name.begin(), name.end(), [](QChar c) { return c.unicode() < 0x80; })) {
        for (qsizetype i = 0; i < name.size(); ++i)
            ascii[i] = char(name.at(i).unicode());
        whole.addData(QByteArrayView(ascii, name.size()));
    } else {
        whole.addData(name.toUtf8());
    }
    whole.addData(QByteArrayView(digits, end - digits));
    whole.addData(value);
}

/// summarizeData() of an object with `encoded` data and `plain` stringData.
DataSummary summarize(const QJsonObject& encoded, const QJsonObject& plain)
{
    DataSummary summary;
    // One hash object per thread and purpose: creating them dominates for small values.
    thread_local Sha256 whole;
    thread_local Sha256 one;
    whole.reset();
    bool done = false;
    if (plain.isEmpty()) {
        // Common case: data only, whose keys QJsonObject keeps sorted; decode each value into one buffer.
        thread_local QByteArray value;
        summary.keys.reserve(encoded.size());
        QString previous;
        done = true;
        for (auto it = encoded.begin(); it != encoded.end(); ++it) {
            const QString name = it.key();
            if (!previous.isNull() && !(previous < name)) {
                done = false; // not in QMap order after all: take the general path
                break;
            }
            value.truncate(0);
            appendBase64(it.value().toString(), value);
            addKey(summary, whole, one, name, value);
            previous = name;
        }
        if (!done) {
            summary.keys.clear();
            whole.reset();
        }
    }
    if (!done) {
        const QMap<QString, QByteArray> data = decodedData(encoded, plain);
        summary.keys.reserve(data.size());
        for (auto it = data.cbegin(); it != data.cend(); ++it)
            addKey(summary, whole, one, it.key(), it.value());
    }
    summary.fingerprint = whole.hexResult();
    return summary;
}

} // namespace

DataSummary summarizeData(const QJsonObject& object)
{
    return summarize(object.value("data"_L1).toObject(), object.value("stringData"_L1).toObject());
}

namespace {

/// What one object contributes to any chain, computed once per uid and resourceVersion.
struct Prepared {
    LineageLink link; ///< state unset; certificate without expiresSoon
    bool terminating = false;
    QString ownerUid; ///< uid of the SyncSecret owner reference (Secrets)
    bool kubelbSecret = false;
    QString originName;
    QString originNamespace;
};

/// One object to prepare.
struct Job {
    const QJsonObject* object;
    const QString* context;
    QLatin1StringView kind;
};

/// Prepared objects are shared between the cache and the builds: a cache hit costs one reference count, not one
/// per string of the link (which, over 100,000 objects, were cache misses).
using SharedPrepared = std::shared_ptr<const Prepared>;

Prepared prepare(const Job& job, const LineageOptions& options)
{
    // One pass over metadata and labels (QJsonObject::value() is a binary search with string compares each time;
    // the meta:: helpers would fetch metadata and labels again per field); the rest is looked up once.
    const QJsonObject& object = *job.object;
    Prepared p;
    LineageLink& l = p.link;
    l.object.context = *job.context;
    QString created;
    QJsonArray managedFields;
    QJsonArray ownerReferences;
    QString legacyOriginNamespace;
    bool owned = false;
    const QJsonObject metadata = object.value("metadata"_L1).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        const QString key = it.key();
        if (key == "namespace"_L1) {
            l.object.namespace_ = it.value().toString();
        } else if (key == "name"_L1) {
            l.object.name = it.value().toString();
        } else if (key == "uid"_L1) {
            l.object.uid = it.value().toString();
        } else if (key == "resourceVersion"_L1) {
            l.object.resourceVersion = it.value().toString();
        } else if (key == "generation"_L1) {
            l.generation = it.value().toInteger();
        } else if (key == "creationTimestamp"_L1) {
            created = it.value().toString();
        } else if (key == "managedFields"_L1) {
            managedFields = it.value().toArray();
        } else if (key == "deletionTimestamp"_L1) {
            p.terminating = !it.value().toString().isEmpty();
        } else if (key == "ownerReferences"_L1) {
            ownerReferences = it.value().toArray();
        } else if (key == "labels"_L1) {
            const QJsonObject labels = it.value().toObject();
            l.labels.reserve(labels.size());
            for (auto label = labels.begin(); label != labels.end(); ++label) {
                const QString name = label.key();
                const QString value = label.value().toString();
                QString pair;
                pair.reserve(name.size() + 1 + value.size());
                l.labels.append(pair.append(name).append(u'=').append(value));
                // As meta::originName(), meta::originNamespace() and meta::isKubelbSecret().
                if (name == names::OriginNameLabel)
                    p.originName = value;
                else if (name == names::OriginNamespaceLabel)
                    p.originNamespace = value;
                else if (name == names::LegacyOriginNamespaceLabel)
                    legacyOriginNamespace = value;
                else if (name == names::OwnedSecretLabel)
                    owned = value == "true"_L1;
            }
        }
    }
    if (p.originNamespace.isEmpty())
        p.originNamespace = legacyOriginNamespace;
    p.kubelbSecret = !p.originName.isEmpty() || !p.originNamespace.isEmpty() || owned;
    const QString kind = object.value("kind"_L1).toString();
    l.object.kind = kind.isEmpty() ? QString(job.kind) : kind;
    const QJsonObject status = object.value("status"_L1).toObject();
    const QJsonArray conditions = status.value("conditions"_L1).toArray();
    l.phase = status.value("phase"_L1).toString();
    l.observedGeneration = status.value("observedGeneration"_L1).toInteger();
    for (const QJsonValue& value : conditions) {
        const QJsonObject condition = value.toObject();
        if (condition.value("type"_L1).toString() == "Synced"_L1) {
            l.message = condition.value("message"_L1).toString();
            break;
        }
    }
    l.upToDate = job.kind == names::SecretKind || l.observedGeneration >= l.generation;
    l.lastChange = lastChange(created, managedFields, conditions);
    l.type = object.value("type"_L1).toString();
    const QJsonObject data = object.value("data"_L1).toObject();
    const QJsonObject stringData = object.value("stringData"_L1).toObject();
    DataSummary summary = summarize(data, stringData);
    l.keys = std::move(summary.keys);
    l.fingerprint = std::move(summary.fingerprint);
    if (l.type == "kubernetes.io/tls"_L1 && options.parseCertificate) {
        const QByteArray crt = decodedData(data, stringData).value(u"tls.crt"_s);
        CertificateInfo info;
        if (!crt.isEmpty() && options.parseCertificate(crt, &info))
            l.certificate = info;
    }
    for (const QJsonValue& value : ownerReferences) {
        const QJsonObject ref = value.toObject();
        if (ref.value("kind"_L1).toString() == names::SyncSecretKind
            && ref.value("apiVersion"_L1).toString().startsWith("kubelb.k8c.io/"_L1)) {
            p.ownerUid = ref.value("uid"_L1).toString();
            break;
        }
    }
    return p;
}

/// prepare() for every job; on several threads when there are many.
void prepareAll(const std::vector<Job>& jobs, std::vector<SharedPrepared>& out, const std::vector<size_t>& todo,
    const LineageOptions& options)
{
    parallelFor(todo.size(), workerThreads(options.threads), 4000, [&](size_t from, size_t to) {
        for (size_t i = from; i < to; ++i)
            out[todo[i]] = std::make_shared<const Prepared>(prepare(jobs[todo[i]], options));
    });
}

} // namespace

struct LineageCache::Impl {
    struct Item {
        QString resourceVersion;
        SharedPrepared prepared;
        quint64 seen = 0;
    };
    using Group = QHash<QString, Item>; ///< by uid
    /// By context and kind ("context\0kind"); std::map keeps a group's address while others are added.
    std::map<QString, Group> groups;
    quint64 build = 0;
};

LineageCache::LineageCache()
    : d(std::make_unique<Impl>())
{
}

LineageCache::~LineageCache() = default;

qsizetype LineageCache::size() const
{
    qsizetype size = 0;
    for (const auto& [key, group] : d->groups)
        size += group.size();
    return size;
}

namespace {

/// Builds chains with hash indexes: every object prepared once (in parallel), then one pass per object list.
class Builder {
public:
    Builder(const Snapshot& snapshot, const LineageOptions& options)
        : m_snapshot(snapshot)
        , m_options(options)
        , m_now(options.now.isValid() ? options.now : snapshot.takenAt)
    {
        std::vector<Job> jobs;
        for (const TenantSnapshot& tenant : snapshot.tenants)
            for (const QJsonObject& object : tenant.syncSecrets)
                jobs.push_back({ &object, &tenant.tenant.context, names::SyncSecretKind });
        m_firstManagement = jobs.size();
        for (const QJsonObject& object : snapshot.management.syncSecrets)
            jobs.push_back({ &object, &snapshot.management.context, names::SyncSecretKind });
        m_firstSecret = jobs.size();
        for (const QJsonObject& object : snapshot.management.secrets)
            jobs.push_back({ &object, &snapshot.management.context, names::SecretKind });
        m_prepared.resize(jobs.size());
        m_used = std::vector<std::atomic<bool>>(jobs.size());
        resolve(jobs);
        m_syncSecrets.reserve(qsizetype(m_firstSecret - m_firstManagement));
        for (size_t i = m_firstManagement; i < m_firstSecret; ++i)
            m_syncSecrets.insert({ m_prepared[i]->link.object.namespace_, m_prepared[i]->link.object.name }, i);
        m_secrets.reserve(qsizetype(jobs.size() - m_firstSecret));
        for (size_t i = m_firstSecret; i < jobs.size(); ++i)
            m_secrets.insert({ m_prepared[i]->link.object.namespace_, m_prepared[i]->link.object.name }, i);
        for (const TenantSnapshot& tenant : snapshot.tenants)
            m_tenantsByNamespace.insert(tenant.tenant.managementNamespace, &tenant);
    }

    QList<LineageChain> run()
    {
        // Tenant chains are independent of each other: built on several threads into their final places.
        std::vector<const TenantSnapshot*> tenantOf;
        tenantOf.reserve(m_firstManagement);
        for (const TenantSnapshot& tenant : m_snapshot.tenants)
            tenantOf.insert(tenantOf.end(), size_t(tenant.syncSecrets.size()), &tenant);
        m_chains.resize(qsizetype(m_firstManagement));
        LineageChain* chains = m_chains.data();
        parallelFor(m_firstManagement, workerThreads(m_options.threads), 4000, [&](size_t from, size_t to) {
            for (size_t i = from; i < to; ++i)
                chains[i] = tenantChain(*tenantOf[i], i);
        });
        size_t i = 0;
        for (i = m_firstManagement; i < m_firstSecret; ++i)
            if (!m_used[i].load(std::memory_order_relaxed))
                addManagementChain(i);
        for (i = m_firstSecret; i < m_prepared.size(); ++i)
            if (!m_used[i].load(std::memory_order_relaxed)
                && (m_prepared[i]->kubelbSecret || !m_prepared[i]->ownerUid.isEmpty()))
                addSecretOnlyChain(i);
        return m_chains;
    }

private:
    /// Fills m_prepared from the cache where uid and resourceVersion match, computing the rest.
    void resolve(const std::vector<Job>& jobs)
    {
        std::vector<size_t> todo;
        LineageCache::Impl* cache = m_options.cache ? m_options.cache->d.get() : nullptr;
        if (!cache) {
            todo.resize(jobs.size());
            for (size_t i = 0; i < jobs.size(); ++i)
                todo[i] = i;
            prepareAll(jobs, m_prepared, todo, m_options);
            return;
        }
        ++cache->build;
        // Jobs come in runs of one context and kind: one group lookup per run, then only the uid is hashed.
        std::vector<LineageCache::Impl::Group*> groups(jobs.size());
        LineageCache::Impl::Group* group = nullptr;
        for (size_t i = 0; i < jobs.size(); ++i) {
            if (!group || jobs[i].context != jobs[i - 1].context || jobs[i].kind != jobs[i - 1].kind)
                group = &cache->groups[*jobs[i].context + QChar(0) + jobs[i].kind];
            groups[i] = group;
            if (group->isEmpty()) {
                todo.push_back(i);
                continue;
            }
            const QJsonObject metadata = jobs[i].object->value("metadata"_L1).toObject();
            auto it = group->find(metadata.value("uid"_L1).toString());
            if (it != group->end() && !it->resourceVersion.isEmpty()
                && it->resourceVersion == metadata.value("resourceVersion"_L1).toString()) {
                it->seen = cache->build;
                m_prepared[i] = it->prepared;
            } else {
                todo.push_back(i);
            }
        }
        prepareAll(jobs, m_prepared, todo, m_options);
        for (auto& [key, group] : cache->groups)
            if (group.isEmpty())
                group.reserve(qsizetype(std::count(groups.begin(), groups.end(), &group)));
        for (size_t i : todo)
            groups[i]->insert(m_prepared[i]->link.object.uid,
                { m_prepared[i]->link.object.resourceVersion, m_prepared[i], cache->build });
        for (auto it = cache->groups.begin(); it != cache->groups.end();) {
            it->second.removeIf([build = cache->build](const auto& item) { return item.value().seen != build; });
            it = it->second.isEmpty() ? cache->groups.erase(it) : std::next(it);
        }
    }

    LineageLink link(size_t index, LineageChain& chain)
    {
        LineageLink result = m_prepared[index]->link;
        result.secondsSinceChange = result.lastChange.isValid() ? result.lastChange.secsTo(m_now) : -1;
        if (result.certificate) {
            CertificateInfo& info = *result.certificate;
            const qint64 days = m_now.daysTo(info.notAfter);
            info.expiresSoon = days < m_options.certificateWarningDays;
            if (info.expiresSoon)
                chain.warnings.append(days < 0
                        ? u"%1: certificate %2 expired"_s.arg(result.object.display(), info.subjectCommonName)
                        : u"%1: certificate %2 expires in %3 days"_s
                              .arg(result.object.display(), info.subjectCommonName)
                              .arg(days));
        }
        return result;
    }

    /// State of a downstream link compared with its upstream link.
    LinkState stateOf(size_t index, const LineageLink& link, const LineageLink& upstream) const
    {
        if (m_prepared[index]->terminating)
            return LinkState::Terminating;
        if (upstream.present() && upstream.fingerprint != link.fingerprint)
            return LinkState::Drifted;
        if (link.object.kind == names::SecretKind)
            return LinkState::Synced;
        return controllerState(link);
    }

    void fillManagement(LineageChain& chain, std::optional<size_t> management)
    {
        if (!management) {
            chain.warnings.append(u"no management SyncSecret"_s);
            return;
        }
        m_used[*management].store(true, std::memory_order_relaxed);
        chain.management = link(*management, chain);
        chain.management.state = stateOf(*management, chain.management, chain.tenant);
        fillSecret(chain, chain.management.object.namespace_, chain.management.object.uid);
    }

    void fillSecret(LineageChain& chain, const QString& ns, const QString& ownerUid)
    {
        const auto found = m_secrets.constFind({ ns, ownerUid });
        if (found == m_secrets.cend()) {
            chain.warnings.append(u"no Secret %1 in %2"_s.arg(ownerUid, ns));
            return;
        }
        const size_t secret = *found;
        m_used[secret].store(true, std::memory_order_relaxed);
        chain.secret = link(secret, chain);
        chain.secret.state = stateOf(secret, chain.secret, chain.management);
        if (m_prepared[secret]->ownerUid != ownerUid)
            chain.warnings.append(u"Secret %1 has no owner reference to its SyncSecret"_s.arg(ownerUid));
    }

    LineageChain tenantChain(const TenantSnapshot& tenant, size_t index)
    {
        LineageChain chain;
        chain.tenantContext = tenant.tenant.context;
        chain.tenant = link(index, chain);
        chain.originNamespace = chain.tenant.object.namespace_;
        chain.originName = chain.tenant.object.name;
        chain.tenant.state = stateOf(index, chain.tenant, {});
        const auto found = m_syncSecrets.constFind({ tenant.tenant.managementNamespace, chain.tenant.object.uid });
        fillManagement(chain, found == m_syncSecrets.cend() ? std::nullopt : std::optional<size_t>(*found));
        addDriftWarnings(chain);
        return chain;
    }

    void addManagementChain(size_t index)
    {
        LineageChain chain;
        const Prepared& p = *m_prepared[index];
        const TenantSnapshot* tenant = m_tenantsByNamespace.value(p.link.object.namespace_);
        chain.tenantContext = tenant ? tenant->tenant.context : QString();
        chain.originNamespace = p.originNamespace;
        chain.originName = p.originName;
        chain.warnings.append(!tenant ? u"no tenant maps to namespace %1"_s.arg(p.link.object.namespace_)
                : !tenant->reachable  ? u"tenant %1 unreachable"_s.arg(tenant->tenant.context)
                                      : u"tenant SyncSecret missing"_s);
        fillManagement(chain, index);
        addDriftWarnings(chain);
        m_chains.append(std::move(chain));
    }

    void addSecretOnlyChain(size_t index)
    {
        LineageChain chain;
        const Prepared& p = *m_prepared[index];
        chain.originNamespace = p.originNamespace;
        chain.originName = p.originName;
        chain.warnings.append(u"no management SyncSecret"_s);
        fillSecret(chain, p.link.object.namespace_, p.link.object.name);
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
    std::vector<SharedPrepared> m_prepared; ///< shared with the cache (no per-field copies); tenant SyncSecrets, then
                                            ///< management SyncSecrets, then Secrets
    std::vector<std::atomic<bool>> m_used; ///< written by the tenant chains' threads (relaxed: read after join)
    size_t m_firstManagement = 0;
    size_t m_firstSecret = 0;
    /// (namespace, name) → index; the views point into m_prepared, which lives as long as the builder.
    using NameKey = std::pair<QStringView, QStringView>;
    QHash<NameKey, size_t> m_syncSecrets;
    QHash<NameKey, size_t> m_secrets;
    QHash<QString, const TenantSnapshot*> m_tenantsByNamespace;
    QList<LineageChain> m_chains;
};

} // namespace

QList<LineageChain> buildLineage(const Snapshot& snapshot, const LineageOptions& options)
{
    return Builder(snapshot, options).run();
}

} // namespace models
