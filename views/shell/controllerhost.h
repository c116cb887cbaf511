#pragma once

#include "kube/clientconfig.h"
#include "kube/expected.h"
#include "views/consoleconfig.h"
#include "views/shell/livestate.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <functional>
#include <memory>
#include <vector>

namespace syncsecret {
class CcmRuntime;
class ManagerRuntime;
} // namespace syncsecret

namespace views {

/// Runs the SyncSecret controllers in-process, as `kubelb-syncd ccm|manager` would: a Manager against the
/// management context and one CCM per tenant context. Their log lines (already redacted) arrive as logLine().
class ControllerHost : public QObject {
    Q_OBJECT
public:
    /// Resolves a context name into a ClientConfig (kubeconfig by default; the demo passes its own).
    using Resolver = std::function<kube::Expected<kube::ClientConfig>(const QString& context)>;

    explicit ControllerHost(QObject* parent = nullptr);
    ~ControllerHost() override;

    void setConfig(const ConsoleConfig& config);
    void setResolver(Resolver resolver) { m_resolver = std::move(resolver); }
    /// Typed credentials by context for the default resolver (resolveClientConfig(), as LiveState); from the next
    /// start() on.
    void setTypedCredentials(const QHash<QString, TypedCredential>& typed) { m_typed = typed; }

    /// Starts the Manager and every CCM; false with *error (the others are stopped again).
    bool start(QString* error);
    void stop();
    bool isRunning() const { return m_manager != nullptr; }
    /// "manager (kubelb)", "ccm (tenant1)", ... of what runs.
    QStringList running() const;
    /// /metrics of each running controller, by the context it serves (management: the Manager; tenants: CCMs).
    QHash<QString, QUrl> metricsUrls() const;
    /// The controllers' flags as a command line would say them, one per controller.
    QStringList describe() const;

Q_SIGNALS:
    void stateChanged();
    void logLine(const QString& line);

private:
    ConsoleConfig m_config;
    Resolver m_resolver;
    QHash<QString, TypedCredential> m_typed;
    std::unique_ptr<syncsecret::ManagerRuntime> m_manager;
    std::vector<std::unique_ptr<syncsecret::CcmRuntime>> m_ccms;
    QStringList m_ccmContexts;
};

} // namespace views
