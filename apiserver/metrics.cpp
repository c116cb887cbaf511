#include "metrics.h"

#include <QLoggingCategory>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace apiserver {

Q_LOGGING_CATEGORY(lcMetrics, "kubelb.apiserver.metrics")

struct ApiMetrics::Private {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Counter>& requests = prometheus::BuildCounter()
                                                            .Name("apiserver_request_total")
                                                            .Help("Counter of apiserver requests broken out for each "
                                                                  "verb, group, resource, subresource and HTTP code.")
                                                            .Register(*registry);
    prometheus::Family<prometheus::Histogram>& latency
        = prometheus::BuildHistogram()
              .Name("apiserver_request_duration_seconds")
              .Help("Response latency distribution in seconds for each verb, group, resource and subresource.")
              .Register(*registry);
    prometheus::Family<prometheus::Gauge>& stored = prometheus::BuildGauge()
                                                        .Name("apiserver_storage_objects")
                                                        .Help("Number of stored objects at the time of last check "
                                                              "split by kind.")
                                                        .Register(*registry);
    prometheus::Family<prometheus::Counter>& faults = prometheus::BuildCounter()
                                                          .Name("kubelb_apiserver_injected_faults_total")
                                                          .Help("Faults injected by the embedded API server, by type "
                                                                "(error, latency, watch_drop, expired, refused).")
                                                          .Register(*registry);
    prometheus::Family<prometheus::Counter>& errors = prometheus::BuildCounter()
                                                          .Name("kubelb_apiserver_injected_errors_total")
                                                          .Help("Error answers injected by the embedded API server, "
                                                                "by HTTP code (500, 429, 409).")
                                                          .Register(*registry);
};

ApiMetrics::ApiMetrics()
    : d(std::make_unique<Private>())
{
}

ApiMetrics::~ApiMetrics() = default;

void ApiMetrics::observe(const QString& verb, const QString& group, const QString& resource, const QString& subresource,
    int code, double seconds)
{
    static const prometheus::Histogram::BucketBoundaries buckets { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
    try {
        const std::map<std::string, std::string> labels { { "verb", verb.toStdString() },
            { "group", group.toStdString() }, { "resource", resource.toStdString() },
            { "subresource", subresource.toStdString() } };
        auto withCode = labels;
        withCode.emplace("code", std::to_string(code));
        d->requests.Add(withCode).Increment();
        d->latency.Add(labels, buckets).Observe(seconds);
    } catch (const std::exception& e) {
        qCWarning(lcMetrics) << "cannot record a request metric:" << e.what();
    }
}

void ApiMetrics::countFault(const QString& type)
{
    try {
        d->faults.Add({ { "type", type.toStdString() } }).Increment();
    } catch (const std::exception& e) {
        qCWarning(lcMetrics) << "cannot record a fault metric:" << e.what();
    }
}

void ApiMetrics::countInjectedError(int code)
{
    countFault(QStringLiteral("error"));
    try {
        d->errors.Add({ { "code", std::to_string(code) } }).Increment();
    } catch (const std::exception& e) {
        qCWarning(lcMetrics) << "cannot record a fault metric:" << e.what();
    }
}

void ApiMetrics::setStoredObjects(const QString& groupResource, double count)
{
    try {
        d->stored.Add({ { "resource", groupResource.toStdString() } }).Set(count);
    } catch (const std::exception& e) {
        qCWarning(lcMetrics) << "cannot record a storage metric:" << e.what();
    }
}

QByteArray ApiMetrics::exposition() const
{
    try {
        const std::string text = prometheus::TextSerializer().Serialize(d->registry->Collect());
        return QByteArray::fromStdString(text);
    } catch (const std::exception& e) {
        qCWarning(lcMetrics) << "cannot serialise metrics:" << e.what();
        return {};
    }
}

} // namespace apiserver
