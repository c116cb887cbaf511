#pragma once

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>
#include <QWidget>
#include <chrono>
#include <functional>

class QComboBox;
class QLabel;
class QTableView;

namespace models {
class MetricsSeriesModel;
namespace prom {
struct Exposition;
}
} // namespace models

namespace views {

class MetricsChart;

/// The Metrics section: reconcile rate by result, p50/p95 reconcile duration, error rate and queue depth over the
/// last 5 minutes or hour (charts), and every series' latest value (table). Sources are scraped off the UI thread.
class MetricsPage : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPage(QWidget* parent = nullptr);
    ~MetricsPage() override;

    /// Scrapes `metricsUrl` (a daemon's /metrics) every interval, off the UI thread.
    void addSource(const QString& label, const QUrl& metricsUrl);
    /// Embedded controllers: `exposition` returns Prometheus text; called on a worker thread.
    void addSource(const QString& label, std::function<QByteArray()> exposition);
    void setScrapeInterval(std::chrono::milliseconds interval); // default 5 s
    /// The time of a scrape (default: the current UTC time); called on the worker thread.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    /// Scrapes every source now (a source still being scraped is skipped).
    void scrapeNow();
    /// The visible window: 5 min or 1 h.
    void setRange(std::chrono::seconds range);

    models::MetricsSeriesModel* model() const { return m_model; }

Q_SIGNALS:
    /// A scrape of `label` finished (successfully or with `error`).
    void scraped(const QString& label, const QString& error);

private:
    /// Fetches the text, or sets *error (runs on the worker thread).
    using Fetch = std::function<QByteArray(QString* error)>;
    void addFetch(const QString& label, Fetch fetch);
    void deliver(
        const QString& label, const QDateTime& at, const models::prom::Exposition& exposition, const QString& error);
    void updateStatus();

    models::MetricsSeriesModel* m_model;
    QList<MetricsChart*> m_charts;
    QComboBox* m_range;
    QLabel* m_status;
    QTableView* m_table;
    QTimer m_timer;
    std::function<QDateTime()> m_clock;
    QList<QPair<QString, Fetch>> m_sources;
    QSet<QString> m_inFlight;
    QHash<QString, QString> m_errors; ///< label → last scrape error
    QHash<QString, int> m_unparsed; ///< label → lines of the last scrape that were not Prometheus text
    QHash<QString, QDateTime> m_last; ///< label → last successful scrape
    QThreadPool m_pool; ///< one worker: scrapes are short and sequential
};

} // namespace views
