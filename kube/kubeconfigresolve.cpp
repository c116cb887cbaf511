// Resolving one kubeconfig context into a ClientConfig, with client-go's ConfirmUsable checks.
#include "kubeconfig.h"
#include "kubeconfig_p.h"
#include "tls.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const QStringList kExecApiVersions
    = { u"client.authentication.k8s.io/v1"_s, u"client.authentication.k8s.io/v1beta1"_s };
const QStringList kInteractiveModes = { u"Never"_s, u"IfAvailable"_s, u"Always"_s };

/// The exec plugin people use instead of a removed in-tree auth-provider.
QString authProviderReplacement(const QString& name)
{
    if (name == "gcp"_L1)
        return u" (for example gke-gcloud-auth-plugin)"_s;
    if (name == "azure"_L1)
        return u" (for example kubelogin)"_s;
    if (name == "oidc"_L1)
        return u" (for example kubectl oidc-login)"_s;
    return {};
}

class Resolver {
public:
    Resolver(ClientConfig* out, QStringList* warnings)
        : m_out(out)
        , m_warnings(warnings)
    {
    }

    std::optional<ApiError> cluster(const KubeconfigCluster& c);
    std::optional<ApiError> user(const KubeconfigUser& u);

private:
    std::optional<ApiError> readReferenced(const KubeconfigOrigin& origin, const QString& field, const QString& kind,
        const QString& what, const QString& path, QByteArray* data);
    std::optional<ApiError> pem(const KubeconfigOrigin& origin, const QString& field, const QString& label,
        const QString& path, const QString& what, const QByteArray& inlineData, QByteArray* out);
    std::optional<ApiError> clientCertificate(const KubeconfigUser& u);
    std::optional<ApiError> exec(const KubeconfigUser& u);
    void warn(const KubeconfigOrigin& origin, const QString& field, const QString& message);

    ClientConfig* m_out;
    QStringList* m_warnings;
};

ApiError errorAt(const KubeconfigOrigin& origin, const QString& field, const QString& message)
{
    return detail::configError(origin.where(field) + u": "_s + message);
}

void Resolver::warn(const KubeconfigOrigin& origin, const QString& field, const QString& message)
{
    if (m_warnings)
        m_warnings->append(origin.where(field) + u": "_s + message);
}

std::optional<ApiError> Resolver::readReferenced(const KubeconfigOrigin& origin, const QString& field,
    const QString& kind, const QString& what, const QString& path, QByteArray* data)
{
    QString reason;
    if (detail::readWholeFile(path, data, &reason))
        return std::nullopt;
    return errorAt(origin, field, u"unable to read %1 \"%2\" for %3: %4"_s.arg(kind, path, what, reason));
}

// `-data` beats the file (client-go warns when both are set); the result must be PEM.
std::optional<ApiError> Resolver::pem(const KubeconfigOrigin& origin, const QString& field, const QString& label,
    const QString& path, const QString& what, const QByteArray& inlineData, QByteArray* out)
{
    const QString dataField = field + u"-data"_s;
    if (!inlineData.isEmpty() && !path.isEmpty())
        warn(origin, dataField, u"%1-data and %1 are both specified for %2; %1-data will override"_s.arg(label, what));
    if (!inlineData.isEmpty()) {
        *out = inlineData;
        return std::nullopt;
    }
    if (path.isEmpty())
        return std::nullopt;
    return readReferenced(origin, field, label, what, path, out);
}

std::optional<ApiError> Resolver::cluster(const KubeconfigCluster& c)
{
    const KubeconfigOrigin& o = c.origin;
    const QString what = u"cluster \"%1\""_s.arg(c.name);
    if (c.server.isEmpty())
        return errorAt(o, u"cluster.server"_s, u"no server found for %1"_s.arg(what));
    if (auto e = pem(o, u"cluster.certificate-authority"_s, u"certificate-authority"_s, c.certificateAuthority, what,
            c.certificateAuthorityData, &m_out->caPem))
        return e;
    if (!m_out->caPem.isEmpty() && !containsPemCertificate(m_out->caPem))
        return errorAt(o,
            c.certificateAuthorityData.isEmpty() ? u"cluster.certificate-authority"_s
                                                 : u"cluster.certificate-authority-data"_s,
            u"no PEM certificate found in the certificate authority of %1"_s.arg(what));
    if (c.insecureSkipTlsVerify && !m_out->caPem.isEmpty())
        return errorAt(o, u"cluster.insecure-skip-tls-verify"_s,
            u"specifying a root certificates file with the insecure flag is not allowed (%1)"_s.arg(what));
    if (c.insecureSkipTlsVerify)
        warn(o, u"cluster.insecure-skip-tls-verify"_s,
            u"TLS certificate verification is disabled for %1 (insecure-skip-tls-verify)"_s.arg(what));
    const QUrl proxy(c.proxyUrl);
    if (!c.proxyUrl.isEmpty()
        && (!QStringList { u"http"_s, u"https"_s, u"socks5"_s }.contains(proxy.scheme()) || proxy.host().isEmpty()))
        return errorAt(o, u"cluster.proxy-url"_s,
            u"invalid 'proxy-url' \"%1\" for %2: must be an http, https or socks5 URL"_s.arg(c.proxyUrl, what));
    QString server = c.server;
    if (!server.contains(u"://"_s)) // client-go's DefaultServerURL: https when TLS is configured
        server.prepend(!m_out->caPem.isEmpty() || c.insecureSkipTlsVerify ? u"https://"_s : u"http://"_s);
    const QUrl url(server, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != "https"_L1 && url.scheme() != "http"_L1))
        return errorAt(o, u"cluster.server"_s, u"server \"%1\" of %2 is not a valid URL"_s.arg(c.server, what));
    m_out->server = server;
    m_out->insecureSkipTlsVerify = c.insecureSkipTlsVerify;
    m_out->tlsServerName = c.tlsServerName;
    m_out->proxyUrl = c.proxyUrl;
    return std::nullopt;
}

std::optional<ApiError> Resolver::clientCertificate(const KubeconfigUser& u)
{
    const KubeconfigOrigin& o = u.origin;
    const QString what = u"user \"%1\""_s.arg(u.name);
    if (auto e = pem(o, u"user.client-certificate"_s, u"client-certificate"_s, u.clientCertificate, what,
            u.clientCertificateData, &m_out->clientCertPem))
        return e;
    if (auto e
        = pem(o, u"user.client-key"_s, u"client-key"_s, u.clientKey, what, u.clientKeyData, &m_out->clientKeyPem))
        return e;
    const bool hasCert = !m_out->clientCertPem.isEmpty();
    const bool hasKey = !m_out->clientKeyPem.isEmpty();
    if (hasCert != hasKey) {
        const QString missing
            = hasCert ? u"client-key-data or client-key"_s : u"client-certificate-data or client-certificate"_s;
        return errorAt(o, u"user"_s,
            u"%1 must be specified for %2 to use the clientCert authentication method"_s.arg(missing, what));
    }
    if (!hasCert)
        return std::nullopt;
    const QString certField
        = u.clientCertificateData.isEmpty() ? u"client-certificate"_s : u"client-certificate-data"_s;
    const QString keyField = u.clientKeyData.isEmpty() ? u"client-key"_s : u"client-key-data"_s;
    if (!containsPemCertificate(m_out->clientCertPem))
        return errorAt(o, u"user."_s + certField, u"no PEM certificate found in %1 of %2"_s.arg(certField, what));
    QString reason;
    if (!privateKeyMatchesCertificate(m_out->clientCertPem, m_out->clientKeyPem, &reason))
        return errorAt(o, u"user."_s + keyField, u"%1 of %2 (%3 / %4)"_s.arg(reason, what, certField, keyField));
    return std::nullopt;
}

std::optional<ApiError> Resolver::exec(const KubeconfigUser& u)
{
    const ExecConfig& e = *u.exec;
    const KubeconfigOrigin& o = u.origin;
    const QString what = u"user \"%1\""_s.arg(u.name);
    if (e.command.isEmpty())
        return errorAt(o, u"user.exec.command"_s,
            u"command must be specified for %1 to use exec authentication plugin"_s.arg(what));
    if (e.apiVersion.isEmpty())
        return errorAt(o, u"user.exec.apiVersion"_s,
            u"apiVersion must be specified for %1 to use exec authentication plugin"_s.arg(what));
    if (!kExecApiVersions.contains(e.apiVersion))
        return errorAt(o, u"user.exec.apiVersion"_s, u"exec plugin: invalid apiVersion \"%1\""_s.arg(e.apiVersion));
    if (e.interactiveMode.isEmpty())
        return errorAt(o, u"user.exec"_s,
            u"interactiveMode must be specified for %1 to use exec authentication plugin"_s.arg(what));
    if (!kInteractiveModes.contains(e.interactiveMode))
        return errorAt(o, u"user.exec.interactiveMode"_s,
            u"invalid interactiveMode for %1: \"%2\""_s.arg(what, e.interactiveMode));
    for (const auto& [name, value] : e.env)
        if (name.isEmpty())
            return errorAt(o, u"user.exec.env"_s,
                u"env variable name must be specified for %1 to use exec authentication plugin"_s.arg(what));
    m_out->exec = e;
    return std::nullopt;
}

std::optional<ApiError> Resolver::user(const KubeconfigUser& u)
{
    const KubeconfigOrigin& o = u.origin;
    const QString what = u"user \"%1\""_s.arg(u.name);
    if (!u.authProvider.isEmpty())
        return errorAt(o, u"user.auth-provider"_s,
            u"auth-provider \"%1\" is not supported; use an exec credential plugin%2"_s.arg(
                u.authProvider, authProviderReplacement(u.authProvider)));
    if (!u.impersonate.isEmpty())
        return errorAt(o, u"user.as"_s, u"impersonation (as) is not supported for %1"_s.arg(what));
    if (!u.token.isEmpty() && (!u.username.isEmpty() || !u.password.isEmpty()))
        return errorAt(o, u"user"_s,
            u"more than one authentication method found for %1; found [token basicAuth], only one is allowed"_s.arg(
                what));
    m_out->token = u.token;
    m_out->tokenFile = u.tokenFile;
    if (u.token.isEmpty() && !u.tokenFile.isEmpty()) {
        QByteArray token;
        if (auto e = readReferenced(o, u"user.tokenFile"_s, u"tokenFile"_s, what, u.tokenFile, &token))
            return e;
        m_out->token = QString::fromUtf8(token.trimmed());
    }
    m_out->username = u.username;
    m_out->password = u.password;
    if (auto e = clientCertificate(u))
        return e;
    return u.exec ? exec(u) : std::nullopt;
}

QString availableContexts(const Kubeconfig& config)
{
    QStringList names;
    for (const KubeconfigContext& c : config.contexts)
        names << c.name;
    return names.isEmpty() ? u"none"_s : names.join(u", "_s);
}

QString fileList(const Kubeconfig& config)
{
    return config.files.isEmpty() ? u"kubeconfig"_s : config.files.join(u", "_s);
}

} // namespace

Expected<ClientConfig> resolveContext(const Kubeconfig& config, const QString& contextName, QStringList* warnings)
{
    const QString name = contextName.isEmpty() ? config.currentContext : contextName;
    if (name.isEmpty())
        return detail::configError(u"%1: no context chosen: current-context is not set (available contexts: %2)"_s.arg(
            fileList(config), availableContexts(config)));
    const KubeconfigContext* context = config.context(name);
    if (!context)
        return detail::configError(u"%1: context \"%2\" not found (available contexts: %3)"_s.arg(
            fileList(config), name, availableContexts(config)));
    const KubeconfigOrigin& o = context->origin;
    if (context->cluster.isEmpty())
        return errorAt(o, u"context"_s, u"cluster was not specified for context \"%1\""_s.arg(name));
    const KubeconfigCluster* cluster = config.cluster(context->cluster);
    if (!cluster)
        return errorAt(
            o, u"context.cluster"_s, u"cluster \"%1\" was not found for context \"%2\""_s.arg(context->cluster, name));
    if (context->user.isEmpty())
        return errorAt(o, u"context"_s, u"user was not specified for context \"%1\""_s.arg(name));
    const KubeconfigUser* user = config.user(context->user);
    if (!user)
        return errorAt(
            o, u"context.user"_s, u"user \"%1\" was not found for context \"%2\""_s.arg(context->user, name));
    ClientConfig out;
    out.contextName = name;
    out.clusterName = cluster->name;
    out.userName = user->name;
    out.defaultNamespace = context->ns.isEmpty() ? u"default"_s : context->ns;
    out.source = o.file;
    Resolver resolver(&out, warnings);
    if (auto e = resolver.cluster(*cluster))
        return *e;
    if (auto e = resolver.user(*user))
        return *e;
    return out;
}

} // namespace kube
