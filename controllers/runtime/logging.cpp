#include "logging.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <shared_mutex>

using namespace Qt::StringLiterals;

namespace runtime {

namespace {

constexpr qsizetype kWindow = 4;

quint32 windowKey(const char* p)
{
    quint32 k;
    std::memcpy(&k, p, sizeof k);
    return k;
}

struct LoggingState {
    std::mutex mutex;
    logging::Format format = logging::Format::Logfmt;
    logging::Level level = logging::Level::Info;
    std::function<void(const QByteArray&)> sink;
};

LoggingState& state()
{
    static LoggingState s;
    return s;
}

QByteArray levelName(logging::Level level)
{
    switch (level) {
    case logging::Level::Debug:
        return "debug";
    case logging::Level::Info:
        return "info";
    case logging::Level::Warning:
        return "warn";
    case logging::Level::Error:
        return "error";
    }
    return "info";
}

// logfmt quoting: bare when the value has no space, quote, '=' or control character.
QByteArray logfmtValue(const QString& value)
{
    QByteArray v = value.toUtf8();
    bool bare = !v.isEmpty();
    for (char c : std::as_const(v))
        if (c == ' ' || c == '"' || c == '=' || uchar(c) < 0x20)
            bare = false;
    if (bare)
        return v;
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t");
    return '"' + v + '"';
}

void write(const QByteArray& line)
{
    const QByteArray redacted = Redactor::instance().redact(line);
    std::function<void(const QByteArray&)> sink;
    {
        std::lock_guard lock(state().mutex);
        sink = state().sink;
    }
    if (sink) {
        sink(redacted);
        return;
    }
    std::fwrite(redacted.constData(), 1, size_t(redacted.size()), stderr);
    std::fputc('\n', stderr);
    std::fflush(stderr);
}

void qtHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    logging::Level level = logging::Level::Info;
    switch (type) {
    case QtDebugMsg:
        level = logging::Level::Debug;
        break;
    case QtInfoMsg:
        level = logging::Level::Info;
        break;
    case QtWarningMsg:
        level = logging::Level::Warning;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        level = logging::Level::Error;
        break;
    }
    logging::log(level, QString::fromLatin1(context.category ? context.category : "default"), message);
}

} // namespace

namespace logging {

bool parseFormat(const QString& text, Format* format)
{
    if (text == u"logfmt" || text == u"text")
        *format = Format::Logfmt;
    else if (text == u"json")
        *format = Format::Json;
    else
        return false;
    return true;
}

bool parseLevel(const QString& text, Level* level)
{
    if (text == u"debug")
        *level = Level::Debug;
    else if (text == u"info")
        *level = Level::Info;
    else if (text == u"warn" || text == u"warning")
        *level = Level::Warning;
    else if (text == u"error")
        *level = Level::Error;
    else
        return false;
    return true;
}

void install(Format format, Level level)
{
    {
        std::lock_guard lock(state().mutex);
        state().format = format;
        state().level = level;
    }
    qInstallMessageHandler(qtHandler);
}

void setSink(std::function<void(const QByteArray&)> sink)
{
    std::lock_guard lock(state().mutex);
    state().sink = std::move(sink);
}

QByteArray formatLine(Format format, Level level, const QString& logger, const QString& message, const Fields& fields)
{
    const QString ts = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    if (format == Format::Json) {
        QJsonObject o { { u"ts"_s, ts }, { u"level"_s, QString::fromLatin1(levelName(level)) }, { u"logger"_s, logger },
            { u"msg"_s, message } };
        for (const auto& [k, v] : fields)
            o.insert(k, v);
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    QByteArray line = "ts=" + ts.toLatin1() + " level=" + levelName(level) + " logger=" + logfmtValue(logger)
        + " msg=" + logfmtValue(message);
    for (const auto& [k, v] : fields)
        line += ' ' + k.toUtf8() + '=' + logfmtValue(v);
    return line;
}

void log(Level level, const QString& logger, const QString& message, const Fields& fields)
{
    Format format;
    {
        std::lock_guard lock(state().mutex);
        if (level < state().level)
            return;
        format = state().format;
    }
    write(formatLine(format, level, logger, message, fields));
}

} // namespace logging

// Registered values are kept as hashes rather than copies: a controller registers every Secret value it caches, and
// copies (plus a list per 4-byte prefix) cost as much memory as the caches themselves (bench/PROFILE.md). A
// position of a log line is a candidate when its first 4 bytes start some value; then, for each registered length,
// the hash of its first 16 bytes and, only if that matches, of the whole length is looked up. A hash collision can
// only redact an innocent substring, never reveal a value.
struct Redactor::Private {
    mutable std::shared_mutex mutex;
    QSet<quint32> prefixes; ///< the first 4 bytes of every value: the cheap filter for a candidate position
    QList<qsizetype> lengths; ///< every distinct value length, longest first (a longer value is redacted whole)
    QSet<size_t> heads; ///< head(value) of every value: its first 16 bytes and length, checked before hashing it all
    QSet<size_t> fingerprints; ///< fingerprint(value) of every value
    QSet<size_t> expanded; ///< fingerprint() of every object value whose forms addObjectValues() has registered

    /// Whether addObjectValues() registered the forms of `value` before; most events repeat known values (the
    /// same data in a SyncSecret, its copy and its Secret, or an update that changed only the status).
    bool isExpanded(size_t fp) const
    {
        std::shared_lock lock(mutex);
        return expanded.contains(fp);
    }
    void setExpanded(size_t fp)
    {
        std::unique_lock lock(mutex);
        expanded.insert(fp);
    }

    static size_t head(QByteArrayView start, qsizetype length)
    {
        return qHash(start.first(std::min<qsizetype>(16, length)), size_t(length) * 31 + 7);
    }
    static size_t fingerprint(QByteArrayView value) { return qHash(value, size_t(value.size())); }
};

Redactor::Redactor()
    : d(new Private)
{
}

Redactor::~Redactor()
{
    delete d;
}

Redactor& Redactor::instance()
{
    static Redactor r;
    return r;
}

void Redactor::add(const QByteArray& value)
{
    if (value.size() < kWindow)
        return;
    const size_t fp = Private::fingerprint(value);
    std::unique_lock lock(d->mutex);
    if (d->fingerprints.contains(fp))
        return;
    d->fingerprints.insert(fp);
    d->heads.insert(Private::head(value, value.size()));
    d->prefixes.insert(windowKey(value.constData()));
    if (!d->lengths.contains(value.size()))
        d->lengths.insert(
            std::find_if(d->lengths.begin(), d->lengths.end(), [&](qsizetype l) { return l < value.size(); }),
            value.size());
}

void Redactor::addObjectValues(const QJsonObject& object)
{
    const QJsonObject data = object.value(u"data"_s).toObject();
    for (auto it = data.begin(); it != data.end(); ++it) {
        const QByteArray encoded = it.value().toString().toLatin1();
        const size_t fp = Private::fingerprint(encoded);
        if (d->isExpanded(fp))
            continue;
        add(encoded);
        const QByteArray decoded = QByteArray::fromBase64(encoded);
        add(decoded);
        // JSON-escaped forms of multi-line values (PEM blocks) appear in dumped objects.
        if (decoded.contains('\n'))
            for (const QByteArray& line : decoded.split('\n'))
                if (line.size() >= 16)
                    add(line);
        d->setExpanded(fp);
    }
    const QJsonObject stringData = object.value(u"stringData"_s).toObject();
    for (auto it = stringData.begin(); it != stringData.end(); ++it) {
        const QByteArray value = it.value().toString().toUtf8();
        // Seeded apart from data's: a stringData value is not the base64 text of another value.
        const size_t fp = Private::fingerprint(value) ^ 0x5bd1e995;
        if (d->isExpanded(fp))
            continue;
        add(value);
        add(value.toBase64());
        d->setExpanded(fp);
    }
}

void Redactor::clear()
{
    std::unique_lock lock(d->mutex);
    d->prefixes.clear();
    d->heads.clear();
    d->lengths.clear();
    d->fingerprints.clear();
    d->expanded.clear();
}

qsizetype Redactor::size() const
{
    std::shared_lock lock(d->mutex);
    return d->fingerprints.size();
}

QByteArray Redactor::redact(const QByteArray& line) const
{
    std::shared_lock lock(d->mutex);
    if (d->fingerprints.isEmpty() || line.size() < kWindow)
        return line;
    QByteArray out;
    qsizetype copied = 0;
    for (qsizetype i = 0; i + kWindow <= line.size();) {
        qsizetype matched = 0;
        if (d->prefixes.contains(windowKey(line.constData() + i)))
            for (const qsizetype length : d->lengths)
                if (i + length <= line.size()
                    && d->heads.contains(Private::head(QByteArrayView(line).sliced(i), length))
                    && d->fingerprints.contains(Private::fingerprint(QByteArrayView(line).sliced(i, length)))) {
                    matched = length;
                    break;
                }
        if (matched == 0) {
            ++i;
            continue;
        }
        out += QByteArrayView(line).sliced(copied, i - copied);
        out += "[REDACTED]";
        i += matched;
        copied = i;
    }
    if (copied == 0)
        return line;
    out += QByteArrayView(line).sliced(copied);
    return out;
}

} // namespace runtime
