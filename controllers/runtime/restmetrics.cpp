#include "restmetrics.h"

#include "metrics_p.h"

#include <QLoggingCategory>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>

namespace runtime {

Q_LOGGING_CATEGORY(lcRestMetrics, "kubelb.runtime.metrics")

std::function<void(const kube::RequestMetric&)> restClientMetricsObserver(MetricsRegistry& registry)
{
    try {
        // The registry is captured so that the families outlive the MetricsRegistry if a client does.
        std::shared_ptr<prometheus::Registry> prom = detail::MetricsRegistryAccess::prometheusRegistry(registry);
        auto* requests = &prometheus::BuildCounter()
                              .Name("rest_client_requests_total")
                              .Help("Number of HTTP requests, partitioned by status code, method, and host.")
                              .Register(*prom);
        auto* latency = &prometheus::BuildHistogram()
                             .Name("rest_client_request_duration_seconds")
                             .Help("Request latency in seconds. Broken down by verb, and host.")
                             .Register(*prom);
        return [prom, requests, latency](const kube::RequestMetric& m) {
            const std::string host = m.host.toStdString();
            const std::string method = m.method.toStdString();
            const std::string code = m.code == 0 ? std::string("<error>") : std::to_string(m.code);
            try {
                requests->Add({ { "code", code }, { "method", method }, { "host", host } }).Increment();
                // client-go's buckets.
                latency
                    ->Add({ { "verb", method }, { "host", host } },
                        prometheus::Histogram::BucketBoundaries {
                            0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0 })
                    .Observe(m.seconds);
            } catch (const std::exception& e) {
                qCWarning(lcRestMetrics) << "cannot record a REST client metric:" << e.what();
            }
        };
    } catch (const std::exception& e) {
        qCWarning(lcRestMetrics) << "REST client metrics unavailable:" << e.what();
        return [](const kube::RequestMetric&) {};
    }
}

} // namespace runtime
