#include "apiserver/protobuf.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QMap>
#include <map>
#include <span>
#include <vector>

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

    /// Whether every byte has been consumed.
    bool atEnd() const { return m_pos >= m_data.size(); }
    /// Why the last read failed.
    QString error() const { return m_error; }

    /// Reads a base-128 varint of at most 10 bytes that fits 64 bits.
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

    /// Reads a field key; field number 0 and the deprecated group wire types (3, 4) are rejected.
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

    /// Reads a length-delimited payload that must lie within the message.
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

    /// Skips the payload of a field nobody asked for, without looking inside it.
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

// Field numbers from k8s.io/api/authentication/v1/generated.proto (`kubectl create token`).
constexpr Field BoundObjectReferenceFields[] = { { 1, "kind" }, { 2, "apiVersion" }, { 3, "name" }, { 4, "uid" } };
constexpr MessageType BoundObjectReference { BoundObjectReferenceFields };
constexpr Field TokenRequestSpecFields[]
    = { { 1, "audiences", Type::String, Repeated }, { 3, "boundObjectRef", Type::Message, 0, &BoundObjectReference },
          { 4, "expirationSeconds", Type::Int64, Presence } };
constexpr MessageType TokenRequestSpec { TokenRequestSpecFields };
constexpr Field TokenRequestStatusFields[] = { { 1, "token" }, { 2, "expirationTimestamp", Type::Time } };
constexpr MessageType TokenRequestStatus { TokenRequestStatusFields };
constexpr Field TokenRequestFields[] = { Metadata, { 2, "spec", Type::Message, 0, &TokenRequestSpec },
    { 3, "status", Type::Message, 0, &TokenRequestStatus } };

// Field numbers from k8s.io/api/rbac/v1/generated.proto (`kubectl create role|clusterrole|rolebinding|...`).
// A meta/v1 LabelSelectorRequirement has the selector requirement's shape {key 1, operator 2, values 3}.
constexpr Field PolicyRuleFields[] = { { 1, "verbs", Type::String, Repeated },
    { 2, "apiGroups", Type::String, Repeated }, { 3, "resources", Type::String, Repeated },
    { 4, "resourceNames", Type::String, Repeated }, { 5, "nonResourceURLs", Type::String, Repeated } };
constexpr MessageType PolicyRule { PolicyRuleFields };
constexpr Field LabelSelectorFields[] = { { 1, "matchLabels", Type::StringMap },
    { 2, "matchExpressions", Type::Message, Repeated, &SelectorRequirement } };
constexpr MessageType LabelSelector { LabelSelectorFields };
constexpr Field AggregationRuleFields[] = { { 1, "clusterRoleSelectors", Type::Message, Repeated, &LabelSelector } };
constexpr MessageType AggregationRule { AggregationRuleFields };
constexpr Field SubjectFields[] = { { 1, "kind" }, { 2, "apiGroup" }, { 3, "name" }, { 4, "namespace" } };
constexpr MessageType Subject { SubjectFields };
constexpr Field RoleRefFields[] = { { 1, "apiGroup" }, { 2, "kind" }, { 3, "name" } };
constexpr MessageType RoleRef { RoleRefFields };
constexpr Field Rules { 2, "rules", Type::Message, Repeated, &PolicyRule };
constexpr Field RoleFields[] = { Metadata, Rules };
constexpr Field ClusterRoleFields[] = { Metadata, Rules, { 3, "aggregationRule", Type::Message, 0, &AggregationRule } };
constexpr Field BindingFields[]
    = { Metadata, { 2, "subjects", Type::Message, Repeated, &Subject }, { 3, "roleRef", Type::Message, 0, &RoleRef } };

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
    { "authentication.k8s.io/v1", "TokenRequest", { TokenRequestFields } },
    { "rbac.authorization.k8s.io/v1", "Role", { RoleFields } },
    { "rbac.authorization.k8s.io/v1", "ClusterRole", { ClusterRoleFields } },
    { "rbac.authorization.k8s.io/v1", "RoleBinding", { BindingFields } },
    { "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", { BindingFields } },
};

WireType wireTypeOf(Type type)
{
    return type == Type::Int64 || type == Type::Bool ? WireType::Varint : WireType::Bytes;
}

QString join(const QString& path, const char* name)
{
    return path.isEmpty() ? QString::fromLatin1(name) : path + u'.' + QLatin1StringView(name);
}

/// Reads a flat message: fields 1..count must have wire type `wanted` and are handed to take(reader, number),
/// any other field is skipped.
template <typename Take>
bool readFlatMessage(QByteArrayView data, WireType wanted, quint32 count, QString* reason, Take take)
{
    Reader reader(data);
    while (!reader.atEnd()) {
        quint32 number = 0;
        WireType wire {};
        if (!reader.readTag(&number, &wire)) {
            *reason = reader.error();
            return false;
        }
        if (number <= count && wire != wanted) {
            *reason = u"wrong wire type %1 for field %2"_s.arg(int(wire)).arg(number);
            return false;
        }
        if (!(number <= count ? take(reader, number) : reader.skip(wire))) {
            *reason = reader.error();
            return false;
        }
    }
    return true;
}

/// Reads a message whose fields 1..values.size() are all length-delimited (later occurrences win).
bool readLengthDelimited(QByteArrayView data, std::span<QByteArrayView> values, QString* reason)
{
    return readFlatMessage(data, WireType::Bytes, quint32(values.size()), reason,
        [values](Reader& reader, quint32 number) { return reader.readBytes(&values[number - 1]); });
}

/// Go's time.Time JSON form (RFC 3339, whole seconds, UTC) of a meta/v1 Time {seconds 1, nanos 2}; an empty
/// string for the zero time, which Go renders as null.
std::optional<QString> decodeTime(QByteArrayView data, QString* reason)
{
    qint64 seconds = 0;
    qint64 nanos = 0;
    const auto take = [&](Reader& reader, quint32 number) {
        quint64 value = 0;
        if (!reader.readVarint(&value))
            return false;
        if (number == 1)
            seconds = qint64(value);
        else
            nanos = qint32(value); // int32 on the wire: negative values arrive sign-extended to 64 bits
        return true;
    };
    if (!readFlatMessage(data, WireType::Varint, 2, reason, take))
        return std::nullopt;
    // time.Unix carries nanos outside [0, 1e9) into the seconds; the JSON form then drops the fraction.
    const qint64 carry = nanos >= 0 ? nanos / 1000000000 : (nanos - 999999999) / 1000000000;
    if (seconds < MinUnixSeconds || seconds > MaxUnixSeconds || seconds + carry < MinUnixSeconds
        || seconds + carry > MaxUnixSeconds) {
        *reason = u"timestamp out of range"_s;
        return std::nullopt;
    }
    if (data.isEmpty() || seconds + carry == MinUnixSeconds)
        return QString();
    return QDateTime::fromSecsSinceEpoch(seconds + carry, Qt::UTC).toString(u"yyyy-MM-dd'T'HH:mm:ss'Z'"_s);
}

struct Partial;

/// What one known field has accumulated; JSON is built only once the whole body is read, so that many map entries
/// or list items (or many occurrences of a message) cost linear, not quadratic, time.
struct Slot {
    QJsonValue scalar; ///< the last occurrence of a singular leaf; null when it is to be omitted
    QMap<QString, QString> map; ///< map entries, later keys win
    QJsonArray strings; ///< repeated strings
    std::vector<Partial> messages; ///< repeated messages, or the one (merged) singular message
};

/// A message being decoded: the slots of the known fields seen so far.
struct Partial {
    std::map<const Field*, Slot> fields;
};

/// The JSON form of a decoded message, empty values omitted as Go's `omitempty` does.
QJsonObject toJson(const Partial& partial)
{
    QJsonObject object;
    for (const auto& [field, slot] : partial.fields) {
        QJsonValue value = slot.scalar;
        if (field->type == Type::StringMap || field->type == Type::BytesMap) {
            QJsonObject map;
            for (auto it = slot.map.cbegin(); it != slot.map.cend(); ++it)
                map.insert(it.key(), it.value());
            value = map;
        } else if (field->type == Type::Message && (field->flags & Repeated)) {
            QJsonArray array;
            for (const Partial& element : slot.messages)
                array.append(toJson(element));
            value = array;
        } else if (field->type == Type::Message) {
            const QJsonObject nested = toJson(slot.messages.front());
            value = nested.isEmpty() ? QJsonValue() : nested;
        } else if (field->flags & Repeated) {
            value = slot.strings;
        }
        if (!value.isNull())
            object.insert(QString::fromLatin1(field->name), value);
    }
    return object;
}

/// Decodes schema-described messages, remembering the first error with the JSON path it happened at.
class Decoder {
public:
    QString error;

    /// Merges the fields of `data` into *out (proto semantics: repeated fields append, others are replaced).
    bool decodeMessage(QByteArrayView data, const MessageType& type, Partial* out, const QString& path, int depth)
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
            if (!decodeField(reader, *field, &out->fields[field], here, depth))
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

    bool decodeField(Reader& reader, const Field& field, Slot* slot, const QString& path, int depth)
    {
        if (wireTypeOf(field.type) == WireType::Varint) {
            quint64 raw = 0;
            if (!reader.readVarint(&raw))
                return fail(path, reader.error());
            const bool keep = (field.flags & Presence) || field.type == Type::Bool || raw != 0;
            slot->scalar = !keep           ? QJsonValue()
                : field.type == Type::Bool ? QJsonValue(raw != 0)
                                           : QJsonValue(qint64(raw));
            return true;
        }
        QByteArrayView bytes;
        if (!reader.readBytes(&bytes))
            return fail(path, reader.error());
        if (field.type == Type::StringMap || field.type == Type::BytesMap)
            return decodeMapEntry(bytes, field.type == Type::BytesMap, &slot->map, path);
        if (field.type == Type::Message) {
            if (slot->messages.empty() || (field.flags & Repeated))
                slot->messages.emplace_back();
            return decodeMessage(bytes, *field.message, &slot->messages.back(), path, depth + 1);
        }
        QJsonValue value;
        if (!decodeLeaf(bytes, field.type, path, &value))
            return false;
        if (field.flags & Repeated)
            slot->strings.append(value);
        else
            slot->scalar = value.isObject() || !value.toString().isEmpty() ? value : QJsonValue();
        return true;
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

    bool decodeMapEntry(QByteArrayView entry, bool bytesValue, QMap<QString, QString>* map, const QString& path)
    {
        QByteArrayView values[2];
        QString reason;
        if (!readLengthDelimited(entry, values, &reason))
            return fail(path, u"map entry: "_s + reason);
        map->insert(QString::fromUtf8(values[0]),
            bytesValue ? QString::fromLatin1(values[1].toByteArray().toBase64()) : QString::fromUtf8(values[1]));
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
        Decoder decoder;
        Partial partial;
        if (!decoder.decodeMessage(unknown[1], known.type, &partial, QString(), 0))
            return reject(u"malformed protobuf %1: %2"_s.arg(kind, decoder.error));
        QJsonObject object = toJson(partial);
        object.insert(u"apiVersion"_s, apiVersion);
        object.insert(u"kind"_s, kind);
        return object;
    }
    return reject(u"unsupported protobuf kind %1/%2"_s.arg(apiVersion, kind));
}

} // namespace apiserver::protobuf
