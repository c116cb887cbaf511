#include "consolewiring.h"

#include "app/credentialstore.h"
#include "app/settings.h"
#include "headless/syncctl_actions.h"
#include "headless/syncctl_snapshot.h"
#include "views/charts/metricspage.h"
#include "views/contexts/contextsdialog.h"
#include "views/orphans/orphanspage.h"
#include "views/shell/controllerhost.h"
#include "views/shell/livestate.h"
#include "views/shell/mainwindow.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMutex>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace app {

namespace {

/// RestClusterActions with the Clusters it acts through (both created and used on the wizard's worker thread).
class OwnedClusterActions : public models::ClusterActions {
public:
    OwnedClusterActions(const syncctl::Options& options, syncctl::Clusters::Resolver resolver)
        : m_clusters(options, std::move(resolver))
        , m_actions(m_clusters)
    {
    }
    models::ReadResult read(
        const QString& context, const QString& kind, const QString& ns, const QString& name) override
    {
        return m_actions.read(context, kind, ns, name);
    }
    models::ActionResult remove(const models::ObjectRef& ref, bool dryRun) override
    {
        return m_actions.remove(ref, dryRun);
    }
    models::ActionResult removeFinalizer(const models::ObjectRef& ref, const QString& finalizer, bool dryRun) override
    {
        return m_actions.removeFinalizer(ref, finalizer, dryRun);
    }

private:
    syncctl::Clusters m_clusters;
    syncctl::RestClusterActions m_actions;
};

QString backupDirectory()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return dir;
}

} // namespace

/// What the cluster actions resolve contexts with: the applied configuration and the typed credentials (set on the
/// UI thread, read on the wizard's workers).
struct ConsoleWiring::Resolution {
    mutable QMutex mutex;
    views::ConsoleConfig config;
    QHash<QString, views::TypedCredential> typed;

    void set(const views::ConsoleConfig& c, const QHash<QString, views::TypedCredential>& t)
    {
        QMutexLocker lock(&mutex);
        config = c;
        typed = t;
    }

    /// Cluster actions resolving contexts as the live view does, with the configuration and credentials of now.
    std::unique_ptr<models::ClusterActions> actions() const
    {
        QMutexLocker lock(&mutex);
        syncctl::Options options;
        options.managementContext = config.managementContext;
        options.tenants = config.tenants;
        return std::make_unique<OwnedClusterActions>(options, [config = config, typed = typed](const QString& context) {
            return views::resolveClientConfig(config, typed, context);
        });
    }
};

ConsoleWiring::ConsoleWiring(views::MainWindow* window, views::LiveState* live, views::ControllerHost* controllers,
    Settings* settings, CredentialStore* store, QString auditLogPath, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_live(live)
    , m_controllers(controllers)
    , m_settings(settings)
    , m_store(store)
    , m_auditLogPath(std::move(auditLogPath))
    , m_resolution(std::make_shared<Resolution>())
{
}

std::unique_ptr<models::ClusterActions> ConsoleWiring::makeClusterActions() const
{
    return m_resolution->actions();
}

void ConsoleWiring::setTypedCredentials(const QHash<QString, views::TypedCredential>& typed)
{
    m_live->setTypedCredentials(typed);
    m_controllers->setTypedCredentials(typed);
    m_resolution->set(m_live->config(), typed);
    m_live->setConfig(m_live->config()); // reconnect with them
}

void ConsoleWiring::install()
{
    connect(m_window, &views::MainWindow::contextsRequested, this, [this] { openContextsDialog(false); });
    connect(m_window, &views::MainWindow::openKubeconfigRequested, this, [this] { openContextsDialog(true); });
    // The orphan scan follows the live data (coalesced: at most one scan every 2 s).
    auto* rescan = new QTimer(this);
    rescan->setSingleShot(true);
    rescan->setInterval(2000);
    connect(rescan, &QTimer::timeout, this, [this] {
        if (m_orphans)
            m_orphans->rescan();
    });
    connect(m_live, &views::LiveState::chainsChanged, rescan, [rescan] {
        if (!rescan->isActive())
            rescan->start();
    });
    m_resolution->set(m_live->config(), m_live->typedCredentials());
    installPages(m_live->config());
    restoreCredentials(m_live->config());
}

void ConsoleWiring::apply(const views::ConsoleConfig& config)
{
    m_live->setConfig(config);
    m_controllers->setConfig(config);
    m_controllers->setTypedCredentials(m_live->typedCredentials());
    m_resolution->set(config, m_live->typedCredentials());
    installPages(config);
    restoreCredentials(config);
    Q_EMIT applied(config);
}

void ConsoleWiring::restoreCredentials(const views::ConsoleConfig& config)
{
    const int generation = ++m_credentialGeneration;
    if (!m_settings || !m_store)
        return;
    QStringList contexts;
    if (!config.managementContext.isEmpty())
        contexts << config.managementContext;
    for (const models::TenantContext& tenant : config.tenants)
        contexts << tenant.context;
    auto typed = std::make_shared<QHash<QString, views::TypedCredential>>();
    auto pending = std::make_shared<int>(0);
    for (const QString& context : std::as_const(contexts))
        for (const CredentialKind kind : { CredentialKind::Token, CredentialKind::Password }) {
            if (!m_settings->usesKeychain(context, kind) || m_live->typedCredentials().contains(context))
                continue; // typed in the dialog just now: already in use
            ++*pending;
            CredentialJob* job = m_store->load(context, kind);
            connect(job, &CredentialJob::finished, this, [this, typed, pending, generation](CredentialJob* done) {
                if (done->error() == CredentialJob::Error::NoError)
                    typed->insert(done->context(),
                        views::TypedCredential { done->kind() == CredentialKind::Password, done->secret() });
                if (--*pending > 0 || generation != m_credentialGeneration || typed->isEmpty())
                    return;
                QHash<QString, views::TypedCredential> merged = m_live->typedCredentials();
                merged.insert(*typed);
                setTypedCredentials(merged);
            });
            job->start();
        }
}

void ConsoleWiring::installPages(const views::ConsoleConfig& config)
{
    auto* metrics = new views::MetricsPage;
    metrics->setObjectName(u"metricsPage"_s);
    metrics->setScrapeInterval(m_scrapeInterval);
    for (auto it = config.metricsUrls.cbegin(); it != config.metricsUrls.cend(); ++it)
        metrics->addSource(it.key(), it.value());
    m_window->setSectionWidget(views::MainWindow::Section::Metrics, metrics);
    m_metrics = metrics;

    views::OrphanEnvironment env;
    env.scan = [live = m_live] { return live->snapshot(); };
    // The wizard acts with the live view's resolution (all kubeconfig files, typed credentials as they are then).
    env.makeActions = [resolution = m_resolution] { return resolution->actions(); };
    env.managementContext = config.managementContext;
    env.auditLogPath = m_auditLogPath; // the Reveal action's file: the Audit log section shows both
    QDir().mkpath(QFileInfo(m_auditLogPath).absolutePath()); // the wizard appends and refuses without it
    const QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME", u"unknown"_s));
    env.who = user + u'@' + QSysInfo::machineHostName();
    env.backupDirectory = backupDirectory();
    env.classifier.olderThan = m_orphanAge;
    auto* orphans = new views::OrphansPage(std::move(env));
    orphans->setObjectName(u"orphansPage"_s);
    connect(orphans, &views::OrphansPage::orphanCountChanged, m_window,
        [w = m_window](int count) { w->setSectionCount(views::MainWindow::Section::Orphans, count); });
    m_window->setSectionWidget(views::MainWindow::Section::Orphans, orphans);
    m_window->setSectionCount(views::MainWindow::Section::Orphans, -1);
    m_orphans = orphans;
    if (!config.isEmpty())
        orphans->rescan();
}

views::ContextsDialog* ConsoleWiring::openContextsDialog(bool pickFile)
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return m_dialog;
    }
    QStringList files;
    if (pickFile) {
        const QString file = QFileDialog::getOpenFileName(m_window, tr("Open kubeconfig"));
        if (file.isEmpty())
            return nullptr;
        files = { file };
    }
    auto* dialog = new views::ContextsDialog(m_store, m_window);
    dialog->setObjectName(u"contextsDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    if (m_settings)
        dialog->setSettings(m_settings); // accept() saves the configuration and the keychain flags
    const views::ConsoleConfig current = m_live->config();
    if (!files.isEmpty())
        dialog->loadKubeconfigs(files);
    else if (!current.isEmpty())
        dialog->setConsoleConfig(current);
    else
        dialog->loadKubeconfigs({});
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        // What was typed (or loaded from the keychain) in the dialog is used right away, remembered or not.
        QHash<QString, views::TypedCredential> typed = m_live->typedCredentials();
        const auto fromDialog = dialog->typedCredentials();
        for (auto it = fromDialog.cbegin(); it != fromDialog.cend(); ++it)
            typed.insert(it.key(), { it.value().first == CredentialKind::Password, it.value().second });
        m_live->setTypedCredentials(typed);
        apply(dialog->consoleConfig());
    });
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

} // namespace app
