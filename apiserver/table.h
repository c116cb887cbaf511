#pragma once

#include "resources.h"

#include <QJsonObject>
#include <QList>

namespace apiserver {

/// What each Table row carries in `object` (the `includeObject` query parameter).
enum class IncludeObject { None, Metadata, Object };

/// Builds a meta.k8s.io/v1 Table as kube-apiserver prints it for `kubectl get`: the resource's columns (built-in
/// printers, or a CRD's additionalPrinterColumns), humanised ages, and one row per object.
QJsonObject toTable(const ResourceInfo& r, const QList<QJsonObject>& objects, IncludeObject include,
    const QJsonObject& listMetadata = {});

/// Kubernetes' HumanDuration ("45s", "5m30s", "3h", "12d", "2y30d") for the time since an RFC 3339 timestamp.
QString humanAge(const QString& timestamp);

/// Evaluates a printer-column JSONPath (`.status.phase`, `.spec.items[0].name`, `.metadata.labels['a/b']`).
QJsonValue evalJsonPath(const QJsonObject& object, const QString& path);

} // namespace apiserver
