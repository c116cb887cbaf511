#pragma once

#include "syncctl_options.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace syncctl {

/// Columns padded to their widest cell with three spaces between, like kubectl's tables; no trailing spaces.
QString formatTable(const QStringList& headers, const QList<QStringList>& rows);

/// `value` as indented JSON or block YAML (for -o json|yaml), newline-terminated.
QString formatDocument(const QJsonValue& value, Format format);

/// "5s", "12m", "3h", "4d", as kubectl's AGE column; "<unknown>" for negative values.
QString humanAge(qint64 seconds);

/// The first 12 hex characters of a fingerprint (enough to compare by eye).
QString shortPrint(const QByteArray& sha256Hex);

} // namespace syncctl
