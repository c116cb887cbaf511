#pragma once

#include "clientconfig.h"
#include "expected.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <optional>

namespace kube {

/// Where a kubeconfig entry was defined: file, YAML path and field positions, for error messages.
struct KubeconfigOrigin {
    QString file; ///< absolute path, or "" for a document parsed from memory
    QString path; ///< "users[1]"
    QHash<QString, QPair<int, int>> positions; ///< "user.client-key-data" → 1-based (line, column)

    /// "file:line:column: users[1].user.client-key-data" (the nearest known position of `field`).
    QString where(const QString& field) const;
};

/// A named cluster of a kubeconfig (clientcmdapi.Cluster); relative paths are already absolute.
struct KubeconfigCluster {
    QString name;
    QString server;
    QString certificateAuthority; ///< file path
    QByteArray certificateAuthorityData; ///< decoded PEM
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QString proxyUrl;
    KubeconfigOrigin origin;
};

/// A named user of a kubeconfig (clientcmdapi.AuthInfo); relative paths are already absolute.
struct KubeconfigUser {
    QString name;
    QString token;
    QString tokenFile;
    QString clientCertificate; ///< file path
    QByteArray clientCertificateData; ///< decoded PEM
    QString clientKey; ///< file path
    QByteArray clientKeyData; ///< decoded PEM
    QString username;
    QString password;
    std::optional<ExecConfig> exec;
    QString authProvider; ///< name of a legacy auth-provider (not supported)
    QString impersonate; ///< `as` (not supported)
    KubeconfigOrigin origin;
};

/// A named context of a kubeconfig.
struct KubeconfigContext {
    QString name;
    QString cluster;
    QString user;
    QString ns; ///< namespace; empty means "default"
    KubeconfigOrigin origin;
};

/// One kubeconfig, or several merged with client-go's rules.
struct Kubeconfig {
    QList<KubeconfigCluster> clusters;
    QList<KubeconfigUser> users;
    QList<KubeconfigContext> contexts;
    QString currentContext;
    QString currentContextFile; ///< the file whose current-context won
    QStringList files; ///< files read, in precedence order

    /// The cluster named `name`, or nullptr.
    const KubeconfigCluster* cluster(const QString& name) const;
    /// The user named `name`, or nullptr.
    const KubeconfigUser* user(const QString& name) const;
    /// The context named `name`, or nullptr.
    const KubeconfigContext* context(const QString& name) const;
    /// No clusters, users, contexts or current-context (client-go's IsConfigEmpty).
    bool isEmpty() const;
};

/// One row of KubeconfigLoader::listContexts(), for context pickers.
struct ContextInfo {
    QString name;
    QString cluster;
    QString user;
    QString ns; ///< effective namespace ("default" when unset)
    QString server; ///< empty when the cluster is missing
    QString file; ///< the kubeconfig that defines the context
    bool current = false;
};

/// Parses one kubeconfig document; `file` names it in errors and anchors relative paths.
Expected<Kubeconfig> parseKubeconfig(const QByteArray& yaml, const QString& file);
/// Reads and parses one kubeconfig file.
Expected<Kubeconfig> loadKubeconfigFile(const QString& path);
/// Merges kubeconfigs given in precedence order: the first to define a name or current-context wins.
Kubeconfig mergeKubeconfigs(const QList<Kubeconfig>& configs);
/// Resolves a context (empty = current-context) into a ClientConfig: checks references, reads CA, certificate,
/// key and token files, verifies the key matches the certificate. Non-fatal findings go to *warnings.
Expected<ClientConfig> resolveContext(
    const Kubeconfig& config, const QString& contextName, QStringList* warnings = nullptr);
/// The contexts of `config` with what they point at.
QList<ContextInfo> contextInfos(const Kubeconfig& config);

/// client-go's loading rules: --kubeconfig > KUBECONFIG (merged) > ~/.kube/config > in-cluster.
class KubeconfigLoader {
public:
    /// Rules reading KUBECONFIG, HOME, POD_NAMESPACE and KUBERNETES_SERVICE_HOST/PORT from `environment`.
    explicit KubeconfigLoader(QProcessEnvironment environment = QProcessEnvironment::systemEnvironment());

    /// A file that must exist and replaces KUBECONFIG and ~/.kube/config (kubectl --kubeconfig).
    void setExplicitPath(const QString& path) { m_explicitPath = path; }
    /// The ServiceAccount mount (default /var/run/secrets/kubernetes.io/serviceaccount).
    void setServiceAccountDir(const QString& dir) { m_serviceAccountDir = dir; }

    /// The kubeconfig files consulted, in precedence order (existing or not).
    QStringList precedence() const;
    /// Reads and merges the files of precedence(); missing files are skipped unless explicit.
    Expected<Kubeconfig> loadMerged() const;
    /// The ClientConfig of `context` (empty = current-context), or the in-cluster config when no kubeconfig
    /// provides anything and the process runs in a Pod.
    Expected<ClientConfig> load(const QString& context = {}, QStringList* warnings = nullptr) const;
    /// The contexts of the merged kubeconfig.
    Expected<QList<ContextInfo>> listContexts() const;
    /// Whether the in-cluster config is available (service env variables and the token file).
    bool inClusterPossible() const;
    /// The in-cluster config (client-go's rest.InClusterConfig).
    Expected<ClientConfig> loadInCluster() const;

private:
    QProcessEnvironment m_env;
    QString m_explicitPath;
    QString m_serviceAccountDir;
};

} // namespace kube
