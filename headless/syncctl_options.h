#pragma once

#include "models/snapshot.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace syncctl {

/// Exit codes a script can rely on.
enum ExitCode { ExitOk = 0, ExitError = 1, ExitUsage = 2, ExitFound = 3 };

/// Output formats of every command.
enum class Format { Table, Json, Yaml };

/// Everything the command line says, validated.
struct Options {
    QString command; ///< lineage, orphans, cleanup or doctor
    QString kubeconfig; ///< empty: KUBECONFIG, ~/.kube/config, in-cluster
    QString managementContext; ///< empty: the kubeconfig's current-context
    QList<models::TenantContext> tenants;
    Format format = Format::Table;
    qint64 olderThanSeconds = 600;
    QStringList excludeNamespaces;
    bool execute = false; ///< cleanup: act instead of only planning
    bool yes = false; ///< cleanup: act and skip the typed confirmation
    bool forceFinalizers = false;
    QString backupFile; ///< empty: ./kubelb-cleanup-backup-<timestamp>.yaml
    QString auditLog;
    QString name; ///< doctor: the tenant SyncSecret
    QString ns;
    bool help = false; ///< print usage and exit 0
};

/// Parses a Go-style duration ("10m", "1h30m", "45s", "0s", "500ms", "2d"); -1 when invalid. Whole seconds.
qint64 parseDuration(const QString& text);

/// Parses `args` (without the program name). Returns ExitOk with *options filled, or ExitUsage with *error.
int parseArguments(const QStringList& args, Options* options, QString* error);

/// The help text: general, or the one of `command`.
QString usage(const QString& command = {});

} // namespace syncctl
