#pragma once

#include <QJsonObject>
#include <QSqlQuery>
#include <QString>
#include <functional>
#include <map>

namespace apiserver {

/// SQLite persistence for the object store: one row per object plus the resourceVersion counter, written in
/// one transaction per change (WAL, synchronous=NORMAL: an acknowledged write survives the process being killed).
class SqlitePersistence {
public:
    ~SqlitePersistence();

    bool open(const QString& path, QString* error);
    /// Calls `visit` for every stored object; returns the stored resourceVersion counter.
    quint64 load(const std::function<void(const QString& groupResource, const QJsonObject& object)>& visit);
    bool write(const QString& groupResource, const QString& key, const QJsonObject& object, quint64 rv, QString* error);
    bool erase(const QString& groupResource, const QString& key, quint64 rv, QString* error);

private:
    bool exec(const QString& sql, QString* error);
    bool commitWith(const std::function<bool()>& body, quint64 rv, QString* error);
    /// The statement for `sql`, prepared once per connection (SQLite compiles the SQL on every prepare).
    QSqlQuery& prepared(const QString& sql);

    QString m_connection;
    std::map<QString, QSqlQuery> m_prepared; ///< by SQL text
};

} // namespace apiserver
