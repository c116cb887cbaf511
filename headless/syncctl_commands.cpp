// kubelb-syncctl lineage | orphans | cleanup: scan, classify with models/, render, and act only when told to.
#include "syncctl_commands.h"

#include "models/backup.h"
#include "models/cleanup.h"
#include "models/lineage.h"
#include "models/orphans.h"
#include "syncctl_actions.h"
#include "syncctl_output.h"
#include "syncctl_render.h"
#include "syncctl_snapshot.h"

#include <QDir>
#include <QFile>
#include <QHostInfo>
#include <QJsonDocument>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace syncctl {

namespace {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream& err()
{
    static QTextStream s(stderr);
    return s;
}

// Reports unreachable clusters on stderr; true when every cluster was read.
bool reportReachability(const models::Snapshot& snapshot)
{
    bool all = true;
    if (!snapshot.management.reachable) {
        err() << "error: management cluster " << snapshot.management.error << '\n';
        all = false;
    }
    for (const auto& t : snapshot.tenants)
        if (!t.reachable) {
            err() << "warning: tenant " << t.error << " (its copies are reported as unknown, never as orphans)\n";
            all = false;
        }
    err().flush();
    return all;
}

models::OrphanOptions orphanOptions(const Options& o, const models::Snapshot& snapshot)
{
    models::OrphanOptions oo;
    oo.olderThan = std::chrono::seconds(o.olderThanSeconds);
    oo.excludedNamespaces = o.excludeNamespaces;
    oo.now = snapshot.takenAt;
    return oo;
}

QJsonObject document(const QString& kind, const models::Snapshot& snapshot)
{
    return { { u"kind"_s, kind }, { u"takenAt"_s, snapshot.takenAt.toString(Qt::ISODateWithMs) },
        { u"clusters"_s, clustersToJson(snapshot) } };
}

void print(const QString& text)
{
    out() << text;
    out().flush();
}

QString defaultBackupPath()
{
    return QDir::current().filePath(
        u"kubelb-cleanup-backup-%1.yaml"_s.arg(QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss"_s)));
}

// The typed confirmation: the management context's name on stdin.
bool confirmed(const QString& context, int actions)
{
    err() << "About to change " << actions << " object(s). Type the management context name (" << context
          << ") to continue: ";
    err().flush();
    QTextStream in(stdin);
    return in.readLine().trimmed() == context;
}

struct BackupTarget {
    QString path;
    const models::CleanupPlan* plan = nullptr;
    QMap<QString, QString> written; ///< context → file
};

models::CleanupExecutor::Options executorOptions(const Options& o, const models::Snapshot& snapshot,
    std::shared_ptr<BackupTarget> backup, bool dryRun, std::shared_ptr<QFile> auditFile)
{
    models::CleanupExecutor::Options eo;
    eo.dryRun = dryRun;
    eo.who = qEnvironmentVariable("USER", u"unknown"_s) + u'@' + QHostInfo::localHostName();
    eo.classifier = orphanOptions(o, snapshot);
    const QString management = snapshot.management.context;
    eo.writeBackup = [backup, dryRun, management](const QByteArray& data) {
        if (dryRun)
            return true;
        backup->written = models::writeBackupFiles(backup->path, data, *backup->plan, management);
        return !backup->written.isEmpty();
    };
    eo.audit = [auditFile](const QJsonObject& record) {
        if (auditFile && auditFile->isOpen()) {
            auditFile->write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
            auditFile->flush();
        }
    };
    return eo;
}

int renderCleanup(const Options& o, const models::Snapshot& snapshot, const models::CleanupPlan& plan,
    const models::CleanupReport& report, bool dryRun, const QMap<QString, QString>& backups)
{
    const bool failed = report.aborted || report.count(models::ActionOutcome::Failed) > 0;
    if (o.format != Format::Table) {
        QJsonObject doc = document(u"CleanupReport"_s, snapshot);
        QJsonArray actions, skipped, outcomes;
        for (const auto& a : plan.actions)
            actions.append(actionToJson(a));
        for (const auto& s : plan.skipped)
            skipped.append(QJsonObject { { u"orphan"_s, orphanToJson(s.orphan) }, { u"reason"_s, s.reason } });
        for (const auto& r : report.outcomes)
            outcomes.append(outcomeToJson(r));
        doc[u"dryRun"_s] = dryRun;
        QJsonArray files;
        for (auto it = backups.cbegin(); it != backups.cend(); ++it)
            files.append(QJsonObject { { u"context"_s, it.key() }, { u"file"_s, it.value() } });
        doc[u"backupFiles"_s] = files;
        doc[u"plan"_s] = actions;
        doc[u"skipped"_s] = skipped;
        doc[u"outcomes"_s] = outcomes;
        doc[u"aborted"_s] = report.aborted;
        doc[u"abortReason"_s] = report.abortReason;
        print(formatDocument(doc, o.format));
        return failed ? ExitError : ExitOk;
    }
    QString text = planTable(plan) + u'\n' + outcomeTable(report.outcomes);
    if (report.aborted)
        text += u"\naborted, nothing changed: "_s + report.abortReason + u'\n';
    if (dryRun)
        text += u"\nDry run: nothing was changed. Run again with --execute (or --yes) to act.\n"_s;
    for (auto it = backups.cbegin(); it != backups.cend(); ++it)
        text += u"Backup of %1: %2 (restore: kubectl --context %1 apply -f %2)\n"_s.arg(it.key(), it.value());
    text += u"%1 done, %2 skipped, %3 failed\n"_s.arg(report.count(models::ActionOutcome::Done))
                .arg(report.count(models::ActionOutcome::Skipped))
                .arg(report.count(models::ActionOutcome::Failed));
    print(text);
    return failed ? ExitError : ExitOk;
}

} // namespace

int runLineage(const Options& o)
{
    Clusters clusters(o);
    const models::Snapshot snapshot = fetchSnapshot(clusters, o);
    const bool all = reportReachability(snapshot);
    if (!snapshot.management.reachable)
        return ExitError;
    const auto chains = models::buildLineage(snapshot);
    if (o.format == Format::Table) {
        print(lineageTable(chains));
    } else {
        QJsonObject doc = document(u"Lineage"_s, snapshot);
        QJsonArray items;
        for (const auto& c : chains)
            items.append(chainToJson(c));
        doc[u"chains"_s] = items;
        print(formatDocument(doc, o.format));
    }
    return all ? ExitOk : ExitError;
}

int runOrphans(const Options& o)
{
    Clusters clusters(o);
    const models::Snapshot snapshot = fetchSnapshot(clusters, o);
    const bool all = reportReachability(snapshot);
    if (!snapshot.management.reachable)
        return ExitError;
    const auto scan = models::scanOrphans(snapshot, orphanOptions(o, snapshot));
    if (o.format == Format::Table) {
        QString text = scan.orphans.isEmpty() ? u"No orphans found.\n"_s : orphanTable(scan.orphans);
        for (const auto& u : scan.unknown)
            text += u"unknown: %1: %2\n"_s.arg(u.object.display(), u.reason);
        print(text);
    } else {
        QJsonObject doc = document(u"OrphanReport"_s, snapshot);
        QJsonArray orphans, unknown;
        for (const auto& orphan : scan.orphans)
            orphans.append(orphanToJson(orphan));
        for (const auto& u : scan.unknown)
            unknown.append(QJsonObject { { u"object"_s, u.object.toJson() }, { u"reason"_s, u.reason } });
        doc[u"orphans"_s] = orphans;
        doc[u"unknown"_s] = unknown;
        print(formatDocument(doc, o.format));
    }
    return !scan.orphans.isEmpty() ? ExitFound : (all ? ExitOk : ExitError);
}

int runCleanup(const Options& o)
{
    Clusters clusters(o);
    const models::Snapshot snapshot = fetchSnapshot(clusters, o);
    reportReachability(snapshot);
    if (!snapshot.management.reachable)
        return ExitError;
    const auto orphans = models::findOrphans(snapshot, orphanOptions(o, snapshot));
    const auto plan = models::planCleanup(orphans, { o.forceFinalizers });
    const bool dryRun = !o.execute;
    if (!dryRun && !plan.actions.isEmpty() && !o.yes
        && !confirmed(snapshot.management.context, int(plan.actions.size()))) {
        err() << "Not confirmed: nothing was changed.\n";
        return ExitError;
    }
    auto backup = std::make_shared<BackupTarget>();
    backup->path = o.backupFile.isEmpty() ? defaultBackupPath() : QFileInfo(o.backupFile).absoluteFilePath();
    backup->plan = &plan;
    auto auditFile = std::make_shared<QFile>(o.auditLog);
    if (!o.auditLog.isEmpty() && !auditFile->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        err() << "error: cannot open --audit-log " << o.auditLog << ": " << auditFile->errorString() << '\n';
        return ExitError;
    }
    RestClusterActions actions(clusters);
    models::CleanupExecutor executor(actions, executorOptions(o, snapshot, backup, dryRun, auditFile));
    const auto report = plan.actions.isEmpty() ? models::CleanupReport {} : executor.run(plan);
    return renderCleanup(o, snapshot, plan, report, dryRun || plan.actions.isEmpty(), backup->written);
}

int run(const Options& o)
{
    if (o.command == u"lineage")
        return runLineage(o);
    if (o.command == u"orphans")
        return runOrphans(o);
    if (o.command == u"cleanup")
        return runCleanup(o);
    return runDoctor(o);
}

} // namespace syncctl
