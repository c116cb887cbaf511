#pragma once

#include "expected.h"
#include "jsonfields.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace kube {

/// A metav1.ListMeta: where a list response sits in the resource's history.
struct ListMeta {
    QString resourceVersion; ///< start a watch here to see every later change
    QString continueToken; ///< JSON "continue": pass back to get the next page; empty on the last page
    std::optional<qint64> remainingItemCount;
    QJsonObject unknownFields; ///< selfLink and anything newer

    /// Decodes a list's metadata; the error names the field.
    static Expected<ListMeta> fromJson(const QJsonObject& json);
    /// Encodes the metadata; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const ListMeta&, const ListMeta&) = default;
};

/// A List response (`SecretList`, `SyncSecretList`, ...) of items decoded with T::fromJson.
template <typename T> struct ObjectList {
    QString apiVersion;
    QString kind;
    ListMeta metadata;
    QList<T> items;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes a List body; an item's error is prefixed with its index (`items[2].metadata.name: ...`).
    static Expected<ObjectList> fromJson(const QJsonObject& json)
    {
        return json::decode<ObjectList>(json, [](json::FieldReader& io, ObjectList& l) { fields(io, l); });
    }
    /// Encodes the list; toJson(fromJson(x)) == x.
    QJsonObject toJson() const
    {
        return json::encode(*this, [](json::FieldWriter& io, const ObjectList& l) { fields(io, l); });
    }

    friend bool operator==(const ObjectList&, const ObjectList&) = default;

private:
    template <typename IO, typename Self> static void fields(IO& io, Self& list)
    {
        io.field(QLatin1StringView("apiVersion"), list.apiVersion);
        io.field(QLatin1StringView("kind"), list.kind);
        io.field(QLatin1StringView("metadata"), list.metadata);
        io.field(QLatin1StringView("items"), list.items);
    }
};

} // namespace kube
