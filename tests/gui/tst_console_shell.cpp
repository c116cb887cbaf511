// The console shell against the demo's embedded API servers (in-process, own thread) with the controllers running
// in the console's ControllerHost: live lineage, a change made through the API, filter typing, details without
// values, an audited reveal that masks itself again, masked YAML, and a context that fails.
#include "app/demohost.h"
#include "kube/restclient.h"
#include "models/lineagemodel.h"
#include "views/shell/auditlog.h"
#include "views/shell/controllerhost.h"
#include "views/shell/controllerspage.h"
#include "views/shell/detailpane.h"
#include "views/shell/livestate.h"
#include "views/shell/mainwindow.h"
#include "views/shell/masking.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// The value of the SyncSecret this suite creates: it must never appear anywhere but the revealed field.
const QString kValue = u"tst-console-value-4242"_s;
const QString kValueB64 = QString::fromLatin1(kValue.toUtf8().toBase64());

void collect(const QAbstractItemModel* model, const QModelIndex& parent, QStringList& out)
{
    for (int r = 0; r < model->rowCount(parent); ++r)
        for (int c = 0; c < model->columnCount(parent); ++c) {
            const QModelIndex i = model->index(r, c, parent);
            out << i.data().toString() << i.data(Qt::ToolTipRole).toString();
            if (c == 0)
                collect(model, i, out);
        }
}

/// Every text a user could see in `root`'s widgets: labels, edits, buttons, tooltips, titles, item views.
QList<QPair<QWidget*, QString>> visibleTexts(QWidget* root)
{
    QList<QPair<QWidget*, QString>> out;
    QList<QWidget*> widgets = root->findChildren<QWidget*>();
    widgets.prepend(root);
    for (QWidget* w : widgets) {
        QStringList texts { w->toolTip(), w->windowTitle() };
        if (auto* l = qobject_cast<QLabel*>(w))
            texts << l->text();
        if (auto* e = qobject_cast<QLineEdit*>(w))
            texts << e->text();
        if (auto* p = qobject_cast<QPlainTextEdit*>(w))
            texts << p->toPlainText();
        if (auto* b = qobject_cast<QAbstractButton*>(w))
            texts << b->text();
        if (auto* v = qobject_cast<QAbstractItemView*>(w); v && v->model())
            collect(v->model(), {}, texts);
        for (const QString& t : std::as_const(texts))
            out.append({ w, t });
    }
    return out;
}

/// Widgets whose text holds the value (never the value itself in a failure message).
QList<QWidget*> widgetsShowingValue(QWidget* root)
{
    QList<QWidget*> out;
    for (const auto& [w, text] : visibleTexts(root))
        if (text.contains(kValue) || text.contains(kValueB64))
            out.append(w);
    return out;
}

const models::LineageChain* findChain(const models::LineageModel* model, const QString& name)
{
    for (const models::LineageChain* chain : model->allChains())
        if (chain->originName == name)
            return chain;
    return nullptr;
}

bool allSynced(const models::LineageModel* model)
{
    for (const models::LineageChain* chain : model->allChains())
        if (models::chainState(*chain) != models::ChainState::Synced)
            return false;
    return model->chainCount() > 0;
}

} // namespace

/// kubelb-console's shell driven with QTest against live embedded clusters.
class TestConsoleShell : public QObject {
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
        m_audit = std::make_unique<views::AuditLog>(m_dir.filePath(u"audit.log"_s));
        m_live = std::make_unique<views::LiveState>();
        m_live->setConfig(m_config);
        m_window = std::make_unique<views::MainWindow>(m_live.get(), m_host.get(), m_audit.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_live.reset();
        m_host.reset();
        m_demo.reset();
        kube::releaseThreadNetwork();
    }

    void testLineageAppearsFromWatches()
    {
        const auto* model = m_window->lineageModel();
        // tenant1: app-tls, registry-credentials, app-config, converted-credentials; tenant2: app-tls.
        QTRY_VERIFY_WITH_TIMEOUT(model->chainCount() >= 5 && allSynced(model), 60000);
        QVERIFY(findChain(model, u"registry-credentials"_s));
        QCOMPARE(m_window->lineageView()->model()->rowCount(), 2); // tenant1, tenant2
        QTRY_VERIFY_WITH_TIMEOUT(m_live->statuses().size() == 3, 10000);
        for (const auto& s : m_live->statuses())
            QTRY_VERIFY_WITH_TIMEOUT(s.state == views::ContextStatus::State::Healthy, 10000);
        const auto* status = m_window->statusBar()->findChild<QLabel*>(u"statusText"_s);
        QTRY_VERIFY(status->text().contains(u"3 clusters · 5 watches healthy"_s));
        QVERIFY(status->text().contains(u"manager (kubelb) ▶"_s));
    }

    void testApiChangeShowsUpWithoutRefresh()
    {
        kube::RestClient tenant2(*m_demo->resolve(u"tenant2"_s));
        const QJsonObject object { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
            { u"metadata"_s,
                QJsonObject { { u"name"_s, u"console-test"_s }, { u"namespace"_s, u"production"_s },
                    { u"labels"_s, QJsonObject { { u"team"_s, u"payments"_s } } } } },
            { u"type"_s, u"Opaque"_s }, { u"stringData"_s, QJsonObject { { u"token"_s, kValue } } } };
        const auto created
            = tenant2.create({ u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, u"production"_s, {}, {} }, object);
        QVERIFY2(created.ok(), created ? "" : qPrintable(created.error().message()));
        const auto* model = m_window->lineageModel();
        QTRY_VERIFY_WITH_TIMEOUT(findChain(model, u"console-test"_s), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            models::chainState(*findChain(model, u"console-test"_s)) == models::ChainState::Synced, 30000);
    }

    void testFilterNarrowsRows()
    {
        QLineEdit* filter = m_window->filterEdit();
        const auto* model = m_window->lineageModel();
        const int all = model->visibleChainCount();
        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(filter->hasFocus());
        QTest::keyClicks(filter, u"console"_s);
        QCOMPARE(model->visibleChainCount(), 1);
        QCOMPARE(m_window->lineageView()->model()->rowCount(), 1); // only tenant2 left
        filter->clear();
        QTest::keyClicks(filter, u"label:team=payments"_s);
        QCOMPARE(model->visibleChainCount(), 1);
        filter->clear();
        QTest::keyClicks(filter, u"state:synced ns:production"_s);
        QCOMPARE(model->visibleChainCount(), all);
        QTest::keyClick(filter, Qt::Key_Escape);
        QVERIFY(filter->text().isEmpty());
        QCOMPARE(model->visibleChainCount(), all);
    }

    void testDetailsShowFingerprintsNeverValues()
    {
        const auto* chain = findChain(m_window->lineageModel(), u"console-test"_s);
        QVERIFY(chain);
        QVERIFY(m_window->selectChain(models::chainKey(*chain)));
        views::DetailPane* details = m_window->detailPane();
        QTRY_VERIFY(details->valueLabel(u"token"_s));
        QCOMPARE(details->valueLabel(u"token"_s)->text(), views::MaskedValue.toString());
        const QString facts = visibleTextsJoined(details);
        QVERIFY(facts.contains(u"sha256:"_s + QString::fromLatin1(chain->tenant.keys.first().sha256Hex.left(12))));
        QVERIFY(facts.contains(u"22 bytes"_s));
        QVERIFY(facts.contains(u"team"_s)); // labels
        QVERIFY(facts.contains(u"kubelb.k8c.io/lb-finalizer"_s)); // finalizers
        QVERIFY(widgetsShowingValue(m_window.get()).isEmpty());
        QVERIFY(details->kubectlCommands().contains(u"--context tenant2"_s));
    }

    void testRevealIsAuditedAndMasksAgain()
    {
        views::DetailPane* details = m_window->detailPane();
        details->setRemaskInterval(1500);
        QPushButton* reveal = details->revealButton(u"token"_s);
        QVERIFY(reveal);
        QTest::mouseClick(reveal, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(details->isRevealing(), 10000);
        QLabel* value = details->valueLabel(u"token"_s);
        QVERIFY(value->text() == kValue); // QVERIFY: a failing QCOMPARE would print the value
        QCOMPARE(widgetsShowingValue(m_window.get()), QList<QWidget*> { value });

        const QList<QJsonObject> records = m_audit->records();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().value(u"action"_s).toString(), u"reveal"_s);
        QCOMPARE(records.first().value(u"key"_s).toString(), u"token"_s);
        QCOMPARE(records.first().value(u"context"_s).toString(), u"tenant2"_s);
        QCOMPARE(records.first().value(u"name"_s).toString(), u"console-test"_s);
        QFile file(m_audit->path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray raw = file.readAll();
        QVERIFY(!raw.contains(kValue.toUtf8()) && !raw.contains(kValueB64.toUtf8()));

        QTRY_VERIFY_WITH_TIMEOUT(!details->isRevealing(), 10000);
        QCOMPARE(details->valueLabel(u"token"_s)->text(), views::MaskedValue.toString());
        QVERIFY(widgetsShowingValue(m_window.get()).isEmpty());
    }

    void testMaskedYamlHasNoValue()
    {
        const QString yaml = m_window->detailPane()->maskedYaml();
        QVERIFY(yaml.contains(u"token"_s));
        QVERIFY(yaml.contains(views::MaskedValue.toString()));
        QVERIFY(!yaml.contains(kValue) && !yaml.contains(kValueB64));
    }

    void testKeyboardAndOverviewLinks()
    {
        QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(m_window->currentSection(), views::MainWindow::Section::Overview);
        QLabel* link = nullptr;
        for (QLabel* label : m_window->sectionWidget(views::MainWindow::Section::Overview)->findChildren<QLabel*>())
            if (label->text().contains(u"tenant:tenant2 state:synced"_s))
                link = label;
        QVERIFY(link);
        Q_EMIT link->linkActivated(u"tenant:tenant2 state:synced"_s);
        QCOMPARE(m_window->currentSection(), views::MainWindow::Section::Lineage);
        QCOMPARE(m_window->filterEdit()->text(), u"tenant:tenant2 state:synced"_s);
        QCOMPARE(m_window->lineageModel()->visibleChainCount(), 2); // app-tls and console-test

        // Enter on a chain row opens its details; Esc clears the filter.
        QTreeView* tree = m_window->lineageView();
        const QModelIndex row = tree->model()->index(0, 0, tree->model()->index(0, 0, tree->model()->index(0, 0)));
        tree->setFocus();
        tree->setCurrentIndex(row);
        QTest::keyClick(tree, Qt::Key_Return);
        QTRY_VERIFY(m_window->detailPane()->kubectlCommands().contains(u"--context tenant2"_s));
        QTest::keyClick(tree, Qt::Key_Escape);
        QVERIFY(m_window->filterEdit()->text().isEmpty());
        QTest::keyClick(m_window.get(), Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(m_window->currentSection(), views::MainWindow::Section::Controllers);
        QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(m_window->currentSection(), views::MainWindow::Section::Lineage);
    }

    void testControllersStopAndStartFromThePage()
    {
        auto* page
            = qobject_cast<views::ControllersPage*>(m_window->sectionWidget(views::MainWindow::Section::Controllers));
        QVERIFY(page);
        const auto* status = m_window->statusBar()->findChild<QLabel*>(u"statusText"_s);
        QTest::mouseClick(page->stopButton(), Qt::LeftButton);
        QVERIFY(!m_host->isRunning());
        QTRY_VERIFY(status->text().contains(u"controllers stopped"_s));
        QVERIFY(page->startButton()->isEnabled());
        QTest::mouseClick(page->startButton(), Qt::LeftButton);
        QVERIFY(m_host->isRunning());
        QTRY_VERIFY(status->text().contains(u"ccm (tenant2) ▶"_s));
        QCOMPARE(m_host->metricsUrls().size(), 3);
        // The restarted controllers still keep the lineage synced.
        QTRY_VERIFY_WITH_TIMEOUT(allSynced(m_window->lineageModel()), 30000);
    }

    void testFailingContextShowsItsError()
    {
        views::LiveState live;
        views::ConsoleConfig config = m_config;
        config.tenants.append({ u"no-such-context"_s, u"tenant-x"_s });
        live.setConfig(config);
        views::MainWindow window(&live, m_host.get(), m_audit.get());
        QTRY_VERIFY_WITH_TIMEOUT(live.statuses().size() == 4, 10000);
        const auto failed = live.statuses().last();
        QCOMPARE(failed.state, views::ContextStatus::State::Failed);
        QVERIFY(failed.error.contains(u"no-such-context"_s));
        auto* contexts = window.findChild<QListWidget*>(u"contexts"_s);
        QTRY_VERIFY(contexts->count() == 4);
        QVERIFY(contexts->item(3)->text().contains(u"no-such-context"_s));
        QVERIFY(contexts->item(3)->text().contains(failed.error));
    }

private:
    static QString visibleTextsJoined(QWidget* root)
    {
        QStringList all;
        for (const auto& [w, text] : visibleTexts(root))
            all.append(text);
        return all.join(u'\n');
    }

    QTemporaryDir m_dir;
    std::unique_ptr<app::DemoHost> m_demo;
    views::ConsoleConfig m_config;
    std::unique_ptr<views::ControllerHost> m_host;
    std::unique_ptr<views::AuditLog> m_audit;
    std::unique_ptr<views::LiveState> m_live;
    std::unique_ptr<views::MainWindow> m_window;
};

QTEST_MAIN(TestConsoleShell)
#include "tst_console_shell.moc"
