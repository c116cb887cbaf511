#include "fielderror.h"
#include "kube/names.h"
#include "schema.h"
#include "validation.h"

#include <QJsonArray>
#include <QSet>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

const QString kSpec = u"spec"_s;
const QString kNames = u"spec.names"_s;
const QString kVersions = u"spec.versions"_s;

void validateGroup(const QString& group, QList<StatusCause>& causes)
{
    const QString path = field::child(kSpec, u"group"_s);
    if (group.isEmpty())
        causes.append(field::required(path));
    else if (const QString why = kube::checkDns1123Subdomain(group); !why.isEmpty())
        causes.append(field::invalid(path, group, why));
    else if (!group.contains(u'.'))
        causes.append(field::invalid(path, group, u"should be a domain with at least one dot"_s));
}

void checkLabel(const QString& path, const QString& value, bool mixedCase, QList<StatusCause>& causes)
{
    if (value.isEmpty())
        return;
    const QString why = field::checkDns1035Label(mixedCase ? value.toLower() : value);
    if (!why.isEmpty())
        causes.append(field::invalid(
            path, value, mixedCase ? u"may have mixed case, but should otherwise match: "_s + why : why));
}

void checkLabelList(const QJsonObject& names, const QString& key, QList<StatusCause>& causes)
{
    const QJsonArray list = names.value(key).toArray();
    for (qsizetype i = 0; i < list.size(); ++i)
        checkLabel(field::index(field::child(kNames, key), i), list.at(i).toString(), false, causes);
}

/// Names after v1 defaulting: singular defaults to lower(kind), listKind to kind + "List".
void validateNames(const QJsonObject& names, QList<StatusCause>& causes)
{
    const QString plural = names.value(u"plural"_s).toString();
    const QString kind = names.value(u"kind"_s).toString();
    QString singular = names.value(u"singular"_s).toString();
    QString listKind = names.value(u"listKind"_s).toString();
    if (singular.isEmpty())
        singular = kind.toLower();
    if (listKind.isEmpty() && !kind.isEmpty())
        listKind = kind + u"List"_s;
    const struct {
        QString key;
        QString value;
        bool mixedCase;
    } fields[] = {
        { u"plural"_s, plural, false },
        { u"singular"_s, singular, false },
        { u"kind"_s, kind, true },
        { u"listKind"_s, listKind, true },
    };
    for (const auto& f : fields) {
        if (f.value.isEmpty())
            causes.append(field::required(field::child(kNames, f.key)));
        checkLabel(field::child(kNames, f.key), f.value, f.mixedCase, causes);
    }
    if (!kind.isEmpty() && kind == listKind)
        causes.append(
            field::invalid(field::child(kNames, u"listKind"_s), listKind, u"kind and listKind may not be the same"_s));
    checkLabelList(names, u"shortNames"_s, causes);
    checkLabelList(names, u"categories"_s, causes);
}

void validateScope(const QString& scope, QList<StatusCause>& causes)
{
    const QString path = field::child(kSpec, u"scope"_s);
    if (scope.isEmpty())
        causes.append(field::required(path));
    else if (scope != u"Cluster" && scope != u"Namespaced")
        causes.append(field::notSupported(path, scope, { u"Cluster"_s, u"Namespaced"_s }));
}

void validateVersionSchema(const QJsonObject& version, const QString& path, QList<StatusCause>& causes)
{
    const QString schemaPath = field::child(path, u"schema.openAPIV3Schema"_s);
    const QJsonValue schema = version.value(u"schema"_s).toObject().value(u"openAPIV3Schema"_s);
    if (!schema.isObject()) {
        if (version.value(u"served"_s).toBool())
            causes.append(field::required(schemaPath, u"schemas are required"_s));
        return;
    }
    causes.append(structuralSchemaErrors(schema.toObject(), schemaPath));
}

void validateVersions(const QJsonArray& versions, QList<StatusCause>& causes)
{
    int storageCount = 0;
    bool unique = true;
    QSet<QString> seen;
    for (qsizetype i = 0; i < versions.size(); ++i) {
        const QJsonObject version = versions.at(i).toObject();
        const QString path = field::index(kVersions, i);
        const QString name = version.value(u"name"_s).toString();
        if (version.value(u"storage"_s).toBool())
            ++storageCount;
        unique = unique && !seen.contains(name);
        seen.insert(name);
        if (const QString why = field::checkDns1035Label(name); !why.isEmpty())
            causes.append(field::invalid(field::child(path, u"name"_s), name, why));
        validateVersionSchema(version, path, causes);
    }
    if (!unique)
        causes.append(field::invalid(kVersions, versions, u"must contain unique version names"_s));
    if (storageCount != 1)
        causes.append(
            field::invalid(kVersions, versions, u"must have exactly one version marked as storage version"_s));
}

} // namespace

QList<StatusCause> validateCustomResourceDefinition(const QJsonObject& crd)
{
    QList<StatusCause> causes;
    const QJsonObject spec = crd.value(kSpec).toObject();
    const QJsonObject names = spec.value(u"names"_s).toObject();
    const QString group = spec.value(u"group"_s).toString();
    const QString name = crd.value(u"metadata"_s).toObject().value(u"name"_s).toString();
    if (name != names.value(u"plural"_s).toString() + u'.' + group)
        causes.append(field::invalid(u"metadata.name"_s, name, u"must be spec.names.plural+\".\"+spec.group"_s));
    validateGroup(group, causes);
    validateScope(spec.value(u"scope"_s).toString(), causes);
    validateVersions(spec.value(u"versions"_s).toArray(), causes);
    validateNames(names, causes);
    return causes;
}

} // namespace apiserver
