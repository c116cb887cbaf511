#pragma once

#include "kube/apierror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>

namespace apiserver {

/// The outcome of checking a value against an OpenAPI v3 (structural) schema.
struct SchemaResult {
    QList<kube::StatusCause> causes; ///< type/enum/pattern/format/required/min/max violations (→ 422 Invalid)
    QStringList unknownFields; ///< dotted paths of fields the schema does not declare (pruned from the value)
};

/// Validates `value` against a structural OpenAPI v3 schema as kube-apiserver does for custom resources, and
/// prunes fields the schema does not know (unless `x-kubernetes-preserve-unknown-fields: true` or
/// `additionalProperties`). Supported: type (object, array, string, integer, number, boolean), properties,
/// additionalProperties (bool or schema), items, required, enum, pattern, format (byte = valid base64,
/// int32, int64, date-time), minLength/maxLength, minimum/maximum, minItems/maxItems, minProperties/maxProperties,
/// nullable, x-kubernetes-int-or-string, x-kubernetes-embedded-resource, x-kubernetes-preserve-unknown-fields.
/// `metadata`, `apiVersion` and `kind` at the root are never pruned or reported. Field paths in causes and
/// unknownFields are dotted from the root as kube-openapi writes them: "spec.replicas", "spec.items[0].name", and
/// "spec.data.tls.crt" for the values of an additionalProperties map. Non-nullable nulls are dropped silently.
SchemaResult validateAndPrune(QJsonObject& object, const QJsonObject& schema);

/// True when `schema` is structural (every node has a type unless int-or-string/preserve-unknown; no
/// additionalProperties together with properties); otherwise *why says where.
bool isStructural(const QJsonObject& schema, QString* why = nullptr);
/// Every structural-schema violation of `schema`, sorted as kube-apiserver sorts them, with each field path
/// prefixed by `path` (e.g. "spec.versions[0].schema.openAPIV3Schema.properties[spec].type"). Empty when structural.
QList<kube::StatusCause> structuralSchemaErrors(const QJsonObject& schema, const QString& path);

} // namespace apiserver
