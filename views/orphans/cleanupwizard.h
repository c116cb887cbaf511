#pragma once

#include "models/cleanup.h"
#include "orphanspage.h"

#include <QDateTime>
#include <QThreadPool>
#include <QWizard>
#include <atomic>
#include <memory>

namespace views {

/// The orphan cleanup wizard: select → review the server-side dry run → choose the backup file → type the
/// management context's name → execute with progress → report. Nothing changes before the Execute button, nothing
/// is deleted without a written backup, and Cancel is safe at every step (during execution it stops between
/// actions).
class CleanupWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId { SelectPageId, ReviewPageId, BackupPageId, ConfirmPageId, ExecutePageId, ReportPageId };

    /// The scan the wizard starts from.
    struct Input {
        QList<models::Orphan> orphans;
        QList<int> preselected; ///< rows of `orphans`; empty = all
        QDateTime scannedAt;
    };

    /// What the pages share.
    struct Session {
        OrphanEnvironment env;
        Input input;
        QList<models::Orphan> selected;
        bool forceFinalizers = false;
        models::CleanupPlan plan;
        models::CleanupReport dryRun;
        QString backupPath;
        models::CleanupReport report;
        QMap<QString, QString> backupFiles; ///< context → file written
        bool executed = false;
        std::shared_ptr<std::atomic_bool> cancel = std::make_shared<std::atomic_bool>(false);
        QThreadPool* pool = nullptr;
    };

    CleanupWizard(OrphanEnvironment environment, Input input, QWidget* parent = nullptr);
    ~CleanupWizard() override;

    /// Whether the execution step ran (the clusters may have changed).
    bool changedSomething() const { return m_session.executed; }
    /// Whether the execution step is running (Cancel then only stops between actions).
    bool executing() const;
    const Session& session() const { return m_session; }

    void reject() override;

private:
    Session m_session;
    QThreadPool m_pool;
};

} // namespace views
