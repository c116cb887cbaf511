#include "cleanup.h"

#include "models/backup.h"
#include "models/jsonmeta.h"
#include "models/verify.h"

#include <QSaveFile>
#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace models {

QString actionKindName(ActionKind kind)
{
    return kind == ActionKind::Delete ? u"delete"_s : u"remove-finalizer"_s;
}

QString outcomeName(ActionOutcome::Result result)
{
    switch (result) {
    case ActionOutcome::Done:
        return u"done"_s;
    case ActionOutcome::Skipped:
        return u"skipped"_s;
    case ActionOutcome::Failed:
        return u"failed"_s;
    }
    return {};
}

int CleanupReport::count(ActionOutcome::Result result) const
{
    return int(std::count_if(
        outcomes.cbegin(), outcomes.cend(), [result](const ActionOutcome& o) { return o.result == result; }));
}

namespace {

/// Execution order: SyncSecret deletes first (their Secrets follow through the Manager's finalizer), then Secret
/// deletes, then finalizer removals.
int rank(const PlannedAction& action)
{
    if (action.kind == ActionKind::RemoveFinalizer)
        return 2;
    return action.orphan.object.kind == names::SyncSecretKind ? 0 : 1;
}

QString describeDelete(const Orphan& orphan)
{
    QString text = u"delete %1 (%2)"_s.arg(orphan.object.display(), orphanClassName(orphan.cls));
    if (orphan.cls == OrphanClass::OriginGone)
        text += u"; the Manager's finalizer then removes Secret %1"_s.arg(orphan.object.uid);
    return text;
}

std::optional<PlanSkip> planFinalizer(const Orphan& orphan, const CleanupOptions& options, CleanupPlan& plan)
{
    if (!options.forceFinalizers)
        return PlanSkip { orphan,
            u"stuck terminating: %1; finalizers are only removed with --force-finalizers"_s.arg(orphan.likelyCause) };
    if (!orphan.relatedConfirmedGone)
        return PlanSkip { orphan,
            u"counterpart %1 is not confirmed gone: %2"_s.arg(orphan.related.display(), orphan.likelyCause) };
    plan.actions.append({ ActionKind::RemoveFinalizer, orphan,
        u"remove finalizer %1 from %2 (counterpart confirmed gone)"_s.arg(names::Finalizer, orphan.object.display()) });
    return std::nullopt;
}

} // namespace

CleanupPlan planCleanup(const QList<Orphan>& orphans, const CleanupOptions& options)
{
    CleanupPlan plan;
    for (const Orphan& orphan : orphans) {
        if (orphan.cls != OrphanClass::StuckTerminating) {
            plan.actions.append({ ActionKind::Delete, orphan, describeDelete(orphan) });
        } else if (auto skip = planFinalizer(orphan, options, plan)) {
            plan.skipped.append(*skip);
        }
    }
    std::stable_sort(plan.actions.begin(), plan.actions.end(),
        [](const PlannedAction& a, const PlannedAction& b) { return rank(a) < rank(b); });
    return plan;
}

CleanupExecutor::CleanupExecutor(ClusterActions& cluster, Options options)
    : m_cluster(cluster)
    , m_options(std::move(options))
{
    if (!m_options.clock)
        m_options.clock = [] { return QDateTime::currentDateTimeUtc(); };
}

CleanupReport CleanupExecutor::run(const CleanupPlan& plan)
{
    CleanupReport report;
    QList<QJsonObject> affected;
    for (const PlannedAction& action : plan.actions) {
        const ObjectRef& ref = action.orphan.object;
        const ReadResult read = m_cluster.read(ref.context, ref.kind, ref.namespace_, ref.name);
        if (read.status == ReadResult::Found)
            affected.append(read.object);
        if (action.orphan.cls == OrphanClass::OriginGone) {
            const ReadResult secret = m_cluster.read(ref.context, names::SecretKind, ref.namespace_, ref.uid);
            if (secret.status == ReadResult::Found)
                affected.append(secret.object);
        }
    }
    if (!m_options.dryRun && !m_options.writeBackup) {
        report.aborted = true;
        report.abortReason = u"no backup destination: nothing was changed"_s;
        return report;
    }
    if (m_options.writeBackup && !m_options.writeBackup(backupDocument(affected))) {
        report.aborted = true;
        report.abortReason = u"the backup could not be written: nothing was changed"_s;
        return report;
    }
    for (const PlannedAction& action : plan.actions) {
        report.cancelled = report.cancelled || (m_options.cancelled && m_options.cancelled());
        if (report.cancelled) {
            report.outcomes.append({ action, ActionOutcome::Skipped, u"cancelled"_s });
        } else {
            report.outcomes.append(execute(action));
            audit(action, report.outcomes.last());
        }
        if (m_options.progress)
            m_options.progress(int(report.outcomes.size()) - 1, report.outcomes.last());
    }
    return report;
}

ActionOutcome CleanupExecutor::execute(const PlannedAction& action)
{
    const ObjectRef& ref = action.orphan.object;
    const ReadResult fresh = m_cluster.read(ref.context, ref.kind, ref.namespace_, ref.name);
    const QString why = verify::reverify(action, fresh, m_cluster, m_options.classifier);
    if (!why.isEmpty())
        return { action, ActionOutcome::Skipped, why };
    if (m_options.dryRun && !m_cluster.supportsDryRun())
        return { action, ActionOutcome::Done, u"dry run: verified, no server-side dry run"_s };
    const ActionResult result = action.kind == ActionKind::Delete
        ? m_cluster.remove(ref, m_options.dryRun)
        : m_cluster.removeFinalizer(ref, QString(names::Finalizer), m_options.dryRun);
    if (result.conflict)
        return { action, ActionOutcome::Skipped, u"changed since the scan (precondition failed)"_s };
    if (!result.ok)
        return { action, ActionOutcome::Failed, result.error };
    return { action, ActionOutcome::Done, m_options.dryRun ? u"dry run"_s : QString() };
}

void CleanupExecutor::audit(const PlannedAction& action, const ActionOutcome& outcome)
{
    if (!m_options.audit)
        return;
    const ObjectRef& ref = action.orphan.object;
    m_options.audit(
        QJsonObject { { "who"_L1, m_options.who }, { "when"_L1, m_options.clock().toUTC().toString(Qt::ISODateWithMs) },
            { "context"_L1, ref.context }, { "object"_L1, ref.toJson() }, { "action"_L1, actionKindName(action.kind) },
            { "class"_L1, orphanClassName(action.orphan.cls) }, { "dryRun"_L1, m_options.dryRun },
            { "result"_L1, outcomeName(outcome.result) }, { "reason"_L1, outcome.reason } });
}

QMap<QString, QByteArray> backupsByContext(
    const QByteArray& document, const CleanupPlan& plan, const QString& fallbackContext)
{
    QHash<QString, QString> contextOf; // "kind/ns/name" → context
    for (const auto& a : plan.actions) {
        const auto& r = a.orphan.object;
        contextOf.insert(r.kind + u'/' + r.namespace_ + u'/' + r.name, r.context);
        contextOf.insert(u"Secret/"_s + r.namespace_ + u'/' + r.uid, r.context); // class 3: the copy's Secret
    }
    QMap<QString, QList<QJsonObject>> groups;
    for (const auto& o : parseBackupDocument(document)) {
        const QJsonObject meta = o.value(u"metadata"_s).toObject();
        const QString key = o.value(u"kind"_s).toString() + u'/' + meta.value(u"namespace"_s).toString() + u'/'
            + meta.value(u"name"_s).toString();
        groups[contextOf.value(key, fallbackContext)].append(o);
    }
    QMap<QString, QByteArray> out;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        out.insert(it.key(), backupDocument(it.value()));
    return out;
}

namespace {

bool writeOwnerOnly(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile f(path);
    if (f.open(QIODevice::WriteOnly)) {
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner); // the backup holds secret data
        if (f.write(data) == data.size() && f.commit())
            return true;
    }
    if (error)
        *error = u"%1: %2"_s.arg(path, f.errorString());
    return false;
}

} // namespace

QMap<QString, QString> writeBackupFiles(const QString& path, const QByteArray& document, const CleanupPlan& plan,
    const QString& managementContext, QString* error)
{
    QMap<QString, QByteArray> parts = backupsByContext(document, plan, managementContext);
    if (!parts.contains(managementContext))
        parts.insert(managementContext, backupDocument({}));
    QMap<QString, QString> written;
    const QString base = path.endsWith(u".yaml"_s) ? path.chopped(5) : path;
    for (auto it = parts.cbegin(); it != parts.cend(); ++it) {
        const QString file = it.key() == managementContext ? path : u"%1.%2.yaml"_s.arg(base, it.key());
        if (!writeOwnerOnly(file, it.value(), error))
            return {};
        written.insert(it.key(), file);
    }
    return written;
}

} // namespace models
