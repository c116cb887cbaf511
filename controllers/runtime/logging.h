#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <functional>

class QJsonObject;

namespace runtime {

/// Structured logging for the daemon: every Qt log message (qCInfo & co.) and every log() call becomes one line
/// in logfmt (default) or JSON, filtered by level, after the Redactor removed any known secret value.
namespace logging {

enum class Format { Logfmt, Json };
enum class Level { Debug, Info, Warning, Error };

/// Key/value fields of one structured log line.
using Fields = QList<QPair<QString, QString>>;

/// Installs the Qt message handler writing to stderr (or `sink` when set, for tests).
void install(Format format, Level level);
/// Parses "logfmt"/"json" and "debug"/"info"/"warn"/"error"; false on anything else.
bool parseFormat(const QString& text, Format* format);
bool parseLevel(const QString& text, Level* level);
/// Redirects output (tests); an empty function restores stderr.
void setSink(std::function<void(const QByteArray& line)> sink);
/// Logs one structured line: `msg` plus fields such as controller, namespace, name, reconcileID.
void log(Level level, const QString& logger, const QString& message, const Fields& fields = {});
/// Formats one line without writing it (exposed for tests).
QByteArray formatLine(Format format, Level level, const QString& logger, const QString& message, const Fields& fields);

} // namespace logging

/// The last line of defence for "no secret value in any log line": values registered here (decoded Secret and
/// SyncSecret data, and their base64 forms) are replaced by [REDACTED] wherever they appear in a log line.
/// Matching is linear in the line length (a hash of every 4-byte window), so it is cheap with many values.
class Redactor {
public:
    static Redactor& instance();
    /// Registers a value (values shorter than 4 bytes are too ambiguous to redact and are ignored).
    void add(const QByteArray& value);
    /// Registers every data value of a Secret or SyncSecret object (`data` base64 and `stringData`).
    void addObjectValues(const QJsonObject& object);
    void clear();
    /// `line` with every registered value replaced.
    QByteArray redact(const QByteArray& line) const;
    qsizetype size() const;

private:
    struct Private;
    Redactor();
    ~Redactor();
    Private* d;
};

} // namespace runtime
