#include "persistence.h"

#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace apiserver {

SqlitePersistence::~SqlitePersistence()
{
    if (m_connection.isEmpty())
        return;
    m_prepared.clear(); // statements first: the connection cannot be removed while they exist
    QSqlDatabase::database(m_connection, false).close();
    QSqlDatabase::removeDatabase(m_connection);
}

bool SqlitePersistence::open(const QString& path, QString* error)
{
    m_connection = u"kubelb-store-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    db.setDatabaseName(path);
    if (!db.open()) {
        *error = u"cannot open %1: %2"_s.arg(path, db.lastError().text());
        return false;
    }
    return exec(u"PRAGMA journal_mode=WAL"_s, error) && exec(u"PRAGMA synchronous=NORMAL"_s, error)
        && exec(u"CREATE TABLE IF NOT EXISTS objects (gr TEXT NOT NULL, key TEXT NOT NULL, rv INTEGER NOT NULL, "
                "data BLOB NOT NULL, PRIMARY KEY (gr, key))"_s,
            error)
        && exec(u"CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"_s, error);
}

bool SqlitePersistence::exec(const QString& sql, QString* error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (q.exec(sql))
        return true;
    *error = q.lastError().text();
    return false;
}

quint64 SqlitePersistence::load(const std::function<void(const QString&, const QJsonObject&)>& visit)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.exec(u"SELECT gr, data FROM objects ORDER BY rv"_s);
    while (q.next())
        visit(q.value(0).toString(), QJsonDocument::fromJson(q.value(1).toByteArray()).object());
    QSqlQuery m(db);
    m.exec(u"SELECT v FROM meta WHERE k = 'rv'"_s);
    return m.next() ? m.value(0).toULongLong() : 0;
}

bool SqlitePersistence::commitWith(const std::function<bool()>& body, quint64 rv, QString* error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery& meta
        = prepared(u"INSERT INTO meta (k, v) VALUES ('rv', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v"_s);
    meta.bindValue(0, rv);
    if (!body() || !meta.exec()) {
        if (error->isEmpty())
            *error = meta.lastError().text();
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

QSqlQuery& SqlitePersistence::prepared(const QString& sql)
{
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        it = m_prepared.emplace(sql, QSqlQuery(QSqlDatabase::database(m_connection, false))).first;
        it->second.prepare(sql);
    }
    return it->second;
}

bool SqlitePersistence::write(
    const QString& groupResource, const QString& key, const QJsonObject& object, quint64 rv, QString* error)
{
    return commitWith(
        [&] {
            QSqlQuery& q = prepared(u"INSERT INTO objects (gr, key, rv, data) VALUES (?, ?, ?, ?) ON CONFLICT(gr, key) "
                                    "DO UPDATE SET rv = excluded.rv, data = excluded.data"_s);
            q.bindValue(0, groupResource);
            q.bindValue(1, key);
            q.bindValue(2, rv);
            q.bindValue(3, QJsonDocument(object).toJson(QJsonDocument::Compact));
            if (q.exec())
                return true;
            *error = q.lastError().text();
            return false;
        },
        rv, error);
}

bool SqlitePersistence::erase(const QString& groupResource, const QString& key, quint64 rv, QString* error)
{
    return commitWith(
        [&] {
            QSqlQuery& q = prepared(u"DELETE FROM objects WHERE gr = ? AND key = ?"_s);
            q.bindValue(0, groupResource);
            q.bindValue(1, key);
            if (q.exec())
                return true;
            *error = q.lastError().text();
            return false;
        },
        rv, error);
}

} // namespace apiserver
