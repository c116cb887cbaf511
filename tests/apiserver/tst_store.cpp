#include "apiserver/store.h"

#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using apiserver::ObjectStore;
using apiserver::WatchEvent;

namespace {

QJsonObject object(const QString& ns, const QString& name, const QString& value = {})
{
    return { { u"metadata"_s, QJsonObject { { u"namespace"_s, ns }, { u"name"_s, name } } },
        { u"data"_s, QJsonObject { { u"k"_s, value } } } };
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testResourceVersionIsGlobalAndMonotonic();
    void testListIsOrderedAndScopedByNamespace();
    void testListenersSeeEveryChangeInOrder();
    void testReplayReturnsOnlyLaterEvents();
    void testReplayOlderThanWindowIsRefused();
    void testShrinkingTheWindowMovesItsStart();
    void testPersistedWritesSurviveReopen();
    void testDeletesArePersisted();
};

void TestStore::testResourceVersionIsGlobalAndMonotonic()
{
    ObjectStore store;
    QString error;
    const auto a = store.put(u"secrets"_s, object(u"ns"_s, u"a"_s), {}, &error);
    const auto b = store.put(u"configmaps"_s, object(u"ns"_s, u"b"_s), {}, &error);
    const auto a2 = store.put(u"secrets"_s, object(u"ns"_s, u"a"_s, u"x"_s), *a, &error);
    QVERIFY(a && b && a2);
    const auto rv = [](const QJsonObject& o) {
        return o.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString().toULongLong();
    };
    QCOMPARE(rv(*a), 1u);
    QCOMPARE(rv(*b), 2u);
    QCOMPARE(rv(*a2), 3u);
    const auto removed = store.remove(u"secrets"_s, *a2, &error);
    QVERIFY(removed);
    QCOMPARE(rv(*removed), 4u);
    QCOMPARE(store.resourceVersion(), 4u);
    QVERIFY(!store.get(u"secrets"_s, u"ns"_s, u"a"_s));
}

void TestStore::testListIsOrderedAndScopedByNamespace()
{
    ObjectStore store;
    QString error;
    for (const auto& [ns, name] :
        { std::pair { u"b"_s, u"z"_s }, { u"a"_s, u"y"_s }, { u"b"_s, u"a"_s }, { u"ab"_s, u"q"_s } })
        QVERIFY(store.put(u"secrets"_s, object(ns, name), {}, &error));
    QStringList names;
    for (const auto& o : store.list(u"secrets"_s))
        names << o.value(u"metadata"_s).toObject().value(u"name"_s).toString();
    QCOMPARE(names, (QStringList { u"y"_s, u"q"_s, u"a"_s, u"z"_s }));
    QCOMPARE(store.list(u"secrets"_s, u"b"_s).size(), 2);
    QCOMPARE(store.list(u"secrets"_s, u"a"_s).size(), 1);
    QCOMPARE(store.count(u"secrets"_s), 4);
}

void TestStore::testListenersSeeEveryChangeInOrder()
{
    ObjectStore store;
    QList<std::pair<WatchEvent::Type, quint64>> seen;
    const int id = store.addListener([&](const WatchEvent& e) { seen.append({ e.type, e.resourceVersion }); });
    QString error;
    const auto a = store.put(u"secrets"_s, object(u"ns"_s, u"a"_s), {}, &error);
    const auto a2 = store.put(u"secrets"_s, object(u"ns"_s, u"a"_s, u"v"_s), *a, &error);
    store.remove(u"secrets"_s, *a2, &error);
    store.removeListener(id);
    store.put(u"secrets"_s, object(u"ns"_s, u"b"_s), {}, &error);
    QCOMPARE(seen.size(), 3);
    QCOMPARE(seen[0].first, WatchEvent::Type::Added);
    QCOMPARE(seen[1].first, WatchEvent::Type::Modified);
    QCOMPARE(seen[2].first, WatchEvent::Type::Deleted);
    QCOMPARE(seen[2].second, 3u);
}

void TestStore::testReplayReturnsOnlyLaterEvents()
{
    ObjectStore store;
    QString error;
    for (int i = 0; i < 5; ++i)
        store.put(u"secrets"_s, object(u"ns"_s, u"o%1"_s.arg(i)), {}, &error);
    QList<quint64> replayed;
    QVERIFY(store.replaySince(3, [&](const WatchEvent& e) { replayed << e.resourceVersion; }));
    QCOMPARE(replayed, (QList<quint64> { 4, 5 }));
    replayed.clear();
    QVERIFY(store.replaySince(5, [&](const WatchEvent& e) { replayed << e.resourceVersion; }));
    QVERIFY(replayed.isEmpty());
}

void TestStore::testReplayOlderThanWindowIsRefused()
{
    ObjectStore store(3);
    QString error;
    for (int i = 0; i < 6; ++i)
        store.put(u"secrets"_s, object(u"ns"_s, u"o%1"_s.arg(i)), {}, &error);
    QCOMPARE(store.windowStart(), 3u);
    QVERIFY(!store.replaySince(2, [](const WatchEvent&) {}));
    int count = 0;
    QVERIFY(store.replaySince(3, [&](const WatchEvent&) { ++count; }));
    QCOMPARE(count, 3);
}

void TestStore::testShrinkingTheWindowMovesItsStart()
{
    ObjectStore store(100);
    QString error;
    for (int i = 0; i < 10; ++i)
        store.put(u"secrets"_s, object(u"ns"_s, u"o%1"_s.arg(i)), {}, &error);
    QVERIFY(store.replaySince(1, [](const WatchEvent&) {}));
    store.setWindowSize(2);
    QCOMPARE(store.windowStart(), 8u);
    QVERIFY(!store.replaySince(7, [](const WatchEvent&) {}));
}

void TestStore::testPersistedWritesSurviveReopen()
{
    QTemporaryDir dir;
    QString error;
    {
        ObjectStore store;
        QVERIFY2(store.open(dir.path(), &error), qPrintable(error));
        const auto a = store.put(u"secrets"_s, object(u"ns"_s, u"a"_s, u"one"_s), {}, &error);
        QVERIFY(store.put(u"secrets"_s, object(u"ns"_s, u"a"_s, u"two"_s), *a, &error));
        QVERIFY(store.put(u"syncsecrets.kubelb.k8c.io"_s, object(u"ns"_s, u"s"_s), {}, &error));
    }
    ObjectStore reopened;
    QVERIFY2(reopened.open(dir.path(), &error), qPrintable(error));
    QCOMPARE(reopened.resourceVersion(), 3u);
    QCOMPARE(reopened.windowStart(), 3u);
    const auto a = reopened.get(u"secrets"_s, u"ns"_s, u"a"_s);
    QVERIFY(a);
    QCOMPARE(a->value(u"data"_s).toObject().value(u"k"_s).toString(), u"two"_s);
    QVERIFY(reopened.get(u"syncsecrets.kubelb.k8c.io"_s, u"ns"_s, u"s"_s));
    // The window restarts: clients holding an older version must relist.
    QVERIFY(!reopened.replaySince(2, [](const WatchEvent&) {}));
    const auto next = reopened.put(u"secrets"_s, object(u"ns"_s, u"b"_s), {}, &error);
    QCOMPARE(next->value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString(), u"4"_s);
}

void TestStore::testDeletesArePersisted()
{
    QTemporaryDir dir;
    QString error;
    {
        ObjectStore store;
        QVERIFY(store.open(dir.path(), &error));
        const auto a = store.put(u"secrets"_s, object(u"ns"_s, u"a"_s), {}, &error);
        QVERIFY(store.remove(u"secrets"_s, *a, &error));
    }
    ObjectStore reopened;
    QVERIFY(reopened.open(dir.path(), &error));
    QVERIFY(!reopened.get(u"secrets"_s, u"ns"_s, u"a"_s));
    QCOMPARE(reopened.resourceVersion(), 2u);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
