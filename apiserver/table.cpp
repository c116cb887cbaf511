#include "table.h"

#include <QDateTime>
#include <QJsonArray>
#include <functional>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

struct Column {
    QString name;
    QString type;
    QString format;
    QString description;
    std::function<QJsonValue(const QJsonObject&)> cell;
    int priority = 0;
};

QJsonObject metaOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}

Column nameColumn()
{
    return { u"Name"_s, u"string"_s, u"name"_s,
        u"Name must be unique within a namespace. Is required when creating resources, although some resources "
        "may allow a client to request the generation of an appropriate name automatically."_s,
        [](const QJsonObject& o) { return metaOf(o).value(u"name"_s); } };
}

Column ageColumn()
{
    return { u"Age"_s, u"string"_s, {},
        u"CreationTimestamp is a timestamp representing the server time when this object was created."_s,
        [](const QJsonObject& o) { return QJsonValue(humanAge(metaOf(o).value(u"creationTimestamp"_s).toString())); } };
}

Column countColumn(const QString& name, const QString& field)
{
    return { name, u"integer"_s, {}, {}, [field](const QJsonObject& o) {
                const QJsonValue v = o.value(field);
                return QJsonValue(int(v.isArray() ? v.toArray().size() : v.toObject().size()));
            } };
}

Column pathColumn(const QString& name, const QString& path, const QString& type = u"string"_s)
{
    return { name, type, {}, {}, [path](const QJsonObject& o) { return evalJsonPath(o, path); } };
}

QList<Column> columnsFor(const ResourceInfo& r)
{
    if (!r.builtin) {
        QList<Column> cols { nameColumn() };
        if (r.printerColumns.isEmpty())
            return cols << ageColumn();
        for (const auto& pc : r.printerColumns) {
            const bool date = pc.type == u"date";
            cols.append({ pc.name, date ? u"string"_s : pc.type, {}, pc.description,
                [path = pc.jsonPath, date](const QJsonObject& o) {
                    const QJsonValue v = evalJsonPath(o, path);
                    return date && v.isString() ? QJsonValue(humanAge(v.toString())) : v;
                },
                pc.priority });
        }
        return cols;
    }
    const QString& res = r.resource;
    if (res == u"secrets")
        return { nameColumn(), pathColumn(u"Type"_s, u".type"_s), countColumn(u"Data"_s, u"data"_s), ageColumn() };
    if (res == u"configmaps")
        return { nameColumn(), countColumn(u"Data"_s, u"data"_s), ageColumn() };
    if (res == u"namespaces")
        return { nameColumn(), pathColumn(u"Status"_s, u".status.phase"_s), ageColumn() };
    if (res == u"serviceaccounts")
        return { nameColumn(), countColumn(u"Secrets"_s, u"secrets"_s), ageColumn() };
    if (res == u"leases")
        return { nameColumn(), pathColumn(u"Holder"_s, u".spec.holderIdentity"_s), ageColumn() };
    if (res == u"events")
        return { nameColumn(), pathColumn(u"Type"_s, u".type"_s), pathColumn(u"Reason"_s, u".reason"_s),
            { u"Object"_s, u"string"_s, {}, {},
                [](const QJsonObject& o) {
                    const QJsonObject io = o.value(u"involvedObject"_s).toObject();
                    return QJsonValue(io.value(u"kind"_s).toString().toLower() + u'/' + io.value(u"name"_s).toString());
                } },
            pathColumn(u"Message"_s, u".message"_s), ageColumn() };
    if (res == u"customresourcedefinitions")
        return { nameColumn(), pathColumn(u"Created At"_s, u".metadata.creationTimestamp"_s) };
    return { nameColumn(), ageColumn() };
}

} // namespace

QString humanAge(const QString& timestamp)
{
    const QDateTime t = QDateTime::fromString(timestamp, Qt::ISODate);
    if (!t.isValid())
        return u"<unknown>"_s;
    const qint64 seconds = t.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds < -1)
        return u"<invalid>"_s;
    if (seconds < 0)
        return u"0s"_s;
    if (seconds < 120)
        return u"%1s"_s.arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 10)
        return seconds % 60 == 0 ? u"%1m"_s.arg(minutes) : u"%1m%2s"_s.arg(minutes).arg(seconds % 60);
    if (minutes < 180)
        return u"%1m"_s.arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 8)
        return minutes % 60 == 0 ? u"%1h"_s.arg(hours) : u"%1h%2m"_s.arg(hours).arg(minutes % 60);
    if (hours < 48)
        return u"%1h"_s.arg(hours);
    if (hours < 24 * 8)
        return hours % 24 == 0 ? u"%1d"_s.arg(hours / 24) : u"%1d%2h"_s.arg(hours / 24).arg(hours % 24);
    if (hours < 24 * 365 * 2)
        return u"%1d"_s.arg(hours / 24);
    if (hours < 24 * 365 * 8) {
        const qint64 days = hours / 24;
        return days % 365 == 0 ? u"%1y"_s.arg(days / 365) : u"%1y%2d"_s.arg(days / 365).arg(days % 365);
    }
    return u"%1y"_s.arg(hours / 24 / 365);
}

QJsonValue evalJsonPath(const QJsonObject& object, const QString& path)
{
    QJsonValue current = object;
    qsizetype i = path.startsWith(u'{') ? 1 : 0;
    const qsizetype end = path.endsWith(u'}') ? path.size() - 1 : path.size();
    while (i < end) {
        if (path[i] == u'.') {
            ++i;
            qsizetype j = i;
            while (j < end && path[j] != u'.' && path[j] != u'[')
                ++j;
            if (j > i)
                current = current.toObject().value(path.mid(i, j - i));
            i = j;
        } else if (path[i] == u'[') {
            const qsizetype close = path.indexOf(u']', i);
            if (close < 0)
                return {};
            const QString inner = path.mid(i + 1, close - i - 1);
            if (inner.startsWith(u'\'') || inner.startsWith(u'"'))
                current = current.toObject().value(inner.mid(1, inner.size() - 2));
            else
                current = current.toArray().at(inner.toInt());
            i = close + 1;
        } else {
            return {};
        }
    }
    return current;
}

QJsonObject toTable(
    const ResourceInfo& r, const QList<QJsonObject>& objects, IncludeObject include, const QJsonObject& listMetadata)
{
    const QList<Column> columns = columnsFor(r);
    QJsonArray definitions;
    for (const auto& c : columns)
        definitions.append(QJsonObject { { u"name"_s, c.name }, { u"type"_s, c.type }, { u"format"_s, c.format },
            { u"description"_s, c.description }, { u"priority"_s, c.priority } });
    QJsonArray rows;
    for (const auto& o : objects) {
        QJsonArray cells;
        for (const auto& c : columns) {
            const QJsonValue v = c.cell(o);
            cells.append(v.isUndefined() ? QJsonValue(QJsonValue::Null) : v);
        }
        QJsonObject row { { u"cells"_s, cells } };
        if (include == IncludeObject::Object)
            row[u"object"_s] = o;
        else if (include == IncludeObject::Metadata)
            row[u"object"_s] = QJsonObject { { u"kind"_s, u"PartialObjectMetadata"_s },
                { u"apiVersion"_s, u"meta.k8s.io/v1"_s }, { u"metadata"_s, o.value(u"metadata"_s) } };
        rows.append(row);
    }
    return QJsonObject { { u"kind"_s, u"Table"_s }, { u"apiVersion"_s, u"meta.k8s.io/v1"_s },
        { u"metadata"_s, listMetadata }, { u"columnDefinitions"_s, definitions }, { u"rows"_s, rows } };
}

} // namespace apiserver
