#include "orphanspage.h"

#include "background.h"
#include "cleanupwizard.h"
#include "models/orphanmodel.h"
#include "views/badges.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

namespace {

/// A round swatch in the Orphan badge colour (the class text next to it carries the meaning).
QIcon orphanSwatch()
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(badgeColor(Badge::Orphan));
    painter.drawEllipse(1, 1, 10, 10);
    return QIcon(pixmap);
}

/// Sorts by OrphanModel::SortRole and adds the Orphan badge to the class column.
class OrphanProxy : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    QVariant data(const QModelIndex& index, int role) const override
    {
        if (role == Qt::DecorationRole && index.column() == models::OrphanModel::ClassColumn)
            return m_swatch;
        return QSortFilterProxyModel::data(index, role);
    }

private:
    QIcon m_swatch = orphanSwatch();
};

} // namespace

OrphansPage::OrphansPage(OrphanEnvironment environment, QWidget* parent)
    : QWidget(parent)
    , m_env(std::move(environment))
    , m_model(new models::OrphanModel(this))
    , m_proxy(new OrphanProxy(this))
    , m_table(new QTableView)
    , m_status(new QLabel)
    , m_empty(new QLabel)
    , m_cleanup(new QPushButton(tr("Clean up…")))
{
    m_pool.setMaxThreadCount(1);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(models::OrphanModel::SortRole);
    m_table->setModel(m_proxy);
    m_table->setObjectName(u"orphanTable"_s);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(models::OrphanModel::ClassColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);

    auto* rescanButton = new QPushButton(tr("Rescan"));
    connect(rescanButton, &QPushButton::clicked, this, &OrphansPage::rescan);
    m_cleanup->setObjectName(u"cleanupButton"_s);
    m_cleanup->setEnabled(false);
    m_cleanup->setToolTip(tr("Plan, dry-run, back up and remove the selected orphans (Del)"));
    connect(m_cleanup, &QPushButton::clicked, this, &OrphansPage::openCleanupWizard);
    auto* del = new QShortcut(QKeySequence::Delete, m_table, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(del, &QShortcut::activated, this, &OrphansPage::openCleanupWizard);

    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setText(tr("Scanning…"));
    m_status->setWordWrap(true);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(rescanButton);
    bar->addWidget(m_cleanup);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_empty, 1);
    m_table->hide();
    rescan();
}

OrphansPage::~OrphansPage()
{
    m_pool.waitForDone();
}

void OrphansPage::rescan()
{
    if (m_scanning || !m_env.scan)
        return;
    m_scanning = true;
    m_status->setText(tr("Scanning the management cluster and every tenant…"));
    runInBackground(
        m_pool, this,
        [scan = m_env.scan, options = m_env.classifier] {
            const models::Snapshot snapshot = scan();
            models::OrphanOptions o = options;
            o.now = o.now.isValid() ? o.now : snapshot.takenAt;
            return std::pair { snapshot, models::scanOrphans(snapshot, o) };
        },
        [this](
            const std::pair<models::Snapshot, models::OrphanScan>& result) { applyScan(result.first, result.second); });
}

void OrphansPage::applyScan(const models::Snapshot& snapshot, const models::OrphanScan& scan)
{
    m_scanning = false;
    m_scannedAt = snapshot.takenAt;
    m_model->setOrphans(scan.orphans);
    m_table->resizeColumnsToContents();
    const bool any = !scan.orphans.isEmpty();
    m_table->setVisible(any);
    m_empty->setVisible(!any);
    m_cleanup->setEnabled(any && snapshot.management.reachable);
    const qint64 minutes = m_env.classifier.olderThan.count() / 60;
    m_empty->setText(snapshot.management.reachable
            ? tr("No orphans. Objects younger than %1 min are never flagged; kubelb.k8c.io/keep=true protects an "
                 "object for good.")
                  .arg(minutes)
            : tr("The management cluster could not be read: %1").arg(snapshot.management.error));
    QString status = tr("Scanned %1 · %n orphan(s)", nullptr, int(scan.orphans.size()))
                         .arg(snapshot.takenAt.toLocalTime().toString(u"HH:mm:ss"_s));
    if (!scan.unknown.isEmpty())
        status += tr(" · %n lookalike(s) not judged (tenant unreachable)", nullptr, int(scan.unknown.size()));
    m_status->setText(status + reachabilityText(snapshot));
    Q_EMIT orphanCountChanged(int(scan.orphans.size()));
    Q_EMIT scanFinished();
}

QString OrphansPage::reachabilityText(const models::Snapshot& snapshot) const
{
    QStringList unreachable;
    for (const auto& t : snapshot.tenants)
        if (!t.reachable)
            unreachable.append(t.error);
    return unreachable.isEmpty() ? QString() : u"\n"_s + tr("Unreachable: %1").arg(unreachable.join(u"; "_s));
}

CleanupWizard* OrphansPage::openCleanupWizard()
{
    if (m_model->rowCount() == 0 || !m_env.makeActions)
        return nullptr;
    if (m_wizard && m_wizard->isVisible()) {
        m_wizard->raise();
        return m_wizard;
    }
    QList<int> selected;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        selected.append(m_proxy->mapToSource(index).row());
    CleanupWizard::Input input { m_model->orphans(), selected, m_scannedAt };
    delete m_wizard;
    m_wizard = new CleanupWizard(m_env, input, this);
    connect(m_wizard, &QWizard::finished, this, [this] {
        if (m_wizard && m_wizard->changedSomething())
            rescan();
    });
    m_wizard->show();
    return m_wizard;
}

} // namespace views
