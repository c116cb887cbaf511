#pragma once

#include "expected.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QLatin1StringView>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>
#include <utility>

/// Building blocks of the typed API objects' JSON codecs (kube/objects.h). Every type lists its fields once, in a
/// generic lambda run by a FieldReader (fromJson) or a FieldWriter (toJson), so the two directions cannot drift.
///
/// The lossless rule: a reader consumes a field only when the writer will emit it again unchanged. Values a writer
/// omits (null, "", 0 for plain numbers, {} and []) stay in the struct's `unknownFields`, which the writer merges
/// back first and known fields override. So absent stays absent, `data: {}` stays, `creationTimestamp: null`
/// stays, and a field the caller sets later still wins.
namespace kube::json {

/// A Bad Request naming the field: message `path: problem`, one FieldValueInvalid cause whose field is `path`.
ApiError fieldError(const QString& path, const QString& problem);
/// The same error one level up: `prefix` joined in front of its field path and message.
ApiError prefixed(const ApiError& error, const QString& prefix);
/// Joins a parent path and a child (`metadata` + `name`, `items` + `[0]`).
QString joinPath(const QString& parent, const QString& child);
/// `key[index]`, the path of one array element.
QString indexPath(QLatin1StringView key, qsizetype index);

/// Reads known fields out of one JSON object level; records the first error and ignores calls after it.
class FieldReader {
public:
    explicit FieldReader(const QJsonObject& object);

    /// True until a field failed to decode.
    bool ok() const { return !m_error.has_value(); }
    /// The first failure; only valid when !ok().
    const ApiError& error() const { return *m_error; }
    /// The fields not consumed: unknown ones plus known ones the writer would omit.
    const QJsonObject& rest() const { return m_rest; }

    /// A string; "" and null stay in rest().
    void field(QLatin1StringView key, QString& out);
    /// An optional boolean (`*bool`); null stays in rest().
    void field(QLatin1StringView key, std::optional<bool>& out);
    /// An optional 64-bit integer (`*int64`).
    void field(QLatin1StringView key, std::optional<qint64>& out);
    /// An optional 32-bit integer (`*int32`).
    void field(QLatin1StringView key, std::optional<int>& out);
    /// A 64-bit integer with omitempty; 0 stays in rest().
    void field(QLatin1StringView key, qint64& out);
    /// A 32-bit integer with omitempty; 0 stays in rest().
    void field(QLatin1StringView key, int& out);
    /// A map of strings (labels, annotations, stringData); {} stays in rest().
    void field(QLatin1StringView key, QMap<QString, QString>& out);
    /// A list of strings (finalizers); [] stays in rest().
    void field(QLatin1StringView key, QStringList& out);
    /// A metav1.Time or MicroTime string, kept verbatim after an RFC 3339 check.
    void time(QLatin1StringView key, QString& out);
    /// Secret-style `data`: base64 values decoded; non-canonical encodings are remembered in `encoding`.
    void bytes(QLatin1StringView key, QMap<QString, QByteArray>& out, QMap<QString, QString>& encoding);

    /// A nested object decoded with T::fromJson; {} stays in rest().
    template <typename T>
    requires requires(const QJsonObject& o) { T::fromJson(o); }
    void field(QLatin1StringView key, T& out)
    {
        out = T {};
        const std::optional<QJsonObject> object = objectAt(key);
        if (!object || object->isEmpty())
            return;
        auto decoded = T::fromJson(*object);
        if (!decoded)
            return fail(prefixed(decoded.error(), key));
        out = std::move(*decoded);
        m_rest.remove(key);
    }

    /// A list of nested objects, each decoded with T::fromJson; [] stays in rest().
    template <typename T> void field(QLatin1StringView key, QList<T>& out)
    {
        out.clear();
        const std::optional<QJsonArray> array = arrayAt(key);
        if (!array || array->isEmpty())
            return;
        for (qsizetype i = 0; i < array->size(); ++i) {
            if (!array->at(i).isObject())
                return fail(fieldError(indexPath(key, i), QStringLiteral("expected an object")));
            auto decoded = T::fromJson(array->at(i).toObject());
            if (!decoded)
                return fail(prefixed(decoded.error(), indexPath(key, i)));
            out.append(std::move(*decoded));
        }
        m_rest.remove(key);
    }

private:
    std::optional<QJsonValue> present(QLatin1StringView key) const;
    std::optional<QJsonValue> typed(QLatin1StringView key, QJsonValue::Type type, const char* expected);
    std::optional<QJsonObject> objectAt(QLatin1StringView key);
    std::optional<QJsonArray> arrayAt(QLatin1StringView key);
    std::optional<qint64> integerAt(QLatin1StringView key, qint64 min, qint64 max);
    void consumeIf(QLatin1StringView key, bool condition);
    void fail(ApiError error);

    QJsonObject m_rest;
    std::optional<ApiError> m_error;
};

/// Writes known fields over a copy of the unknown ones, omitting empty values (the mirror of FieldReader).
class FieldWriter {
public:
    explicit FieldWriter(QJsonObject unknownFields);

    /// The object written so far.
    const QJsonObject& result() const { return m_out; }

    /// Writes a value unless it is empty (the overloads mirror FieldReader::field).
    void field(QLatin1StringView key, const QString& value);
    void field(QLatin1StringView key, const std::optional<bool>& value);
    void field(QLatin1StringView key, const std::optional<qint64>& value);
    void field(QLatin1StringView key, const std::optional<int>& value);
    void field(QLatin1StringView key, qint64 value);
    void field(QLatin1StringView key, int value);
    void field(QLatin1StringView key, const QMap<QString, QString>& value);
    void field(QLatin1StringView key, const QStringList& value);
    /// Writes a timestamp text unless empty.
    void time(QLatin1StringView key, const QString& value) { field(key, value); }
    /// Writes Secret-style `data` as base64, reusing a remembered encoding while the bytes are unchanged.
    void bytes(QLatin1StringView key, const QMap<QString, QByteArray>& value, const QMap<QString, QString>& encoding);

    /// A nested object, written when its JSON is not empty.
    template <typename T>
    requires requires(const T& t) { t.toJson(); }
    void field(QLatin1StringView key, const T& value) { put(key, value.toJson()); }

    /// A list of nested objects, written when not empty.
    template <typename T> void field(QLatin1StringView key, const QList<T>& value)
    {
        QJsonArray array;
        for (const T& item : value)
            array.append(item.toJson());
        if (!array.isEmpty())
            m_out.insert(key, array);
    }

private:
    void put(QLatin1StringView key, const QJsonObject& object);

    QJsonObject m_out;
};

/// Decodes a T by running `fields(reader, value)`; what the reader leaves becomes `value.unknownFields`.
template <typename T, typename Fields> Expected<T> decode(const QJsonObject& json, Fields fields)
{
    FieldReader reader(json);
    T value;
    fields(reader, value);
    if (!reader.ok())
        return reader.error();
    value.unknownFields = reader.rest();
    return value;
}

/// Encodes a T by running `fields(writer, value)` over its unknown fields.
template <typename T, typename Fields> QJsonObject encode(const T& value, Fields fields)
{
    FieldWriter writer(value.unknownFields);
    fields(writer, value);
    return writer.result();
}

/// Decodes Kubernetes `[]byte` JSON (standard base64 with padding; line breaks ignored, as Go does).
std::optional<QByteArray> decodeBase64(const QString& text);

} // namespace kube::json
