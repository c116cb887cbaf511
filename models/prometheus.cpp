#include "prometheus.h"

#include <QHash>
#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace models::prom {

namespace {

/// A cursor over one line of the exposition.
struct Cursor {
    QByteArrayView line;
    qsizetype pos = 0;

    bool atEnd() const { return pos >= line.size(); }
    char peek() const { return atEnd() ? '\0' : line[pos]; }
    void skipSpaces()
    {
        while (!atEnd() && (line[pos] == ' ' || line[pos] == '\t'))
            ++pos;
    }
    /// A metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]* (colons only matter for metric names).
    QString name()
    {
        const qsizetype start = pos;
        while (!atEnd()) {
            const char c = line[pos];
            const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
            if (!letter && !(pos > start && c >= '0' && c <= '9'))
                break;
            ++pos;
        }
        return QString::fromLatin1(line.sliced(start, pos - start));
    }
    QByteArrayView token()
    {
        const qsizetype start = pos;
        while (!atEnd() && line[pos] != ' ' && line[pos] != '\t')
            ++pos;
        return line.sliced(start, pos - start);
    }
};

/// Undoes \\, \" (when `quotes`) and \n escapes.
QString unescape(QByteArrayView text, bool quotes)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\\' || i + 1 == text.size()) {
            out += c;
            continue;
        }
        const char next = text[++i];
        if (next == 'n')
            out += '\n';
        else if (next == '\\' || (quotes && next == '"'))
            out += next;
        else
            out += QByteArray { '\\', next };
    }
    return QString::fromUtf8(out);
}

std::optional<double> parseValue(QByteArrayView token)
{
    if (token == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (token == "+Inf" || token == "Inf")
        return std::numeric_limits<double>::infinity();
    if (token == "-Inf")
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double value = token.toByteArray().toDouble(&ok);
    return ok ? std::optional(value) : std::nullopt;
}

MetricType typeOf(QByteArrayView word)
{
    if (word == "counter")
        return MetricType::Counter;
    if (word == "gauge")
        return MetricType::Gauge;
    if (word == "histogram")
        return MetricType::Histogram;
    if (word == "summary")
        return MetricType::Summary;
    return MetricType::Untyped;
}

/// Reads `{name="value",...}`; false with *error on malformed input.
bool parseLabels(Cursor& c, Labels* labels, QString* error)
{
    ++c.pos; // '{'
    for (;;) {
        c.skipSpaces();
        if (c.peek() == '}') {
            ++c.pos;
            return true;
        }
        const QString name = c.name();
        c.skipSpaces();
        if (name.isEmpty() || c.peek() != '=') {
            *error = u"malformed label name"_s;
            return false;
        }
        ++c.pos;
        c.skipSpaces();
        if (c.peek() != '"') {
            *error = u"label %1: value is not quoted"_s.arg(name);
            return false;
        }
        const qsizetype start = ++c.pos;
        while (!c.atEnd() && c.line[c.pos] != '"')
            c.pos += c.line[c.pos] == '\\' ? 2 : 1;
        if (c.atEnd()) {
            *error = u"label %1: unterminated value"_s.arg(name);
            return false;
        }
        labels->insert(name, unescape(c.line.sliced(start, c.pos - start), true));
        ++c.pos;
        c.skipSpaces();
        if (c.peek() == ',')
            ++c.pos;
        else if (c.peek() != '}') {
            *error = u"expected , or } after label %1"_s.arg(name);
            return false;
        }
    }
}

/// Builds the families while lines arrive; samples join the family their name (minus a suffix) declares.
class Builder {
public:
    MetricFamily& family(const QString& name)
    {
        auto it = m_index.constFind(name);
        if (it != m_index.cend())
            return m_result.families[*it];
        m_index.insert(name, m_result.families.size());
        m_result.families.append(MetricFamily { name, {}, MetricType::Untyped, {} });
        return m_result.families.last();
    }
    MetricFamily& familyOfSample(const QString& name)
    {
        if (m_index.contains(name))
            return family(name);
        for (const auto suffix : { "_bucket"_L1, "_sum"_L1, "_count"_L1, "_created"_L1 }) {
            if (!name.endsWith(suffix))
                continue;
            const auto it = m_index.constFind(name.chopped(suffix.size()));
            if (it == m_index.cend())
                continue;
            const MetricType type = m_result.families[*it].type;
            if (type == MetricType::Histogram || type == MetricType::Summary)
                return m_result.families[*it];
        }
        return family(name);
    }
    void error(int line, const QString& what) { m_result.errors.append(u"line %1: %2"_s.arg(line).arg(what)); }
    Exposition take() { return std::move(m_result); }

private:
    Exposition m_result;
    QHash<QString, qsizetype> m_index;
};

void parseComment(Cursor c, Builder& builder)
{
    ++c.pos; // '#'
    c.skipSpaces();
    const QByteArrayView keyword = c.token();
    if (keyword != "HELP" && keyword != "TYPE")
        return; // an ordinary comment
    c.skipSpaces();
    const QString name = c.name();
    if (name.isEmpty())
        return;
    c.skipSpaces();
    MetricFamily& family = builder.family(name);
    if (keyword == "HELP")
        family.help = unescape(c.line.sliced(c.pos), false);
    else
        family.type = typeOf(c.token());
}

void parseSample(int number, Cursor c, Builder& builder)
{
    Sample sample;
    sample.name = c.name();
    if (sample.name.isEmpty())
        return builder.error(number, u"expected a metric name"_s);
    c.skipSpaces();
    QString error;
    if (c.peek() == '{' && !parseLabels(c, &sample.labels, &error))
        return builder.error(number, sample.name + u": "_s + error);
    c.skipSpaces();
    const auto value = parseValue(c.token());
    if (!value)
        return builder.error(number, sample.name + u": malformed value"_s);
    sample.value = *value;
    c.skipSpaces();
    if (!c.atEnd()) {
        bool ok = false;
        sample.timestampMs = c.token().toByteArray().toLongLong(&ok);
        if (!ok)
            return builder.error(number, sample.name + u": malformed timestamp"_s);
    }
    builder.familyOfSample(sample.name).samples.append(sample);
}

} // namespace

const MetricFamily* Exposition::family(const QString& name) const
{
    const auto it
        = std::find_if(families.cbegin(), families.cend(), [&name](const MetricFamily& f) { return f.name == name; });
    return it == families.cend() ? nullptr : &*it;
}

Exposition parseExposition(const QByteArray& text)
{
    Builder builder;
    int number = 0;
    for (qsizetype start = 0; start < text.size();) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        QByteArrayView line = QByteArrayView(text).sliced(start, end - start);
        start = end + 1;
        ++number;
        if (line.endsWith('\r'))
            line.chop(1);
        Cursor c { line };
        c.skipSpaces();
        if (c.atEnd())
            continue;
        if (c.peek() == '#')
            parseComment(c, builder);
        else
            parseSample(number, c, builder);
    }
    return builder.take();
}

BySeries<Histogram> histograms(const MetricFamily& family)
{
    BySeries<Histogram> out;
    for (const Sample& s : family.samples) {
        Labels key = s.labels;
        if (s.name.endsWith("_bucket"_L1)) {
            const auto bound = parseValue(key.take(u"le"_s).toLatin1());
            if (bound)
                out[key].buckets.append({ *bound, s.value });
        } else if (s.name.endsWith("_sum"_L1)) {
            out[key].sum = s.value;
        } else if (s.name.endsWith("_count"_L1)) {
            out[key].count = s.value;
        }
    }
    for (auto& [labels, h] : out)
        std::sort(h.buckets.begin(), h.buckets.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

BySeries<double> values(const MetricFamily& family)
{
    BySeries<double> out;
    for (const Sample& s : family.samples)
        if (s.name == family.name || s.name == family.name + "_total"_L1)
            out[s.labels] = s.value;
    return out;
}

double counterIncrease(double previous, double current)
{
    return current < previous ? current : current - previous;
}

Histogram histogramDelta(const Histogram& previous, const Histogram& current)
{
    if (current.count < previous.count || current.buckets.size() != previous.buckets.size())
        return current; // reset (or a new bucket layout): everything in `current` is new
    Histogram delta = current;
    delta.sum -= previous.sum;
    delta.count -= previous.count;
    for (qsizetype i = 0; i < delta.buckets.size(); ++i)
        delta.buckets[i].second = counterIncrease(previous.buckets[i].second, current.buckets[i].second);
    return delta;
}

double histogramQuantile(double q, const QList<QPair<double, double>>& buckets)
{
    if (q < 0)
        return -std::numeric_limits<double>::infinity();
    if (q > 1)
        return std::numeric_limits<double>::infinity();
    if (buckets.size() < 2 || !std::isinf(buckets.last().first))
        return std::numeric_limits<double>::quiet_NaN();
    const double total = buckets.last().second;
    if (!(total > 0))
        return std::numeric_limits<double>::quiet_NaN();
    const double rank = q * total;
    qsizetype b = 0;
    while (b < buckets.size() - 1 && buckets[b].second < rank)
        ++b;
    if (b == buckets.size() - 1)
        return buckets[b - 1].first; // the rank falls into +Inf: the highest finite bound
    if (b == 0 && buckets[0].first <= 0)
        return buckets[0].first;
    const double start = b == 0 ? 0 : buckets[b - 1].first;
    const double below = b == 0 ? 0 : buckets[b - 1].second;
    const double inBucket = buckets[b].second - below;
    if (inBucket <= 0)
        return buckets[b].first;
    return start + (buckets[b].first - start) * (rank - below) / inBucket;
}

} // namespace models::prom
