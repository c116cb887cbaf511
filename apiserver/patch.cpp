#include "apiserver/patch.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

const auto kPatchDirective = "$patch"_L1;
const auto kRetainKeys = "$retainKeys"_L1;
const auto kSetElementOrder = "$setElementOrder"_L1;
const auto kDeleteFromPrimitiveList = "$deleteFromPrimitiveList"_L1;

QString compactJson(const QJsonValue& value)
{
    QString text = QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact));
    return text.mid(1, text.size() - 2);
}

enum class Edit { Add, Remove, Replace };

std::optional<QStringList> parsePointer(const QString& pointer)
{
    if (pointer.isEmpty())
        return QStringList {};
    static const QRegularExpression badEscape(u"~([^01]|$)"_s);
    if (!pointer.startsWith(u'/') || pointer.contains(badEscape))
        return std::nullopt;
    QStringList tokens = pointer.mid(1).split(u'/');
    for (QString& token : tokens) {
        // RFC 6901 §4: ~1 first, so that "~01" decodes to "~1" and not "/".
        token.replace("~1"_L1, "/"_L1);
        token.replace("~0"_L1, "~"_L1);
    }
    return tokens;
}

// RFC 6901 array indices: no sign, no leading zeros.
qsizetype parseArrayIndex(const QString& token)
{
    static const QRegularExpression index(u"^(0|[1-9][0-9]{0,8})$"_s);
    return index.match(token).hasMatch() ? token.toLongLong() : -1;
}

QJsonValue childOf(const QJsonValue& node, const QString& token)
{
    if (node.isObject())
        return node.toObject().value(token);
    const QJsonArray array = node.toArray();
    const qsizetype index = parseArrayIndex(token);
    return index >= 0 && index < array.size() ? array.at(index) : QJsonValue(QJsonValue::Undefined);
}

std::optional<QJsonValue> valueAt(const QJsonValue& document, const QStringList& tokens)
{
    QJsonValue node = document;
    for (const QString& token : tokens) {
        node = childOf(node, token);
        if (node.isUndefined())
            return std::nullopt;
    }
    return node;
}

bool editContainer(QJsonValue& container, const QString& token, Edit edit, const QJsonValue& value)
{
    if (container.isObject()) {
        QJsonObject object = container.toObject();
        if (edit != Edit::Add && !object.contains(token))
            return false;
        if (edit == Edit::Remove)
            object.remove(token);
        else
            object.insert(token, value);
        container = object;
        return true;
    }
    if (!container.isArray())
        return false;
    QJsonArray array = container.toArray();
    const qsizetype index = edit == Edit::Add && token == u'-' ? array.size() : parseArrayIndex(token);
    if (index < 0 || index > array.size() || (edit != Edit::Add && index == array.size()))
        return false;
    if (edit == Edit::Add)
        array.insert(index, value);
    else if (edit == Edit::Remove)
        array.removeAt(index);
    else
        array.replace(index, value);
    container = array;
    return true;
}

// False when the target (or, for add, its parent) does not exist; the root pointer swaps the whole document.
bool editAt(QJsonValue& node, const QStringList& tokens, Edit edit, const QJsonValue& value)
{
    if (tokens.isEmpty() && edit != Edit::Remove)
        node = value;
    if (tokens.isEmpty())
        return edit != Edit::Remove;
    if (tokens.size() == 1)
        return editContainer(node, tokens.first(), edit, value);
    QJsonValue child = childOf(node, tokens.first());
    return !child.isUndefined() && editAt(child, tokens.mid(1), edit, value)
        && editContainer(node, tokens.first(), Edit::Replace, child);
}

QString missingPath(const QString& op, const QString& path)
{
    return u"%1 operation does not apply: doc is missing path: \"%2\""_s.arg(op, path);
}

QString moveOrCopy(QJsonValue& document, const QJsonObject& operation, const QString& op, const QString& path,
    const QStringList& tokens)
{
    const QString from = operation.value("from"_L1).toString();
    const auto fromTokens = parsePointer(from);
    if (!operation.value("from"_L1).isString())
        return u"%1 operation is missing \"from\""_s.arg(op);
    if (!fromTokens)
        return u"%1 operation has an invalid JSON pointer: \"%2\""_s.arg(op, from);
    const auto value = valueAt(document, *fromTokens);
    if (!value)
        return u"%1 operation does not apply: doc is missing from path: \"%2\""_s.arg(op, from);
    if (op == "move"_L1 && *fromTokens == tokens)
        return QString();
    if (op == "move"_L1 && tokens.size() > fromTokens->size() && tokens.mid(0, fromTokens->size()) == *fromTokens)
        return u"move operation does not apply: \"from\" %1 is a prefix of \"path\" %2"_s.arg(from, path);
    if (op == "move"_L1)
        editAt(document, *fromTokens, Edit::Remove, QJsonValue());
    return editAt(document, tokens, Edit::Add, *value) ? QString() : missingPath(op, path);
}

// Applies one operation to `document`; returns why it does not apply, or an empty string.
QString applyOperation(QJsonValue& document, const QJsonObject& operation)
{
    const QString op = operation.value("op"_L1).toString();
    const QString path = operation.value("path"_L1).toString();
    const auto tokens = parsePointer(path);
    if (!operation.value("op"_L1).isString())
        return u"operation is missing \"op\": %1"_s.arg(compactJson(operation));
    if (!operation.value("path"_L1).isString())
        return u"%1 operation is missing \"path\""_s.arg(op);
    if (!tokens)
        return u"%1 operation has an invalid JSON pointer: \"%2\""_s.arg(op, path);
    if ((op == "add"_L1 || op == "replace"_L1 || op == "test"_L1) && !operation.contains("value"_L1))
        return u"%1 operation is missing \"value\""_s.arg(op);
    const QJsonValue value = operation.value("value"_L1);
    if (op == "test"_L1)
        return valueAt(document, *tokens) == value ? QString() : u"testing value %1 failed"_s.arg(path);
    if (op == "add"_L1 || op == "replace"_L1 || op == "remove"_L1) {
        const Edit edit = op == "add"_L1 ? Edit::Add : (op == "remove"_L1 ? Edit::Remove : Edit::Replace);
        return editAt(document, *tokens, edit, value) ? QString() : missingPath(op, path);
    }
    if (op == "move"_L1 || op == "copy"_L1)
        return moveOrCopy(document, operation, op, path, *tokens);
    return u"unknown operation \"%1\""_s.arg(op);
}

QString childPath(const QString& path, const QString& key)
{
    return path.isEmpty() ? key : path + u'.' + key;
}

QString directiveOf(const QJsonObject& object)
{
    const QJsonValue value = object.value(kPatchDirective);
    return value.isString() ? value.toString() : compactJson(value);
}

// The list field a "$prefix/<field>" key names, or empty when the key is malformed.
QString directiveField(const QString& key, QLatin1StringView prefix)
{
    if (!key.startsWith(prefix) || key.size() <= prefix.size() + 1 || key.at(prefix.size()) != u'/')
        return QString();
    return key.mid(prefix.size() + 1);
}

class StrategicMerger {
public:
    explicit StrategicMerger(const PatchSchema& schema)
        : m_schema(schema)
    {
    }

    std::optional<QJsonObject> mergeMap(QJsonObject original, QJsonObject patch, const QString& path)
    {
        if (patch.contains(kPatchDirective)) {
            const QString directive = directiveOf(patch);
            if (directive == "delete"_L1)
                return QJsonObject();
            if (directive != "replace"_L1 && directive != "merge"_L1)
                return failed<QJsonObject>(unknownPatchType(patch));
            if (directive == "replace"_L1)
                original = QJsonObject();
            patch.remove(kPatchDirective);
        }
        if (!applyRetainKeys(original, patch) || !applySetElementOrder(original, patch, path)
            || !mergeFields(original, patch, path) || !applyDeletionLists(original, patch))
            return std::nullopt;
        return original;
    }

    QString m_error;

private:
    bool fail(const QString& message)
    {
        m_error = message;
        return false;
    }

    template <typename T> std::optional<T> failed(const QString& message)
    {
        fail(message);
        return std::nullopt;
    }

    template <typename T> static std::optional<QJsonValue> widen(const std::optional<T>& v)
    {
        return v ? std::optional<QJsonValue>(*v) : std::nullopt;
    }

    static QString unknownPatchType(const QJsonObject& object)
    {
        return u"unknown patch type: %1 in map: %2"_s.arg(directiveOf(object), compactJson(object));
    }

    static QString missingMergeKey(const QJsonValue& item, const QString& mergeKey)
    {
        return u"map: %1 does not contain declared merge key: %2"_s.arg(compactJson(item), mergeKey);
    }

    bool applyRetainKeys(QJsonObject& original, QJsonObject& patch)
    {
        if (!patch.contains(kRetainKeys))
            return true;
        const QJsonValue list = patch.take(kRetainKeys);
        if (!list.isArray())
            return fail(
                u"invalid patch format of retainKeys: $retainKeys must be a list, got %1"_s.arg(compactJson(list)));
        const QStringList names = list.toVariant().toStringList();
        const QSet<QString> retained(names.begin(), names.end());
        for (auto it = patch.constBegin(); it != patch.constEnd(); ++it) {
            if (!it.value().isNull() && !it.key().startsWith(kSetElementOrder)
                && !it.key().startsWith(kDeleteFromPrimitiveList) && !retained.contains(it.key()))
                return fail(u"invalid patch format of retainKeys: field %1 is not in $retainKeys"_s.arg(it.key()));
        }
        for (const QString& key : original.keys()) {
            if (!retained.contains(key))
                original.remove(key);
        }
        return true;
    }

    bool applySetElementOrder(QJsonObject& original, QJsonObject& patch, const QString& path)
    {
        const QStringList keys = patch.keys();
        for (const QString& key : keys) {
            if (!key.startsWith(kSetElementOrder))
                continue;
            const QJsonValue order = patch.take(key);
            const QString field = directiveField(key, kSetElementOrder);
            if (field.isEmpty() || !order.isArray())
                return fail(u"invalid patch format of setElementOrder list: %1: %2"_s.arg(key, compactJson(order)));
            if (!orderList(original, patch, field, order.toArray(), childPath(path, field)))
                return false;
        }
        return true;
    }

    bool orderList(
        QJsonObject& original, QJsonObject& patch, const QString& field, const QJsonArray& order, const QString& path)
    {
        const bool inOriginal = original.contains(field);
        const bool inPatch = patch.contains(field);
        if ((inOriginal && !original.value(field).isArray()) || (inPatch && !patch.value(field).isArray()))
            return fail(u"$setElementOrder/%1 applies to a field that is not a list"_s.arg(field));
        if (!inOriginal && !inPatch)
            return true;
        const QJsonArray originalList = original.value(field).toArray();
        const QJsonArray patchList = patch.take(field).toArray();
        const auto type = elementType(originalList, patchList);
        if (!type)
            return false;
        const ListStrategy strategy = m_schema.value(path);
        const QString mergeKey = *type == QJsonValue::Object && strategy.kind == ListStrategy::Kind::MergeByKey
            ? strategy.mergeKey
            : QString();
        if ((!mergeKey.isEmpty() && !requireMergeKeys(order, mergeKey)) || !validateOrder(patchList, order, mergeKey))
            return false;
        std::optional<QJsonArray> merged = originalList;
        if (inPatch)
            merged = inOriginal ? mergeList(originalList, patchList, path) : cleanList(patchList, path);
        const auto sorted = merged ? enforceOrder(*merged, order, originalList, mergeKey) : std::nullopt;
        if (sorted)
            original.insert(field, *sorted);
        return sorted.has_value();
    }

    // Every patch item (deletions and directives aside) must appear in $setElementOrder, in the same order.
    bool validateOrder(const QJsonArray& patchList, const QJsonArray& order, const QString& mergeKey)
    {
        if (order.isEmpty() || patchList.isEmpty())
            return true;
        QJsonArray items;
        for (const QJsonValue& item : patchList) {
            if (!item.toObject().contains(kPatchDirective))
                items.append(item);
        }
        if (!mergeKey.isEmpty() && !requireMergeKeys(items, mergeKey))
            return false;
        qsizetype p = 0;
        for (qsizetype s = 0; p < items.size() && s < order.size(); ++s) {
            if (keyOf(items.at(p), mergeKey) == keyOf(order.at(s), mergeKey))
                ++p;
        }
        if (p < items.size())
            return fail(u"the order in patch list %1 doesn't match $setElementOrder list %2"_s.arg(
                compactJson(patchList), compactJson(order)));
        return true;
    }

    bool mergeFields(QJsonObject& original, const QJsonObject& patch, const QString& path)
    {
        for (auto it = patch.constBegin(); it != patch.constEnd(); ++it) {
            if (it.key().startsWith(kDeleteFromPrimitiveList))
                continue;
            const auto merged = mergeValue(original.value(it.key()), it.value(), childPath(path, it.key()));
            if (!merged)
                return false;
            if (merged->isUndefined())
                original.remove(it.key());
            else
                original.insert(it.key(), *merged);
        }
        return true;
    }

    bool applyDeletionLists(QJsonObject& original, const QJsonObject& patch)
    {
        for (auto it = patch.constBegin(); it != patch.constEnd(); ++it) {
            if (!it.key().startsWith(kDeleteFromPrimitiveList))
                continue;
            const QString field = directiveField(it.key(), kDeleteFromPrimitiveList);
            if (field.isEmpty() || !it.value().isArray())
                return fail(u"invalid patch format of primitive list: %1: %2"_s.arg(it.key(), compactJson(it.value())));
            if (!original.value(field).isArray())
                continue;
            QJsonArray kept;
            for (const QJsonValue& item : original.value(field).toArray()) {
                if (!it.value().toArray().contains(item))
                    kept.append(item);
            }
            original.insert(field, kept);
        }
        return true;
    }

    // The merged value, or Undefined when the field is to be dropped.
    std::optional<QJsonValue> mergeValue(const QJsonValue& current, const QJsonValue& patch, const QString& path)
    {
        if (patch.isNull())
            return QJsonValue(QJsonValue::Undefined);
        if (current.isObject() && patch.isObject())
            return widen(mergeMap(current.toObject(), patch.toObject(), path));
        if (current.isArray() && patch.isArray())
            return widen(mergeList(current.toArray(), patch.toArray(), path));
        return cleanValue(patch, path);
    }

    // A patch value taken without anything to merge into: nulls dropped, directives applied to nothing.
    std::optional<QJsonValue> cleanValue(const QJsonValue& patch, const QString& path)
    {
        if (patch.isObject() && directiveOf(patch.toObject()) == "delete"_L1)
            return QJsonValue(QJsonValue::Undefined);
        if (patch.isObject())
            return widen(mergeMap(QJsonObject(), patch.toObject(), path));
        return patch.isArray() ? widen(cleanList(patch.toArray(), path)) : patch;
    }

    std::optional<QJsonArray> cleanList(const QJsonArray& patch, const QString& path)
    {
        QJsonArray cleaned;
        for (const QJsonValue& item : patch) {
            if (item.toObject().contains(kPatchDirective)) {
                const QString directive = directiveOf(item.toObject());
                if (directive != "delete"_L1 && directive != "replace"_L1)
                    return failed<QJsonArray>(unknownPatchType(item.toObject()));
                continue;
            }
            const auto value = cleanValue(item, path);
            if (!value)
                return std::nullopt;
            cleaned.append(*value);
        }
        return cleaned;
    }

    std::optional<QJsonValue::Type> elementType(const QJsonArray& a, const QJsonArray& b)
    {
        std::optional<QJsonValue::Type> type;
        for (const QJsonArray* list : { &a, &b }) {
            for (const QJsonValue& item : *list) {
                if (item.isArray())
                    return failed<QJsonValue::Type>(u"lists of lists are not supported"_s);
                if (type && *type != item.type())
                    return failed<QJsonValue::Type>(
                        u"list element types are not identical: %1, %2"_s.arg(compactJson(a), compactJson(b)));
                type = item.type();
            }
        }
        return type.value_or(QJsonValue::Undefined);
    }

    std::optional<QJsonArray> mergeList(const QJsonArray& original, const QJsonArray& patch, const QString& path)
    {
        const ListStrategy strategy = m_schema.value(path);
        if (strategy.kind == ListStrategy::Kind::Replace)
            return cleanList(patch, path);
        if (original.isEmpty() && patch.isEmpty())
            return original;
        const auto type = elementType(original, patch);
        if (!type)
            return std::nullopt;
        if (*type != QJsonValue::Object)
            return mergePrimitiveList(original, patch);
        if (strategy.kind != ListStrategy::Kind::MergeByKey || strategy.mergeKey.isEmpty())
            return failed<QJsonArray>(u"cannot merge lists of maps without a merge key at %1"_s.arg(path));
        return mergeKeyedList(original, patch, strategy.mergeKey, path);
    }

    std::optional<QJsonArray> mergePrimitiveList(const QJsonArray& original, const QJsonArray& patch)
    {
        QJsonArray merged;
        for (const QJsonArray* list : { &original, &patch }) {
            for (const QJsonValue& item : *list) {
                if (!merged.contains(item))
                    merged.append(item);
            }
        }
        return enforceOrder(merged, patch, original, QString());
    }

    std::optional<QJsonArray> mergeKeyedList(
        QJsonArray original, const QJsonArray& patch, const QString& mergeKey, const QString& path)
    {
        QJsonArray items;
        bool replace = false;
        for (const QJsonValue& item : patch) {
            const QJsonObject object = item.toObject();
            if (!object.contains(kPatchDirective)) {
                items.append(item);
                continue;
            }
            const QString directive = directiveOf(object);
            if (directive == "merge"_L1)
                return failed<QJsonArray>(u"merging lists cannot yet be specified in the patch"_s);
            if (directive != "delete"_L1 && directive != "replace"_L1)
                return failed<QJsonArray>(unknownPatchType(object));
            if (directive == "delete"_L1 && !object.contains(mergeKey))
                return failed<QJsonArray>(missingMergeKey(item, mergeKey));
            replace = replace || directive == "replace"_L1;
            while (directive == "delete"_L1 && indexOf(original, item, mergeKey) >= 0)
                original.removeAt(indexOf(original, item, mergeKey));
        }
        if (replace) {
            const auto cleaned = cleanList(items, path);
            return cleaned ? enforceOrder(*cleaned, QJsonArray(), *cleaned, mergeKey) : std::nullopt;
        }
        QJsonArray merged = original;
        for (const QJsonValue& item : std::as_const(items)) {
            if (!item.toObject().contains(mergeKey))
                return failed<QJsonArray>(missingMergeKey(item, mergeKey));
            const qsizetype at = indexOf(merged, item, mergeKey);
            const auto value = mergeMap(at >= 0 ? merged.at(at).toObject() : QJsonObject(), item.toObject(), path);
            if (!value)
                return std::nullopt;
            if (at >= 0)
                merged.replace(at, *value);
            else
                merged.append(*value);
        }
        return enforceOrder(merged, items, original, mergeKey);
    }

    static QJsonValue keyOf(const QJsonValue& item, const QString& mergeKey)
    {
        return mergeKey.isEmpty() ? item : item.toObject().value(mergeKey);
    }

    static qsizetype indexOf(const QJsonArray& list, const QJsonValue& item, const QString& mergeKey)
    {
        const QJsonValue key = keyOf(item, mergeKey);
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (keyOf(list.at(i), mergeKey) == key)
                return i;
        }
        return -1;
    }

    bool requireMergeKeys(const QJsonArray& list, const QString& mergeKey)
    {
        for (const QJsonValue& item : list) {
            if (!item.toObject().contains(mergeKey))
                return fail(missingMergeKey(item, mergeKey));
        }
        return true;
    }

    // apimachinery's normalizeElementOrder: the items named in `order` are sorted by it, the others by their
    // position in `serverOrder`, and the two runs are interleaved by that server position.
    std::optional<QJsonArray> enforceOrder(
        const QJsonArray& merged, const QJsonArray& order, const QJsonArray& serverOrder, const QString& mergeKey)
    {
        if (!mergeKey.isEmpty() && !requireMergeKeys(merged, mergeKey))
            return std::nullopt;
        QJsonArray named;
        QJsonArray serverOnly;
        for (const QJsonValue& item : merged)
            (indexOf(order, item, mergeKey) >= 0 ? named : serverOnly).append(item);
        return interleave(
            sortedBy(serverOnly, serverOrder, mergeKey), sortedBy(named, order, mergeKey), serverOrder, mergeKey);
    }

    // Stable sort by position in `order`; items it does not name keep their relative order after the named ones.
    static QJsonArray sortedBy(const QJsonArray& items, const QJsonArray& order, const QString& mergeKey)
    {
        QList<std::pair<qsizetype, QJsonValue>> ranked;
        for (const QJsonValue& item : items) {
            const qsizetype at = indexOf(order, item, mergeKey);
            ranked.append({ at < 0 ? order.size() : at, item });
        }
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        QJsonArray sorted;
        for (const auto& entry : std::as_const(ranked))
            sorted.append(entry.second);
        return sorted;
    }

    // apimachinery's mergeSortedSlice: a server-only item goes first only when both it and the next patch item are
    // in the live list and it comes earlier there; so items new to the list land before the remaining live ones.
    static QJsonArray interleave(
        const QJsonArray& serverOnly, const QJsonArray& named, const QJsonArray& serverOrder, const QString& mergeKey)
    {
        QJsonArray result;
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < serverOnly.size() || j < named.size()) {
            bool takeServer = j >= named.size();
            if (i < serverOnly.size() && j < named.size()) {
                const qsizetype left = indexOf(serverOrder, serverOnly.at(i), mergeKey);
                const qsizetype right = indexOf(serverOrder, named.at(j), mergeKey);
                takeServer = left >= 0 && right >= 0 && left < right;
            }
            result.append(takeServer ? serverOnly.at(i++) : named.at(j++));
        }
        return result;
    }

    const PatchSchema& m_schema;
};

} // namespace

PatchSchema objectMetaPatchSchema()
{
    return {
        { u"metadata.finalizers"_s, ListStrategy { ListStrategy::Kind::MergePrimitive, QString() } },
        { u"metadata.ownerReferences"_s, ListStrategy { ListStrategy::Kind::MergeByKey, u"uid"_s } },
    };
}

QJsonValue applyMergePatch(const QJsonValue& target, const QJsonValue& patch)
{
    if (!patch.isObject())
        return patch;
    QJsonObject result = target.isObject() ? target.toObject() : QJsonObject();
    const QJsonObject patchObject = patch.toObject();
    for (auto it = patchObject.constBegin(); it != patchObject.constEnd(); ++it) {
        if (it.value().isNull())
            result.remove(it.key());
        else
            result.insert(it.key(), applyMergePatch(result.value(it.key()), it.value()));
    }
    return result;
}

std::optional<QJsonValue> applyJsonPatch(const QJsonValue& document, const QJsonArray& operations, QString* error)
{
    QJsonValue result = document;
    for (qsizetype i = 0; i < operations.size(); ++i) {
        const QJsonValue operation = operations.at(i);
        const QString failure = operation.isObject()
            ? applyOperation(result, operation.toObject())
            : u"operation %1 is not an object: %2"_s.arg(i).arg(compactJson(operation));
        if (!failure.isEmpty()) {
            if (error)
                *error = failure;
            return std::nullopt;
        }
    }
    return result;
}

std::optional<QJsonObject> applyStrategicMergePatch(
    const QJsonObject& original, const QJsonObject& patch, const PatchSchema& schema, QString* error)
{
    StrategicMerger merger(schema);
    auto result = merger.mergeMap(original, patch, QString());
    if (!result && error)
        *error = merger.m_error;
    return result;
}

} // namespace apiserver
