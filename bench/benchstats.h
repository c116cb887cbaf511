#pragma once

#include <QJsonObject>
#include <QList>

namespace bench {

/// Percentiles of a set of latency samples, in milliseconds.
struct LatencySummary {
    qsizetype count = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    double meanMs = 0;
};

/// Nearest-rank percentiles of `samplesNs` (nanoseconds).
LatencySummary summarize(QList<qint64> samplesNs);
/// {"count", "p50Ms", "p99Ms", "maxMs", "meanMs"}.
QJsonObject toJson(const LatencySummary& s);
/// The per-field median over several runs of the same shape (numbers: median; objects: recursively; else first).
QJsonObject medianOf(const QList<QJsonObject>& runs);

} // namespace bench
