#pragma once

#include "expected.h"
#include "objectmeta.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <optional>

class QDebug;

namespace kube {

/// `data` with every `stringData` entry merged in as UTF-8 (stringData wins, as kube-apiserver does on write).
QMap<QString, QByteArray> normalizeSecretData(
    const QMap<QString, QByteArray>& data, const QMap<QString, QString>& stringData);

/// A core/v1 Secret. `data` holds decoded bytes; they are never printed (see operator<<).
struct Secret {
    QString apiVersion = QStringLiteral("v1"); ///< empty after fromJson when the input had none (list items)
    QString kind = QStringLiteral("Secret");
    ObjectMeta metadata;
    QMap<QString, QByteArray> data; ///< decoded values
    QMap<QString, QString> stringData; ///< write-only convenience input; the API server folds it into data
    QString type; ///< Opaque, kubernetes.io/tls, ...; empty when absent
    std::optional<bool> immutable;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson
    /// Base64 text of values fromJson read in a non-canonical form (line breaks), re-emitted while unchanged.
    QMap<QString, QString> dataEncoding;

    /// Decodes a Secret; invalid base64 fails naming `data[key]` (never the value).
    static Expected<Secret> fromJson(const QJsonObject& json);
    /// Encodes the Secret; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;
    /// data with stringData merged in: what the API server would store.
    QMap<QString, QByteArray> normalizedData() const { return normalizeSecretData(data, stringData); }

    friend bool operator==(const Secret&, const Secret&) = default;
};

/// Prints the Secret's name, type, key names and value sizes; never a value or an annotation.
QDebug operator<<(QDebug debug, const Secret& secret);

/// `[key: N bytes, ...]` for a Secret-style data map; the shared redacting form of operator<<.
QString describeSecretData(const QMap<QString, QByteArray>& data);

} // namespace kube
