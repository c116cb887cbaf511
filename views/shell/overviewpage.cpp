#include "overviewpage.h"

#include "badgedelegate.h"
#include "models/lineagemodel.h"

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

namespace {

constexpr models::ChainState kStates[] = { models::ChainState::Synced, models::ChainState::Pending,
    models::ChainState::Failed, models::ChainState::Drifted, models::ChainState::Terminating,
    models::ChainState::Orphan, models::ChainState::Missing };

} // namespace

OverviewPage::OverviewPage(models::LineageModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_headline(new QLabel(this))
    , m_oldest(new QLabel(this))
    , m_orphans(new QLabel(this))
{
    m_headline->setWordWrap(true);
    m_oldest->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<h2>Overview</h2>"), this));
    layout->addWidget(m_headline);
    layout->addWidget(m_oldest);
    m_orphans->setObjectName(u"orphanCount"_s);
    m_orphans->setToolTip(tr("Show the Orphans section"));
    m_orphans->hide();
    connect(m_orphans, &QLabel::linkActivated, this, &OverviewPage::orphansRequested);
    layout->addWidget(m_orphans);
    layout->addStretch();
    connect(m_model, &models::LineageModel::countsChanged, this, &OverviewPage::refresh);
    refresh();
}

void OverviewPage::setOrphanCount(int count)
{
    m_orphans->setVisible(count >= 0);
    m_orphans->setText(count == 0 ? tr("Orphans: <a href='orphans'>none</a> in the latest scan.")
                                  : tr("Orphans: <a href='orphans'><b>%1</b></a> in the latest scan.").arg(count));
}

void OverviewPage::refresh()
{
    const auto counts = m_model->stateCounts();
    int total = 0, synced = 0;
    for (const auto& perState : counts)
        for (auto it = perState.cbegin(); it != perState.cend(); ++it) {
            total += it.value();
            synced += it.key() == models::ChainState::Synced ? it.value() : 0;
        }
    m_headline->setText(total == 0 ? tr("No SyncSecrets yet.")
            : synced == total      ? tr("<b>Everything is synced</b>: %1 chains.").arg(total)
                                   : tr("<b>%1 of %2 chains need attention.</b>").arg(total - synced).arg(total));
    // The oldest chain that is not Synced.
    const models::LineageChain* oldest = nullptr;
    qint64 oldestAge = -1;
    for (const models::LineageChain* chain : m_model->allChains()) {
        if (models::chainState(*chain) == models::ChainState::Synced)
            continue;
        const qint64 age
            = chain->tenant.present() ? chain->tenant.secondsSinceChange : chain->management.secondsSinceChange;
        if (!oldest || age > oldestAge) {
            oldest = chain;
            oldestAge = age;
        }
    }
    m_oldest->setText(!oldest
            ? QString()
            : tr("Oldest unsynced: <a href='name:%1'>%1</a> (%2, %3) — %4")
                  .arg((oldest->originName.isEmpty() ? oldest->management.object.name : oldest->originName)
                           .toHtmlEscaped(),
                      oldest->tenantContext.toHtmlEscaped(), models::chainStateName(models::chainState(*oldest)),
                      oldest->warnings.value(0).toHtmlEscaped()));
    disconnect(m_oldest, nullptr, this, nullptr);
    connect(m_oldest, &QLabel::linkActivated, this, &OverviewPage::filterRequested);

    delete m_table;
    m_table = new QWidget(this);
    auto* grid = new QGridLayout(m_table);
    grid->addWidget(new QLabel(tr("<b>Tenant</b>"), m_table), 0, 0);
    for (int s = 0; s < int(std::size(kStates)); ++s) {
        const Badge badge = badgeForChain(kStates[s]);
        grid->addWidget(
            new QLabel(u"<span style='color:%1'>●</span> <b>%2</b>"_s.arg(badgeColor(badge).name(), badgeText(badge)),
                m_table),
            0, s + 1);
    }
    int row = 1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it, ++row) {
        const bool managementOnly = it.key() == models::LineageModel::managementOnlyGroup();
        grid->addWidget(new QLabel(it.key().toHtmlEscaped(), m_table), row, 0);
        for (int s = 0; s < int(std::size(kStates)); ++s) {
            const int n = it.value().value(kStates[s]);
            const QString filter = (managementOnly ? QString() : u"tenant:"_s + it.key() + u' ') + u"state:"_s
                + models::chainStateName(kStates[s]).toLower();
            auto* label
                = new QLabel(n == 0 ? u"0"_s : u"<a href='%1'>%2</a>"_s.arg(filter.toHtmlEscaped()).arg(n), m_table);
            label->setToolTip(tr("Show these chains in the lineage"));
            connect(label, &QLabel::linkActivated, this, &OverviewPage::filterRequested);
            grid->addWidget(label, row, s + 1);
        }
    }
    grid->setColumnStretch(int(std::size(kStates)) + 1, 1);
    static_cast<QVBoxLayout*>(layout())->insertWidget(2, m_table);
}

} // namespace views
