// The pages of the cleanup wizard. Only ExecutePage changes anything, and only after the backup was written.
#include "cleanuppages.h"

#include "background.h"
#include "models/orphanmodel.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

namespace {

QTreeWidget* actionTree(const QStringList& headers)
{
    auto* tree = new QTreeWidget;
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setAlternatingRowColors(true);
    tree->setUniformRowHeights(true);
    return tree;
}

QString objectText(const models::ObjectRef& ref)
{
    return u"%1 %2/%3"_s.arg(ref.kind, ref.namespace_, ref.name);
}

QLabel* wrapped(const QString& text = {})
{
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    return label;
}

/// The executor options shared by the dry run and the real run.
models::CleanupExecutor::Options baseOptions(const CleanupWizard::Session& s)
{
    models::CleanupExecutor::Options o;
    o.who = s.env.who;
    o.classifier = s.env.classifier;
    o.classifier.now = s.input.scannedAt;
    o.cancelled = [cancel = s.cancel] { return cancel->load(); };
    return o;
}

} // namespace

SelectPage::SelectPage(CleanupWizard::Session* session)
    : m_session(session)
    , m_list(actionTree({ tr("Class"), tr("Object"), tr("Context"), tr("Age"), tr("Reason") }))
    , m_force(new QCheckBox(tr("Also remove the finalizer of stuck objects whose counterpart is confirmed gone")))
{
    setTitle(tr("Select the orphans to clean up"));
    m_list->setObjectName(u"selectList"_s);
    m_force->setObjectName(u"forceFinalizers"_s);
    const auto& input = m_session->input;
    setSubTitle(tr("From the scan of %1.").arg(input.scannedAt.toLocalTime().toString(u"HH:mm:ss"_s)));
    for (int row = 0; row < input.orphans.size(); ++row) {
        const models::Orphan& o = input.orphans[row];
        auto* item = new QTreeWidgetItem(m_list,
            { u"%1 %2"_s.arg(int(o.cls)).arg(models::orphanClassName(o.cls)), objectText(o.object), o.object.context,
                models::OrphanModel::formatAge(o.ageSeconds), o.reason });
        const bool on = input.preselected.isEmpty() || input.preselected.contains(row);
        item->setCheckState(0, on ? Qt::Checked : Qt::Unchecked);
        item->setData(0, Qt::UserRole, row);
    }
    for (int c = 0; c < 4; ++c)
        m_list->resizeColumnToContents(c);
    connect(m_list, &QTreeWidget::itemChanged, this, &QWizardPage::completeChanged);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_force);
}

bool SelectPage::isComplete() const
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        if (m_list->topLevelItem(i)->checkState(0) == Qt::Checked)
            return true;
    return false;
}

bool SelectPage::validatePage()
{
    m_session->selected.clear();
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_list->topLevelItem(i);
        if (item->checkState(0) == Qt::Checked)
            m_session->selected.append(m_session->input.orphans.at(item->data(0, Qt::UserRole).toInt()));
    }
    m_session->forceFinalizers = m_force->isChecked();
    return !m_session->selected.isEmpty();
}

ReviewPage::ReviewPage(CleanupWizard::Session* session)
    : m_session(session)
    , m_summary(wrapped())
    , m_actions(actionTree({ tr("Action"), tr("Object"), tr("Context"), tr("Class"), tr("Dry run"), tr("Details") }))
{
    setTitle(tr("Review the plan"));
    setSubTitle(tr("Every action was sent to its API server with dryRun=All: nothing has changed yet."));
    m_actions->setObjectName(u"reviewList"_s);
    m_summary->setObjectName(u"reviewSummary"_s);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_actions, 1);
}

void ReviewPage::initializePage()
{
    m_done = false;
    const int generation = ++m_generation;
    m_session->cancel->store(false);
    m_session->plan = models::planCleanup(m_session->selected, { m_session->forceFinalizers });
    m_actions->clear();
    m_summary->setText(
        tr("Running the dry run of %n action(s) on the servers…", nullptr, int(m_session->plan.actions.size())));
    Q_EMIT completeChanged();
    models::CleanupExecutor::Options options = baseOptions(*m_session);
    options.dryRun = true;
    runInBackground(
        *m_session->pool, this,
        [makeActions = m_session->env.makeActions, plan = m_session->plan, options] {
            if (plan.actions.isEmpty())
                return models::CleanupReport {};
            const auto actions = makeActions();
            return models::CleanupExecutor(*actions, options).run(plan);
        },
        [this, generation](const models::CleanupReport& report) { showDryRun(generation, report); });
}

void ReviewPage::cleanupPage()
{
    ++m_generation; // a dry run still running is stale now
    m_session->cancel->store(true);
}

void ReviewPage::showDryRun(int generation, const models::CleanupReport& report)
{
    if (generation != m_generation)
        return;
    m_done = true;
    m_session->dryRun = report;
    for (const auto& o : report.outcomes) {
        const bool ok = o.result == models::ActionOutcome::Done;
        auto* item = new QTreeWidgetItem(m_actions,
            { models::actionKindName(o.action.kind), objectText(o.action.orphan.object), o.action.orphan.object.context,
                models::orphanClassName(o.action.orphan.cls), ok ? tr("would succeed") : models::outcomeName(o.result),
                ok ? o.action.orphan.reason : o.reason });
        item->setToolTip(5, o.action.description + u'\n' + item->text(5));
    }
    for (const auto& s : m_session->plan.skipped)
        new QTreeWidgetItem(m_actions,
            { tr("none"), objectText(s.orphan.object), s.orphan.object.context, models::orphanClassName(s.orphan.cls),
                tr("left alone"), s.reason });
    for (int c = 0; c < 5; ++c)
        m_actions->resizeColumnToContents(c);
    const int ok = report.count(models::ActionOutcome::Done);
    m_summary->setText(ok > 0 ? tr("Dry run: %1 would succeed, %2 skipped, %3 failed, %4 left alone by the plan.")
                                    .arg(ok)
                                    .arg(report.count(models::ActionOutcome::Skipped))
                                    .arg(report.count(models::ActionOutcome::Failed))
                                    .arg(m_session->plan.skipped.size())
                              : tr("Nothing in this selection can be cleaned up: go back and change it, or cancel."));
    Q_EMIT completeChanged();
}

bool ReviewPage::isComplete() const
{
    return m_done && m_session->dryRun.count(models::ActionOutcome::Done) > 0;
}

BackupPage::BackupPage(CleanupWizard::Session* session)
    : m_session(session)
    , m_path(new QLineEdit)
{
    setTitle(tr("Choose the backup file"));
    setSubTitle(tr("Every object the plan changes is saved here before the first change; if it cannot be written, "
                   "nothing changes."));
    m_path->setObjectName(u"backupPath"_s);
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Backup file"), m_path->text(), tr("Kubernetes manifests (*.yaml)"));
        if (!file.isEmpty())
            m_path->setText(file);
    });
    connect(m_path, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    auto* row = new QHBoxLayout;
    row->addWidget(m_path, 1);
    row->addWidget(browse);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(wrapped(tr("The file holds secret data and is written readable by you only. Objects of the "
                                 "management context go into this file, objects of another context into "
                                 "<name>.<context>.yaml next to it; each restores with kubectl --context <context> "
                                 "apply -f <file>.")));
    layout->addStretch(1);
}

void BackupPage::initializePage()
{
    if (!m_path->text().isEmpty())
        return;
    const QString dir = m_session->env.backupDirectory.isEmpty() ? QDir::homePath() : m_session->env.backupDirectory;
    m_path->setText(QDir(dir).filePath(
        u"kubelb-cleanup-backup-%1.yaml"_s.arg(QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss"_s))));
}

bool BackupPage::isComplete() const
{
    const QFileInfo info(m_path->text().trimmed());
    return !m_path->text().trimmed().isEmpty() && info.absoluteDir().exists() && !info.isDir();
}

bool BackupPage::validatePage()
{
    m_session->backupPath = QFileInfo(m_path->text().trimmed()).absoluteFilePath();
    return true;
}

ConfirmPage::ConfirmPage(CleanupWizard::Session* session)
    : m_session(session)
    , m_text(wrapped())
    , m_name(new QLineEdit)
{
    setTitle(tr("Confirm"));
    setCommitPage(true);
    m_name->setObjectName(u"confirmName"_s);
    connect(m_name, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
    layout->addWidget(m_name);
    layout->addStretch(1);
}

void ConfirmPage::initializePage()
{
    m_name->clear();
    m_text->setText(tr("This changes %n object(s) on the clusters. The backup goes to %1 first.\n\nType the name of "
                       "the management context (%2) to enable Execute.",
        nullptr, int(m_session->plan.actions.size()))
                        .arg(m_session->backupPath, m_session->env.managementContext));
}

bool ConfirmPage::isComplete() const
{
    return !m_session->env.managementContext.isEmpty() && m_name->text() == m_session->env.managementContext;
}

ExecutePage::ExecutePage(CleanupWizard::Session* session)
    : m_session(session)
    , m_bar(new QProgressBar)
    , m_state(wrapped())
    , m_log(new QPlainTextEdit)
{
    setTitle(tr("Executing"));
    m_bar->setObjectName(u"progress"_s);
    m_log->setReadOnly(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
    layout->addWidget(m_bar);
    layout->addWidget(m_log, 1);
}

void ExecutePage::initializePage()
{
    m_running = true;
    m_session->executed = true;
    m_session->cancel->store(false);
    m_bar->setRange(0, int(m_session->plan.actions.size()));
    m_bar->setValue(0);
    m_state->setText(tr("Writing the backup, then acting on each object. Cancel stops after the current action."));
    models::CleanupExecutor::Options options = baseOptions(*m_session);
    options.dryRun = false;
    options.progress = [this](int index, const models::ActionOutcome& outcome) {
        QMetaObject::invokeMethod(
            this, [this, index, outcome] { progress(index, outcome); }, Qt::QueuedConnection);
    };
    using Result = std::pair<models::CleanupReport, QMap<QString, QString>>;
    runInBackground(
        *m_session->pool, this,
        [s = *m_session, options]() mutable -> Result {
            QFile audit(s.env.auditLogPath);
            if (!audit.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
                models::CleanupReport report;
                report.aborted = true;
                report.abortReason = u"the audit log %1 cannot be written (%2): nothing was changed"_s.arg(
                    s.env.auditLogPath, audit.errorString());
                return { report, {} };
            }
            QMap<QString, QString> files;
            QString error;
            options.writeBackup = [&](const QByteArray& document) {
                files = models::writeBackupFiles(s.backupPath, document, s.plan, s.env.managementContext, &error);
                return !files.isEmpty();
            };
            options.audit = [&audit](const QJsonObject& record) {
                audit.write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
                audit.flush();
            };
            const auto actions = s.env.makeActions();
            models::CleanupReport report = models::CleanupExecutor(*actions, options).run(s.plan);
            if (report.aborted && !error.isEmpty())
                report.abortReason = u"the backup could not be written (%1): nothing was changed"_s.arg(error);
            return { report, files };
        },
        [this](const Result& result) { finish(result.first, result.second); });
}

void ExecutePage::progress(int index, const models::ActionOutcome& outcome)
{
    m_bar->setValue(index + 1);
    m_log->appendPlainText(u"%1 %2: %3%4"_s.arg(models::actionKindName(outcome.action.kind),
        outcome.action.orphan.object.display(), models::outcomeName(outcome.result),
        outcome.reason.isEmpty() ? QString() : u" ("_s + outcome.reason + u')'));
}

void ExecutePage::requestCancel()
{
    m_session->cancel->store(true);
    m_state->setText(tr("Stopping after the current action…"));
}

void ExecutePage::finish(const models::CleanupReport& report, const QMap<QString, QString>& files)
{
    m_running = false;
    m_finished = true;
    m_session->report = report;
    m_session->backupFiles = files;
    Q_EMIT completeChanged();
    wizard()->next();
}

bool ExecutePage::isComplete() const
{
    return m_finished;
}

ReportPage::ReportPage(CleanupWizard::Session* session)
    : m_session(session)
    , m_summary(wrapped())
    , m_outcomes(actionTree({ tr("Action"), tr("Object"), tr("Context"), tr("Result"), tr("Reason") }))
{
    setTitle(tr("Report"));
    setFinalPage(true);
    m_summary->setObjectName(u"reportSummary"_s);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_outcomes, 1);
}

void ReportPage::initializePage()
{
    const models::CleanupReport& r = m_session->report;
    QStringList lines;
    if (r.aborted)
        lines.append(tr("Aborted, nothing changed: %1").arg(r.abortReason));
    else
        lines.append(tr("%1 done, %2 skipped, %3 failed.")
                         .arg(r.count(models::ActionOutcome::Done))
                         .arg(r.count(models::ActionOutcome::Skipped))
                         .arg(r.count(models::ActionOutcome::Failed)));
    if (r.cancelled)
        lines.append(tr("Cancelled: the remaining actions were not attempted."));
    for (auto it = m_session->backupFiles.cbegin(); it != m_session->backupFiles.cend(); ++it)
        lines.append(tr("Backup of %1: %2 (restore: kubectl --context %1 apply -f %2)").arg(it.key(), it.value()));
    if (!r.aborted)
        lines.append(tr("Audit log: %1").arg(m_session->env.auditLogPath));
    m_summary->setText(lines.join(u'\n'));
    m_outcomes->clear();
    for (const auto& o : r.outcomes)
        new QTreeWidgetItem(m_outcomes,
            { models::actionKindName(o.action.kind), objectText(o.action.orphan.object), o.action.orphan.object.context,
                models::outcomeName(o.result), o.reason });
    for (int c = 0; c < 4; ++c)
        m_outcomes->resizeColumnToContents(c);
}

} // namespace views
