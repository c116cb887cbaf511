#include "screenshot.h"

#include "models/lineagemodel.h"
#include "views/shell/mainwindow.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QPixmap>
#include <QThread>
#include <QTreeView>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace app {

bool dataSettled(const views::MainWindow& window, int minimumChains, bool allowOrphans)
{
    for (const auto& status : window.liveState()->statuses())
        if (status.state != views::ContextStatus::State::Healthy)
            return false;
    const auto* model = window.lineageModel();
    if (model->chainCount() < minimumChains || window.liveState()->statuses().isEmpty())
        return false;
    for (const models::LineageChain* chain : model->allChains())
        if (const auto state = models::chainState(*chain);
            state != models::ChainState::Synced && !(allowOrphans && state == models::ChainState::Orphan))
            return false;
    return true;
}

bool takeScreenshot(views::MainWindow& window, const QString& section, const QString& file, int minimumChains,
    int settleSeconds, QString* error, const ScreenshotHooks& hooks)
{
    QDeadlineTimer deadline(settleSeconds * 1000);
    const auto ready
        = [&] { return dataSettled(window, minimumChains, hooks.allowOrphans) && (!hooks.ready || hooks.ready()); };
    while (!ready() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    bool settled = ready();
    using Section = views::MainWindow::Section;
    if (section == u"details") {
        window.showSection(Section::Lineage);
        for (const models::LineageChain* chain : window.lineageModel()->allChains())
            if (chain->tenant.type == u"kubernetes.io/tls" || chain == window.lineageModel()->allChains().last()) {
                window.selectChain(models::chainKey(*chain));
                break;
            }
    } else if (section == u"wizard") {
        window.showSection(Section::Orphans);
    } else {
        for (Section s : { Section::Overview, Section::Lineage, Section::Orphans, Section::Metrics,
                 Section::Controllers, Section::AuditLog })
            if (views::MainWindow::sectionName(s) == section)
                window.showSection(s);
    }
    QWidget* target = &window;
    if (hooks.target) {
        QWidget* other = hooks.target(int(std::max<qint64>(deadline.remainingTime(), 5000)));
        if (other)
            target = other;
        else
            settled = false;
    }
    // Let layouts, the events request of the detail pane and the status bar catch up.
    QDeadlineTimer settle(1500);
    while (!settle.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!target->grab().save(file, "PNG")) {
        *error = u"cannot write %1"_s.arg(file);
        return false;
    }
    if (!settled) {
        *error = u"the data did not settle within %1 s (not every chain Synced or a context not connected); "
                 "wrote %2 anyway"_s.arg(settleSeconds)
                     .arg(file);
        return false;
    }
    return true;
}

} // namespace app
