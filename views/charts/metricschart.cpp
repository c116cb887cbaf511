#include "metricschart.h"

#include <QDateTimeAxis>
#include <QLineSeries>
#include <QToolTip>
#include <QValueAxis>
#include <cmath>

using namespace Qt::StringLiterals;

namespace views {

MetricsChart::MetricsChart(models::MetricsSeriesModel* model, QList<models::Measure> measures, const QString& title,
    const QString& unit, QWidget* parent)
    : QChartView(parent)
    , m_model(model)
    , m_measures(std::move(measures))
    , m_unit(unit)
    , m_x(new QDateTimeAxis)
    , m_y(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 220);
    chart()->setTitle(title);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->legend()->setFont(QFont(font().family(), qMax(7, font().pointSize() - 2)));
    m_x->setFormat(u"HH:mm:ss"_s);
    m_x->setTickCount(6);
    m_y->setLabelFormat(u"%.3g"_s);
    m_y->setMin(0);
    m_x->setTruncateLabels(false);
    m_y->setTruncateLabels(false);
    // Axis labels laid out before the first data must already have their final size, or Qt Charts hides them.
    const QDateTime now = QDateTime::currentDateTime();
    m_x->setRange(now.addSecs(-300), now);
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    connect(m_model, &models::MetricsSeriesModel::scraped, this, &MetricsChart::refresh);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MetricsChart::refresh);
}

void MetricsChart::setRange(std::chrono::seconds range)
{
    m_range = range;
    m_x->setFormat(range > std::chrono::minutes(10) ? u"HH:mm"_s : u"HH:mm:ss"_s);
    refresh();
}

double MetricsChart::scale(models::Measure measure) const
{
    return measure == models::Measure::DurationP50 || measure == models::Measure::DurationP95 ? 1000.0 : 1.0;
}

QLineSeries* MetricsChart::seriesFor(int row)
{
    if (QLineSeries* existing = m_series.value(row))
        return existing;
    const models::MetricSeries& s = m_model->series(row);
    auto* line = new QLineSeries(this);
    chart()->addSeries(line);
    line->attachAxis(m_x);
    line->attachAxis(m_y);
    if (s.key.measure == models::Measure::DurationP50) {
        QPen pen = line->pen();
        pen.setStyle(Qt::DashLine);
        line->setPen(pen);
    }
    connect(line, &QLineSeries::hovered, this,
        [this, line](const QPointF& point, bool state) { showValue(line, point, state); });
    m_series.insert(row, line);
    return line;
}

void MetricsChart::refresh()
{
    qint64 end = 0;
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (!m_model->series(row).points.isEmpty())
            end = qMax(end, qint64(m_model->series(row).points.last().x()));
    if (end == 0)
        end = QDateTime::currentMSecsSinceEpoch();
    const qint64 start = end - qint64(m_range.count()) * 1000;
    double top = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const models::MetricSeries& s = m_model->series(row);
        if (!m_measures.contains(s.key.measure))
            continue;
        QList<QPointF> visible;
        for (const QPointF& p : s.points)
            if (p.x() >= start && std::isfinite(p.y())) {
                visible.append(QPointF(p.x(), p.y() * scale(s.key.measure)));
                top = qMax(top, visible.last().y());
            }
        QLineSeries* line = seriesFor(row);
        line->replace(visible);
        QString name = models::MetricsSeriesModel::seriesName(s.key, m_model->sourceCount() > 1);
        if (m_measures.size() > 1)
            name += u" · "_s + models::measureName(s.key.measure).section(u' ', 0, 0);
        if (line->name() != name)
            line->setName(name);
    }
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(start), QDateTime::fromMSecsSinceEpoch(end));
    m_y->setRange(0, top > 0 ? top * 1.1 : 1.0);
    m_y->applyNiceNumbers();
}

void MetricsChart::showValue(QLineSeries* series, const QPointF& point, bool state)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    // The nearest sample to the mouse, so the tooltip shows a measured value rather than an interpolation.
    const QList<QPointF> points = series->points();
    if (points.isEmpty())
        return;
    QPointF nearest = points.first();
    for (const QPointF& p : points)
        if (std::abs(p.x() - point.x()) < std::abs(nearest.x() - point.x()))
            nearest = p;
    const QString when = QDateTime::fromMSecsSinceEpoch(qint64(nearest.x())).toString(u"HH:mm:ss"_s);
    QToolTip::showText(
        QCursor::pos(), u"%1\n%2  %3 %4"_s.arg(series->name(), when).arg(nearest.y(), 0, 'g', 4).arg(m_unit), this);
}

} // namespace views
