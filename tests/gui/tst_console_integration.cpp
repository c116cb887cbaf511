// kubelb-console's parts wired together (app::ConsoleWiring) against the demo's embedded API servers with the
// controllers in the ControllerHost: the Metrics and Orphans sections hold the real pages and scrape / scan the
// live clusters, the orphan count reaches the sidebar and the overview (whose link opens the section), "Contexts…"
// opens the contexts dialog, and accepting a configuration there reconnects LiveState and saves it.
#include "app/consolewiring.h"
#include "app/demohost.h"
#include "app/settings.h"
#include "kube/restclient.h"
#include "models/lineagemodel.h"
#include "models/metricsmodel.h"
#include "models/orphanmodel.h"
#include "views/charts/metricspage.h"
#include "views/contexts/contextsdialog.h"
#include "views/orphans/orphanspage.h"
#include "views/shell/auditlog.h"
#include "views/shell/controllerhost.h"
#include "views/shell/livestate.h"
#include "views/shell/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QScopeGuard>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <memory>

using namespace Qt::StringLiterals;
using Section = views::MainWindow::Section;

class TestConsoleIntegration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = std::make_unique<app::DemoHost>(m_dir.filePath(u"demo"_s));
        QString error;
        QVERIFY2(m_demo->start(&error), qPrintable(error));
        m_config = m_demo->config();
        m_host = std::make_unique<views::ControllerHost>();
        m_host->setResolver([d = m_demo.get()](const QString& context) { return d->resolve(context); });
        m_host->setConfig(m_config);
        QVERIFY2(m_host->start(&error), qPrintable(error));
        m_config.metricsUrls = m_host->metricsUrls();
        QVERIFY(!m_config.metricsUrls.isEmpty());
        m_host->setConfig(m_config);
        m_audit = std::make_unique<views::AuditLog>(m_dir.filePath(u"audit.log"_s));
        m_live = std::make_unique<views::LiveState>();
        m_live->setConfig(m_config);
        m_qsettings = std::make_unique<QSettings>(m_dir.filePath(u"console.ini"_s), QSettings::IniFormat);
        m_settings = std::make_unique<app::Settings>(*m_qsettings);
        m_window = std::make_unique<views::MainWindow>(m_live.get(), m_host.get(), m_audit.get());
        // No keychain here: typed credentials are not part of this suite (tst_credentialstore covers them).
        m_wiring = std::make_unique<app::ConsoleWiring>(
            m_window.get(), m_live.get(), m_host.get(), m_settings.get(), nullptr, m_audit->path());
        m_wiring->setScrapeInterval(std::chrono::milliseconds(200));
        m_wiring->setOrphanAge(std::chrono::seconds(0));
        m_wiring->install();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        m_wiring.reset();
        m_window.reset();
        m_live.reset();
        m_host.reset();
        m_demo.reset();
        kube::releaseThreadNetwork();
    }

    void testSectionsHoldTheRealPages()
    {
        auto* metrics = qobject_cast<views::MetricsPage*>(m_window->sectionWidget(Section::Metrics));
        QVERIFY(metrics);
        QCOMPARE(metrics, m_wiring->metricsPage());
        auto* orphans = qobject_cast<views::OrphansPage*>(m_window->sectionWidget(Section::Orphans));
        QVERIFY(orphans);
        QCOMPARE(orphans, m_wiring->orphansPage());
        // The metrics page scrapes the embedded controllers' /metrics (ControllerHost::metricsUrls()).
        int ok = 0;
        // Disconnected when `ok` goes out of scope: the page keeps scraping during the later tests (ASan reported the
        // next test's scrape writing to this frame, stack-use-after-return).
        const QMetaObject::Connection counting = connect(metrics, &views::MetricsPage::scraped, this,
            [&ok](const QString&, const QString& error) { ok += error.isEmpty() ? 1 : 0; });
        const auto disconnectCounting = qScopeGuard([&counting] { QObject::disconnect(counting); });
        QTRY_VERIFY_WITH_TIMEOUT(ok >= 2, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(metrics->model()->rowCount({}) > 0, 30000);
    }

    void testOrphanReachesSidebarAndOverview()
    {
        // A management copy whose tenant object never existed.
        const auto client = m_demo->resolve(m_config.managementContext);
        QVERIFY2(client, client ? "" : qPrintable(client.error().message()));
        kube::RestClient rest(*client);
        const QString ns = m_config.tenants.first().managementNamespace;
        const kube::ResourcePath path { u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, ns, {}, {} };
        const QJsonObject orphan { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
            { u"metadata"_s,
                QJsonObject { { u"name"_s, u"integration-orphan"_s }, { u"namespace"_s, ns },
                    { u"labels"_s, QJsonObject { { u"kubelb.k8c.io/origin-name"_s, u"gone-app"_s } } } } },
            { u"data"_s, QJsonObject { { u"k"_s, u"dmFsdWU="_s } } } };
        const auto created = rest.create(path, orphan);
        QVERIFY2(created, created ? "" : qPrintable(created.error().message()));

        auto* page = m_wiring->orphansPage();
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->rowCount({}) >= 1, 60000);
        auto* sections = m_window->findChild<QListWidget*>(u"sections"_s);
        QVERIFY(sections);
        const auto orphansItem = [sections] {
            for (int i = 0; i < sections->count(); ++i)
                if (sections->item(i)->text().startsWith(u"Orphans"_s))
                    return sections->item(i)->text();
            return QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(orphansItem(), u"Orphans  %1"_s.arg(page->model()->rowCount({})), 30000);
        auto* overviewCount = m_window->findChild<QLabel*>(u"orphanCount"_s);
        QVERIFY(overviewCount);
        QVERIFY(overviewCount->text().contains(u"href='orphans'"_s));
        m_window->showSection(Section::Overview);
        Q_EMIT overviewCount->linkActivated(u"orphans"_s);
        QCOMPARE(m_window->currentSection(), Section::Orphans);
    }

    void testContextsActionOpensTheDialogAndApplies()
    {
        QAction* contexts = nullptr;
        for (QAction* a : m_window->findChild<QToolBar*>(u"mainToolbar"_s)->actions())
            if (a->text().startsWith(u"Contexts"_s))
                contexts = a;
        QVERIFY(contexts);
        contexts->trigger();
        views::ContextsDialog* dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = m_window->findChild<views::ContextsDialog*>()) != nullptr, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), 10000);
        // The dialog starts from the live configuration.
        QCOMPARE(dialog->consoleConfig().managementContext, m_config.managementContext);

        // Drop tenant2: LiveState reconnects to the management context and tenant1 only.
        views::ConsoleConfig next = m_config;
        next.tenants = { m_config.tenants.first() };
        QVERIFY(m_config.tenants.size() >= 2);
        dialog->setConsoleConfig(next);
        QCOMPARE(dialog->validationError(), QString());
        auto* oldOrphans = m_wiring->orphansPage();
        dialog->accept();
        QCOMPARE(m_live->config().tenants.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_live->statuses().size(), 2, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                for (const auto& s : m_live->statuses())
                    if (s.state != views::ContextStatus::State::Healthy)
                        return false;
                return true;
            }(),
            30000);
        for (const auto& s : m_live->statuses())
            QVERIFY2(s.context != m_config.tenants.at(1).context, qPrintable(s.context));
        // Saved, and the pages follow the new contexts.
        QCOMPARE(m_settings->consoleConfig().managementContext, next.managementContext);
        QCOMPARE(m_settings->consoleConfig().tenants.size(), 1);
        QVERIFY(m_wiring->orphansPage() != oldOrphans);
        QCOMPARE(m_window->sectionWidget(Section::Orphans), m_wiring->orphansPage());
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<app::DemoHost> m_demo;
    views::ConsoleConfig m_config;
    std::unique_ptr<views::ControllerHost> m_host;
    std::unique_ptr<views::AuditLog> m_audit;
    std::unique_ptr<views::LiveState> m_live;
    std::unique_ptr<QSettings> m_qsettings;
    std::unique_ptr<app::Settings> m_settings;
    std::unique_ptr<views::MainWindow> m_window;
    std::unique_ptr<app::ConsoleWiring> m_wiring;
};

QTEST_MAIN(TestConsoleIntegration)
#include "tst_console_integration.moc"
