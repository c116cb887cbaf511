#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace testsupport {

/// <build>/e2e-logs/<suite>/: where a suite's processes write their logs, so that one final test (tst_logscan)
/// can search every log of every e2e suite. Emptied the first time a test process asks for it.
QString e2eLogDir();
/// A log file name inside e2eLogDir(), unique within this test process ("<stem>.log", "<stem>-2.log", ...).
QString e2eLogFile(const QString& stem);

/// Registers a secret value the suite used and returns it: appended (base64, one per line) to
/// e2eLogDir()/secret-values.b64, the shared list tst_logscan searches every log for.
QString secretValue(const QString& value);
/// The name of the value list inside each suite's log dir (never scanned itself).
inline constexpr QLatin1StringView SecretValuesFile { "secret-values.b64" };
/// Every byte pattern that must not appear in a log for `value`: raw, base64, JSON-escaped, and each line of a
/// multi-line value that is long enough to be telling (12 characters).
QList<QByteArray> secretPatterns(const QString& value);

} // namespace testsupport
