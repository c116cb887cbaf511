#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

namespace views {

/// The console's local audit file: one JSON object per line (when, who, what) — never a secret value.
class AuditLog : public QObject {
    Q_OBJECT
public:
    /// `path` empty: defaultPath().
    explicit AuditLog(const QString& path = {}, QObject* parent = nullptr);

    /// AppLocalDataLocation/audit.log.
    static QString defaultPath();
    QString path() const { return m_path; }
    void setPath(const QString& path) { m_path = path; }

    /// Appends `record` with "time" and "user" filled in; false with *error when the file cannot be written.
    bool append(QJsonObject record, QString* error = nullptr);
    /// Every record in the file, oldest first (unparseable lines skipped).
    QList<QJsonObject> records() const;

Q_SIGNALS:
    void appended(const QJsonObject& record);

private:
    QString m_path;
};

} // namespace views
