#include "apiserver/protobuf.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <span>

using namespace Qt::StringLiterals;

namespace apiserver::protobuf {
namespace {

// The schema is acyclic and at most ~6 messages deep; this only guards against a future schema mistake.
constexpr int MaxDepth = 16;
// time.Time's JSON form only covers years 0001-9999 (0001-01-01T00:00:00Z is Go's zero time, rendered as null).
constexpr qint64 MinUnixSeconds = -62135596800;
constexpr qint64 MaxUnixSeconds = 253402300799;

enum class WireType : quint8 { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

/// A bounds-checked cursor over one serialized protobuf message.
class Reader {
public:
    explicit Reader(QByteArrayView data)
        : m_data(data)
    {
    }

    bool atEnd() const { return m_pos >= m_data.size(); }
    /// Why the last read failed.
    QString error() const { return m_error; }

    bool readVarint(quint64* value)
    {
        quint64 result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (atEnd())
                return fail(u"truncated varint"_s);
            const auto byte = quint8(m_data[m_pos++]);
            if (shift == 63 && byte > 1)
                return fail(u"varint overflows 64 bits"_s);
            result |= quint64(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) {
                *value = result;
                return true;
            }
        }
        return fail(u"varint longer than 10 bytes"_s);
    }

    bool readTag(quint32* number, WireType* wire)
    {
        quint64 tag = 0;
        if (!readVarint(&tag))
            return false;
        const quint64 field = tag >> 3;
        if (field == 0 || field > 0x1fffffff)
            return fail(u"invalid field number %1"_s.arg(field));
        const auto type = quint8(tag & 7);
        if (type != 0 && type != 1 && type != 2 && type != 5)
            return fail(u"unsupported wire type %1 in field %2"_s.arg(type).arg(field));
        *number = quint32(field);
        *wire = WireType(type);
        return true;
    }

    bool readBytes(QByteArrayView* value)
    {
        quint64 length = 0;
        if (!readVarint(&length))
            return false;
        if (length > quint64(m_data.size() - m_pos))
            return fail(u"length %1 runs past the end of the message"_s.arg(length));
        *value = m_data.sliced(m_pos, qsizetype(length));
        m_pos += qsizetype(length);
        return true;
    }

    bool skip(WireType wire)
    {
        quint64 ignoredVarint = 0;
        QByteArrayView ignoredBytes;
        switch (wire) {
        case WireType::Varint:
            return readVarint(&ignoredVarint);
        case WireType::Bytes:
            return readBytes(&ignoredBytes);
        case WireType::Fixed64:
            return skipFixed(8);
        case WireType::Fixed32:
            return skipFixed(4);
        }
        return fail(u"unsupported wire type"_s);
    }

private:
    bool skipFixed(qsizetype size)
    {
        if (m_data.size() - m_pos < size)
            return fail(u"truncated %1-bit field"_s.arg(size * 8));
        m_pos += size;
        return true;
    }

    bool fail(const QString& reason)
    {
        m_error = reason;
        return false;
    }

    QByteArrayView m_data;
    qsizetype m_pos = 0;
    QString m_error;
};

/// How a field's payload maps to JSON.
enum class Type : quint8 {
    String, ///< string
    Int64, ///< int64 varint, JSON number
    Bool, ///< bool varint
    Time, ///< meta/v1 Time {seconds 1, nanos 2}, RFC 3339 string
    RawJson, ///< meta/v1 FieldsV1 {raw 1}: embedded JSON
    StringMap, ///< map<string, string>
    BytesMap, ///< map<string, bytes>, values base64 like encoding/json
    Message, ///< nested message, see Field::message
};

enum FieldFlag : quint8 {
    Repeated = 1, ///< a JSON array
    Presence = 2, ///< a Go pointer: zero values are kept, not omitted
};

struct MessageType;

/// One known field of a message: its number, JSON name and how to decode it.
struct Field {
    quint32 number;
    const char* name;
    Type type = Type::String;
    quint8 flags = 0;
    const MessageType* message = nullptr;
};

/// The known fields of a message; any other field number is skipped.
struct MessageType {
    std::span<const Field> fields;
};

// Field numbers from k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.
constexpr Field OwnerReferenceFields[] = { { 1, "kind" }, { 3, "name" }, { 4, "uid" }, { 5, "apiVersion" },
    { 6, "controller", Type::Bool }, { 7, "blockOwnerDeletion", Type::Bool } };
constexpr MessageType OwnerReference { OwnerReferenceFields };
constexpr Field ManagedFieldsEntryFields[] = { { 1, "manager" }, { 2, "operation" }, { 3, "apiVersion" },
    { 4, "time", Type::Time }, { 6, "fieldsType" }, { 7, "fieldsV1", Type::RawJson }, { 8, "subresource" } };
constexpr MessageType ManagedFieldsEntry { ManagedFieldsEntryFields };
constexpr Field ObjectMetaFields[] = { { 1, "name" }, { 2, "generateName" }, { 3, "namespace" }, { 4, "selfLink" },
    { 5, "uid" }, { 6, "resourceVersion" }, { 7, "generation", Type::Int64 }, { 8, "creationTimestamp", Type::Time },
    { 9, "deletionTimestamp", Type::Time }, { 10, "deletionGracePeriodSeconds", Type::Int64, Presence },
    { 11, "labels", Type::StringMap }, { 12, "annotations", Type::StringMap },
    { 13, "ownerReferences", Type::Message, Repeated, &OwnerReference }, { 14, "finalizers", Type::String, Repeated },
    { 17, "managedFields", Type::Message, Repeated, &ManagedFieldsEntry } };
constexpr MessageType ObjectMeta { ObjectMetaFields };
constexpr Field Metadata { 1, "metadata", Type::Message, 0, &ObjectMeta };

// Field numbers from k8s.io/api/core/v1/generated.proto.
constexpr Field SecretFields[] = { Metadata, { 2, "data", Type::BytesMap }, { 3, "type" },
    { 4, "stringData", Type::StringMap }, { 5, "immutable", Type::Bool } };
constexpr Field ConfigMapFields[]
    = { Metadata, { 2, "data", Type::StringMap }, { 3, "binaryData", Type::BytesMap }, { 4, "immutable", Type::Bool } };
constexpr Field NamespaceSpecFields[] = { { 1, "finalizers", Type::String, Repeated } };
constexpr MessageType NamespaceSpec { NamespaceSpecFields };
constexpr Field NamespaceConditionFields[]
    = { { 1, "type" }, { 2, "status" }, { 4, "lastTransitionTime", Type::Time }, { 5, "reason" }, { 6, "message" } };
constexpr MessageType NamespaceCondition { NamespaceConditionFields };
constexpr Field NamespaceStatusFields[]
    = { { 1, "phase" }, { 2, "conditions", Type::Message, Repeated, &NamespaceCondition } };
constexpr MessageType NamespaceStatus { NamespaceStatusFields };
constexpr Field NamespaceFields[] = { Metadata, { 2, "spec", Type::Message, 0, &NamespaceSpec },
    { 3, "status", Type::Message, 0, &NamespaceStatus } };
constexpr Field ObjectReferenceFields[] = { { 1, "kind" }, { 2, "namespace" }, { 3, "name" }, { 4, "uid" },
    { 5, "apiVersion" }, { 6, "resourceVersion" }, { 7, "fieldPath" } };
constexpr MessageType ObjectReference { ObjectReferenceFields };
constexpr Field LocalObjectReferenceFields[] = { { 1, "name" } };
constexpr MessageType LocalObjectReference { LocalObjectReferenceFields };
constexpr Field ServiceAccountFields[] = { Metadata, { 2, "secrets", Type::Message, Repeated, &ObjectReference },
    { 3, "imagePullSecrets", Type::Message, Repeated, &LocalObjectReference },
    { 4, "automountServiceAccountToken", Type::Bool } };

// Field numbers from k8s.io/api/authorization/v1/generated.proto. Field and label selector attributes share a
// shape ({rawSelector 1, requirements 2 {key 1, operator 2, values 3}}).
constexpr Field SelectorRequirementFields[]
    = { { 1, "key" }, { 2, "operator" }, { 3, "values", Type::String, Repeated } };
constexpr MessageType SelectorRequirement { SelectorRequirementFields };
constexpr Field SelectorAttributesFields[]
    = { { 1, "rawSelector" }, { 2, "requirements", Type::Message, Repeated, &SelectorRequirement } };
constexpr MessageType SelectorAttributes { SelectorAttributesFields };
constexpr Field ResourceAttributesFields[]
    = { { 1, "namespace" }, { 2, "verb" }, { 3, "group" }, { 4, "version" }, { 5, "resource" }, { 6, "subresource" },
          { 7, "name" }, { 8, "fieldSelector", Type::Message, 0, &SelectorAttributes },
          { 9, "labelSelector", Type::Message, 0, &SelectorAttributes } };
constexpr MessageType ResourceAttributes { ResourceAttributesFields };
constexpr Field NonResourceAttributesFields[] = { { 1, "path" }, { 2, "verb" } };
constexpr MessageType NonResourceAttributes { NonResourceAttributesFields };
constexpr Field SelfSubjectAccessReviewSpecFields[]
    = { { 1, "resourceAttributes", Type::Message, 0, &ResourceAttributes },
          { 2, "nonResourceAttributes", Type::Message, 0, &NonResourceAttributes } };
constexpr MessageType SelfSubjectAccessReviewSpec { SelfSubjectAccessReviewSpecFields };
// status (3) is written by the server, so a request's copy is dropped like any unknown field.
constexpr Field SelfSubjectAccessReviewFields[]
    = { Metadata, { 2, "spec", Type::Message, 0, &SelfSubjectAccessReviewSpec } };

/// A top-level kind this decoder understands.
struct Kind {
    const char* apiVersion;
    const char* kind;
    MessageType type;
};

constexpr Kind Kinds[] = {
    { "v1", "Secret", { SecretFields } },
    { "v1", "Namespace", { NamespaceFields } },
    { "v1", "ConfigMap", { ConfigMapFields } },
    { "v1", "ServiceAccount", { ServiceAccountFields } },
    { "authorization.k8s.io/v1", "SelfSubjectAccessReview", { SelfSubjectAccessReviewFields } },
};

WireType wireTypeOf(Type type)
{
    return type == Type::Int64 || type == Type::Bool ? WireType::Varint : WireType::Bytes;
}

QString join(const QString& path, const char* name)
{
    return path.isEmpty() ? QString::fromLatin1(name) : path + u'.' + QLatin1StringView(name);
}

/// Reads a message whose fields 1..values.size() are all length-delimited (later occurrences win); others skipped.
bool readLengthDelimited(QByteArrayView data, std::span<QByteArrayView> values, QString* reason)
{
    Reader reader(data);
    while (!reader.atEnd()) {
        quint32 number = 0;
        WireType wire {};
        if (!reader.readTag(&number, &wire)) {
            *reason = reader.error();
            return false;
        }
        const bool known = number <= values.size();
        if (known && wire != WireType::Bytes) {
            *reason = u"wrong wire type %1 for field %2"_s.arg(int(wire)).arg(number);
            return false;
        }
        if (!(known ? reader.readBytes(&values[number - 1]) : reader.skip(wire))) {
            *reason = reader.error();
            return false;
        }
    }
    return true;
}

/// Reads meta/v1 Time {seconds 1, nanos 2} into *seconds, nanos folded in as time.Unix does. False on bad input.
bool readTime(QByteArrayView data, qint64* seconds, QString* reason)
{
    qint64 nanos = 0;
    Reader reader(data);
    while (!reader.atEnd()) {
        quint32 number = 0;
        WireType wire {};
        quint64 value = 0;
        if (!reader.readTag(&number, &wire)) {
            *reason = reader.error();
            return false;
        }
        const bool known = number == 1 || number == 2;
        if (known && wire != WireType::Varint) {
            *reason = u"wrong wire type %1 for field %2"_s.arg(int(wire)).arg(number);
            return false;
        }
        if (!(known ? reader.readVarint(&value) : reader.skip(wire))) {
            *reason = reader.error();
            return false;
        }
        if (number == 1)
            *seconds = qint64(value);
        else if (number == 2)
            nanos = qint32(value);
    }
    // The JSON form drops the fraction, so only nanos outside [0, 1e9) matter: they carry into the seconds.
    const qint64 carry = nanos >= 0 ? nanos / 1000000000 : (nanos - 999999999) / 1000000000;
    if (*seconds < MinUnixSeconds || *seconds > MaxUnixSeconds || *seconds + carry < MinUnixSeconds
        || *seconds + carry > MaxUnixSeconds) {
        *reason = u"timestamp out of range"_s;
        return false;
    }
    *seconds += carry;
    return true;
}

/// Go's time.Time JSON form (RFC 3339, whole seconds, UTC) of a meta/v1 Time; an empty string for the zero time.
std::optional<QString> decodeTime(QByteArrayView data, QString* reason)
{
    qint64 seconds = 0;
    if (!readTime(data, &seconds, reason))
        return std::nullopt;
    if (data.isEmpty() || seconds == MinUnixSeconds)
        return QString();
    const QDateTime time = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    const QDate date = time.date();
    const QTime clock = time.time();
    const QChar zero = u'0';
    return u"%1-%2-%3T%4:%5:%6Z"_s.arg(date.year(), 4, 10, zero)
        .arg(date.month(), 2, 10, zero)
        .arg(date.day(), 2, 10, zero)
        .arg(clock.hour(), 2, 10, zero)
        .arg(clock.minute(), 2, 10, zero)
        .arg(clock.second(), 2, 10, zero);
}

/// Decodes schema-described messages into JSON, remembering the first error with the JSON path it happened at.
class Decoder {
public:
    QString error;

    /// Merges the fields of `data` into *out (proto semantics: repeated fields append, others are replaced).
    bool decodeMessage(QByteArrayView data, const MessageType& type, QJsonObject* out, const QString& path, int depth)
    {
        if (depth > MaxDepth)
            return fail(path, u"nested too deeply"_s);
        Reader reader(data);
        while (!reader.atEnd()) {
            quint32 number = 0;
            WireType wire {};
            if (!reader.readTag(&number, &wire))
                return fail(path, reader.error());
            const Field* field = find(type, number);
            if (field == nullptr) {
                if (!reader.skip(wire))
                    return fail(path, reader.error());
                continue;
            }
            const QString here = join(path, field->name);
            if (wire != wireTypeOf(field->type))
                return fail(here, u"wrong wire type %1 for field %2"_s.arg(int(wire)).arg(number));
            if (!decodeField(reader, *field, out, here, depth))
                return false;
        }
        return true;
    }

private:
    static const Field* find(const MessageType& type, quint32 number)
    {
        for (const Field& field : type.fields) {
            if (field.number == number)
                return &field;
        }
        return nullptr;
    }

    bool fail(const QString& path, const QString& reason)
    {
        error = path.isEmpty() ? reason : path + u": "_s + reason;
        return false;
    }

    bool decodeField(Reader& reader, const Field& field, QJsonObject* out, const QString& path, int depth)
    {
        const QString name = QString::fromLatin1(field.name);
        if (wireTypeOf(field.type) == WireType::Varint) {
            quint64 raw = 0;
            if (!reader.readVarint(&raw))
                return fail(path, reader.error());
            const QJsonValue value = field.type == Type::Bool ? QJsonValue(raw != 0) : QJsonValue(qint64(raw));
            return store(out, name, value, (field.flags & Presence) || field.type == Type::Bool || raw != 0, field);
        }
        QByteArrayView bytes;
        if (!reader.readBytes(&bytes))
            return fail(path, reader.error());
        switch (field.type) {
        case Type::StringMap:
        case Type::BytesMap:
            return decodeMapEntry(bytes, field.type == Type::BytesMap, out, name, path);
        case Type::Message: {
            QJsonObject object = field.flags & Repeated ? QJsonObject() : out->value(name).toObject();
            if (!decodeMessage(bytes, *field.message, &object, path, depth + 1))
                return false;
            return store(out, name, object, !object.isEmpty(), field);
        }
        default:
            break;
        }
        QJsonValue value;
        return decodeLeaf(bytes, field.type, path, &value)
            && store(out, name, value, value.isObject() || !value.toString().isEmpty(), field);
    }

    /// Decodes a string, Time or FieldsV1 payload into *value; an empty string means "omit".
    bool decodeLeaf(QByteArrayView bytes, Type type, const QString& path, QJsonValue* value)
    {
        QString reason;
        if (type == Type::String) {
            *value = QString::fromUtf8(bytes);
        } else if (type == Type::Time) {
            const std::optional<QString> time = decodeTime(bytes, &reason);
            if (!time)
                return fail(path, reason);
            *value = *time;
        } else {
            QByteArrayView raw;
            if (!readLengthDelimited(bytes, std::span(&raw, 1), &reason))
                return fail(path, reason);
            const QJsonDocument document = QJsonDocument::fromJson(raw.toByteArray());
            if (!raw.isEmpty() && !document.isObject())
                return fail(path, u"fieldsV1 is not a JSON object"_s);
            *value = raw.isEmpty() ? QJsonValue(QString()) : QJsonValue(document.object());
        }
        return true;
    }

    bool decodeMapEntry(
        QByteArrayView entry, bool bytesValue, QJsonObject* out, const QString& name, const QString& path)
    {
        QByteArrayView values[2];
        QString reason;
        if (!readLengthDelimited(entry, values, &reason))
            return fail(path, u"map entry: "_s + reason);
        const QString value
            = bytesValue ? QString::fromLatin1(values[1].toByteArray().toBase64()) : QString::fromUtf8(values[1]);
        QJsonObject map = out->value(name).toObject();
        map.insert(QString::fromUtf8(values[0]), value);
        out->insert(name, map);
        return true;
    }

    /// Stores a decoded value: appended for repeated fields, else set when `keep` and removed (omitempty) when not.
    static bool store(QJsonObject* out, const QString& name, const QJsonValue& value, bool keep, const Field& field)
    {
        if (field.flags & Repeated) {
            QJsonArray array = out->value(name).toArray();
            array.append(value);
            out->insert(name, array);
        } else if (keep) {
            out->insert(name, value);
        } else {
            out->remove(name);
        }
        return true;
    }
};

} // namespace

std::optional<QJsonObject> decodeRequest(const QByteArray& body, QString* error)
{
    const auto reject = [error](const QString& message) -> std::optional<QJsonObject> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    static constexpr char Magic[] = { 'k', '8', 's', '\0' };
    const QByteArrayView magic(Magic, sizeof(Magic));
    if (!body.startsWith(magic))
        return reject(u"protobuf body does not start with the k8s\\0 prefix"_s);
    if (body.size() == magic.size())
        return reject(u"empty protobuf body"_s);

    // runtime.Unknown {typeMeta 1, raw 2, contentEncoding 3, contentType 4}; TypeMeta {apiVersion 1, kind 2}.
    QByteArrayView unknown[4];
    QByteArrayView typeMeta[2];
    QString reason;
    if (!readLengthDelimited(QByteArrayView(body).sliced(magic.size()), unknown, &reason)
        || !readLengthDelimited(unknown[0], typeMeta, &reason))
        return reject(u"malformed protobuf envelope: "_s + reason);
    if (!unknown[2].isEmpty())
        return reject(u"unsupported protobuf content encoding"_s);
    if (!unknown[3].isEmpty() && unknown[3] != QByteArrayView(ContentType))
        return reject(u"unsupported protobuf raw content type"_s);
    const QString apiVersion = QString::fromUtf8(typeMeta[0]);
    const QString kind = QString::fromUtf8(typeMeta[1]);
    if (apiVersion.isEmpty() || kind.isEmpty())
        return reject(u"protobuf envelope is missing apiVersion or kind"_s);

    for (const Kind& known : Kinds) {
        if (apiVersion != QLatin1StringView(known.apiVersion) || kind != QLatin1StringView(known.kind))
            continue;
        QJsonObject object { { u"apiVersion"_s, apiVersion }, { u"kind"_s, kind } };
        Decoder decoder;
        if (!decoder.decodeMessage(unknown[1], known.type, &object, QString(), 0))
            return reject(u"malformed protobuf %1: %2"_s.arg(kind, decoder.error));
        return object;
    }
    return reject(u"unsupported protobuf kind %1/%2"_s.arg(apiVersion, kind));
}

} // namespace apiserver::protobuf
