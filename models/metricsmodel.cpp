#include "metricsmodel.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace models {

namespace {

/// The seed's SyncSecret metric prefixes and the controller each belongs to.
const QList<QPair<QString, QString>> kSyncPrefixes
    = { { u"kubelb_ccm"_s, u"ccm"_s }, { u"kubelb_manager"_s, u"manager"_s } };

/// Collects derived values for one scrape pair.
class Deriver {
public:
    Deriver(const prom::Exposition* previous, const prom::Exposition& current, double seconds)
        : m_previous(previous)
        , m_current(current)
        , m_seconds(seconds)
    {
    }

    /// Per-second increase of every series of counter `name`; `keyOf` maps labels to the series.
    template <typename KeyOf> void rates(const QString& name, KeyOf keyOf)
    {
        const auto* now = m_current.family(name);
        const auto* before = m_previous ? m_previous->family(name) : nullptr;
        if (!now || !before || m_seconds <= 0)
            return;
        const auto old = prom::values(*before);
        for (const auto& [labels, value] : prom::values(*now)) {
            const auto previous = old.find(labels);
            const double increase = prom::counterIncrease(previous == old.end() ? 0 : previous->second, value);
            m_out.append({ keyOf(labels), increase / m_seconds });
        }
    }

    /// p50 and p95 of the observations since the previous scrape of histogram `name`.
    template <typename KeyOf> void quantiles(const QString& name, KeyOf keyOf)
    {
        const auto* now = m_current.family(name);
        const auto* before = m_previous ? m_previous->family(name) : nullptr;
        if (!now || !before)
            return;
        const auto old = prom::histograms(*before);
        for (const auto& [labels, histogram] : prom::histograms(*now)) {
            const auto previous = old.find(labels);
            const prom::Histogram delta
                = prom::histogramDelta(previous == old.end() ? prom::Histogram {} : previous->second, histogram);
            for (const auto& [q, measure] :
                { std::pair { 0.5, Measure::DurationP50 }, { 0.95, Measure::DurationP95 } }) {
                const double value = prom::histogramQuantile(q, delta.buckets);
                if (!std::isnan(value)) {
                    SeriesKey key = keyOf(labels);
                    key.measure = measure;
                    m_out.append({ key, value });
                }
            }
        }
    }

    /// The current value of every series of gauge `name`.
    template <typename KeyOf> void gauges(const QString& name, KeyOf keyOf)
    {
        if (const auto* now = m_current.family(name))
            for (const auto& [labels, value] : prom::values(*now))
                m_out.append({ keyOf(labels), value });
    }

    QList<DerivedValue> take() { return std::move(m_out); }

private:
    const prom::Exposition* m_previous;
    const prom::Exposition& m_current;
    double m_seconds;
    QList<DerivedValue> m_out;
};

QString label(const prom::Labels& labels, const QString& name)
{
    return labels.value(name);
}

} // namespace

QString measureName(Measure measure)
{
    switch (measure) {
    case Measure::ReconcileRate:
        return u"reconcile rate"_s;
    case Measure::DurationP50:
        return u"p50 duration"_s;
    case Measure::DurationP95:
        return u"p95 duration"_s;
    case Measure::QueueDepth:
        return u"queue depth"_s;
    case Measure::ErrorRate:
        return u"error rate"_s;
    }
    return {};
}

size_t qHash(const SeriesKey& key, size_t seed)
{
    return qHashMulti(seed, key.source, int(key.measure), key.controller, key.ns, key.result);
}

QList<DerivedValue> deriveValues(const prom::Exposition* previous, const prom::Exposition& current, double seconds)
{
    Deriver d(previous, current, seconds);
    for (const auto& [prefix, controller] : kSyncPrefixes) {
        d.rates(prefix + u"_sync_secret_reconcile_total"_s, [&](const prom::Labels& l) {
            return SeriesKey { {}, Measure::ReconcileRate, controller, label(l, u"namespace"_s),
                label(l, u"result"_s) };
        });
        d.quantiles(prefix + u"_sync_secret_reconcile_duration_seconds"_s, [&](const prom::Labels& l) {
            return SeriesKey { {}, Measure::DurationP50, controller, label(l, u"namespace"_s), {} };
        });
    }
    d.rates(u"controller_runtime_reconcile_total"_s, [](const prom::Labels& l) {
        return SeriesKey { {}, Measure::ReconcileRate, label(l, u"controller"_s), {}, label(l, u"result"_s) };
    });
    d.quantiles(u"controller_runtime_reconcile_time_seconds"_s, [](const prom::Labels& l) {
        return SeriesKey { {}, Measure::DurationP50, label(l, u"controller"_s), {}, {} };
    });
    d.rates(u"controller_runtime_reconcile_errors_total"_s, [](const prom::Labels& l) {
        return SeriesKey { {}, Measure::ErrorRate, label(l, u"controller"_s), {}, {} };
    });
    d.gauges(u"workqueue_depth"_s, [](const prom::Labels& l) {
        return SeriesKey { {}, Measure::QueueDepth, label(l, u"name"_s), {}, {} };
    });
    return d.take();
}

MetricsSeriesModel::MetricsSeriesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void MetricsSeriesModel::addScrape(const QString& source, const QDateTime& at, const prom::Exposition& exposition)
{
    const auto previous = m_previous.constFind(source);
    const bool hasPrevious = previous != m_previous.cend();
    const double seconds = hasPrevious ? previous->at.msecsTo(at) / 1000.0 : 0;
    const auto values = deriveValues(hasPrevious ? &previous->exposition : nullptr, exposition, seconds);
    const qint64 x = at.toMSecsSinceEpoch();
    for (DerivedValue v : values) {
        v.key.source = source;
        append(v.key, x, v.value);
    }
    const qint64 oldest = x - qint64(m_retention.count()) * 1000;
    for (MetricSeries& s : m_series)
        while (!s.points.isEmpty() && s.points.first().x() < oldest)
            s.points.removeFirst();
    m_previous.insert(source, { at, exposition });
    if (!m_first.isValid() || at < m_first)
        m_first = at;
    if (!m_latest.isValid() || at > m_latest)
        m_latest = at;
    if (!m_series.isEmpty())
        Q_EMIT dataChanged(index(0, LatestColumn), index(int(m_series.size()) - 1, LatestColumn));
    Q_EMIT scraped(source, at);
}

QDateTime MetricsSeriesModel::firstScrapeAt() const
{
    if (!m_first.isValid())
        return {};
    return qMax(m_first, m_latest.addSecs(-qint64(m_retention.count())));
}

void MetricsSeriesModel::append(const SeriesKey& key, qint64 x, double value)
{
    int row = rowOf(key);
    if (row < 0) {
        row = int(m_series.size());
        beginInsertRows({}, row, row);
        m_series.append({ key, {} });
        m_rows.insert(key, row);
        endInsertRows();
    }
    m_series[row].points.append(QPointF(double(x), value));
}

QString MetricsSeriesModel::seriesName(const SeriesKey& key, bool withSource)
{
    QStringList parts { key.controller, key.ns.isEmpty() ? u"all namespaces"_s : key.ns };
    if (withSource)
        parts.prepend(key.source);
    if (!key.result.isEmpty())
        parts.append(key.result);
    return parts.join(u" · "_s);
}

QString MetricsSeriesModel::formatValue(Measure measure, double value)
{
    if (std::isnan(value))
        return u"—"_s;
    switch (measure) {
    case Measure::ReconcileRate:
    case Measure::ErrorRate:
        return u"%1/s"_s.arg(value, 0, 'f', 2);
    case Measure::DurationP50:
    case Measure::DurationP95:
        return value < 1 ? u"%1 ms"_s.arg(value * 1000, 0, 'f', 1) : u"%1 s"_s.arg(value, 0, 'f', 2);
    case Measure::QueueDepth:
        return QString::number(value, 'f', 0);
    }
    return {};
}

int MetricsSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_series.size());
}

int MetricsSeriesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MetricsSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MetricSeries& s = m_series.at(index.row());
    const double latest = s.points.isEmpty() ? std::nan("") : s.points.last().y();
    switch (role) {
    case PointsRole:
        return QVariant::fromValue(s.points);
    case MeasureRole:
        return int(s.key.measure);
    case LatestValueRole:
        return latest;
    case Qt::ToolTipRole:
        return seriesName(s.key);
    case Qt::TextAlignmentRole:
        return index.column() == LatestColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case SourceColumn:
        return s.key.source;
    case ControllerColumn:
        return s.key.controller;
    case NamespaceColumn:
        return s.key.ns.isEmpty() ? u"(all)"_s : s.key.ns;
    case MeasureColumn:
        return measureName(s.key.measure);
    case ResultColumn:
        return s.key.result;
    case LatestColumn:
        return formatValue(s.key.measure, latest);
    }
    return {};
}

QVariant MetricsSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList headers
        = { u"Source"_s, u"Controller"_s, u"Namespace"_s, u"Measure"_s, u"Result"_s, u"Latest"_s };
    return headers.value(section);
}

} // namespace models
