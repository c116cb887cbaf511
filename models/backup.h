#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace models {

/// `object` as `kubectl apply -f` recreates it: without status, uid, resourceVersion, managedFields,
/// creationTimestamp, generation, deletion fields and ownerReferences (their UIDs cannot be restored).
QJsonObject stripForBackup(QJsonObject object);

/// A multi-document file (`---`-separated JSON documents, which are YAML) that `kubectl apply -f` restores;
/// objects are stripped with stripForBackup(). It contains secret data: write it with owner-only permissions.
QByteArray backupDocument(const QList<QJsonObject>& objects);

/// The objects of a backupDocument() (comments and empty documents skipped); empty on malformed input.
QList<QJsonObject> parseBackupDocument(const QByteArray& document);

} // namespace models
