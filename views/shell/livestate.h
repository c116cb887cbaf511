#pragma once

#include "kube/clientconfig.h"
#include "kube/expected.h"
#include "models/lineage.h"
#include "models/snapshot.h"
#include "views/consoleconfig.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QThread>
#include <optional>

namespace kube {
class RestClient;
}

namespace views {

/// Health of one configured context, as the sidebar and the status bar show it.
struct ContextStatus {
    enum class State { Connecting, Healthy, Degraded, Failed };
    QString context;
    QString role; ///< "management" or "tenant"
    State state = State::Connecting;
    QString error; ///< the ApiError / kubeconfig message as it came
    int watches = 0; ///< informers of this context
    int watchesHealthy = 0; ///< synced and without an unrecovered error
    QDateTime lastEvent; ///< newest list or watch event
};

class LiveWorker;

/// A token or password typed for a context without kubeconfig credentials (kept in the keychain by the app).
struct TypedCredential {
    bool password = false; ///< false: a bearer token
    QString secret;
};

/// The client configuration the console uses for `context`, for the live view and every action it takes: the
/// kubeconfig files of `config` merged as KUBECONFIG does (none listed: $KUBECONFIG, else ~/.kube/config), with the
/// typed credential of `context`, if any, instead of the kubeconfig user's token or password.
kube::Expected<kube::ClientConfig> resolveClientConfig(
    const ConsoleConfig& config, const QHash<QString, TypedCredential>& typed, const QString& context);

/// The console's live data: per context a kube::RestClient and watch-driven informers (management: SyncSecrets,
/// Secrets and Namespaces; tenants: SyncSecrets) on a worker thread. Changes are coalesced (100 ms) into a fresh
/// lineage, computed off the UI thread and delivered by queued signal; the UI thread never waits on the network.
class LiveState : public QObject {
    Q_OBJECT
public:
    explicit LiveState(QObject* parent = nullptr);
    ~LiveState() override;

    /// Connects to the contexts of `config` (dropping previous connections).
    void setConfig(const ConsoleConfig& config);
    const ConsoleConfig& config() const { return m_config; }
    /// Typed credentials by context, used instead of the kubeconfig user's from the next setConfig() on
    /// (memory only).
    void setTypedCredentials(const QHash<QString, TypedCredential>& credentials) { m_credentials = credentials; }
    const QHash<QString, TypedCredential>& typedCredentials() const { return m_credentials; }
    /// Delay between a change and the rebuilt lineage (default 100 ms).
    void setCoalesceMs(int ms);

    /// The latest chains (as last delivered by chainsChanged()).
    const QList<models::LineageChain>& chains() const { return m_chains; }
    /// The live state as a models::Snapshot (for the orphan classifier), taken from the caches now.
    models::Snapshot snapshot() const;
    QList<ContextStatus> statuses() const { return m_statuses; }
    /// The cached object behind `ref` (values included: callers must not display them), if any.
    std::optional<QJsonObject> object(const models::ObjectRef& ref) const;
    /// The REST client of `context` for on-demand requests from the UI thread (RestJob), or nullptr.
    kube::RestClient* client(const QString& context) const;

public Q_SLOTS:
    /// Relists every collection now.
    void refresh();

Q_SIGNALS:
    void chainsChanged(const QList<models::LineageChain>& chains);
    void statusesChanged(const QList<views::ContextStatus>& statuses);

private:
    ConsoleConfig m_config;
    QHash<QString, TypedCredential> m_credentials;
    QThread m_thread;
    LiveWorker* m_worker = nullptr; ///< lives in m_thread
    int m_coalesceMs = 100;
    QList<models::LineageChain> m_chains;
    QList<ContextStatus> m_statuses;
};

} // namespace views
