#include "benchstats.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bench {

namespace {

double round3(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

} // namespace

LatencySummary summarize(QList<qint64> samplesNs)
{
    LatencySummary s;
    s.count = samplesNs.size();
    if (samplesNs.isEmpty())
        return s;
    std::sort(samplesNs.begin(), samplesNs.end());
    const auto rank = [&](double p) {
        const qsizetype i = qsizetype(std::ceil(p * double(samplesNs.size()))) - 1;
        return double(samplesNs[std::clamp<qsizetype>(i, 0, samplesNs.size() - 1)]) / 1e6;
    };
    double sum = 0;
    for (qint64 v : samplesNs)
        sum += double(v);
    s.p50Ms = rank(0.50);
    s.p99Ms = rank(0.99);
    s.maxMs = double(samplesNs.last()) / 1e6;
    s.meanMs = sum / double(samplesNs.size()) / 1e6;
    return s;
}

QJsonObject toJson(const LatencySummary& s)
{
    return { { u"count"_s, double(s.count) }, { u"p50Ms"_s, round3(s.p50Ms) }, { u"p99Ms"_s, round3(s.p99Ms) },
        { u"maxMs"_s, round3(s.maxMs) }, { u"meanMs"_s, round3(s.meanMs) } };
}

QJsonObject medianOf(const QList<QJsonObject>& runs)
{
    QJsonObject out;
    if (runs.isEmpty())
        return out;
    for (auto it = runs.first().begin(); it != runs.first().end(); ++it) {
        const QString key = it.key();
        if (it->isDouble()) {
            QList<double> values;
            for (const auto& run : runs)
                if (run.value(key).isDouble())
                    values.append(run.value(key).toDouble());
            out[key] = round3(median(values));
        } else if (it->isObject()) {
            QList<QJsonObject> nested;
            for (const auto& run : runs)
                nested.append(run.value(key).toObject());
            out[key] = medianOf(nested);
        } else {
            out[key] = *it;
        }
    }
    return out;
}

} // namespace bench
