#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <map>
#include <optional>

/// The Prometheus text exposition format (version 0.0.4) and the PromQL math the console needs: counter increases
/// across resets and histogram_quantile() over bucket deltas.
namespace models::prom {

/// Label name → value, sorted by name (so two equal label sets compare equal).
using Labels = QMap<QString, QString>;
/// Orders label sets (name, then value, pair by pair) so they can key a std::map.
struct LabelsLess {
    bool operator()(const Labels& a, const Labels& b) const
    {
        return std::lexicographical_compare(a.keyValueBegin(), a.keyValueEnd(), b.keyValueBegin(), b.keyValueEnd());
    }
};
/// One value per series of a family, by label set.
template <typename T> using BySeries = std::map<Labels, T, LabelsLess>;

/// One sample line: `name{labels} value [timestamp]`.
struct Sample {
    QString name; ///< including a histogram's _bucket/_sum/_count suffix
    Labels labels;
    double value = 0;
    std::optional<qint64> timestampMs;
};

/// The declared type of a metric family (`# TYPE`); samples without one are Untyped.
enum class MetricType { Untyped, Counter, Gauge, Histogram, Summary };

/// One metric family: HELP, TYPE and its samples in exposition order.
struct MetricFamily {
    QString name;
    QString help;
    MetricType type = MetricType::Untyped;
    QList<Sample> samples;
};

/// A parsed exposition; lines that cannot be parsed are skipped and described in `errors`.
struct Exposition {
    QList<MetricFamily> families;
    QStringList errors; ///< "line N: what is wrong" (names only; the format carries no secret values)

    /// The family called `name`, or nullptr.
    const MetricFamily* family(const QString& name) const;
};

/// Parses Prometheus text format: HELP/TYPE lines (with \\ and \n escapes), comments, label values with \\, \"
/// and \n escapes, NaN/±Inf values, optional timestamps; histogram and summary samples join their family.
Exposition parseExposition(const QByteArray& text);

/// One histogram series (the labels without `le`): cumulative buckets sorted by upper bound, +Inf last.
struct Histogram {
    QList<QPair<double, double>> buckets; ///< (upper bound, cumulative count)
    double sum = 0;
    double count = 0;
};

/// The histograms of a Histogram family, by label set (without `le`).
BySeries<Histogram> histograms(const MetricFamily& family);
/// The value of every sample of a counter or gauge family, by label set.
BySeries<double> values(const MetricFamily& family);

/// How much a counter grew from `previous` to `current`; a drop means the process restarted (reset to 0).
double counterIncrease(double previous, double current);
/// The observations between two scrapes of one histogram; a count drop is a reset, so `current` is the delta.
Histogram histogramDelta(const Histogram& previous, const Histogram& current);
/// PromQL histogram_quantile(q, buckets): linear interpolation inside the bucket holding rank q·count; NaN without
/// observations; the highest finite bound when the rank falls into +Inf; -Inf/+Inf for q < 0 / q > 1.
double histogramQuantile(double q, const QList<QPair<double, double>>& buckets);

} // namespace models::prom
