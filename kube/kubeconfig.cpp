// Loading rules (explicit file, KUBECONFIG merge, ~/.kube/config, in-cluster) and merged-kubeconfig lookups.
#include "kubeconfig.h"

#include "kubeconfig_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

using namespace Qt::StringLiterals;

namespace kube {

namespace detail {

bool readWholeFile(const QString& path, QByteArray* data, QString* reason)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        *reason = u"no such file or directory"_s;
        return false;
    }
    if (info.isDir()) {
        *reason = u"is a directory"_s;
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *reason = file.errorString().toLower();
        return false;
    }
    // Kubeconfigs, certificates and tokens are kilobytes; a path to /dev/zero or a huge file must not take the
    // process's memory. Pipes (--kubeconfig <(...)) are read like files.
    *data = file.read(MaxFileSize + 1);
    if (data->size() > MaxFileSize) {
        data->clear();
        *reason = u"larger than %1 MiB, which no kubeconfig, certificate or token file is"_s.arg(
            MaxFileSize / (1024 * 1024));
        return false;
    }
    return true;
}

bool decodeBase64(const QString& text, QByteArray* out, QString* reason)
{
    QByteArray clean;
    QList<qsizetype> origin; // index in `text` of each kept character, for Go's error position
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\r' || c == u'\n')
            continue;
        const bool alphabet = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')
            || c == u'+' || c == u'/' || c == u'=';
        if (!alphabet) {
            *reason = u"illegal base64 data at input byte %1"_s.arg(i);
            return false;
        }
        clean += char(c.unicode());
        origin << i;
    }
    const qsizetype pad = clean.indexOf('=');
    const qsizetype padCount = pad < 0 ? 0 : clean.size() - pad;
    const bool padOk = pad < 0 || (padCount <= 2 && clean.count('=') == padCount);
    if (!padOk || clean.size() % 4 != 0) {
        const qsizetype at = !padOk ? pad : clean.size() - clean.size() % 4;
        *reason = u"illegal base64 data at input byte %1"_s.arg(at < origin.size() ? origin.at(at) : text.size());
        return false;
    }
    *out = QByteArray::fromBase64(clean);
    return true;
}

} // namespace detail

QString KubeconfigOrigin::where(const QString& field) const
{
    const QString fullPath = field.isEmpty() ? path : path + u'.' + field;
    const QString name = file.isEmpty() ? u"kubeconfig"_s : file;
    QString key = field;
    while (!positions.contains(key) && !key.isEmpty())
        key.truncate(std::max<qsizetype>(key.lastIndexOf(u'.'), 0));
    if (!positions.contains(key))
        return u"%1: %2"_s.arg(name, fullPath);
    const auto [line, column] = positions.value(key);
    return u"%1:%2:%3: %4"_s.arg(name, QString::number(line), QString::number(column), fullPath);
}

namespace {

template <typename T> const T* findNamed(const QList<T>& list, const QString& name)
{
    for (const T& entry : list)
        if (entry.name == name)
            return &entry;
    return nullptr;
}

template <typename T> void mergeNamed(QList<T>* into, const QList<T>& from)
{
    for (const T& entry : from)
        if (!findNamed(*into, entry.name))
            into->append(entry);
}

} // namespace

const KubeconfigCluster* Kubeconfig::cluster(const QString& name) const
{
    return findNamed(clusters, name);
}

const KubeconfigUser* Kubeconfig::user(const QString& name) const
{
    return findNamed(users, name);
}

const KubeconfigContext* Kubeconfig::context(const QString& name) const
{
    return findNamed(contexts, name);
}

bool Kubeconfig::isEmpty() const
{
    return clusters.isEmpty() && users.isEmpty() && contexts.isEmpty() && currentContext.isEmpty();
}

Expected<Kubeconfig> loadKubeconfigFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QByteArray yaml;
    QString reason;
    if (!detail::readWholeFile(absolute, &yaml, &reason))
        return detail::configError(u"%1: cannot read kubeconfig: %2"_s.arg(absolute, reason));
    return parseKubeconfig(yaml, absolute);
}

Kubeconfig mergeKubeconfigs(const QList<Kubeconfig>& configs)
{
    Kubeconfig merged;
    for (const Kubeconfig& config : configs) {
        mergeNamed(&merged.clusters, config.clusters);
        mergeNamed(&merged.users, config.users);
        mergeNamed(&merged.contexts, config.contexts);
        if (merged.currentContext.isEmpty() && !config.currentContext.isEmpty()) {
            merged.currentContext = config.currentContext;
            merged.currentContextFile = config.currentContextFile;
        }
        merged.files << config.files;
    }
    return merged;
}

QList<ContextInfo> contextInfos(const Kubeconfig& config)
{
    QList<ContextInfo> out;
    for (const KubeconfigContext& c : config.contexts) {
        const KubeconfigCluster* cluster = config.cluster(c.cluster);
        out << ContextInfo { c.name, c.cluster, c.user, c.ns.isEmpty() ? u"default"_s : c.ns,
            cluster ? cluster->server : QString(), c.origin.file, c.name == config.currentContext };
    }
    return out;
}

KubeconfigLoader::KubeconfigLoader(QProcessEnvironment environment)
    : m_env(std::move(environment))
    , m_serviceAccountDir(u"/var/run/secrets/kubernetes.io/serviceaccount"_s)
{
}

QStringList KubeconfigLoader::precedence() const
{
    if (!m_explicitPath.isEmpty())
        return { QFileInfo(m_explicitPath).absoluteFilePath() };
    const QString env = m_env.value(u"KUBECONFIG"_s);
    if (env.isEmpty()) {
        const QString home = m_env.value(u"HOME"_s, QDir::homePath());
        return { QDir::cleanPath(home + u"/.kube/config"_s) };
    }
    QStringList files;
    for (const QString& entry : env.split(QDir::listSeparator(), Qt::SkipEmptyParts)) {
        const QString path = QFileInfo(entry).absoluteFilePath();
        if (!files.contains(path))
            files << path;
    }
    return files;
}

Expected<Kubeconfig> KubeconfigLoader::loadMerged() const
{
    QList<Kubeconfig> configs;
    for (const QString& path : precedence()) {
        if (m_explicitPath.isEmpty() && !QFileInfo::exists(path))
            continue; // client-go skips missing KUBECONFIG entries and a missing ~/.kube/config
        Expected<Kubeconfig> config = loadKubeconfigFile(path);
        if (!config)
            return config.error();
        configs << *config;
    }
    return mergeKubeconfigs(configs);
}

Expected<ClientConfig> KubeconfigLoader::load(const QString& context, QStringList* warnings) const
{
    Expected<Kubeconfig> merged = loadMerged();
    if (!merged)
        return merged.error();
    if (!merged->isEmpty())
        return resolveContext(*merged, context, warnings);
    if (inClusterPossible())
        return loadInCluster();
    const QString where = merged->files.isEmpty() ? u"no kubeconfig at "_s + precedence().join(QDir::listSeparator())
                                                  : u"empty kubeconfig "_s + merged->files.join(u", "_s);
    const bool serviceEnv
        = !m_env.value(u"KUBERNETES_SERVICE_HOST"_s).isEmpty() && !m_env.value(u"KUBERNETES_SERVICE_PORT"_s).isEmpty();
    const QString notInCluster = serviceEnv ? u"no ServiceAccount token at %1/token"_s.arg(m_serviceAccountDir)
                                            : u"KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"_s;
    return detail::configError(
        u"no configuration has been provided (%1; not running in a cluster: %2)"_s.arg(where, notInCluster));
}

Expected<QList<ContextInfo>> KubeconfigLoader::listContexts() const
{
    Expected<Kubeconfig> merged = loadMerged();
    if (!merged)
        return merged.error();
    if (!merged->isEmpty() || !inClusterPossible())
        return contextInfos(*merged);
    Expected<ClientConfig> inCluster = loadInCluster();
    if (!inCluster)
        return inCluster.error();
    return QList<ContextInfo> { { u"in-cluster"_s, {}, {}, inCluster->defaultNamespace, inCluster->server,
        inCluster->source, true } };
}

bool KubeconfigLoader::inClusterPossible() const
{
    return !m_env.value(u"KUBERNETES_SERVICE_HOST"_s).isEmpty() && !m_env.value(u"KUBERNETES_SERVICE_PORT"_s).isEmpty()
        && QFileInfo::exists(m_serviceAccountDir + u"/token"_s);
}

Expected<ClientConfig> KubeconfigLoader::loadInCluster() const
{
    const QString host = m_env.value(u"KUBERNETES_SERVICE_HOST"_s);
    const QString port = m_env.value(u"KUBERNETES_SERVICE_PORT"_s);
    if (host.isEmpty() || port.isEmpty())
        return detail::configError(u"unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                                   u"KUBERNETES_SERVICE_PORT must be defined"_s);
    ClientConfig config;
    config.server = u"https://%1:%2"_s.arg(host.contains(u':') ? u'[' + host + u']' : host, port);
    config.tokenFile = m_serviceAccountDir + u"/token"_s;
    config.source = u"in-cluster"_s;
    QByteArray data;
    QString reason;
    if (!detail::readWholeFile(config.tokenFile, &data, &reason))
        return detail::configError(
            u"unable to load in-cluster configuration: unable to read token file \"%1\": %2"_s.arg(
                config.tokenFile, reason));
    config.token = QString::fromUtf8(data.trimmed());
    // Like client-go, a missing CA is not fatal: the system CAs are used and TLS will say why it fails.
    if (detail::readWholeFile(m_serviceAccountDir + u"/ca.crt"_s, &data, &reason))
        config.caPem = data;
    config.defaultNamespace = m_env.value(u"POD_NAMESPACE"_s);
    if (config.defaultNamespace.isEmpty()
        && detail::readWholeFile(m_serviceAccountDir + u"/namespace"_s, &data, &reason))
        config.defaultNamespace = QString::fromUtf8(data.trimmed());
    if (config.defaultNamespace.isEmpty())
        config.defaultNamespace = u"default"_s;
    return config;
}

} // namespace kube
