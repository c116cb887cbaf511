// kubelb-console: the Qt Widgets admin console for SyncSecret propagation.
#include "app/credentialstore.h"
#include "app/settings.h"
#include "consoleoptions.h"
#include "consolewiring.h"
#include "demohost.h"
#include "kube/kubeconfig.h"
#include "kube/restclient.h"
#include "kubelb/version.h"
#include "models/orphanmodel.h"
#include "screenshot.h"
#include "views/charts/metricspage.h"
#include "views/orphans/cleanuppages.h"
#include "views/orphans/cleanupwizard.h"
#include "views/orphans/orphanspage.h"
#include "views/shell/auditlog.h"
#include "views/shell/controllerhost.h"
#include "views/shell/livestate.h"
#include "views/shell/mainwindow.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextStream>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

/// The demo's orphan for the Orphans and wizard screenshots: a management SyncSecret copy whose tenant object is
/// gone (class "origin gone"; without an origin-namespace label, so the tenant's CCM does not collect it at once);
/// created once, through the management context's admin client.
bool createDemoOrphan(const app::DemoHost& demo, const views::ConsoleConfig& config, QString* error)
{
    const auto client = demo.resolve(config.managementContext);
    if (!client) {
        *error = client.error().message();
        return false;
    }
    const QString ns = config.tenants.isEmpty() ? u"tenant-primary"_s : config.tenants.first().managementNamespace;
    kube::RestClient rest(*client);
    const kube::ResourcePath path { u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, ns, {}, {} };
    if (rest.get(path.withName(u"retired-app-copy"_s)))
        return true;
    const QJsonObject object {
        { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s },
        { u"kind"_s, u"SyncSecret"_s },
        { u"metadata"_s,
            QJsonObject { { u"name"_s, u"retired-app-copy"_s }, { u"namespace"_s, ns },
                { u"labels"_s, QJsonObject { { u"kubelb.k8c.io/origin-name"_s, u"retired-app"_s } } } } },
        { u"data"_s, QJsonObject { { u"k"_s, QString::fromLatin1(QByteArray("demo").toBase64()) } } },
    };
    const auto created = rest.create(path, object);
    if (!created) {
        *error = created.error().message();
        return false;
    }
    return true;
}

/// The demo's metrics screenshot: an annotation on every tenant SyncSecret, so that the charts show the controllers
/// reconciling (the seeded objects are otherwise idle by the time the data settled).
void touchDemoSyncSecrets(const app::DemoHost& demo, const views::ConsoleConfig& config, int round)
{
    const QByteArray patch = R"({"metadata":{"annotations":{"kubelb.k8c.io/console-screenshot":"touched-)"
        + QByteArray::number(round) + R"("}}})";
    for (const models::TenantContext& tenant : config.tenants) {
        const auto client = demo.resolve(tenant.context);
        if (!client)
            continue;
        kube::RestClient rest(*client);
        const kube::ResourcePath all { u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, {}, {}, {} };
        const auto list = rest.list(all);
        if (!list)
            continue;
        for (const QJsonValue& item : list->value(u"items"_s).toArray()) {
            const QJsonObject meta = item.toObject().value(u"metadata"_s).toObject();
            (void)rest.patch(
                all.withNamespace(meta.value(u"namespace"_s).toString()).withName(meta.value(u"name"_s).toString()),
                kube::PatchFormat::Merge, patch);
        }
    }
}

/// Opens the cleanup wizard on the review page once its server-side dry run finished with something to do; an
/// orphan the Manager was still writing to right after the scan ("changed since the scan") gets a fresh scan and
/// another try. nullptr when no dry run finished before the deadline.
QWidget* wizardOnReview(views::OrphansPage* page, int remainingMs)
{
    QDeadlineTimer deadline(remainingMs);
    const auto waitWhile = [&deadline](const auto& busy) {
        while (busy() && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    };
    views::CleanupWizard* shown = nullptr;
    while (!deadline.hasExpired()) {
        page->rescan();
        waitWhile([page] { return page->scanning(); });
        views::CleanupWizard* wizard = page->openCleanupWizard();
        if (!wizard)
            continue;
        shown = nullptr; // a hidden earlier wizard was deleted by openCleanupWizard()
        wizard->resize(1280, 560);
        wizard->next();
        auto* review = qobject_cast<views::ReviewPage*>(wizard->page(views::CleanupWizard::ReviewPageId));
        if (!review)
            return nullptr;
        waitWhile([review] { return !review->dryRunDone(); });
        if (!review->dryRunDone())
            break;
        shown = wizard;
        if (wizard->button(QWizard::NextButton)->isEnabled())
            return wizard;
        wizard->hide(); // nothing would be done: scan again
    }
    if (shown)
        shown->show(); // rendered anyway: the page says why nothing can be cleaned up
    return shown;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"kubelb-console"_s);
    QApplication::setOrganizationName(u"kubelb-sync"_s);
    QApplication::setApplicationVersion(QStringLiteral(KUBELB_VERSION_STRING));
    app::ConsoleOptions options;
    QString error, help;
    if (!app::parseConsoleOptions(QApplication::arguments(), &options, &error, &help)) {
        if (!help.isEmpty()) {
            QTextStream(stdout) << help;
            return 0;
        }
        QTextStream(stderr) << "kubelb-console: " << error << "\nRun 'kubelb-console --help' for the options.\n";
        return 2;
    }
    QSettings qsettings;
    app::Settings settings(qsettings);
    app::CredentialStore credentials;
    // At start: the command line, else --demo, else the saved configuration, else the empty state.
    const bool fromFlags = !options.config.isEmpty() || !options.config.kubeconfigFiles.isEmpty();
    if (!fromFlags && !options.demo)
        options.config = settings.consoleConfig();
    std::unique_ptr<QTemporaryDir> tempDir;
    std::unique_ptr<app::DemoHost> demo;
    views::ControllerHost host;
    if (options.demo) {
        if (options.demoDir.isEmpty()) {
            tempDir = std::make_unique<QTemporaryDir>();
            options.demoDir = tempDir->path();
        }
        demo = std::make_unique<app::DemoHost>(options.demoDir);
        if (!demo->start(&error)) {
            QTextStream(stderr) << "kubelb-console: demo: " << error << '\n';
            return 1;
        }
        options.config = demo->config();
        host.setResolver([d = demo.get()](const QString& context) { return d->resolve(context); });
    }
    host.setConfig(options.config);
    if (options.demo) {
        if (!host.start(&error)) {
            QTextStream(stderr) << "kubelb-console: controllers: " << error << '\n';
            return 1;
        }
        options.config.metricsUrls = host.metricsUrls();
        host.setConfig(options.config);
    }
    views::LiveState live;
    live.setConfig(options.config);
    views::AuditLog audit(options.auditLog);
    const bool orphanShot = options.section == u"orphans" || options.section == u"wizard";
    if (demo && !options.screenshot.isEmpty() && orphanShot && !createDemoOrphan(*demo, options.config, &error)) {
        QTextStream(stderr) << "kubelb-console: demo orphan: " << error << '\n';
        return 1;
    }
    int code = 0;
    {
        views::MainWindow window(&live, &host, &audit);
        app::ConsoleWiring wiring(&window, &live, &host, &settings, &credentials, audit.path());
        if (!options.screenshot.isEmpty())
            wiring.setScrapeInterval(std::chrono::milliseconds(500));
        if (demo && !options.screenshot.isEmpty())
            wiring.setOrphanAge(std::chrono::seconds(0)); // the demo's objects are all seconds old
        wiring.install();
        if (!options.screenshot.isEmpty()) {
            window.resize(1600, 900);
            window.show();
            const int minimumChains = options.demo ? 5 : 0;
            app::ScreenshotHooks hooks;
            int scrapes = 0;
            if (options.section == u"metrics" && wiring.metricsPage()) {
                QObject::connect(wiring.metricsPage(), &views::MetricsPage::scraped, &window,
                    [&scrapes](const QString&, const QString& failure) { scrapes += failure.isEmpty() ? 1 : 0; });
                const int sources = int(options.config.metricsUrls.size());
                hooks.ready = [&scrapes, sources] { return scrapes >= 2 * std::max(sources, 1); };
                if (demo) {
                    // Activity to chart: touch the SyncSecrets once the data settled and again six scrape rounds
                    // later, then six rounds more, so the charts show a few seconds with two bursts.
                    hooks.ready = [&, sources, touchedAt = -1, touches = 0]() mutable {
                        const int round = std::max(sources, 1);
                        if (touchedAt < 0) {
                            if (!app::dataSettled(window, minimumChains))
                                return false;
                            touchDemoSyncSecrets(*demo, options.config, ++touches);
                            touchedAt = scrapes;
                        }
                        if (touches == 1 && scrapes >= touchedAt + 6 * round)
                            touchDemoSyncSecrets(*demo, options.config, ++touches);
                        return scrapes >= touchedAt + 12 * round;
                    };
                }
            }
            if (orphanShot && options.demo) {
                hooks.allowOrphans = true;
                hooks.ready = [&wiring] {
                    auto* page = wiring.orphansPage();
                    return page && page->model()->rowCount({}) > 0;
                };
            }
            if (options.section == u"wizard")
                hooks.target = [&wiring](int remainingMs) { return wizardOnReview(wiring.orphansPage(), remainingMs); };
            if (!app::takeScreenshot(
                    window, options.section, options.screenshot, minimumChains, options.settleSeconds, &error, hooks)) {
                QTextStream(stderr) << "kubelb-console: " << error << '\n';
                code = 1;
            }
        } else {
            window.show();
            code = QApplication::exec();
        }
        host.stop();
    }
    kube::releaseThreadNetwork();
    return code;
}
