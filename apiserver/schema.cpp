#include "schema.h"

#include "fielderror.h"

#include <QDate>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <cmath>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

/// A schema pattern compiled once per thread: compiling (and JIT-compiling) it for every validated string cost the
/// API server a tenth of its CPU per write (bench/PROFILE.md). Schemas hold few patterns; the cache is bounded anyway.
const QRegularExpression& compiledPattern(const QString& pattern)
{
    thread_local QHash<QString, QRegularExpression> cache;
    if (const auto it = cache.constFind(pattern); it != cache.cend())
        return *it;
    if (cache.size() >= 256)
        cache.clear();
    return *cache.insert(pattern, QRegularExpression(pattern));
}

const QString kPreserve = u"x-kubernetes-preserve-unknown-fields"_s;
const QString kEmbedded = u"x-kubernetes-embedded-resource"_s;
const QString kIntOrString = u"x-kubernetes-int-or-string"_s;

bool flag(const QJsonObject& schema, const QString& key)
{
    return schema.value(key).toBool();
}

bool isMetaField(const QString& key)
{
    return key == u"apiVersion" || key == u"kind" || key == u"metadata";
}

bool isIntegral(double d)
{
    return std::isfinite(d) && d == std::trunc(d);
}

/// The JSON type kube-openapi infers from a decoded value.
QString typeName(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return u"boolean"_s;
    case QJsonValue::Double:
        return isIntegral(value.toDouble()) ? u"integer"_s : u"number"_s;
    case QJsonValue::String:
        return u"string"_s;
    case QJsonValue::Array:
        return u"array"_s;
    case QJsonValue::Object:
        return u"object"_s;
    default:
        return u"null"_s;
    }
}

/// strfmt's date-time: RFC 3339 with optional fraction, 'T'/'Z' in either case.
bool isDateTime(const QString& value)
{
    static const QRegularExpression timeRe(
        u"^([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]+)?(z|[+-][0-9]{2}:[0-9]{2})$"_s);
    const QStringList parts = value.toLower().split(u't');
    if (parts.size() != 2 || !QDate::fromString(parts[0], u"yyyy-MM-dd"_s).isValid())
        return false;
    const QRegularExpressionMatch m = timeRe.match(parts[1]);
    return m.hasMatch() && m.captured(1).toInt() <= 23 && m.captured(2).toInt() <= 59 && m.captured(3).toInt() <= 60;
}

/// Removes the fields no schema declares, as apiextensions' structural pruning does; the root and every
/// x-kubernetes-embedded-resource keep apiVersion, kind and metadata.
class Pruner {
public:
    explicit Pruner(QStringList& unknown)
        : m_unknown(unknown)
    {
    }

    QJsonValue prune(QJsonValue value, const QJsonObject* schema, const QString& path, bool root, bool skip)
    {
        skip = skip || (schema && flag(*schema, kPreserve));
        if (value.isObject())
            return pruneObject(value.toObject(), schema, path, root, skip);
        if (value.isArray()) {
            QJsonArray array = value.toArray();
            const QJsonValue items = schema ? schema->value(u"items"_s) : QJsonValue();
            const QJsonObject itemSchema = items.toObject();
            for (qsizetype i = 0; i < array.size(); ++i)
                array[i]
                    = prune(array.at(i), items.isObject() ? &itemSchema : nullptr, field::index(path, i), false, skip);
            return array;
        }
        return value;
    }

private:
    QJsonObject pruneObject(QJsonObject object, const QJsonObject* schema, const QString& path, bool root, bool skip)
    {
        const bool keepMeta = root || (schema && flag(*schema, kEmbedded));
        const QJsonObject properties = schema ? schema->value(u"properties"_s).toObject() : QJsonObject();
        const QJsonValue additional = schema ? schema->value(u"additionalProperties"_s) : QJsonValue();
        const QJsonObject additionalSchema = additional.toObject();
        const QStringList keys = object.keys();
        for (const QString& key : keys) {
            if (keepMeta && isMetaField(key))
                continue;
            QJsonObject propertySchema;
            const QJsonObject* sub = nullptr;
            if (properties.contains(key)) {
                propertySchema = properties.value(key).toObject();
                sub = &propertySchema;
            } else if (additional.isObject()) {
                sub = &additionalSchema;
            }
            if (sub) {
                // Non-nullable nulls are dropped before validation (defaulting.PruneNonNullableNulls).
                const QJsonValue value = object.value(key);
                if (value.isNull() && !flag(*sub, u"nullable"_s))
                    object.remove(key);
                else if (value.isObject() || value.isArray()) // scalars never change: no copy, no detach
                    object[key] = prune(value, sub, field::child(path, key), false, false);
            } else if (!skip && additional != QJsonValue(true)) {
                m_unknown.append(field::child(path, key));
                object.remove(key);
            }
        }
        return object;
    }

    QStringList& m_unknown;
};

/// Checks a pruned value against its schema with kube-openapi's messages, converted to field errors the way
/// apiextensions-apiserver converts them.
class Validator {
public:
    explicit Validator(QList<kube::StatusCause>& causes)
        : m_causes(causes)
    {
    }

    void validate(const QJsonValue& value, const QJsonObject& schema, const QString& path, bool root = false)
    {
        if (value.isNull() && !root) {
            const bool typed = schema.contains(u"type"_s) || flag(schema, kIntOrString);
            if (typed && !flag(schema, u"nullable"_s))
                m_causes.append(typeError(path, schema, u"null"_s));
            return;
        }
        if (!root && !checkType(value, schema, path))
            return;
        if (value.isString())
            validateString(value.toString(), schema, path);
        else if (value.isDouble())
            validateNumber(value.toDouble(), schema, path);
        else if (value.isArray())
            validateArray(value.toArray(), schema, path);
        else if (value.isObject())
            validateObject(value.toObject(), schema, path, root);
        validateEnum(value, schema, path);
    }

private:
    static QString expectedType(const QJsonObject& schema)
    {
        return flag(schema, kIntOrString) ? u"integer,string"_s : schema.value(u"type"_s).toString();
    }

    static kube::StatusCause typeError(const QString& path, const QJsonObject& schema, const QString& actual)
    {
        return field::typeInvalid(
            path, actual, u"%1 in body must be of type %2: %3"_s.arg(path, expectedType(schema), field::quote(actual)));
    }

    bool checkType(const QJsonValue& value, const QJsonObject& schema, const QString& path)
    {
        const QString actual = typeName(value);
        bool ok = true;
        if (flag(schema, kIntOrString))
            ok = actual == u"integer" || actual == u"string";
        else if (const QString type = schema.value(u"type"_s).toString(); !type.isEmpty())
            ok = type == actual || (type == u"number" && actual == u"integer");
        if (!ok)
            m_causes.append(typeError(path, schema, actual));
        return ok;
    }

    void validateString(const QString& value, const QJsonObject& schema, const QString& path)
    {
        // Length in code points, counted only when bounded (toUcs4 copies the whole string).
        const bool bounded = schema.contains(u"maxLength"_s) || schema.contains(u"minLength"_s);
        const qsizetype length = bounded ? value.toUcs4().size() : 0;
        if (schema.contains(u"maxLength"_s) && length > schema.value(u"maxLength"_s).toInteger())
            m_causes.append(
                field::tooLong(path, u"may not be longer than %1"_s.arg(schema.value(u"maxLength"_s).toInteger())));
        if (schema.contains(u"minLength"_s) && length < schema.value(u"minLength"_s).toInteger())
            m_causes.append(field::invalid(path, value,
                u"%1 in body should be at least %2 chars long"_s.arg(path).arg(
                    schema.value(u"minLength"_s).toInteger())));
        if (const QString pattern = schema.value(u"pattern"_s).toString(); !pattern.isEmpty()) {
            const QRegularExpression& re = compiledPattern(pattern);
            if (re.isValid() && !re.match(value).hasMatch())
                m_causes.append(field::invalid(path, value, u"%1 in body should match '%2'"_s.arg(path, pattern)));
        }
        validateFormat(value, schema.value(u"format"_s).toString(), path);
    }

    void validateFormat(const QString& value, const QString& format, const QString& path)
    {
        bool ok = true;
        if (format == u"byte")
            ok = field::decodeBase64(value) < 0;
        else if (format == u"date-time")
            ok = isDateTime(value);
        if (!ok)
            m_causes.append(field::typeInvalid(
                path, value, u"%1 in body must be of type %2: %3"_s.arg(path, format, field::quote(value))));
    }

    void validateNumber(double value, const QJsonObject& schema, const QString& path)
    {
        auto bound = [&](const QString& key, const QString& exclusiveKey, bool tooSmall, const char* inclusive,
                         const char* exclusive) {
            if (!schema.contains(key))
                return;
            const double limit = schema.value(key).toDouble();
            const bool excl = flag(schema, exclusiveKey);
            const bool bad
                = tooSmall ? (excl ? value <= limit : value < limit) : (excl ? value >= limit : value > limit);
            if (bad)
                m_causes.append(field::invalid(path, value,
                    u"%1 in body should be %2 %3"_s.arg(
                        path, QLatin1String(excl ? exclusive : inclusive), field::formatNumber(limit))));
        };
        bound(u"minimum"_s, u"exclusiveMinimum"_s, true, "greater than or equal to", "greater than");
        bound(u"maximum"_s, u"exclusiveMaximum"_s, false, "less than or equal to", "less than");
        const double factor = schema.value(u"multipleOf"_s).toDouble();
        if (factor > 0 && !isIntegral(value / factor))
            m_causes.append(field::invalid(
                path, value, u"%1 in body should be a multiple of %2"_s.arg(path, field::formatNumber(factor))));
    }

    void validateArray(const QJsonArray& array, const QJsonObject& schema, const QString& path)
    {
        if (const QJsonValue items = schema.value(u"items"_s); items.isObject()) {
            for (qsizetype i = 0; i < array.size(); ++i)
                validate(array.at(i), items.toObject(), field::index(path, i));
        }
        const qint64 size = array.size();
        if (schema.contains(u"minItems"_s) && size < schema.value(u"minItems"_s).toInteger())
            m_causes.append(field::invalid(path, double(size),
                u"%1 in body should have at least %2 items"_s.arg(path).arg(schema.value(u"minItems"_s).toInteger())));
        if (schema.contains(u"maxItems"_s) && size > schema.value(u"maxItems"_s).toInteger())
            m_causes.append(field::tooMany(path, size, schema.value(u"maxItems"_s).toInteger()));
    }

    void validateObject(const QJsonObject& object, const QJsonObject& schema, const QString& path, bool root)
    {
        const qint64 size = object.size();
        if (schema.contains(u"maxProperties"_s) && size > schema.value(u"maxProperties"_s).toInteger())
            m_causes.append(field::tooMany(path, size, schema.value(u"maxProperties"_s).toInteger()));
        if (schema.contains(u"minProperties"_s) && size < schema.value(u"minProperties"_s).toInteger())
            m_causes.append(field::invalid(path, double(size),
                u"%1 in body should have at least %2 properties"_s.arg(path).arg(
                    schema.value(u"minProperties"_s).toInteger())));
        for (const QJsonValue& r : schema.value(u"required"_s).toArray()) {
            if (!(root && isMetaField(r.toString())) && !object.contains(r.toString()))
                m_causes.append(field::required(field::child(path, r.toString())));
        }
        const QJsonObject properties = schema.value(u"properties"_s).toObject();
        const QJsonValue additional = schema.value(u"additionalProperties"_s);
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (root && isMetaField(it.key()))
                continue;
            if (properties.contains(it.key()))
                validate(it.value(), properties.value(it.key()).toObject(), field::child(path, it.key()));
            else if (additional.isObject())
                validate(it.value(), additional.toObject(), field::child(path, it.key()));
        }
        if (flag(schema, kEmbedded))
            validateEmbedded(object, path);
    }

    /// apiextensions' validateEmbeddedResource: apiVersion and kind are required, metadata is not.
    void validateEmbedded(const QJsonObject& object, const QString& path)
    {
        const QString apiVersionPath = field::child(path, u"apiVersion"_s);
        const QString kindPath = field::child(path, u"kind"_s);
        const QJsonValue apiVersion = object.value(u"apiVersion"_s);
        const QJsonValue kind = object.value(u"kind"_s);
        if (apiVersion.isUndefined())
            m_causes.append(field::required(apiVersionPath, u"must not be empty"_s));
        else if (!apiVersion.isString())
            m_causes.append(field::invalid(apiVersionPath, apiVersion, u"must be a string"_s));
        else if (apiVersion.toString().isEmpty())
            m_causes.append(field::invalid(apiVersionPath, apiVersion, u"must not be empty"_s));
        else if (apiVersion.toString().count(u'/') > 1)
            m_causes.append(field::invalid(
                apiVersionPath, apiVersion, u"unexpected GroupVersion string: "_s + apiVersion.toString()));
        if (kind.isUndefined())
            m_causes.append(field::required(kindPath, u"must not be empty"_s));
        else if (!kind.isString())
            m_causes.append(field::invalid(kindPath, kind, u"must be a string"_s));
        else if (kind.toString().isEmpty())
            m_causes.append(field::invalid(kindPath, kind, u"must not be empty"_s));
        else if (const QString why = field::checkDns1035Label(kind.toString().toLower()); !why.isEmpty())
            m_causes.append(
                field::invalid(kindPath, kind, u"may have mixed case, but should otherwise match: "_s + why));
    }

    void validateEnum(const QJsonValue& value, const QJsonObject& schema, const QString& path)
    {
        const QJsonValue enumValue = schema.value(u"enum"_s);
        if (!enumValue.isArray())
            return;
        const QJsonArray allowed = enumValue.toArray();
        if (allowed.contains(value))
            return;
        QStringList supported;
        for (const QJsonValue& a : allowed)
            supported.append(a.isString() ? a.toString() : a.isNull() ? u"null"_s : field::renderValue(a));
        m_causes.append(field::notSupported(path, value, supported));
    }

    QList<kube::StatusCause>& m_causes;
};

} // namespace

SchemaResult validateAndPrune(QJsonObject& object, const QJsonObject& schema)
{
    SchemaResult result;
    Pruner pruner(result.unknownFields);
    object = pruner.prune(object, &schema, QString(), true, false).toObject();
    Validator validator(result.causes);
    validator.validate(object, schema, QString(), true);
    return result;
}

} // namespace apiserver
