#include "jsonfields.h"

#include "timestamps.h"

#include <limits>

using namespace Qt::StringLiterals;

namespace kube::json {

ApiError fieldError(const QString& path, const QString& problem)
{
    ApiError error = ApiError::badRequest(path + u": "_s + problem);
    error.withCauses({ StatusCause { u"FieldValueInvalid"_s, problem, path } });
    return error;
}

ApiError prefixed(const ApiError& error, const QString& prefix)
{
    if (error.causes().isEmpty())
        return error;
    const StatusCause& cause = error.causes().constFirst();
    return fieldError(joinPath(prefix, cause.field), cause.message);
}

QString joinPath(const QString& parent, const QString& child)
{
    if (parent.isEmpty())
        return child;
    return child.startsWith(u'[') ? parent + child : parent + u'.' + child;
}

QString indexPath(QLatin1StringView key, qsizetype index)
{
    return key + u'[' + QString::number(index) + u']';
}

std::optional<QByteArray> decodeBase64(const QString& text)
{
    QByteArray compact = text.toLatin1();
    compact.replace('\n', QByteArray()).replace('\r', QByteArray());
    if (compact.size() % 4 != 0)
        return std::nullopt;
    auto result
        = QByteArray::fromBase64Encoding(compact, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (result.decodingStatus != QByteArray::Base64DecodingStatus::Ok)
        return std::nullopt;
    return result.decoded;
}

// --- FieldReader ---------------------------------------------------------------------------------------------

FieldReader::FieldReader(const QJsonObject& object)
    : m_rest(object)
{
}

void FieldReader::field(QLatin1StringView key, QString& out)
{
    const auto value = typed(key, QJsonValue::String, "expected a string");
    out = value ? value->toString() : QString();
    consumeIf(key, !out.isEmpty());
}

void FieldReader::field(QLatin1StringView key, std::optional<bool>& out)
{
    const auto value = typed(key, QJsonValue::Bool, "expected a boolean");
    out = value ? std::optional<bool>(value->toBool()) : std::nullopt;
    consumeIf(key, out.has_value());
}

void FieldReader::field(QLatin1StringView key, std::optional<qint64>& out)
{
    out = integerAt(key, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
    consumeIf(key, out.has_value());
}

void FieldReader::field(QLatin1StringView key, std::optional<int>& out)
{
    const auto value = integerAt(key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    out = value ? std::optional<int>(int(*value)) : std::nullopt;
    consumeIf(key, out.has_value());
}

void FieldReader::field(QLatin1StringView key, qint64& out)
{
    out = integerAt(key, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max()).value_or(0);
    consumeIf(key, out != 0);
}

void FieldReader::field(QLatin1StringView key, int& out)
{
    out = int(integerAt(key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()).value_or(0));
    consumeIf(key, out != 0);
}

void FieldReader::field(QLatin1StringView key, QMap<QString, QString>& out)
{
    out.clear();
    const std::optional<QJsonObject> object = objectAt(key);
    if (!object)
        return;
    for (auto it = object->begin(); it != object->end(); ++it) {
        if (!it.value().isString())
            return fail(fieldError(key + u'[' + it.key() + u']', u"expected a string"_s));
        out.insert(it.key(), it.value().toString());
    }
    consumeIf(key, !out.isEmpty());
}

void FieldReader::field(QLatin1StringView key, QStringList& out)
{
    out.clear();
    const std::optional<QJsonArray> array = arrayAt(key);
    if (!array)
        return;
    for (qsizetype i = 0; i < array->size(); ++i) {
        if (!array->at(i).isString())
            return fail(fieldError(indexPath(key, i), u"expected a string"_s));
        out.append(array->at(i).toString());
    }
    consumeIf(key, !out.isEmpty());
}

void FieldReader::time(QLatin1StringView key, QString& out)
{
    field(key, out);
    if (!out.isEmpty() && !parseTimestamp(out).isValid())
        fail(fieldError(key, u"expected an RFC 3339 time"_s));
}

void FieldReader::bytes(QLatin1StringView key, QMap<QString, QByteArray>& out, QMap<QString, QString>& encoding)
{
    QMap<QString, QString> text;
    field(key, text);
    out.clear();
    encoding.clear();
    for (auto it = text.cbegin(); ok() && it != text.cend(); ++it) {
        const std::optional<QByteArray> decoded = decodeBase64(it.value());
        if (!decoded)
            return fail(fieldError(key + u'[' + it.key() + u']', u"invalid base64"_s));
        out.insert(it.key(), *decoded);
        if (QString::fromLatin1(decoded->toBase64()) != it.value())
            encoding.insert(it.key(), it.value());
    }
}

std::optional<QJsonValue> FieldReader::present(QLatin1StringView key) const
{
    if (!ok())
        return std::nullopt;
    const QJsonValue value = m_rest.value(key);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    return value;
}

std::optional<QJsonValue> FieldReader::typed(QLatin1StringView key, QJsonValue::Type type, const char* expected)
{
    const std::optional<QJsonValue> value = present(key);
    if (value && value->type() != type) {
        fail(fieldError(key, QString::fromLatin1(expected)));
        return std::nullopt;
    }
    return value;
}

std::optional<QJsonObject> FieldReader::objectAt(QLatin1StringView key)
{
    const auto value = typed(key, QJsonValue::Object, "expected an object");
    return value ? std::optional<QJsonObject>(value->toObject()) : std::nullopt;
}

std::optional<QJsonArray> FieldReader::arrayAt(QLatin1StringView key)
{
    const auto value = typed(key, QJsonValue::Array, "expected an array");
    return value ? std::optional<QJsonArray>(value->toArray()) : std::nullopt;
}

std::optional<qint64> FieldReader::integerAt(QLatin1StringView key, qint64 min, qint64 max)
{
    const auto value = typed(key, QJsonValue::Double, "expected an integer");
    if (!value)
        return std::nullopt;
    const qint64 integer = value->toInteger();
    if (integer == 0 && value->toDouble() != 0) {
        fail(fieldError(key, u"expected an integer"_s));
        return std::nullopt;
    }
    if (integer < min || integer > max) {
        fail(fieldError(key, u"integer out of range"_s));
        return std::nullopt;
    }
    return integer;
}

void FieldReader::consumeIf(QLatin1StringView key, bool condition)
{
    if (condition && ok())
        m_rest.remove(key);
}

void FieldReader::fail(ApiError error)
{
    if (ok())
        m_error = std::move(error);
}

// --- FieldWriter ---------------------------------------------------------------------------------------------

FieldWriter::FieldWriter(QJsonObject unknownFields)
    : m_out(std::move(unknownFields))
{
}

void FieldWriter::field(QLatin1StringView key, const QString& value)
{
    if (!value.isEmpty())
        m_out.insert(key, value);
}

void FieldWriter::field(QLatin1StringView key, const std::optional<bool>& value)
{
    if (value)
        m_out.insert(key, *value);
}

void FieldWriter::field(QLatin1StringView key, const std::optional<qint64>& value)
{
    if (value)
        m_out.insert(key, *value);
}

void FieldWriter::field(QLatin1StringView key, const std::optional<int>& value)
{
    if (value)
        m_out.insert(key, *value);
}

void FieldWriter::field(QLatin1StringView key, qint64 value)
{
    if (value != 0)
        m_out.insert(key, value);
}

void FieldWriter::field(QLatin1StringView key, int value)
{
    if (value != 0)
        m_out.insert(key, value);
}

void FieldWriter::field(QLatin1StringView key, const QMap<QString, QString>& value)
{
    QJsonObject object;
    for (auto it = value.cbegin(); it != value.cend(); ++it)
        object.insert(it.key(), it.value());
    put(key, object);
}

void FieldWriter::field(QLatin1StringView key, const QStringList& value)
{
    if (!value.isEmpty())
        m_out.insert(key, QJsonArray::fromStringList(value));
}

void FieldWriter::bytes(
    QLatin1StringView key, const QMap<QString, QByteArray>& value, const QMap<QString, QString>& encoding)
{
    QJsonObject object;
    for (auto it = value.cbegin(); it != value.cend(); ++it) {
        const QString original = encoding.value(it.key());
        const bool unchanged = !original.isEmpty() && decodeBase64(original) == it.value();
        object.insert(it.key(), unchanged ? original : QString::fromLatin1(it.value().toBase64()));
    }
    put(key, object);
}

void FieldWriter::put(QLatin1StringView key, const QJsonObject& object)
{
    if (!object.isEmpty())
        m_out.insert(key, object);
}

} // namespace kube::json
