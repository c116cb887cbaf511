#include "mainwindow.h"

#include "auditlog.h"
#include "auditpage.h"
#include "badgedelegate.h"
#include "controllerhost.h"
#include "controllerspage.h"
#include "detailpane.h"
#include "models/lineagemodel.h"
#include "overviewpage.h"

#include <QAction>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

namespace {

constexpr MainWindow::Section kSections[]
    = { MainWindow::Section::Overview, MainWindow::Section::Lineage, MainWindow::Section::Orphans,
          MainWindow::Section::Metrics, MainWindow::Section::Controllers, MainWindow::Section::AuditLog };

QString sectionTitle(MainWindow::Section s)
{
    switch (s) {
    case MainWindow::Section::Overview:
        return QObject::tr("Overview");
    case MainWindow::Section::Lineage:
        return QObject::tr("Lineage");
    case MainWindow::Section::Orphans:
        return QObject::tr("Orphans");
    case MainWindow::Section::Metrics:
        return QObject::tr("Metrics");
    case MainWindow::Section::Controllers:
        return QObject::tr("Controllers");
    case MainWindow::Section::AuditLog:
        return QObject::tr("Audit log");
    }
    return {};
}

/// A page that says honestly that a section is not part of this build.
QWidget* unavailable(const QString& what)
{
    auto* label = new QLabel(QObject::tr("<h2>%1</h2><p>%1 are not available in this build of kubelb-console.</p>"
                                         "<p>From a terminal: <code>kubelb-syncctl %2</code></p>")
                                 .arg(what, what == u"Orphans" ? u"orphans"_s : u"--help"_s));
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    return label;
}

const char* const kNoSyncSecrets = R"(<h2>No SyncSecrets yet</h2>
<p>The connected clusters have no SyncSecret. Create one in a tenant cluster and it appears here live:</p>
<pre>kubectl --context tenant1 create namespace production
kubectl --context tenant1 apply -f - &lt;&lt;EOF
apiVersion: kubelb.k8c.io/v1alpha1
kind: SyncSecret
metadata:
  name: app-config
  namespace: production
type: Opaque
stringData:
  api-key: change-me
EOF</pre>)";

} // namespace

MainWindow::MainWindow(LiveState* live, ControllerHost* controllers, AuditLog* audit, QWidget* parent)
    : QMainWindow(parent)
    , m_live(live)
    , m_controllers(controllers)
    , m_audit(audit)
    , m_model(new models::LineageModel(this))
{
    setWindowTitle(tr("kubelb-console"));
    m_details = new DetailPane(m_live, m_audit, this);
    m_stack = new QStackedWidget(this);
    m_overview = new OverviewPage(m_model, this);
    m_pages.insert(Section::Overview, m_overview);
    m_pages.insert(Section::Lineage, buildLineagePage());
    m_pages.insert(Section::Orphans, unavailable(tr("Orphans")));
    m_pages.insert(Section::Metrics, unavailable(tr("Metrics")));
    m_pages.insert(Section::Controllers, new ControllersPage(m_controllers, this));
    m_pages.insert(Section::AuditLog, new AuditPage(m_audit, this));
    for (Section s : kSections)
        m_stack->addWidget(m_pages.value(s));
    auto* splitter = new QSplitter(this);
    splitter->addWidget(buildSidebar());
    splitter->addWidget(m_stack);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    splitter->setChildrenCollapsible(false);
    const int ch = fontMetrics().averageCharWidth();
    splitter->setSizes({ ch * 34, ch * 110, ch * 62 });
    setCentralWidget(splitter);
    buildToolbar();
    m_status = new QLabel(this);
    m_status->setObjectName(u"statusText"_s);
    statusBar()->addWidget(m_status, 1);

    connect(m_live, &LiveState::chainsChanged, this, &MainWindow::onChains);
    connect(m_live, &LiveState::statusesChanged, this, &MainWindow::onStatuses);
    connect(m_controllers, &ControllerHost::stateChanged, this, &MainWindow::updateStatusBar);
    connect(m_model, &models::LineageModel::countsChanged, this, &MainWindow::updateCounts);
    connect(m_overview, &OverviewPage::orphansRequested, this, [this] { showSection(Section::Orphans); });
    connect(m_overview, &OverviewPage::filterRequested, this, [this](const QString& filter) {
        m_filter->setText(filter);
        showSection(Section::Lineage);
    });
    auto* tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, &MainWindow::updateStatusBar);
    tick->start(1000);

    for (int i = 0; i < int(std::size(kSections)); ++i) {
        auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)), this);
        connect(shortcut, &QShortcut::activated, this, [this, i] { showSection(kSections[i]); });
    }
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] {
        showSection(Section::Lineage);
        m_filter->setFocus();
        m_filter->selectAll();
    });
    const QFontMetrics fm(font());
    resize(fm.averageCharWidth() * 190, fm.height() * 42);
    updateCounts();
    updateEmptyState();
    updateStatusBar();
    showSection(Section::Lineage);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildToolbar()
{
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolbar"_s);
    bar->setMovable(false);
    QAction* contexts = bar->addAction(tr("Contexts…"));
    contexts->setToolTip(tr("Choose the management and tenant contexts"));
    connect(contexts, &QAction::triggered, this, &MainWindow::contextsRequested);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(u"filter"_s);
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter (Ctrl+F): name, ns:production, state:failed, label app=web, tenant:…"));
    m_filter->setMinimumWidth(m_filter->fontMetrics().averageCharWidth() * 60);
    bar->addWidget(m_filter);
    connect(m_filter, &QLineEdit::textChanged, this, &MainWindow::applyFilter);
    QAction* refresh = bar->addAction(tr("⟳ Refresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Relist every collection now (watches keep the view live anyway)"));
    connect(refresh, &QAction::triggered, m_live, &LiveState::refresh);
    m_controllersAction = bar->addAction(tr("▶ Start controllers"));
    connect(m_controllersAction, &QAction::triggered, this, [this] {
        if (m_controllers->isRunning()) {
            m_controllers->stop();
            return;
        }
        QString error;
        if (!m_controllers->start(&error))
            statusBar()->showMessage(tr("Controllers did not start: %1").arg(error), 10000);
    });
}

QWidget* MainWindow::buildSidebar()
{
    auto* side = new QWidget(this);
    m_sections = new QListWidget(side);
    m_sections->setObjectName(u"sections"_s);
    for (Section s : kSections)
        m_sections->addItem(sectionTitle(s));
    m_sections->setFrameShape(QFrame::NoFrame);
    connect(m_sections, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            showSection(kSections[row]);
    });
    m_contexts = new QListWidget(side);
    m_contexts->setObjectName(u"contexts"_s);
    m_contexts->setWordWrap(true);
    m_contexts->setFrameShape(QFrame::NoFrame);
    m_contexts->setSelectionMode(QAbstractItemView::NoSelection);
    auto* layout = new QVBoxLayout(side);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_sections, 3);
    layout->addWidget(new QLabel(tr("<b>Contexts</b>"), side));
    layout->addWidget(m_contexts, 2);
    side->setMinimumWidth(fontMetrics().averageCharWidth() * 24);
    return side;
}

QWidget* MainWindow::buildLineagePage()
{
    m_lineageStack = new QStackedWidget(this);
    auto* empty = new QWidget(m_lineageStack);
    m_emptyState = new QLabel(empty);
    m_emptyState->setWordWrap(true);
    m_emptyState->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* open = new QPushButton(tr("Open kubeconfig…"), empty);
    open->setObjectName(u"openKubeconfig"_s);
    connect(open, &QPushButton::clicked, this, &MainWindow::openKubeconfigRequested);
    auto* contexts = new QPushButton(tr("Contexts…"), empty);
    connect(contexts, &QPushButton::clicked, this, &MainWindow::contextsRequested);
    auto* layout = new QVBoxLayout(empty);
    layout->addStretch();
    layout->addWidget(m_emptyState);
    layout->addWidget(open, 0, Qt::AlignLeft);
    layout->addWidget(contexts, 0, Qt::AlignLeft);
    layout->addStretch(2);

    m_tree = new QTreeView(m_lineageStack);
    m_tree->setObjectName(u"lineage"_s);
    m_tree->setUniformRowHeights(true); // virtualised: only visible rows are measured and painted
    m_tree->setModel(m_model);
    m_tree->setItemDelegate(new BadgeDelegate(m_tree));
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    const int ch = fontMetrics().averageCharWidth();
    m_tree->setColumnWidth(models::LineageModel::NameColumn, ch * 34);
    m_tree->setColumnWidth(models::LineageModel::TypeColumn, ch * 30);
    m_tree->setColumnWidth(models::LineageModel::StateColumn, ch * 14);
    m_tree->setColumnWidth(models::LineageModel::ManagementColumn, ch * 24);
    m_tree->setColumnWidth(models::LineageModel::SecretColumn, ch * 24);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::showCurrentDetails);
    connect(m_tree, &QTreeView::activated, this, [this] {
        showCurrentDetails();
        m_details->setFocus(Qt::TabFocusReason);
    });
    connect(m_model, &QAbstractItemModel::modelReset, m_tree, &QTreeView::expandAll);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex& parent, int first, int last) {
        if (parent.isValid()
            && parent.data(models::LineageModel::KindRole).toInt() == int(models::LineageModel::RowKind::Namespace))
            return; // chain rows: their group is expanded already
        for (int r = first; r <= last; ++r) {
            const QModelIndex group = m_model->index(r, 0, parent);
            m_tree->expand(group);
            for (int c = 0; c < m_model->rowCount(group); ++c)
                m_tree->expand(m_model->index(c, 0, group));
        }
    });
    m_lineageStack->addWidget(empty);
    m_lineageStack->addWidget(m_tree);
    return m_lineageStack;
}

void MainWindow::setSectionWidget(Section section, QWidget* widget)
{
    QWidget* old = m_pages.value(section);
    const int index = m_stack->indexOf(old);
    m_stack->insertWidget(index, widget);
    m_stack->removeWidget(old);
    if (old != m_pages.value(Section::Lineage) && old != m_overview)
        old->deleteLater();
    m_pages.insert(section, widget);
}

QWidget* MainWindow::sectionWidget(Section section) const
{
    return m_pages.value(section);
}

void MainWindow::showSection(Section section)
{
    m_stack->setCurrentWidget(m_pages.value(section));
    const int row = int(std::find(std::begin(kSections), std::end(kSections), section) - std::begin(kSections));
    if (m_sections->currentRow() != row) {
        const QSignalBlocker block(m_sections);
        m_sections->setCurrentRow(row);
    }
    m_details->setVisible(section == Section::Lineage);
}

MainWindow::Section MainWindow::currentSection() const
{
    for (Section s : kSections)
        if (m_pages.value(s) == m_stack->currentWidget())
            return s;
    return Section::Lineage;
}

QString MainWindow::sectionName(Section section)
{
    switch (section) {
    case Section::Overview:
        return u"overview"_s;
    case Section::Lineage:
        return u"lineage"_s;
    case Section::Orphans:
        return u"orphans"_s;
    case Section::Metrics:
        return u"metrics"_s;
    case Section::Controllers:
        return u"controllers"_s;
    case Section::AuditLog:
        return u"audit"_s;
    }
    return {};
}

bool MainWindow::selectChain(const QString& key)
{
    const QModelIndex index = m_model->indexOfKey(key);
    if (!index.isValid())
        return false;
    m_tree->scrollTo(index);
    m_tree->setCurrentIndex(index);
    showCurrentDetails();
    return true;
}

void MainWindow::applyFilter(const QString& text)
{
    m_model->setFilterText(text);
    if (!m_selectedKey.isEmpty()) {
        const QModelIndex index = m_model->indexOfKey(m_selectedKey);
        if (index.isValid()) {
            const QSignalBlocker block(m_tree->selectionModel());
            m_tree->setCurrentIndex(index);
            m_tree->scrollTo(index);
        }
    }
    updateEmptyState();
}

void MainWindow::onChains(const QList<models::LineageChain>& chains)
{
    m_model->setChains(chains);
    if (!m_selectedKey.isEmpty()) {
        const QModelIndex index = m_model->indexOfKey(m_selectedKey);
        m_details->showChain(index.isValid() ? m_model->chain(index) : nullptr);
    }
    updateEmptyState();
}

void MainWindow::onStatuses(const QList<ContextStatus>& statuses)
{
    m_statuses = statuses;
    m_contexts->clear();
    for (const ContextStatus& s : statuses) {
        Badge badge = Badge::Synced;
        QString state = tr("connected");
        switch (s.state) {
        case ContextStatus::State::Connecting:
            badge = Badge::Pending;
            state = tr("connecting…");
            break;
        case ContextStatus::State::Healthy:
            break;
        case ContextStatus::State::Degraded:
            badge = Badge::Drifted;
            state = tr("watch lost, retrying");
            break;
        case ContextStatus::State::Failed:
            badge = Badge::Failed;
            state = tr("failed");
            break;
        }
        QString text = u"● %1 (%2) — %3"_s.arg(s.context, s.role, state);
        if (!s.error.isEmpty())
            text += u"\n"_s + s.error;
        auto* item = new QListWidgetItem(text, m_contexts);
        item->setForeground(
            s.state == ContextStatus::State::Healthy ? palette().color(QPalette::Text) : badgeColor(badge));
        item->setToolTip(s.error.isEmpty() ? text : s.error);
    }
    updateEmptyState();
    updateStatusBar();
}

void MainWindow::setSectionCount(Section section, int count)
{
    if (section == Section::Lineage)
        return; // the lineage counts itself
    const int row = int(std::find(std::begin(kSections), std::end(kSections), section) - kSections);
    m_sections->item(row)->setText(
        count < 0 ? sectionTitle(section) : tr("%1  %2").arg(sectionTitle(section)).arg(count));
    if (section == Section::Orphans)
        m_overview->setOrphanCount(count);
}

void MainWindow::updateCounts()
{
    const int total = m_model->chainCount(), visible = m_model->visibleChainCount();
    const int lineage = int(std::find(std::begin(kSections), std::end(kSections), Section::Lineage) - kSections);
    m_sections->item(lineage)->setText(
        visible == total ? tr("Lineage  %1").arg(total) : tr("Lineage  %1 / %2").arg(visible).arg(total));
}

void MainWindow::updateStatusBar()
{
    int clusters = 0, watches = 0, healthy = 0;
    QDateTime last;
    QStringList failed;
    for (const ContextStatus& s : m_statuses) {
        ++clusters;
        watches += s.watches;
        healthy += s.watchesHealthy;
        if (s.state == ContextStatus::State::Failed)
            failed.append(u"%1: %2"_s.arg(s.context, s.error));
        if (s.lastEvent.isValid() && (!last.isValid() || s.lastEvent > last))
            last = s.lastEvent;
    }
    QStringList parts { clusters == 1 ? tr("1 cluster") : tr("%1 clusters").arg(clusters),
        healthy == watches ? tr("%1 watches healthy").arg(watches)
                           : tr("%1 of %2 watches healthy, %3 lost").arg(healthy).arg(watches).arg(watches - healthy) };
    const QStringList running = m_controllers->running();
    parts.append(running.isEmpty() ? tr("controllers stopped") : running.join(u" ▶ "_s) + u" ▶"_s);
    if (last.isValid())
        parts.append(tr("last event %1 s ago").arg(last.secsTo(QDateTime::currentDateTimeUtc())));
    if (!failed.isEmpty())
        parts.append(failed.join(u"; "_s));
    m_status->setText(parts.join(u" · "_s));
    m_controllersAction->setText(running.isEmpty() ? tr("▶ Start controllers") : tr("■ Stop controllers"));
}

void MainWindow::updateEmptyState()
{
    if (m_live->config().isEmpty()) {
        const QString kubeconfig = qEnvironmentVariable("KUBECONFIG");
        m_emptyState->setText(tr("<h2>No contexts configured</h2><p>Open a kubeconfig and choose the management "
                                 "context and the tenant contexts. The console reads <code>%1</code>.</p>")
                                  .arg(kubeconfig.isEmpty() ? u"~/.kube/config"_s : kubeconfig.toHtmlEscaped()));
        m_lineageStack->setCurrentIndex(0);
        return;
    }
    if (m_model->chainCount() == 0 && m_filter->text().isEmpty()) {
        m_emptyState->setText(QString::fromUtf8(kNoSyncSecrets));
        m_lineageStack->setCurrentIndex(0);
        return;
    }
    m_lineageStack->setCurrentIndex(1);
}

void MainWindow::showCurrentDetails()
{
    const QModelIndex index = m_tree->currentIndex();
    const models::LineageChain* chain = m_model->chain(index.siblingAtColumn(0));
    if (!chain)
        return;
    m_selectedKey = models::chainKey(*chain);
    m_details->showChain(chain);
}

void MainWindow::backOut()
{
    if (!m_filter->text().isEmpty()) {
        m_filter->clear();
        m_tree->setFocus();
        return;
    }
    if (m_details->isAncestorOf(focusWidget())) {
        m_tree->setFocus();
        return;
    }
    if (currentSection() != Section::Lineage) {
        showSection(Section::Lineage);
        return;
    }
    m_tree->clearSelection();
}

void MainWindow::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape) {
        backOut();
        return;
    }
    QMainWindow::keyPressEvent(event);
}

} // namespace views
