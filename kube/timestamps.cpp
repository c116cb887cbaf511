#include "timestamps.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace kube {

QDateTime parseTimestamp(const QString& text)
{
    static const QRegularExpression pattern(
        u"^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$"_s);
    const QRegularExpressionMatch match = pattern.match(text);
    // Qt reads ISO 8601's 24:00:00 as the next midnight; Go's RFC 3339 parser rejects hour 24.
    if (!match.hasMatch() || QStringView(text).mid(11, 2) == u"24")
        return {};
    // Qt reads at most milliseconds; cut the fraction there so nanosecond stamps still parse.
    const QString fraction = match.captured(2).left(4);
    return QDateTime::fromString(match.captured(1) + fraction + match.captured(3), Qt::ISODateWithMs).toUTC();
}

QString formatTime(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(u"yyyy-MM-dd'T'HH:mm:ss'Z'"_s);
}

QString formatMicroTime(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(u"yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"_s);
}

} // namespace kube
