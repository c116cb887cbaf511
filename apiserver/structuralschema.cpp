#include "fielderror.h"
#include "schema.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

enum class Level { Root, Item, Field };

const QString kPreserve = u"x-kubernetes-preserve-unknown-fields"_s;
const QString kEmbedded = u"x-kubernetes-embedded-resource"_s;
const QString kIntOrString = u"x-kubernetes-int-or-string"_s;
const QStringList kJunctors = { u"allOf"_s, u"anyOf"_s, u"oneOf"_s };

QString properties(const QString& path, const QString& key)
{
    return field::key(field::child(path, u"properties"_s), key);
}

/// The `anyOf: [{type: integer}, {type: string}]` that x-kubernetes-int-or-string may carry.
bool isIntOrStringAnyOf(const QJsonValue& anyOf)
{
    static const QJsonArray pattern
        = { QJsonObject { { u"type"_s, u"integer"_s } }, QJsonObject { { u"type"_s, u"string"_s } } };
    return anyOf == QJsonValue(pattern);
}

/// Structural schemas of apiextensions-apiserver (schema.ValidateStructural plus the OpenAPI-schema checks that
/// accompany it in CRD validation).
class Checker {
public:
    QList<kube::StatusCause> causes;

    void node(const QJsonObject& s, Level lvl, const QString& path)
    {
        children(s, lvl, path);
        typeRules(s, lvl, path);
        extensionRules(s, path);
        valueValidation(s, path, isIntOrStringAnyOf(s.value(u"anyOf"_s)));
        if (lvl == Level::Root || s.value(kEmbedded).toBool())
            metaFieldTypes(s, path);
        if (lvl == Level::Root)
            rootMetadata(s, path);
    }

private:
    void children(const QJsonObject& s, Level lvl, const QString& path)
    {
        const QString type = s.value(u"type"_s).toString();
        if (type == u"array" && !s.value(u"items"_s).isObject())
            causes.append(field::required(field::child(path, u"items"_s), u"must be specified"_s));
        if (const QJsonValue items = s.value(u"items"_s); items.isObject())
            node(items.toObject(), Level::Item, field::child(path, u"items"_s));
        const QJsonObject props = s.value(u"properties"_s).toObject();
        for (auto it = props.begin(); it != props.end(); ++it)
            node(it.value().toObject(), Level::Field, properties(path, it.key()));
        const QJsonValue additional = s.value(u"additionalProperties"_s);
        if (additional.isUndefined())
            return;
        const QString additionalPath = field::child(path, u"additionalProperties"_s);
        if (lvl == Level::Root)
            causes.append(field::forbidden(additionalPath, u"must not be used at the root"_s));
        if (!props.isEmpty() && additional != QJsonValue(true))
            causes.append(
                field::forbidden(additionalPath, u"additionalProperties and properties are mutual exclusive"_s));
        if (s.value(kEmbedded).toBool())
            causes.append(
                field::forbidden(additionalPath, u"must not be used if x-kubernetes-embedded-resource is set"_s));
        if (additional.isObject())
            node(additional.toObject(), Level::Field, additionalPath);
    }

    void typeRules(const QJsonObject& s, Level lvl, const QString& path)
    {
        static const QStringList kTypes
            = { u"array"_s, u"boolean"_s, u"integer"_s, u"number"_s, u"object"_s, u"string"_s };
        const QString typePath = field::child(path, u"type"_s);
        const QString type = s.value(u"type"_s).toString();
        if (!type.isEmpty() && !kTypes.contains(type))
            causes.append(field::notSupported(typePath, type, kTypes));
        if (s.value(kEmbedded).toBool() && type != u"object") {
            const QString why = u"must be object if x-kubernetes-embedded-resource is true"_s;
            causes.append(type.isEmpty() ? field::required(typePath, why) : field::invalid(typePath, type, why));
        } else if (type.isEmpty() && !s.value(kIntOrString).toBool() && !s.value(kPreserve).toBool()) {
            const QString why = lvl == Level::Root ? u"must not be empty at the root"_s
                : lvl == Level::Item               ? u"must not be empty for specified array items"_s
                                                   : u"must not be empty for specified object fields"_s;
            causes.append(field::required(typePath, why));
        }
        if (lvl == Level::Root && !type.isEmpty() && type != u"object")
            causes.append(field::invalid(typePath, type, u"must be object at the root"_s));
        if (s.value(kIntOrString).toBool() && !type.isEmpty())
            causes.append(field::invalid(typePath, type, u"must be empty if x-kubernetes-int-or-string is true"_s));
    }

    void extensionRules(const QJsonObject& s, const QString& path)
    {
        const bool intOrString = s.value(kIntOrString).toBool();
        if (s.value(kPreserve) == QJsonValue(false))
            causes.append(field::invalid(field::child(path, kPreserve), false, u"must be true or undefined"_s));
        if (intOrString && s.value(kPreserve).toBool())
            causes.append(field::invalid(
                field::child(path, kPreserve), true, u"must be false if x-kubernetes-int-or-string is true"_s));
        if (intOrString && s.value(kEmbedded).toBool())
            causes.append(field::invalid(
                field::child(path, kEmbedded), true, u"must be false if x-kubernetes-int-or-string is true"_s));
        if (s.value(kEmbedded).toBool() && !s.value(kPreserve).toBool()
            && s.value(u"properties"_s).toObject().isEmpty())
            causes.append(field::required(field::child(path, u"properties"_s),
                u"must not be empty if x-kubernetes-embedded-resource is true without "
                "x-kubernetes-preserve-unknown-fields"_s));
        if (s.value(u"uniqueItems"_s).toBool())
            causes.append(field::forbidden(field::child(path, u"uniqueItems"_s),
                u"uniqueItems cannot be set to true since the runtime complexity becomes quadratic"_s));
    }

    /// pattern and the logic junctors; `skipAnyOf` spares the int-or-string anyOf.
    void valueValidation(const QJsonObject& s, const QString& path, bool skipAnyOf)
    {
        if (const QString pattern = s.value(u"pattern"_s).toString(); !pattern.isEmpty()) {
            const QRegularExpression re(pattern);
            if (!re.isValid())
                causes.append(field::invalid(field::child(path, u"pattern"_s), pattern,
                    u"must be a valid regular expression, but isn't: "_s + re.errorString()));
        }
        const bool skipFirstAllOfAnyOf
            = isIntOrStringAnyOf(s.value(u"allOf"_s).toArray().at(0).toObject().value(u"anyOf"_s));
        for (const QString& junctor : kJunctors) {
            if (junctor == u"anyOf" && skipAnyOf)
                continue;
            const QJsonArray list = s.value(junctor).toArray();
            for (qsizetype i = 0; i < list.size(); ++i)
                nested(list.at(i).toObject(), field::index(field::child(path, junctor), i),
                    junctor == u"allOf" && i == 0 && skipFirstAllOfAnyOf);
        }
        if (const QJsonValue n = s.value(u"not"_s); n.isObject())
            nested(n.toObject(), field::child(path, u"not"_s), false);
    }

    /// A schema under a logic junctor may only carry value validations.
    void nested(const QJsonObject& s, const QString& path, bool skipAnyOf)
    {
        valueValidation(s, path, skipAnyOf);
        if (const QJsonValue items = s.value(u"items"_s); items.isObject())
            nested(items.toObject(), field::child(path, u"items"_s), false);
        const QJsonObject props = s.value(u"properties"_s).toObject();
        for (auto it = props.begin(); it != props.end(); ++it)
            nested(it.value().toObject(), properties(path, it.key()), false);
        static const struct {
            const char* key;
            const char* detail;
        } kForbidden[] = {
            { "type", "must be empty to be structural" },
            { "additionalProperties", "must be undefined to be structural" },
            { "default", "must be undefined to be structural" },
            { "title", "must be empty to be structural" },
            { "description", "must be empty to be structural" },
            { "nullable", "must be false to be structural" },
            { "x-kubernetes-preserve-unknown-fields", "must be false to be structural" },
            { "x-kubernetes-embedded-resource", "must be false to be structural" },
            { "x-kubernetes-int-or-string", "must be false to be structural" },
            { "x-kubernetes-list-map-keys", "must be empty to be structural" },
            { "x-kubernetes-list-type", "must be undefined to be structural" },
        };
        for (const auto& f : kForbidden) {
            const QString key = QString::fromLatin1(f.key);
            const QJsonValue v = s.value(key);
            if (!v.isUndefined() && v != QJsonValue(false) && v != QJsonValue(u""_s))
                causes.append(field::forbidden(field::child(path, key), QString::fromLatin1(f.detail)));
        }
        if (props.contains(u"metadata"_s))
            causes.append(
                field::forbidden(properties(path, u"metadata"_s), u"must not be specified in a nested context"_s));
    }

    void metaFieldTypes(const QJsonObject& s, const QString& path)
    {
        const QJsonObject props = s.value(u"properties"_s).toObject();
        const struct {
            QString key;
            QString type;
        } fields[] = { { u"kind"_s, u"string"_s }, { u"apiVersion"_s, u"string"_s }, { u"metadata"_s, u"object"_s } };
        for (const auto& f : fields) {
            if (!props.contains(f.key))
                continue;
            const QString type = props.value(f.key).toObject().value(u"type"_s).toString();
            if (type != f.type)
                causes.append(
                    field::invalid(field::child(properties(path, f.key), u"type"_s), type, u"must be "_s + f.type));
        }
    }

    /// At the root, metadata may only restrict name and generateName.
    void rootMetadata(const QJsonObject& s, const QString& path)
    {
        const QJsonValue metadata = s.value(u"properties"_s).toObject().value(u"metadata"_s);
        if (!metadata.isObject())
            return;
        static const QSet<QString> allowedKeys = { u"type"_s, u"properties"_s, u"default"_s };
        static const QSet<QString> allowedProps = { u"name"_s, u"generateName"_s };
        bool ok = true;
        const QJsonObject m = metadata.toObject();
        for (auto it = m.begin(); it != m.end(); ++it)
            ok = ok && allowedKeys.contains(it.key());
        const QStringList props = m.value(u"properties"_s).toObject().keys();
        for (const QString& p : props)
            ok = ok && allowedProps.contains(p);
        if (!ok)
            causes.append(field::forbidden(properties(path, u"metadata"_s),
                u"must not specify anything other than name and generateName, but metadata is implicitly "
                "specified"_s));
    }
};

} // namespace

QList<kube::StatusCause> structuralSchemaErrors(const QJsonObject& schema, const QString& path)
{
    Checker checker;
    checker.node(schema, Level::Root, path);
    QList<kube::StatusCause> causes = std::move(checker.causes);
    std::stable_sort(causes.begin(), causes.end(), [](const kube::StatusCause& a, const kube::StatusCause& b) {
        return a.field + u": "_s + a.message < b.field + u": "_s + b.message;
    });
    return causes;
}

bool isStructural(const QJsonObject& schema, QString* why)
{
    const QList<kube::StatusCause> causes = structuralSchemaErrors(schema, QString());
    if (!causes.isEmpty() && why)
        *why = causes.first().field + u": "_s + causes.first().message;
    return causes.isEmpty();
}

} // namespace apiserver
