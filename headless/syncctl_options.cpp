// kubelb-syncctl's command line: one parser for every command, validated into syncctl::Options.
#include "syncctl_options.h"

#include <QCommandLineParser>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace syncctl {

namespace {

const QStringList kCommands { u"lineage"_s, u"orphans"_s, u"cleanup"_s, u"doctor"_s };

QList<QCommandLineOption> optionList()
{
    return {
        { u"kubeconfig"_s, u"kubeconfig file"_s, u"file"_s },
        { u"management-context"_s, u"management context"_s, u"name"_s },
        { u"tenant"_s, u"tenant context"_s, u"context=namespace"_s },
        { { u"o"_s, u"output"_s }, u"format"_s, u"format"_s, u"table"_s },
        { u"older-than"_s, u"age"_s, u"duration"_s, u"10m"_s },
        { u"exclude-namespace"_s, u"namespace"_s, u"ns"_s },
        { { u"n"_s, u"namespace"_s }, u"namespace"_s, u"ns"_s },
        { u"execute"_s, u"act"_s },
        { u"yes"_s, u"act without confirmation"_s },
        { u"backup-file"_s, u"backup"_s, u"file"_s },
        { u"audit-log"_s, u"audit log"_s, u"file"_s },
        { u"force-finalizers"_s, u"remove finalizers"_s },
        { { u"h"_s, u"help"_s }, u"help"_s },
    };
}

bool parseTenants(const QStringList& values, QList<models::TenantContext>* tenants, QString* error)
{
    for (const QString& v : values) {
        const qsizetype eq = v.indexOf(u'=');
        if (eq <= 0 || eq == v.size() - 1) {
            *error = u"--tenant takes CONTEXT=NAMESPACE, got \"%1\""_s.arg(v);
            return false;
        }
        tenants->append({ v.left(eq), v.mid(eq + 1) });
    }
    return true;
}

bool parseFormat(const QString& text, Format* format, QString* error)
{
    if (text == u"table" || text == u"wide")
        *format = Format::Table;
    else if (text == u"json")
        *format = Format::Json;
    else if (text == u"yaml")
        *format = Format::Yaml;
    else {
        *error = u"-o takes table, json or yaml, got \"%1\""_s.arg(text);
        return false;
    }
    return true;
}

// What depends on the command: positional NAME for doctor, cleanup-only flags elsewhere.
bool checkCommand(const QCommandLineParser& parser, Options* o, QString* error)
{
    const QStringList rest = parser.positionalArguments().mid(1);
    if (o->command == u"doctor") {
        if (rest.size() != 1 || o->ns.isEmpty()) {
            *error = u"doctor takes NAME -n NAMESPACE (the tenant SyncSecret)"_s;
            return false;
        }
        o->name = rest.first();
        if (o->tenants.isEmpty()) {
            *error = u"doctor needs --tenant CONTEXT=NAMESPACE (the tenant cluster holding the SyncSecret)"_s;
            return false;
        }
    } else if (!rest.isEmpty()) {
        *error = u"unexpected argument \"%1\""_s.arg(rest.first());
        return false;
    }
    const bool cleanupFlags
        = o->execute || o->yes || o->forceFinalizers || !o->backupFile.isEmpty() || !o->auditLog.isEmpty();
    if (cleanupFlags && o->command != u"cleanup") {
        *error = u"--execute, --yes, --force-finalizers, --backup-file and --audit-log belong to cleanup"_s;
        return false;
    }
    if ((o->command == u"orphans" || o->command == u"cleanup") && o->tenants.isEmpty()) {
        *error = u"%1 needs at least one --tenant CONTEXT=NAMESPACE: without tenants every copy would look "
                 "orphaned"_s.arg(o->command);
        return false;
    }
    return true;
}

} // namespace

qint64 parseDuration(const QString& text)
{
    static const QRegularExpression part(u"(\\d+)(ms|d|h|m|s)"_s);
    if (text.trimmed().isEmpty())
        return -1;
    if (text == u"0")
        return 0;
    qint64 ms = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        const auto m
            = part.match(text, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return -1;
        const qint64 n = m.captured(1).toLongLong();
        const QString unit = m.captured(2);
        const qint64 factor = unit == u"ms" ? 1
            : unit == u"s"                  ? 1000
            : unit == u"m"                  ? 60000
            : unit == u"h"                  ? 3600000
                                            : 86400000;
        ms += n * factor;
        pos = m.capturedEnd();
    }
    return ms / 1000;
}

int parseArguments(const QStringList& args, Options* o, QString* error)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    parser.addOptions(optionList());
    if (!parser.parse(QStringList { u"kubelb-syncctl"_s } + args)) {
        *error = parser.errorText();
        return ExitUsage;
    }
    o->command = parser.positionalArguments().value(0);
    o->help = parser.isSet(u"help"_s) || o->command == u"help";
    if (o->help)
        return ExitOk;
    if (!kCommands.contains(o->command)) {
        *error = o->command.isEmpty() ? u"no command given"_s : u"unknown command \"%1\""_s.arg(o->command);
        return ExitUsage;
    }
    o->kubeconfig = parser.value(u"kubeconfig"_s);
    o->managementContext = parser.value(u"management-context"_s);
    o->excludeNamespaces = parser.values(u"exclude-namespace"_s);
    o->ns = parser.value(u"namespace"_s);
    o->execute = parser.isSet(u"execute"_s) || parser.isSet(u"yes"_s);
    o->yes = parser.isSet(u"yes"_s);
    o->forceFinalizers = parser.isSet(u"force-finalizers"_s);
    o->backupFile = parser.value(u"backup-file"_s);
    o->auditLog = parser.value(u"audit-log"_s);
    o->olderThanSeconds = parseDuration(parser.value(u"older-than"_s));
    if (o->olderThanSeconds < 0) {
        *error = u"--older-than takes a duration such as 10m, 1h30m or 0s"_s;
        return ExitUsage;
    }
    if (!parseTenants(parser.values(u"tenant"_s), &o->tenants, error)
        || !parseFormat(parser.value(u"output"_s), &o->format, error) || !checkCommand(parser, o, error))
        return ExitUsage;
    return ExitOk;
}

} // namespace syncctl
