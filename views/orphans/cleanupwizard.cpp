#include "cleanupwizard.h"

#include "cleanuppages.h"

using namespace Qt::StringLiterals;

namespace views {

CleanupWizard::CleanupWizard(OrphanEnvironment environment, Input input, QWidget* parent)
    : QWizard(parent)
{
    m_pool.setMaxThreadCount(1);
    m_session.env = std::move(environment);
    m_session.input = std::move(input);
    m_session.pool = &m_pool;
    setWindowTitle(tr("Clean up orphans — %1").arg(m_session.env.managementContext));
    setObjectName(u"cleanupWizard"_s);
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::CommitButton, tr("Execute"));
    setPage(SelectPageId, new SelectPage(&m_session));
    setPage(ReviewPageId, new ReviewPage(&m_session));
    setPage(BackupPageId, new BackupPage(&m_session));
    setPage(ConfirmPageId, new ConfirmPage(&m_session));
    setPage(ExecutePageId, new ExecutePage(&m_session));
    setPage(ReportPageId, new ReportPage(&m_session));
    resize(1040, 560);
}

CleanupWizard::~CleanupWizard()
{
    m_session.cancel->store(true);
    m_pool.waitForDone();
}

bool CleanupWizard::executing() const
{
    const auto* execute = qobject_cast<const ExecutePage*>(page(ExecutePageId));
    return execute && execute->running();
}

void CleanupWizard::reject()
{
    if (executing()) {
        // Closing now would leave the run unobserved: stop after the current action and show the report.
        qobject_cast<ExecutePage*>(page(ExecutePageId))->requestCancel();
        return;
    }
    m_session.cancel->store(true); // a dry run still running stops before its next action
    QWizard::reject();
}

} // namespace views
