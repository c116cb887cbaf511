#include "auditlog.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace views {

AuditLog::AuditLog(const QString& path, QObject* parent)
    : QObject(parent)
    , m_path(path.isEmpty() ? defaultPath() : path)
{
}

QString AuditLog::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(u"audit.log"_s);
}

bool AuditLog::append(QJsonObject record, QString* error)
{
    record.insert(u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    const QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    record.insert(u"user"_s, user.isEmpty() ? u"unknown"_s : user);
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = u"cannot write the audit log %1: %2"_s.arg(m_path, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
    file.close();
    Q_EMIT appended(record);
    return true;
}

QList<QJsonObject> AuditLog::records() const
{
    QList<QJsonObject> out;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return out;
    while (!file.atEnd()) {
        const QJsonDocument doc = QJsonDocument::fromJson(file.readLine());
        if (doc.isObject())
            out.append(doc.object());
    }
    return out;
}

} // namespace views
