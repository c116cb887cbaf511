// Tables and JSON documents for lineage chains, orphans, cleanup plans and reports.
#include "syncctl_render.h"

#include "syncctl_output.h"

using namespace Qt::StringLiterals;

namespace syncctl {

namespace {

QJsonValue refOrNull(const models::ObjectRef& ref)
{
    return ref.isValid() ? QJsonValue(ref.toJson()) : QJsonValue(QJsonValue::Null);
}

QJsonObject linkToJson(const models::LineageLink& link)
{
    QJsonArray keys;
    for (const auto& k : link.keys)
        keys.append(QJsonObject {
            { u"name"_s, k.name }, { u"size"_s, double(k.size) }, { u"sha256"_s, QString::fromLatin1(k.sha256Hex) } });
    QJsonObject o { { u"object"_s, refOrNull(link.object) }, { u"state"_s, models::linkStateName(link.state) },
        { u"phase"_s, link.phase }, { u"message"_s, link.message }, { u"generation"_s, double(link.generation) },
        { u"observedGeneration"_s, double(link.observedGeneration) }, { u"upToDate"_s, link.upToDate },
        { u"lastChange"_s, link.lastChange.isValid() ? link.lastChange.toString(Qt::ISODate) : QString() },
        { u"secondsSinceChange"_s, double(link.secondsSinceChange) }, { u"type"_s, link.type }, { u"keys"_s, keys },
        { u"fingerprint"_s, QString::fromLatin1(link.fingerprint) } };
    if (link.certificate)
        o[u"certificate"_s] = QJsonObject { { u"subjectCommonName"_s, link.certificate->subjectCommonName },
            { u"dnsNames"_s, QJsonArray::fromStringList(link.certificate->dnsNames) },
            { u"notAfter"_s, link.certificate->notAfter.toString(Qt::ISODate) },
            { u"expiresSoon"_s, link.certificate->expiresSoon } };
    return o;
}

QString keyNames(const models::LineageLink& link)
{
    QStringList names;
    for (const auto& k : link.keys)
        names.append(k.name);
    return names.isEmpty() ? u"-"_s : names.join(u',');
}

// The first present link's data summary, for the table's KEYS and FINGERPRINT columns.
const models::LineageLink& dataLink(const models::LineageChain& c)
{
    return c.tenant.present() ? c.tenant : (c.management.present() ? c.management : c.secret);
}

} // namespace

QString shortName(const models::ObjectRef& ref)
{
    return ref.isValid() ? ref.namespace_ + u'/' + ref.name : u"-"_s;
}

QJsonObject chainToJson(const models::LineageChain& chain)
{
    return { { u"tenantContext"_s, chain.tenantContext },
        { u"origin"_s, QJsonObject { { u"namespace"_s, chain.originNamespace }, { u"name"_s, chain.originName } } },
        { u"tenant"_s, linkToJson(chain.tenant) }, { u"management"_s, linkToJson(chain.management) },
        { u"secret"_s, linkToJson(chain.secret) }, { u"warnings"_s, QJsonArray::fromStringList(chain.warnings) } };
}

QJsonObject orphanToJson(const models::Orphan& orphan)
{
    return { { u"class"_s, int(orphan.cls) }, { u"className"_s, models::orphanClassName(orphan.cls) },
        { u"reason"_s, orphan.reason }, { u"object"_s, refOrNull(orphan.object) },
        { u"related"_s, refOrNull(orphan.related) }, { u"relatedConfirmedGone"_s, orphan.relatedConfirmedGone },
        { u"likelyCause"_s, orphan.likelyCause }, { u"ageSeconds"_s, double(orphan.ageSeconds) } };
}

QJsonObject actionToJson(const models::PlannedAction& action)
{
    return { { u"action"_s, models::actionKindName(action.kind) }, { u"description"_s, action.description },
        { u"orphan"_s, orphanToJson(action.orphan) } };
}

QJsonObject outcomeToJson(const models::ActionOutcome& outcome)
{
    QJsonObject o = actionToJson(outcome.action);
    o[u"result"_s] = models::outcomeName(outcome.result);
    o[u"reason"_s] = outcome.reason;
    return o;
}

QJsonArray clustersToJson(const models::Snapshot& snapshot)
{
    QJsonArray out { QJsonObject { { u"context"_s, snapshot.management.context }, { u"role"_s, u"management"_s },
        { u"reachable"_s, snapshot.management.reachable }, { u"error"_s, snapshot.management.error } } };
    for (const auto& t : snapshot.tenants)
        out.append(QJsonObject { { u"context"_s, t.tenant.context }, { u"role"_s, u"tenant"_s },
            { u"managementNamespace"_s, t.tenant.managementNamespace }, { u"reachable"_s, t.reachable },
            { u"error"_s, t.error } });
    return out;
}

QString lineageTable(const QList<models::LineageChain>& chains)
{
    QList<QStringList> rows;
    for (const auto& c : chains) {
        const auto& data = dataLink(c);
        rows.append({ c.tenantContext.isEmpty() ? u"-"_s : c.tenantContext, c.originNamespace + u'/' + c.originName,
            models::linkStateName(c.tenant.state), models::linkStateName(c.management.state),
            models::linkStateName(c.secret.state),
            shortName(c.management.object.isValid() ? c.management.object : c.secret.object), keyNames(data),
            shortPrint(data.fingerprint), humanAge(data.secondsSinceChange) });
    }
    QString out = formatTable({ u"TENANT"_s, u"ORIGIN"_s, u"TENANT-STATE"_s, u"COPY-STATE"_s, u"SECRET-STATE"_s,
                                  u"COPY"_s, u"KEYS"_s, u"FINGERPRINT"_s, u"CHANGED"_s },
        rows);
    for (const auto& c : chains)
        for (const QString& w : c.warnings)
            out += u"warning: %1/%2: %3\n"_s.arg(c.originNamespace, c.originName, w);
    return out;
}

QString orphanTable(const QList<models::Orphan>& orphans)
{
    QList<QStringList> rows;
    for (const auto& o : orphans)
        rows.append({ QString::number(int(o.cls)) + u' ' + models::orphanClassName(o.cls), o.object.context,
            o.object.kind, shortName(o.object), humanAge(o.ageSeconds),
            o.reason + (o.likelyCause.isEmpty() ? QString() : u" (likely: "_s + o.likelyCause + u')') });
    return formatTable({ u"CLASS"_s, u"CONTEXT"_s, u"KIND"_s, u"OBJECT"_s, u"AGE"_s, u"REASON"_s }, rows);
}

QString planTable(const models::CleanupPlan& plan)
{
    QList<QStringList> rows;
    for (qsizetype i = 0; i < plan.actions.size(); ++i) {
        const auto& a = plan.actions.at(i);
        rows.append({ QString::number(i + 1), models::actionKindName(a.kind), a.orphan.object.context,
            a.orphan.object.kind, shortName(a.orphan.object), a.description });
    }
    QString out = formatTable({ u"STEP"_s, u"ACTION"_s, u"CONTEXT"_s, u"KIND"_s, u"OBJECT"_s, u"WHY"_s }, rows);
    for (const auto& s : plan.skipped)
        out += u"left alone: %1 %2: %3\n"_s.arg(s.orphan.object.kind, shortName(s.orphan.object), s.reason);
    return out;
}

QString outcomeTable(const QList<models::ActionOutcome>& outcomes)
{
    QList<QStringList> rows;
    for (const auto& o : outcomes)
        rows.append({ models::outcomeName(o.result), models::actionKindName(o.action.kind),
            o.action.orphan.object.context, o.action.orphan.object.kind, shortName(o.action.orphan.object), o.reason });
    return formatTable({ u"RESULT"_s, u"ACTION"_s, u"CONTEXT"_s, u"KIND"_s, u"OBJECT"_s, u"DETAIL"_s }, rows);
}

} // namespace syncctl
