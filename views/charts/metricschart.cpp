#include "metricschart.h"

#include <QDateTimeAxis>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSet>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
using models::Measure;

namespace views {

namespace {

bool isQuantile(Measure measure)
{
    return measure == Measure::DurationP50 || measure == Measure::DurationP95;
}

} // namespace

MetricsChart::MetricsChart(models::MetricsSeriesModel* model, QList<models::Measure> measures, const QString& title,
    const QString& unit, QWidget* parent)
    : QChartView(parent)
    , m_model(model)
    , m_measures(std::move(measures))
    , m_title(title)
    , m_unit(unit)
    , m_x(new QDateTimeAxis)
    , m_y(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 220);
    chart()->setTitle(title);
    // A column at the right: every named line on its own row, so names are not cut to fit a single row.
    chart()->legend()->setAlignment(Qt::AlignRight);
    chart()->legend()->setShowToolTips(true);
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
    refresh();
}

double MetricsChart::scale(models::Measure measure) const
{
    return isQuantile(measure) ? 1000.0 : 1.0;
}

QString MetricsChart::lineName(const models::SeriesKey& key, bool withSource)
{
    QStringList parts;
    if (withSource)
        parts << key.source;
    parts << key.controller;
    if (key.measure == Measure::DurationP95)
        parts << u"p95"_s;
    else if (key.measure == Measure::DurationP50)
        parts << u"p50"_s;
    else if (!key.result.isEmpty())
        parts << key.result;
    return parts.join(u" · "_s);
}

QLineSeries* MetricsChart::seriesFor(const QString& name, Measure measure)
{
    if (QLineSeries* existing = m_series.value(name))
        return existing;
    auto* line = new QLineSeries(this);
    line->setName(name);
    chart()->addSeries(line);
    line->attachAxis(m_x);
    line->attachAxis(m_y);
    if (measure == Measure::DurationP50) {
        QPen pen = line->pen();
        pen.setStyle(Qt::DashLine);
        line->setPen(pen);
    }
    connect(line, &QLineSeries::hovered, this,
        [this, line](const QPointF& point, bool state) { showValue(line, point, state); });
    m_series.insert(name, line);
    return line;
}

void MetricsChart::refresh()
{
    // The window ends at the latest scrape; it starts at the first scrape until `m_range` has been collected.
    const QDateTime latest = m_model->latestScrapeAt();
    const qint64 end = latest.isValid() ? latest.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
    const QDateTime first = m_model->firstScrapeAt();
    const qint64 full = end - qint64(m_range.count()) * 1000;
    const qint64 start = first.isValid() ? qMax(full, first.toMSecsSinceEpoch()) : full;

    // One line per source · controller · result (· quantile): namespaces summed (rates, depths) or the slowest
    // one (quantiles: per-namespace quantiles cannot be added).
    const bool withSource = m_model->sourceCount() > 1;
    QList<Line> lines;
    QHash<QString, qsizetype> indexOf;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const models::MetricSeries& s = m_model->series(row);
        if (!m_measures.contains(s.key.measure))
            continue;
        const QString name = lineName(s.key, withSource);
        qsizetype i = indexOf.value(name, -1);
        if (i < 0) {
            i = lines.size();
            indexOf.insert(name, i);
            lines.append({ name, s.key.measure, {}, 0 });
        }
        Line& line = lines[i];
        for (const QPointF& p : s.points) {
            if (p.x() < start || !std::isfinite(p.y()))
                continue;
            const double y = p.y() * scale(s.key.measure);
            const auto x = qint64(p.x());
            auto it = line.points.find(x);
            if (it == line.points.end())
                line.points.insert(x, y);
            else
                *it = isQuantile(s.key.measure) ? qMax(*it, y) : *it + y;
        }
    }
    double top = 0;
    for (Line& line : lines) {
        QList<QPointF> visible;
        visible.reserve(line.points.size());
        for (auto it = line.points.cbegin(); it != line.points.cend(); ++it) {
            visible.append(QPointF(double(it.key()), it.value()));
            line.peak = qMax(line.peak, it.value());
        }
        top = qMax(top, line.peak);
        seriesFor(line.name, line.measure)->replace(visible);
    }
    // Lines of an earlier source count (names without the source) or gone from the model are emptied.
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
        if (!indexOf.contains(it.key()) && it.value()->count() > 0)
            it.value()->clear();
    updateLegend(lines);

    const qint64 span = qMax<qint64>(end - start, 1000);
    m_x->setFormat(span > 20 * 60 * 1000 ? u"HH:mm"_s : u"HH:mm:ss"_s);
    // No two ticks with the same label while only a few seconds have been collected.
    m_x->setTickCount(int(std::clamp<qint64>(span / 1000 + 1, 2, 6)));
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(start), QDateTime::fromMSecsSinceEpoch(start + span));
    m_y->setRange(0, top > 0 ? top * 1.1 : 1.0);
    m_y->applyNiceNumbers();
}

void MetricsChart::updateLegend(const QList<Line>& lines)
{
    // Which lines the legend names: all of them when they fit, else the highest peaks (only lines that moved).
    QList<const Line*> ranked;
    for (const Line& line : lines)
        ranked.append(&line);
    std::stable_sort(ranked.begin(), ranked.end(),
        [](const Line* a, const Line* b) { return a->peak != b->peak ? a->peak > b->peak : a->name < b->name; });
    QSet<QString> named;
    for (const Line* line : std::as_const(ranked)) {
        if (named.size() >= legendCap() || (ranked.size() > legendCap() && line->peak <= 0))
            break;
        named.insert(line->name);
    }
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
        for (QLegendMarker* marker : chart()->legend()->markers(it.value()))
            marker->setVisible(named.contains(it.key()));
    const qsizetype unnamed = lines.size() - named.size();
    const QString title
        = unnamed > 0 ? tr("%1 · legend: top %2 of %3").arg(m_title).arg(named.size()).arg(lines.size()) : m_title;
    if (chart()->title() != title)
        chart()->setTitle(title);
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
