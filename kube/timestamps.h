#pragma once

#include <QDateTime>
#include <QString>

namespace kube {

/// Parses an RFC 3339 timestamp as metav1.Time and MicroTime carry it (fractions beyond milliseconds are
/// truncated); an invalid QDateTime when `text` is empty or malformed.
QDateTime parseTimestamp(const QString& text);
/// The metav1.Time wire form of `time`: UTC, whole seconds (`2006-01-02T15:04:05Z`); empty when invalid.
QString formatTime(const QDateTime& time);
/// The metav1.MicroTime wire form of `time`: UTC, six fraction digits (`2006-01-02T15:04:05.000000Z`).
QString formatMicroTime(const QDateTime& time);

} // namespace kube
