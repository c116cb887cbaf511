#pragma once

#include "models/prometheus.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPointF>
#include <chrono>

namespace models {

/// What a reconcile metrics series measures.
enum class Measure { ReconcileRate, DurationP50, DurationP95, QueueDepth, ErrorRate };
/// "reconcile rate", "p50 duration", "p95 duration", "queue depth", "error rate".
QString measureName(Measure measure);

/// Identity of one series: where it was scraped, what it measures and for which controller/namespace/result.
struct SeriesKey {
    QString source; ///< the label given to the scrape source ("embedded", a context name)
    Measure measure = Measure::ReconcileRate;
    QString controller; ///< "ccm", "manager" or controller-runtime's controller / workqueue name
    QString ns; ///< namespace; empty = all namespaces (controller-runtime metrics)
    QString result; ///< ReconcileRate only: "success", "error", "requeue", ...
    friend bool operator==(const SeriesKey&, const SeriesKey&) = default;
};
size_t qHash(const SeriesKey& key, size_t seed = 0);

/// One derived value of a scrape pair.
struct DerivedValue {
    SeriesKey key; ///< source left empty
    double value = 0;
};

/// The values between two scrapes `seconds` apart: reconcile rates by result (counter deltas, resets handled),
/// p50/p95 durations (histogram_quantile over the bucket deltas; omitted without observations), error rates and
/// queue depth (from `current`). With no `previous` (first scrape) only gauges are derived.
QList<DerivedValue> deriveValues(const prom::Exposition* previous, const prom::Exposition& current, double seconds);

/// A series over time: x = milliseconds since the epoch, y = the value (rates per second, durations in seconds).
struct MetricSeries {
    SeriesKey key;
    QList<QPointF> points;
};

/// Reconcile metrics series of every scrape source: a table (one row per series, its latest value) that also
/// holds each series' points for the charts (PointsRole).
class MetricsSeriesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        SourceColumn,
        ControllerColumn,
        NamespaceColumn,
        MeasureColumn,
        ResultColumn,
        LatestColumn,
        ColumnCount
    };
    enum Role {
        PointsRole = Qt::UserRole + 1, ///< QList<QPointF>
        MeasureRole, ///< int(Measure)
        LatestValueRole, ///< double (NaN before the first point)
    };

    explicit MetricsSeriesModel(QObject* parent = nullptr);

    /// Adds a scrape of `source` taken at `at`; derives values against the previous scrape of the same source.
    void addScrape(const QString& source, const QDateTime& at, const prom::Exposition& exposition);
    /// How long points are kept (default 1 h).
    void setRetention(std::chrono::seconds retention) { m_retention = retention; }

    const MetricSeries& series(int row) const { return m_series.at(row); }
    /// The row of `key`, or -1.
    int rowOf(const SeriesKey& key) const { return m_rows.value(key, -1); }
    /// "source · controller · namespace · result" for legends and tooltips (without the source when
    /// `withSource` is false, e.g. while there is only one).
    static QString seriesName(const SeriesKey& key, bool withSource = true);
    /// How many sources have been scraped.
    int sourceCount() const { return int(m_previous.size()); }
    /// The first scrape still within the retention (invalid before any scrape).
    QDateTime firstScrapeAt() const;
    /// The latest scrape of any source (invalid before any scrape).
    QDateTime latestScrapeAt() const { return m_latest; }
    /// A value with its unit: "1.25/s", "12.3 ms", "4".
    static QString formatValue(Measure measure, double value);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// A scrape was added (after the rows were updated).
    void scraped(const QString& source, const QDateTime& at);

private:
    struct Previous {
        QDateTime at;
        prom::Exposition exposition;
    };
    void append(const SeriesKey& key, qint64 x, double value);

    QList<MetricSeries> m_series;
    QHash<SeriesKey, int> m_rows;
    QHash<QString, Previous> m_previous;
    QDateTime m_first; ///< the first scrape ever added
    QDateTime m_latest;
    std::chrono::seconds m_retention { std::chrono::hours(1) };
};

} // namespace models
