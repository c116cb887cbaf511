#pragma once

#include "models/objectref.h"
#include "models/orphans.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <functional>

namespace models {

/// What one cleanup step does.
enum class ActionKind { Delete, RemoveFinalizer };
/// "delete", "remove-finalizer".
QString actionKindName(ActionKind kind);

/// One step of a plan, on one orphan.
struct PlannedAction {
    ActionKind kind = ActionKind::Delete;
    Orphan orphan; ///< what is acted on (orphan.object) and why
    QString description; ///< human sentence for the plan listing
};

/// Orphans the plan leaves alone, with why (e.g. finalizers without --force-finalizers).
struct PlanSkip {
    Orphan orphan;
    QString reason;
};

/// Every action in execution order: SyncSecret deletes (the Manager's finalizer removes their Secrets), then
/// Secret deletes, then finalizer removals.
struct CleanupPlan {
    QList<PlannedAction> actions;
    QList<PlanSkip> skipped;
};

/// Options for planCleanup().
struct CleanupOptions {
    bool forceFinalizers = false; ///< allow removing kubelb.k8c.io/lb-finalizer when the counterpart is gone
};

/// The safe plan for `orphans`.
CleanupPlan planCleanup(const QList<Orphan>& orphans, const CleanupOptions& options = {});

/// Outcome of one cluster call.
struct ReadResult {
    enum Status { Found, NotFound, Error };
    Status status = Error;
    QJsonObject object; ///< when Found
    QString error; ///< when Error (no secret data)
};
/// Outcome of a mutating cluster call.
struct ActionResult {
    bool ok = false;
    bool conflict = false; ///< a precondition (uid/resourceVersion) failed: the object changed
    QString error;
};

/// The cluster operations cleanup needs; implemented over RestClient by the CLI/console, faked in tests.
class ClusterActions {
public:
    virtual ~ClusterActions() = default;
    /// Fresh read of one object (kind "SyncSecret" or "Secret").
    virtual ReadResult read(const QString& context, const QString& kind, const QString& ns, const QString& name) = 0;
    /// Delete with preconditions ref.uid and ref.resourceVersion; `dryRun` = server-side dry run.
    virtual ActionResult remove(const ObjectRef& ref, bool dryRun) = 0;
    /// Remove `finalizer` (a patch guarded by ref.resourceVersion).
    virtual ActionResult removeFinalizer(const ObjectRef& ref, const QString& finalizer, bool dryRun) = 0;
    /// Whether the server supports dryRun=All (otherwise a dry run only re-verifies).
    virtual bool supportsDryRun() const { return true; }
};

/// Result of one planned action.
struct ActionOutcome {
    enum Result { Done, Skipped, Failed };
    PlannedAction action;
    Result result = Skipped;
    QString reason;
};
/// "done", "skipped", "failed".
QString outcomeName(ActionOutcome::Result result);

/// What a cleanup run did.
struct CleanupReport {
    QList<ActionOutcome> outcomes;
    bool aborted = false; ///< nothing was changed (e.g. the backup could not be written)
    QString abortReason;
    bool cancelled = false; ///< Options::cancelled stopped the run; the remaining actions are Skipped "cancelled"
    int count(ActionOutcome::Result result) const;
};

/// Runs a plan: backup, then per action re-verify and act with preconditions; audit every attempt.
class CleanupExecutor {
public:
    struct Options {
        bool dryRun = true; ///< default: change nothing
        QString who; ///< audit "who" (user@host)
        std::function<QDateTime()> clock; ///< audit "when" (default: current UTC time)
        std::function<bool(const QByteArray&)> writeBackup; ///< must succeed before anything is changed
        std::function<void(const QJsonObject&)> audit; ///< one record per attempt (a JSON line)
        OrphanOptions classifier; ///< keep label / excluded namespaces re-checked on the fresh object
        std::function<bool()> cancelled; ///< asked before each action (after the backup): true stops the run
        std::function<void(int index, const ActionOutcome& outcome)> progress; ///< after each action of the plan
    };

    CleanupExecutor(ClusterActions& cluster, Options options);
    /// Executes `plan`; never deletes an object that is no longer an orphan or changed since the scan.
    CleanupReport run(const CleanupPlan& plan);

private:
    ActionOutcome execute(const PlannedAction& action);
    QString verify(const PlannedAction& action, const ReadResult& fresh);
    void audit(const PlannedAction& action, const ActionOutcome& outcome);

    ClusterActions& m_cluster;
    Options m_options;
};

/// The backup document of a run split by the context each object lives in (as `kubectl --context X apply -f`
/// restores it); objects no planned action names go to `fallbackContext`. Each value is a backupDocument().
QMap<QString, QByteArray> backupsByContext(
    const QByteArray& document, const CleanupPlan& plan, const QString& fallbackContext);

/// Writes backupsByContext(): `path` holds `managementContext`'s objects, `<path without .yaml>.<context>.yaml` the
/// others; owner-only permissions (they hold secret data); `path` is written even when empty. Returns context →
/// file, or an empty map with *error when a file could not be written.
QMap<QString, QString> writeBackupFiles(const QString& path, const QByteArray& document, const CleanupPlan& plan,
    const QString& managementContext, QString* error = nullptr);

} // namespace models
