#pragma once

#include "models/metricsmodel.h"

#include <QChartView>
#include <QHash>
#include <chrono>

class QLineSeries;
class QDateTimeAxis;
class QValueAxis;

namespace views {

/// One chart of the metrics page: every series of `measures` in the model, over the selected time range, with the
/// value under the mouse shown as a tooltip.
class MetricsChart : public QChartView {
    Q_OBJECT
public:
    MetricsChart(models::MetricsSeriesModel* model, QList<models::Measure> measures, const QString& title,
        const QString& unit, QWidget* parent = nullptr);

    /// The visible time window ending at the latest scrape (5 min or 1 h).
    void setRange(std::chrono::seconds range);
    /// Rebuilds the visible points from the model.
    void refresh();

private:
    QLineSeries* seriesFor(int row);
    double scale(models::Measure measure) const;
    void showValue(QLineSeries* series, const QPointF& point, bool state);

    models::MetricsSeriesModel* m_model;
    QList<models::Measure> m_measures;
    QString m_unit;
    std::chrono::seconds m_range { std::chrono::minutes(5) };
    QHash<int, QLineSeries*> m_series; ///< model row → line
    QDateTimeAxis* m_x;
    QValueAxis* m_y;
};

} // namespace views
