#pragma once

#include "models/metricsmodel.h"

#include <QChartView>
#include <QHash>
#include <QMap>
#include <chrono>

class QLineSeries;
class QDateTimeAxis;
class QValueAxis;

namespace views {

/// One chart of the metrics page over the selected time range, with the value under the mouse shown as a tooltip.
/// The model's series of `measures` are aggregated across namespaces into one line per source · controller ·
/// result (rates and depths are summed, p50/p95 take the slowest namespace); the per-namespace breakdown stays in
/// the page's table. The legend names at most legendCap() lines, in full: with more lines it names the ones with
/// the highest peaks in the window and the title says how many are left to hover and the table.
class MetricsChart : public QChartView {
    Q_OBJECT
public:
    MetricsChart(models::MetricsSeriesModel* model, QList<models::Measure> measures, const QString& title,
        const QString& unit, QWidget* parent = nullptr);

    /// The longest visible window, ending at the latest scrape (5 min or 1 h). Until that much has been scraped the
    /// time axis starts at the first scrape; from then on it scrolls as a fixed window.
    void setRange(std::chrono::seconds range);
    /// Rebuilds the visible lines from the model.
    void refresh();

    /// The most lines the legend names.
    static constexpr int legendCap() { return 6; }
    /// The name of the line of `key` (its namespace is ignored): "source · controller · result" ("p95" / "p50"
    /// instead of the result for durations); without the source when `withSource` is false.
    static QString lineName(const models::SeriesKey& key, bool withSource);

private:
    struct Line {
        QString name;
        models::Measure measure = models::Measure::ReconcileRate;
        QMap<qint64, double> points; ///< x (ms) → aggregated value
        double peak = 0;
    };
    QLineSeries* seriesFor(const QString& name, models::Measure measure);
    double scale(models::Measure measure) const;
    void showValue(QLineSeries* series, const QPointF& point, bool state);
    void updateLegend(const QList<Line>& lines);

    models::MetricsSeriesModel* m_model;
    QList<models::Measure> m_measures;
    QString m_title;
    QString m_unit;
    std::chrono::seconds m_range { std::chrono::minutes(5) };
    QHash<QString, QLineSeries*> m_series; ///< line name → line
    QDateTimeAxis* m_x;
    QValueAxis* m_y;
};

} // namespace views
