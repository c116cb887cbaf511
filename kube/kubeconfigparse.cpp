// Parsing one kubeconfig document into kube::Kubeconfig: types, base64, duplicate names, relative paths.
// Semantic checks of the chosen context live in kubeconfigresolve.cpp.
#include "kubeconfig.h"
#include "kubeconfig_p.h"
#include "yaml.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

/// One node's position and, for scalars, its exact text (a plain `token: 0123` must stay "0123").
struct NodeInfo {
    int line = 0;
    int column = 0;
    QString text;
};
using PositionIndex = QHash<QString, NodeInfo>;

QString joinPath(const QString& prefix, const QString& key)
{
    return prefix.isEmpty() ? key : prefix + u'.' + key;
}

void indexNode(const YAML::Node& node, const QString& path, PositionIndex* index, int depth, int* budget)
{
    if (depth > 64 || --*budget < 0)
        return;
    const YAML::Mark mark = node.Mark();
    NodeInfo info;
    if (!mark.is_null())
        info = { mark.line + 1, mark.column + 1, {} };
    if (node.IsScalar())
        info.text = QString::fromStdString(node.Scalar());
    if (!path.isEmpty() && info.line > 0)
        index->insert(path, info);
    if (node.IsMap()) {
        for (const auto& entry : node)
            if (entry.first.IsScalar())
                indexNode(entry.second, joinPath(path, QString::fromStdString(entry.first.Scalar())), index, depth + 1,
                    budget);
    } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            indexNode(node[i], path + u"[%1]"_s.arg(i), index, depth + 1, budget);
    }
}

/// Positions of every node by its path ("users[1].user.token"); empty when yaml-cpp disagrees with yamlToJson.
PositionIndex buildIndex(const QByteArray& yaml)
{
    PositionIndex index;
    try {
        int budget = 100000;
        indexNode(YAML::Load(yaml.toStdString()), {}, &index, 0, &budget);
    } catch (const std::exception&) {
        index.clear();
    }
    return index;
}

QString kindOf(const QJsonValue& v)
{
    return v.isObject() ? u"a mapping"_s : v.isArray() ? u"a sequence"_s : v.isBool() ? u"a boolean"_s : u"a scalar"_s;
}

/// Reads typed fields of one JSON object, remembering the first error.
class Parser {
public:
    Parser(const QString& file, const PositionIndex& index)
        : m_file(file)
        , m_dir(file.isEmpty() ? QString() : QFileInfo(file).absolutePath())
        , m_index(index)
    {
    }

    Expected<Kubeconfig> parse(const QJsonObject& root);

private:
    KubeconfigOrigin origin(const QString& path) const;
    void fail(const QString& path, const QString& message);
    QString string(const QJsonObject& o, const QString& path, const QString& key);
    bool boolean(const QJsonObject& o, const QString& path, const QString& key);
    QByteArray data(const QJsonObject& o, const QString& path, const QString& key);
    QString filePath(const QJsonObject& o, const QString& path, const QString& key);
    QStringList strings(const QJsonObject& o, const QString& path, const QString& key);
    QJsonObject object(const QJsonObject& o, const QString& path, const QString& key);
    QJsonArray list(const QJsonObject& o, const QString& path, const QString& key);

    void parseCluster(const QJsonObject& item, const QString& path, KubeconfigCluster* out);
    void parseUser(const QJsonObject& item, const QString& path, KubeconfigUser* out);
    void parseContext(const QJsonObject& item, const QString& path, KubeconfigContext* out);
    std::optional<ExecConfig> parseExec(const QJsonObject& user, const QString& path);
    template <typename T, typename F> QList<T> entries(const QJsonObject& root, const QString& key, F parseOne);

    QString m_file;
    QString m_dir;
    const PositionIndex& m_index;
    std::optional<ApiError> m_error;
};

KubeconfigOrigin Parser::origin(const QString& path) const
{
    KubeconfigOrigin o { m_file, path, {} };
    const QString prefix = path + u'.';
    for (auto it = m_index.cbegin(); it != m_index.cend(); ++it) {
        if (it.key() == path)
            o.positions.insert(QString(), { it->line, it->column });
        else if (it.key().startsWith(prefix))
            o.positions.insert(it.key().mid(prefix.size()), { it->line, it->column });
    }
    return o;
}

void Parser::fail(const QString& path, const QString& message)
{
    if (m_error)
        return;
    const NodeInfo info = m_index.value(path);
    const QString file = m_file.isEmpty() ? u"kubeconfig"_s : m_file;
    const QString at
        = info.line > 0 ? u"%1:%2:%3"_s.arg(file, QString::number(info.line), QString::number(info.column)) : file;
    m_error = detail::configError(u"%1: %2: %3"_s.arg(at, path, message));
}

QString Parser::string(const QJsonObject& o, const QString& path, const QString& key)
{
    const QJsonValue v = o.value(key);
    const QString at = joinPath(path, key);
    if (v.isString())
        return v.toString();
    if (v.isUndefined() || v.isNull())
        return {};
    if (v.isDouble() || v.isBool())
        return m_index.contains(at) ? m_index.value(at).text : v.toVariant().toString();
    fail(at, u"expected a string, got %1"_s.arg(kindOf(v)));
    return {};
}

bool Parser::boolean(const QJsonObject& o, const QString& path, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (!v.isBool() && !v.isUndefined() && !v.isNull())
        fail(joinPath(path, key), u"expected a boolean, got %1"_s.arg(kindOf(v)));
    return v.toBool();
}

QByteArray Parser::data(const QJsonObject& o, const QString& path, const QString& key)
{
    QByteArray out;
    QString reason;
    if (!detail::decodeBase64(string(o, path, key), &out, &reason))
        fail(joinPath(path, key), reason);
    return out;
}

QString Parser::filePath(const QJsonObject& o, const QString& path, const QString& key)
{
    const QString p = string(o, path, key);
    if (p.isEmpty() || m_dir.isEmpty() || QDir::isAbsolutePath(p))
        return p;
    return QDir::cleanPath(QDir(m_dir).absoluteFilePath(p));
}

QStringList Parser::strings(const QJsonObject& o, const QString& path, const QString& key)
{
    QStringList out;
    const QJsonArray items = list(o, path, key);
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString at = joinPath(path, key) + u"[%1]"_s.arg(i);
        const QJsonValue v = items.at(i);
        if (v.isObject() || v.isArray())
            fail(at, u"expected a string, got %1"_s.arg(kindOf(v)));
        out << (v.isString() || !m_index.contains(at) ? v.toVariant().toString() : m_index.value(at).text);
    }
    return out;
}

QJsonObject Parser::object(const QJsonObject& o, const QString& path, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (!v.isObject() && !v.isUndefined() && !v.isNull())
        fail(joinPath(path, key), u"expected a mapping, got %1"_s.arg(kindOf(v)));
    return v.toObject();
}

QJsonArray Parser::list(const QJsonObject& o, const QString& path, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (!v.isArray() && !v.isUndefined() && !v.isNull())
        fail(joinPath(path, key), u"expected a sequence, got %1"_s.arg(kindOf(v)));
    return v.toArray();
}

void Parser::parseCluster(const QJsonObject& item, const QString& path, KubeconfigCluster* out)
{
    const QString at = path + u".cluster"_s;
    const QJsonObject c = object(item, path, u"cluster"_s);
    out->server = string(c, at, u"server"_s);
    out->certificateAuthority = filePath(c, at, u"certificate-authority"_s);
    out->certificateAuthorityData = data(c, at, u"certificate-authority-data"_s);
    out->insecureSkipTlsVerify = boolean(c, at, u"insecure-skip-tls-verify"_s);
    out->tlsServerName = string(c, at, u"tls-server-name"_s);
    out->proxyUrl = string(c, at, u"proxy-url"_s);
}

std::optional<ExecConfig> Parser::parseExec(const QJsonObject& user, const QString& path)
{
    if (!user.contains(u"exec"_s) || user.value(u"exec"_s).isNull())
        return std::nullopt;
    const QString at = path + u".exec"_s;
    const QJsonObject e = object(user, path, u"exec"_s);
    ExecConfig exec;
    exec.command = string(e, at, u"command"_s);
    // Only a command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
    if (exec.command.contains(u'/'))
        exec.command = filePath(e, at, u"command"_s);
    exec.args = strings(e, at, u"args"_s);
    exec.apiVersion = string(e, at, u"apiVersion"_s);
    exec.installHint = string(e, at, u"installHint"_s);
    exec.provideClusterInfo = boolean(e, at, u"provideClusterInfo"_s);
    exec.interactiveMode = string(e, at, u"interactiveMode"_s);
    if (exec.interactiveMode.isEmpty() && exec.apiVersion == "client.authentication.k8s.io/v1beta1"_L1)
        exec.interactiveMode = u"IfAvailable"_s; // kubeconfig v1 defaulting; v1 has no default
    const QJsonArray env = list(e, at, u"env"_s);
    for (qsizetype i = 0; i < env.size(); ++i) {
        const QString envAt = at + u".env[%1]"_s.arg(i);
        if (!env.at(i).isObject())
            fail(envAt, u"expected a mapping, got %1"_s.arg(kindOf(env.at(i))));
        const QJsonObject var = env.at(i).toObject();
        exec.env.append({ string(var, envAt, u"name"_s), string(var, envAt, u"value"_s) });
    }
    return exec;
}

void Parser::parseUser(const QJsonObject& item, const QString& path, KubeconfigUser* out)
{
    const QString at = path + u".user"_s;
    const QJsonObject u = object(item, path, u"user"_s);
    out->token = string(u, at, u"token"_s);
    out->tokenFile = filePath(u, at, u"tokenFile"_s);
    out->clientCertificate = filePath(u, at, u"client-certificate"_s);
    out->clientCertificateData = data(u, at, u"client-certificate-data"_s);
    out->clientKey = filePath(u, at, u"client-key"_s);
    out->clientKeyData = data(u, at, u"client-key-data"_s);
    out->username = string(u, at, u"username"_s);
    out->password = string(u, at, u"password"_s);
    out->impersonate = string(u, at, u"as"_s);
    out->authProvider = string(object(u, at, u"auth-provider"_s), at + u".auth-provider"_s, u"name"_s);
    if (u.contains(u"auth-provider"_s) && out->authProvider.isEmpty())
        out->authProvider = u"unnamed"_s;
    out->exec = parseExec(u, at);
}

void Parser::parseContext(const QJsonObject& item, const QString& path, KubeconfigContext* out)
{
    const QString at = path + u".context"_s;
    const QJsonObject c = object(item, path, u"context"_s);
    out->cluster = string(c, at, u"cluster"_s);
    out->user = string(c, at, u"user"_s);
    out->ns = string(c, at, u"namespace"_s);
}

template <typename T, typename F> QList<T> Parser::entries(const QJsonObject& root, const QString& key, F parseOne)
{
    QList<T> out;
    QSet<QString> seen;
    const QJsonArray items = list(root, {}, key);
    for (qsizetype i = 0; i < items.size() && !m_error; ++i) {
        const QString path = u"%1[%2]"_s.arg(key, QString::number(i));
        if (!items.at(i).isObject()) {
            fail(path, u"expected a mapping, got %1"_s.arg(kindOf(items.at(i))));
            break;
        }
        const QJsonObject item = items.at(i).toObject();
        T entry;
        entry.name = string(item, path, u"name"_s);
        if (seen.contains(entry.name))
            fail(path + u".name"_s, u"duplicate name \"%1\" in %2"_s.arg(entry.name, key));
        seen.insert(entry.name);
        entry.origin = origin(path);
        (this->*parseOne)(item, path, &entry);
        out << entry;
    }
    return out;
}

Expected<Kubeconfig> Parser::parse(const QJsonObject& root)
{
    Kubeconfig config;
    config.clusters = entries<KubeconfigCluster>(root, u"clusters"_s, &Parser::parseCluster);
    config.users = entries<KubeconfigUser>(root, u"users"_s, &Parser::parseUser);
    config.contexts = entries<KubeconfigContext>(root, u"contexts"_s, &Parser::parseContext);
    config.currentContext = string(root, {}, u"current-context"_s);
    if (!config.currentContext.isEmpty())
        config.currentContextFile = m_file;
    if (!m_file.isEmpty())
        config.files << m_file;
    if (m_error)
        return *m_error;
    return config;
}

} // namespace

Expected<Kubeconfig> parseKubeconfig(const QByteArray& yaml, const QString& file)
{
    const QString name = file.isEmpty() ? u"kubeconfig"_s : file;
    ParseError error;
    const std::optional<QJsonValue> json = yamlToJson(yaml, &error);
    if (!json) {
        const QString at = error.line > 0
            ? u"%1:%2:%3"_s.arg(name, QString::number(error.line), QString::number(error.column))
            : name;
        return detail::configError(u"%1: invalid YAML: %2"_s.arg(at, error.message));
    }
    if (json->isNull() || json->isUndefined()) {
        Kubeconfig empty;
        if (!file.isEmpty())
            empty.files << file;
        return empty;
    }
    if (!json->isObject())
        return detail::configError(u"%1: expected a kubeconfig mapping, got %2"_s.arg(name, kindOf(*json)));
    const PositionIndex index = buildIndex(yaml);
    return Parser(file, index).parse(json->toObject());
}

} // namespace kube
