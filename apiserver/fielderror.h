#pragma once

#include "kube/apierror.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

/// Builders for kube::StatusCause that reproduce apimachinery's field.Error: the cause reason is the ErrorType's
/// CauseType and the message is field.Error.ErrorBody(), e.g. `Invalid value: "x": <detail>`.
namespace apiserver::field {

/// `base.name`, or `name` alone when base is empty (field.Path.Child).
QString child(const QString& base, const QString& name);
/// `base[key]` (field.Path.Key).
QString key(const QString& base, const QString& key);
/// `base[i]` (field.Path.Index).
QString index(const QString& base, qsizetype i);

/// Go's strconv.Quote / fmt "%q" of a string.
QString quote(const QString& value);
/// Go's fmt "%v" of a float64 or int64 JSON number.
QString formatNumber(double value);
/// How ErrorBody prints a bad value: strings quoted, numbers and bools bare, null as "null", objects/arrays as JSON.
QString renderValue(const QJsonValue& value);

/// validation.IsDNS1035Label's messages joined by "," (empty when `value` is a valid DNS-1035 label).
QString checkDns1035Label(const QString& value);

/// FieldValueInvalid: `Invalid value: <value>: <detail>`.
kube::StatusCause invalid(const QString& path, const QJsonValue& value, const QString& detail);
/// FieldValueInvalid with a value already rendered (e.g. a timestamp printed through its String()).
kube::StatusCause invalidRendered(const QString& path, const QString& rendered, const QString& detail);
/// FieldValueTypeInvalid: `Invalid value: <value>: <detail>`.
kube::StatusCause typeInvalid(const QString& path, const QJsonValue& value, const QString& detail);
/// FieldValueRequired: `Required value` plus `: detail` when given.
kube::StatusCause required(const QString& path, const QString& detail = {});
/// FieldValueForbidden: `Forbidden: <detail>`.
kube::StatusCause forbidden(const QString& path, const QString& detail);
/// FieldValueNotSupported: `Unsupported value: <value>: supported values: "a", "b"`.
kube::StatusCause notSupported(const QString& path, const QJsonValue& value, const QStringList& supported);
/// FieldValueDuplicate: `Duplicate value: <value>`.
kube::StatusCause duplicate(const QString& path, const QJsonValue& value);
/// FieldValueTooLong: `Too long: <detail>` (the value is never printed).
kube::StatusCause tooLong(const QString& path, const QString& detail);
/// FieldValueTooMany: `Too many: <actual>: must have at most <max> items`.
kube::StatusCause tooMany(const QString& path, qint64 actual, qint64 max);

/// Decodes `text` as Go's base64.StdEncoding does (padding required, CR/LF ignored). Returns -1 on success,
/// otherwise the byte offset Go reports in "illegal base64 data at input byte N".
qsizetype decodeBase64(const QString& text, QByteArray* out = nullptr);

} // namespace apiserver::field
