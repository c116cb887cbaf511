#pragma once

#include "views/charts/metricspage.h"
#include "views/consoleconfig.h"
#include "views/contexts/contextsdialog.h"
#include "views/orphans/orphanspage.h"
#include "views/shell/livestate.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <chrono>
#include <memory>

namespace views {
class ControllerHost;
class LiveState;
class MainWindow;
} // namespace views

namespace app {

class CredentialStore;
class Settings;

/// Wires the console's parts into one window: the real Metrics and Orphans pages for the current contexts, the
/// contexts dialog behind "Contexts…" / "Open kubeconfig…", and applying a chosen ConsoleConfig to the live window.
class ConsoleWiring : public QObject {
    Q_OBJECT
public:
    /// None of the pointers is owned; `settings` and `store` may be nullptr (nothing is remembered then).
    ConsoleWiring(views::MainWindow* window, views::LiveState* live, views::ControllerHost* controllers,
        Settings* settings, CredentialStore* store, QString auditLogPath, QObject* parent = nullptr);

    /// Metrics scrape interval (default 5 s; screenshots use less).
    void setScrapeInterval(std::chrono::milliseconds interval) { m_scrapeInterval = interval; }
    /// Orphans younger than this are not flagged (default 10 min, as kubelb-syncctl).
    void setOrphanAge(std::chrono::seconds olderThan) { m_orphanAge = olderThan; }

    /// Connects the window's contexts signals to the dialog and installs the pages for the live config.
    void install();
    /// Connects LiveState (and the ControllerHost) to `config` and rebuilds the Metrics and Orphans pages.
    void apply(const views::ConsoleConfig& config);
    /// Opens the contexts dialog (window-modal) preset with the live config; OK applies and saves its choice.
    views::ContextsDialog* openContextsDialog(bool pickFile = false);
    /// Uses `typed` (context → token/password) wherever the console talks to a cluster: LiveState reconnects with
    /// them, and the cleanup wizard and the embedded controllers resolve their contexts the same way.
    void setTypedCredentials(const QHash<QString, views::TypedCredential>& typed);
    /// The cluster actions of the cleanup wizard for the applied configuration: every kubeconfig file of it plus
    /// the typed credentials (resolveClientConfig(), as the live view). Thread-safe; used on the wizard's worker.
    std::unique_ptr<models::ClusterActions> makeClusterActions() const;

    views::MetricsPage* metricsPage() const { return m_metrics; }
    views::OrphansPage* orphansPage() const { return m_orphans; }

Q_SIGNALS:
    /// A configuration was applied (from the dialog or apply()).
    void applied(const views::ConsoleConfig& config);

private:
    void installPages(const views::ConsoleConfig& config);
    /// Loads the keychain credentials the settings flag for `config`'s contexts; LiveState reconnects with them.
    void restoreCredentials(const views::ConsoleConfig& config);

    views::MainWindow* m_window;
    views::LiveState* m_live;
    views::ControllerHost* m_controllers;
    Settings* m_settings;
    CredentialStore* m_store;
    QString m_auditLogPath;
    std::chrono::milliseconds m_scrapeInterval { 5000 };
    std::chrono::seconds m_orphanAge { 600 };
    QPointer<views::MetricsPage> m_metrics;
    QPointer<views::OrphansPage> m_orphans;
    QPointer<views::ContextsDialog> m_dialog;
    struct Resolution;
    std::shared_ptr<Resolution> m_resolution; ///< shared with the wizard's workers
    int m_credentialGeneration = 0; ///< a newer apply() drops credentials still loading for an older one
};

} // namespace app
