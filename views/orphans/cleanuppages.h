#pragma once

#include "cleanupwizard.h"

#include <QWizardPage>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QTreeWidget;

namespace views {

/// Step 1: which orphans to clean up (and whether stuck finalizers may be removed).
class SelectPage : public QWizardPage {
    Q_OBJECT
public:
    explicit SelectPage(CleanupWizard::Session* session);
    bool isComplete() const override;
    bool validatePage() override;

private:
    CleanupWizard::Session* m_session;
    QTreeWidget* m_list;
    QCheckBox* m_force;
};

/// Step 2: the plan, dry-run on the servers (dryRun=All), with each action's result.
class ReviewPage : public QWizardPage {
    Q_OBJECT
public:
    explicit ReviewPage(CleanupWizard::Session* session);
    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;
    /// Whether the dry run finished.
    bool dryRunDone() const { return m_done; }

private:
    void showDryRun(int generation, const models::CleanupReport& report);

    CleanupWizard::Session* m_session;
    QLabel* m_summary;
    QTreeWidget* m_actions;
    bool m_done = false;
    int m_generation = 0;
};

/// Step 3: where the backup goes (written right before the first change).
class BackupPage : public QWizardPage {
    Q_OBJECT
public:
    explicit BackupPage(CleanupWizard::Session* session);
    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    CleanupWizard::Session* m_session;
    QLineEdit* m_path;
};

/// Step 4: the typed confirmation; Execute stays disabled until the text equals the management context's name.
class ConfirmPage : public QWizardPage {
    Q_OBJECT
public:
    explicit ConfirmPage(CleanupWizard::Session* session);
    void initializePage() override;
    bool isComplete() const override;

private:
    CleanupWizard::Session* m_session;
    QLabel* m_text;
    QLineEdit* m_name;
};

/// Step 5: backup, then each action with progress; Cancel stops between actions.
class ExecutePage : public QWizardPage {
    Q_OBJECT
public:
    explicit ExecutePage(CleanupWizard::Session* session);
    void initializePage() override;
    bool isComplete() const override;
    bool running() const { return m_running; }
    /// Asks the run to stop before its next action.
    void requestCancel();

private:
    void progress(int index, const models::ActionOutcome& outcome);
    void finish(const models::CleanupReport& report, const QMap<QString, QString>& files);

    CleanupWizard::Session* m_session;
    QProgressBar* m_bar;
    QLabel* m_state;
    QPlainTextEdit* m_log;
    bool m_running = false;
    bool m_finished = false;
};

/// Step 6: what happened, the backup files and how to restore them.
class ReportPage : public QWizardPage {
    Q_OBJECT
public:
    explicit ReportPage(CleanupWizard::Session* session);
    void initializePage() override;

private:
    CleanupWizard::Session* m_session;
    QLabel* m_summary;
    QTreeWidget* m_outcomes;
};

} // namespace views
