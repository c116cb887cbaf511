#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace apiserver {

/// How a list field merges under a strategic merge patch (from the Go structs' patchStrategy/patchMergeKey tags).
struct ListStrategy {
    enum class Kind { Replace, MergeByKey, MergePrimitive };
    Kind kind = Kind::Replace;
    QString mergeKey; ///< for MergeByKey, e.g. "uid" for ownerReferences, "name" for containers
};

/// The merge strategies of one kind's lists, keyed by dotted path without indices
/// ("metadata.ownerReferences", "spec.template.spec.containers"). Absent paths replace.
using PatchSchema = QHash<QString, ListStrategy>;

/// The patch schema for ObjectMeta that every built-in kind shares (finalizers merge, ownerReferences by uid).
PatchSchema objectMetaPatchSchema();

/// RFC 7386 JSON merge patch: objects merge recursively, null deletes, everything else replaces.
QJsonValue applyMergePatch(const QJsonValue& target, const QJsonValue& patch);

/// RFC 6902 JSON patch (add, remove, replace, move, copy, test; RFC 6901 pointers incl. "-" and ~0/~1).
/// On failure returns nullopt and *error says which operation failed and why.
std::optional<QJsonValue> applyJsonPatch(
    const QJsonValue& document, const QJsonArray& operations, QString* error = nullptr);

/// Strategic merge patch as kube-apiserver applies it for built-in kinds: merge-patch semantics plus list merging
/// by `schema`, and the directives `$patch` (replace, delete, merge), `$retainKeys`, `$deleteFromPrimitiveList/<f>`,
/// `$setElementOrder/<f>`. Returns nullopt with *error on a malformed patch.
std::optional<QJsonObject> applyStrategicMergePatch(
    const QJsonObject& original, const QJsonObject& patch, const PatchSchema& schema, QString* error = nullptr);

} // namespace apiserver
