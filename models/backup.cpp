#include "backup.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace models {

QJsonObject stripForBackup(QJsonObject object)
{
    object.remove("status"_L1);
    QJsonObject metadata = object.value("metadata"_L1).toObject();
    for (const auto field :
        { "resourceVersion"_L1, "uid"_L1, "managedFields"_L1, "creationTimestamp"_L1, "generation"_L1,
            "deletionTimestamp"_L1, "deletionGracePeriodSeconds"_L1, "selfLink"_L1, "ownerReferences"_L1 })
        metadata.remove(field);
    object.insert("metadata"_L1, metadata);
    return object;
}

QByteArray backupDocument(const QList<QJsonObject>& objects)
{
    // Starting with a comment puts kubectl's decoder in YAML mode, which splits on "---"; each JSON document is
    // valid YAML.
    QByteArray out = "# kubelb-syncctl cleanup backup; restore with: kubectl apply -f <this file>\n";
    for (const QJsonObject& object : objects) {
        out += "---\n";
        out += QJsonDocument(stripForBackup(object)).toJson(QJsonDocument::Indented);
    }
    return out;
}

QList<QJsonObject> parseBackupDocument(const QByteArray& document)
{
    QList<QJsonObject> objects;
    QByteArray current;
    const auto flush = [&]() {
        if (current.trimmed().isEmpty())
            return true;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(current, &error);
        current.clear();
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return false;
        objects.append(doc.object());
        return true;
    };
    for (const QByteArray& line : document.split('\n')) {
        if (line.startsWith('#'))
            continue;
        if (line.trimmed() == "---") {
            if (!flush())
                return {};
            continue;
        }
        current += line + '\n';
    }
    return flush() ? objects : QList<QJsonObject> {};
}

} // namespace models
