#include "secret.h"

#include "jsonfields.h"

#include <QDebug>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const auto secretFields = [](auto& io, auto& s) {
    io.field("apiVersion"_L1, s.apiVersion);
    io.field("kind"_L1, s.kind);
    io.field("metadata"_L1, s.metadata);
    io.bytes("data"_L1, s.data, s.dataEncoding);
    io.field("stringData"_L1, s.stringData);
    io.field("type"_L1, s.type);
    io.field("immutable"_L1, s.immutable);
};

} // namespace

QMap<QString, QByteArray> normalizeSecretData(
    const QMap<QString, QByteArray>& data, const QMap<QString, QString>& stringData)
{
    QMap<QString, QByteArray> merged = data;
    for (auto it = stringData.cbegin(); it != stringData.cend(); ++it)
        merged.insert(it.key(), it.value().toUtf8());
    return merged;
}

Expected<Secret> Secret::fromJson(const QJsonObject& json)
{
    return json::decode<Secret>(json, secretFields);
}

QJsonObject Secret::toJson() const
{
    return json::encode(*this, secretFields);
}

QString describeSecretData(const QMap<QString, QByteArray>& data)
{
    QStringList parts;
    for (auto it = data.cbegin(); it != data.cend(); ++it)
        parts.append(it.key() + u": "_s + QString::number(it.value().size()) + u" bytes"_s);
    return u'[' + parts.join(u", "_s) + u']';
}

QDebug operator<<(QDebug debug, const Secret& secret)
{
    const QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Secret(" << secret.metadata.key();
    if (!secret.type.isEmpty())
        debug << ", type: " << secret.type;
    debug << ", data: " << describeSecretData(secret.data);
    if (!secret.stringData.isEmpty())
        debug << ", stringData: " << describeSecretData(normalizeSecretData({}, secret.stringData));
    if (secret.immutable)
        debug << ", immutable: " << *secret.immutable;
    return debug << ')';
}

} // namespace kube
