#include "syncsecret.h"

#include "jsonfields.h"
#include "secret.h"

#include <QDebug>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const auto statusFields = [](auto& io, auto& s) {
    io.field("observedGeneration"_L1, s.observedGeneration);
    io.field("phase"_L1, s.phase);
    io.field("conditions"_L1, s.conditions);
};

const auto syncSecretFields = [](auto& io, auto& s) {
    io.field("apiVersion"_L1, s.apiVersion);
    io.field("kind"_L1, s.kind);
    io.field("metadata"_L1, s.metadata);
    io.bytes("data"_L1, s.data, s.dataEncoding);
    io.field("stringData"_L1, s.stringData);
    io.field("type"_L1, s.type);
    io.field("immutable"_L1, s.immutable);
    io.field("status"_L1, s.status);
};

} // namespace

QString kubelb::originNamespace(const ObjectMeta& meta)
{
    const QString current = meta.labels.value(QString(OriginNamespaceLabel));
    return current.isEmpty() ? meta.labels.value(QString(LegacyOriginNamespaceLabel)) : current;
}

Expected<SyncSecretStatus> SyncSecretStatus::fromJson(const QJsonObject& json)
{
    return json::decode<SyncSecretStatus>(json, statusFields);
}

QJsonObject SyncSecretStatus::toJson() const
{
    return json::encode(*this, statusFields);
}

Expected<SyncSecret> SyncSecret::fromJson(const QJsonObject& json)
{
    return json::decode<SyncSecret>(json, syncSecretFields);
}

QJsonObject SyncSecret::toJson() const
{
    return json::encode(*this, syncSecretFields);
}

QMap<QString, QByteArray> SyncSecret::normalizedData() const
{
    return normalizeSecretData(data, stringData);
}

QDebug operator<<(QDebug debug, const SyncSecret& syncSecret)
{
    const QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "SyncSecret(" << syncSecret.metadata.key();
    if (!syncSecret.type.isEmpty())
        debug << ", type: " << syncSecret.type;
    if (!syncSecret.status.phase.isEmpty())
        debug << ", phase: " << syncSecret.status.phase;
    debug << ", data: " << describeSecretData(syncSecret.data);
    if (!syncSecret.stringData.isEmpty())
        debug << ", stringData: " << describeSecretData(normalizeSecretData({}, syncSecret.stringData));
    if (syncSecret.immutable)
        debug << ", immutable: " << *syncSecret.immutable;
    return debug << ')';
}

} // namespace kube
