#include "metricspage.h"

#include "metricschart.h"
#include "models/metricsmodel.h"

#include <QComboBox>
#include <QEventLoop>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using models::Measure;

namespace views {

namespace {

/// GET `url` on the calling (worker) thread with its own network manager and a 10 s deadline.
QByteArray fetchUrl(const QUrl& url, QString* error)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(manager.get(request));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (reply->error() != QNetworkReply::NoError) {
        *error = u"%1: %2"_s.arg(url.toDisplayString(QUrl::RemoveUserInfo), reply->errorString());
        return {};
    }
    return reply->readAll();
}

} // namespace

MetricsPage::MetricsPage(QWidget* parent)
    : QWidget(parent)
    , m_model(new models::MetricsSeriesModel(this))
    , m_range(new QComboBox)
    , m_status(new QLabel)
    , m_table(new QTableView)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_pool.setMaxThreadCount(1);
    m_status->setObjectName(u"metricsStatus"_s);
    m_range->addItem(tr("Last 5 minutes"), 300);
    m_range->addItem(tr("Last hour"), 3600);
    connect(m_range, &QComboBox::currentIndexChanged, this,
        [this] { setRange(std::chrono::seconds(m_range->currentData().toInt())); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Range:")));
    bar->addWidget(m_range);
    bar->addSpacing(12);
    bar->addWidget(m_status, 1);

    const auto rate
        = new MetricsChart(m_model, { Measure::ReconcileRate }, tr("Reconcile rate by result (/s)"), u"/s"_s);
    const auto duration = new MetricsChart(m_model, { Measure::DurationP95, Measure::DurationP50 },
        tr("Reconcile duration in ms (slowest namespace): p95, p50 dashed"), u"ms"_s);
    const auto depth = new MetricsChart(m_model, { Measure::QueueDepth }, tr("Work queue depth (items)"), u"items"_s);
    const auto errors = new MetricsChart(m_model, { Measure::ErrorRate }, tr("Reconcile errors (/s)"), u"/s"_s);
    rate->setObjectName(u"reconcileRateChart"_s);
    duration->setObjectName(u"durationChart"_s);
    depth->setObjectName(u"queueDepthChart"_s);
    errors->setObjectName(u"errorRateChart"_s);
    m_charts = { rate, duration, depth, errors };

    auto* charts = new QWidget;
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(rate, 0, 0);
    grid->addWidget(duration, 0, 1);
    grid->addWidget(depth, 1, 0);
    grid->addWidget(errors, 1, 1);

    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    m_table->setModel(proxy);
    m_table->setObjectName(u"metricsTable"_s);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(charts);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &MetricsPage::scrapeNow);
    updateStatus();
}

MetricsPage::~MetricsPage()
{
    m_timer.stop();
    m_pool.clear();
    m_pool.waitForDone();
}

void MetricsPage::addSource(const QString& label, const QUrl& metricsUrl)
{
    addFetch(label, [metricsUrl](QString* error) { return fetchUrl(metricsUrl, error); });
}

void MetricsPage::addSource(const QString& label, std::function<QByteArray()> exposition)
{
    addFetch(label, [exposition = std::move(exposition)](QString*) { return exposition(); });
}

void MetricsPage::addFetch(const QString& label, Fetch fetch)
{
    m_sources.append({ label, std::move(fetch) });
    if (!m_timer.isActive())
        m_timer.start();
    scrapeNow();
}

void MetricsPage::setScrapeInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(int(interval.count()));
}

void MetricsPage::setRange(std::chrono::seconds range)
{
    for (MetricsChart* chart : std::as_const(m_charts))
        chart->setRange(range);
}

void MetricsPage::scrapeNow()
{
    for (const auto& [label, fetch] : std::as_const(m_sources)) {
        if (m_inFlight.contains(label))
            continue;
        m_inFlight.insert(label);
        m_pool.start([this, label, fetch, clock = m_clock] {
            QString error;
            const QByteArray text = fetch(&error);
            const QDateTime at = clock();
            const models::prom::Exposition exposition = models::prom::parseExposition(text);
            // Back on the UI thread; the page waits for this worker in its destructor, so `this` is alive here.
            QMetaObject::invokeMethod(
                this, [this, label, at, exposition, error] { deliver(label, at, exposition, error); },
                Qt::QueuedConnection);
        });
    }
}

void MetricsPage::deliver(
    const QString& label, const QDateTime& at, const models::prom::Exposition& exposition, const QString& error)
{
    m_inFlight.remove(label);
    if (error.isEmpty()) {
        m_errors.remove(label);
        m_unparsed.insert(label, int(exposition.errors.size()));
        m_last.insert(label, at);
        m_model->addScrape(label, at, exposition);
    } else {
        m_errors.insert(label, error);
    }
    updateStatus();
    Q_EMIT scraped(label, error);
}

void MetricsPage::updateStatus()
{
    if (m_sources.isEmpty()) {
        m_status->setText(tr("No metrics source: start the embedded controllers or set a context's metrics URL."));
        return;
    }
    QStringList parts;
    for (const auto& [label, fetch] : std::as_const(m_sources)) {
        if (m_errors.contains(label))
            parts.append(tr("%1: scrape failed (%2)").arg(label, m_errors.value(label)));
        else if (m_last.contains(label))
            parts.append(tr("%1: scraped %2").arg(label, m_last.value(label).toLocalTime().toString(u"HH:mm:ss"_s))
                + (m_unparsed.value(label) ? tr(" (%n line(s) not understood)", nullptr, m_unparsed.value(label))
                                           : QString()));
        else
            parts.append(tr("%1: waiting for the first scrape").arg(label));
    }
    m_status->setText(parts.join(u"  ·  "_s));
}

} // namespace views
