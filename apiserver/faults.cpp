#include "faults.h"

#include <QJsonArray>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace apiserver {

std::optional<FaultConfig> FaultConfig::fromJson(const QJsonObject& json, QString* error)
{
    static const QStringList known { u"errors"_s, u"latencyMs"_s, u"jitterMs"_s, u"dropWatchesEverySeconds"_s,
        u"watchWindow"_s, u"refuseConnectionsSeconds"_s };
    for (const auto& key : json.keys()) {
        if (!known.contains(key)) {
            *error = u"unknown fault setting \"%1\" (known: %2)"_s.arg(key, known.join(u", "_s));
            return std::nullopt;
        }
    }
    FaultConfig c;
    for (const auto& v : json.value(u"errors"_s).toArray()) {
        const QJsonObject o = v.toObject();
        FaultRule r { o.value(u"verb"_s).toString(), o.value(u"resource"_s).toString(), o.value(u"code"_s).toInt(500),
            o.value(u"rate"_s).toDouble(), o.value(u"retryAfterSeconds"_s).toInt(1) };
        if (r.code != 500 && r.code != 429 && r.code != 409 && r.code != 410) {
            *error = u"fault code %1 is not one of 500, 429, 409, 410"_s.arg(r.code);
            return std::nullopt;
        }
        if (r.code == 410 && r.verb != u"watch") {
            *error = u"fault code 410 (Expired) applies to verb \"watch\" only"_s;
            return std::nullopt;
        }
        if (r.rate < 0 || r.rate > 1) {
            *error = u"fault rate %1 is not between 0 and 1"_s.arg(r.rate);
            return std::nullopt;
        }
        c.errors.append(r);
    }
    c.latencyMs = json.value(u"latencyMs"_s).toInt();
    c.jitterMs = json.value(u"jitterMs"_s).toInt();
    c.dropWatchesEverySeconds = json.value(u"dropWatchesEverySeconds"_s).toInt();
    c.watchWindow = json.value(u"watchWindow"_s).toInt();
    c.refuseConnectionsSeconds = json.value(u"refuseConnectionsSeconds"_s).toInt();
    if (c.latencyMs < 0 || c.jitterMs < 0 || c.dropWatchesEverySeconds < 0 || c.watchWindow < 0
        || c.refuseConnectionsSeconds < 0) {
        *error = u"fault durations and sizes must not be negative"_s;
        return std::nullopt;
    }
    return c;
}

QJsonObject FaultConfig::toJson() const
{
    QJsonArray rules;
    for (const auto& r : errors)
        rules.append(QJsonObject { { u"verb"_s, r.verb }, { u"resource"_s, r.resource }, { u"code"_s, r.code },
            { u"rate"_s, r.rate }, { u"retryAfterSeconds"_s, r.retryAfterSeconds } });
    return { { u"errors"_s, rules }, { u"latencyMs"_s, latencyMs }, { u"jitterMs"_s, jitterMs },
        { u"dropWatchesEverySeconds"_s, dropWatchesEverySeconds }, { u"watchWindow"_s, watchWindow },
        { u"refuseConnectionsSeconds"_s, refuseConnectionsSeconds } };
}

std::optional<kube::ApiError> FaultInjector::errorFor(const QString& verb, const QString& resource) const
{
    for (const auto& r : m_config.errors) {
        const bool verbMatches = r.verb.isEmpty() || r.verb == u"*" || r.verb == verb;
        const bool resourceMatches = r.resource.isEmpty() || r.resource == u"*" || r.resource == resource;
        if (!verbMatches || !resourceMatches || QRandomGenerator::global()->generateDouble() >= r.rate)
            continue;
        if (r.code == 429)
            return kube::ApiError(429, u"TooManyRequests"_s, u"injected fault: too many requests, retry later"_s)
                .withRetryAfter(r.retryAfterSeconds);
        if (r.code == 410)
            return kube::ApiError::gone(u"injected fault: too old resource version"_s);
        if (r.code == 409)
            return kube::ApiError(409, u"Conflict"_s,
                u"Operation cannot be fulfilled on %1: injected fault: the object has been modified; please apply "
                "your changes to the latest version and try again"_s.arg(resource));
        return kube::ApiError::internal(u"injected fault: internal error"_s);
    }
    return std::nullopt;
}

int FaultInjector::delayMs() const
{
    if (m_config.latencyMs == 0 && m_config.jitterMs == 0)
        return 0;
    const int jitter = m_config.jitterMs > 0 ? QRandomGenerator::global()->bounded(m_config.jitterMs + 1) : 0;
    return m_config.latencyMs + jitter;
}

} // namespace apiserver
