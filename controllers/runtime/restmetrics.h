#pragma once

#include "kube/restclient.h"

#include <functional>

namespace runtime {

class MetricsRegistry;

/// restClientMetricsObserver returns a RestOptions::observer writing client-go's REST client metrics into `registry`:
/// rest_client_requests_total{code,method,host} (code "<error>" when the connection failed) and
/// rest_client_request_duration_seconds{verb,host}. The observer is thread-safe and keeps the families alive.
std::function<void(const kube::RequestMetric&)> restClientMetricsObserver(MetricsRegistry& registry);

} // namespace runtime
