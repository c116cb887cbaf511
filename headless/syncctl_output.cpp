// Table, JSON and YAML rendering shared by every kubelb-syncctl command.
#include "syncctl_output.h"

#include "kube/yaml.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace syncctl {

QString formatTable(const QStringList& headers, const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    for (const QString& h : headers)
        widths.append(h.size());
    for (const QStringList& row : rows)
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row.at(i).size());
    auto line = [&](const QStringList& cells) {
        QString out;
        for (qsizetype i = 0; i < headers.size(); ++i) {
            const QString cell = cells.value(i);
            out += i + 1 < headers.size() ? cell.leftJustified(widths.at(i) + 3) : cell;
        }
        while (out.endsWith(u' '))
            out.chop(1);
        return out + u'\n';
    };
    QString out = line(headers);
    for (const QStringList& row : rows)
        out += line(row);
    return out;
}

QString formatDocument(const QJsonValue& value, Format format)
{
    if (format == Format::Yaml)
        return QString::fromUtf8(kube::jsonToYaml(value));
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

QString humanAge(qint64 seconds)
{
    if (seconds < 0)
        return u"<unknown>"_s;
    if (seconds < 120)
        return u"%1s"_s.arg(seconds);
    if (seconds < 3 * 3600)
        return u"%1m"_s.arg(seconds / 60);
    if (seconds < 48 * 3600)
        return u"%1h"_s.arg(seconds / 3600);
    return u"%1d"_s.arg(seconds / 86400);
}

QString shortPrint(const QByteArray& sha256Hex)
{
    return sha256Hex.isEmpty() ? u"-"_s : QString::fromLatin1(sha256Hex.left(12));
}

} // namespace syncctl
