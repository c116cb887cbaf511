#pragma once

#include "kube/apierror.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace apiserver {

/// One injected error: requests matching verb and resource (empty or "*" = any) fail with `code` at `rate`.
struct FaultRule {
    QString verb; ///< get, list, watch, create, update, patch, delete, deletecollection
    QString resource; ///< plural resource name
    int code = 500; ///< 500, 429 (with Retry-After), 409, or 410 for watches (an ERROR event, as too old a version)
    double rate = 0; ///< 0..1
    int retryAfterSeconds = 1;
};

/// Everything the fault injector can do; all off by default. The same JSON shape is accepted by
/// `--faults` and by PUT /debug/faults:
/// `{"errors":[{"verb":"create","resource":"secrets","code":500,"rate":0.05}],"latencyMs":100,"jitterMs":20,
///   "dropWatchesEverySeconds":5,"watchWindow":100,"refuseConnectionsSeconds":3}`
struct FaultConfig {
    QList<FaultRule> errors;
    int latencyMs = 0;
    int jitterMs = 0;
    int dropWatchesEverySeconds = 0;
    int watchWindow = 0; ///< 0 leaves the window as configured
    int refuseConnectionsSeconds = 0; ///< a one-shot action: close the listeners for this long

    static std::optional<FaultConfig> fromJson(const QJsonObject& json, QString* error);
    QJsonObject toJson() const;
};

/// Decides per request whether to fail it and how long to delay it.
class FaultInjector {
public:
    void setConfig(const FaultConfig& config) { m_config = config; }
    const FaultConfig& config() const { return m_config; }

    /// The error to answer instead of serving the request, if a rule fires.
    std::optional<kube::ApiError> errorFor(const QString& verb, const QString& resource) const;
    /// Milliseconds to hold the response back (latency plus uniform jitter).
    int delayMs() const;

private:
    FaultConfig m_config;
};

} // namespace apiserver
