// The informer against the embedded API server, run as the Manager runs it (on its own I/O thread): list then
// watch, dropped watches resumed without losing events, 410 Gone relists, resync, indexes.
#include "controllers/runtime/controller.h"
#include "controllers/runtime/informer.h"
#include "kube/restclient.h"
#include "kube/tsan.h"
#include "support/serverthread.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QMap>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <mutex>

using namespace Qt::StringLiterals;
using kube::ResourcePath;
using runtime::Informer;
using runtime::keyOf;

namespace {

ResourcePath configMaps(const QString& ns)
{
    return { {}, u"v1"_s, u"configmaps"_s, ns, {}, {} };
}

/// A config map; `owner` (a Namespace, so that owners can span namespaces) becomes its ownerReference.
QJsonObject configMap(const QString& name, const QJsonObject& labels = {}, const QJsonObject& owner = {})
{
    QJsonObject meta { { u"name"_s, name }, { u"labels"_s, labels } };
    if (!owner.isEmpty()) {
        const QJsonObject ownerMeta = owner.value(u"metadata"_s).toObject();
        meta[u"ownerReferences"_s]
            = QJsonArray { QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
                { u"name"_s, ownerMeta.value(u"name"_s) }, { u"uid"_s, ownerMeta.value(u"uid"_s) } } };
    }
    return { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"ConfigMap"_s }, { u"metadata"_s, meta },
        { u"data"_s, QJsonObject { { u"generation"_s, u"0"_s } } } };
}

QString rvOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
}

/// key → resourceVersion of a set of objects.
QMap<QString, QString> versions(const QList<QJsonObject>& objects)
{
    QMap<QString, QString> out;
    for (const auto& o : objects)
        out.insert(keyOf(o), rvOf(o));
    return out;
}

/// What the handlers saw; they run on the informer's thread, the test reads from its own.
struct Recorder {
    mutable std::mutex mutex;
    QSet<QString> added;
    QSet<QString> deleted;
    QHash<QString, int> updates;
    int resyncs = 0;
    int spuriousDeletes = 0; ///< onDelete for a key never added

    runtime::EventHandler handler()
    {
        runtime::EventHandler h;
        h.onAdd = [this](const QJsonObject& o) {
            std::lock_guard lock(mutex);
            added.insert(keyOf(o));
            deleted.remove(keyOf(o));
        };
        h.onUpdate = [this](const QJsonObject& oldObject, const QJsonObject& newObject) {
            std::lock_guard lock(mutex);
            if (oldObject == newObject)
                ++resyncs;
            else
                ++updates[keyOf(newObject)];
        };
        h.onDelete = [this](const QJsonObject& o) {
            std::lock_guard lock(mutex);
            if (!added.contains(keyOf(o)))
                ++spuriousDeletes;
            deleted.insert(keyOf(o));
        };
        return h;
    }
    /// f's result is detached under the lock: a Qt container copy shares its data with the member, whose next
    /// insert on the informer's thread then writes in place as soon as the test's copy is gone, ordered only by Qt's
    /// relaxed isShared() check (TSan reported the QSet compared in testListThenWatchFillsCacheAndNotifies).
    template <typename F> auto read(F f) const
    {
        std::lock_guard lock(mutex);
        auto result = f();
        if constexpr (requires { result.detach(); })
            result.detach();
        return result;
    }
};

/// An informer living on its own thread, started, stopped and deleted there.
class InformerThread {
public:
    InformerThread(kube::RestClient& client, const ResourcePath& collection, runtime::InformerOptions options = {})
        : m_informer(new Informer(client, collection, std::move(options)))
    {
        m_thread.setObjectName(u"informer-test-io"_s);
        m_informer->moveToThread(&m_thread);
        m_thread.start();
    }
    ~InformerThread()
    {
        kubelbInvokeBlocking(m_informer, [this] { m_informer->stop(); });
        kubelbDeleteLater(m_informer); // deleted on m_thread
        m_thread.quit();
        m_thread.wait();
    }
    void start()
    {
        kubelbInvokeQueued(m_informer, [this] { m_informer->start(); });
    }
    Informer* operator->() const { return m_informer; }
    Informer& operator*() const { return *m_informer; }

private:
    QThread m_thread;
    Informer* m_informer;
};

} // namespace

class TestInformer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void testListThenWatchFillsCacheAndNotifies();
    void testPagedListSyncsEverything();
    void testWritesBetweenPagesAreNotLost();
    void testHandlerAddedAfterSyncGetsSyntheticAdds();
    void testDroppedWatchesLoseNoEvent();
    void testExpiredWatchRelistsAndConverges();
    void testResyncCallsUpdateWithTheSameObject();
    void testIndexesFollowChanges();
    void testCacheWriteThroughRules();
    void testWriteThroughIsReplacedByTheWatchEvent();
    void testEventOfAWrittenThroughWriteIsNotDispatched();
    void testControllerDoesNotReconcileItsOwnWriteAgain();
    void testOwnWriteDeliveredBeforeTheWriteThroughIsHeldAndDropped();
    void testOtherWritesDuringAReconcileQueueItAgain();

private:
    QJsonObject createNamespace(const QString& name);
    QString create(const QString& ns, const QJsonObject& object);
    void update(const QString& ns, const QString& name, const QString& value);
    void remove(const QString& ns, const QString& name);
    QList<QJsonObject> serverList(const QString& ns);

    std::unique_ptr<testsupport::ServerThread> m_server;
    std::unique_ptr<kube::RestClient> m_writer;
};

void TestInformer::initTestCase()
{
    m_server = std::make_unique<testsupport::ServerThread>();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    kube::RestOptions options;
    options.qps = 0; // the writer is the load generator: no client-side limit
    m_writer = std::make_unique<kube::RestClient>(m_server->adminConfig(), options);
}

void TestInformer::cleanup()
{
    QVERIFY(m_server->setFaults("{}"));
}

QJsonObject TestInformer::createNamespace(const QString& name)
{
    const auto created = m_writer->create({ {}, u"v1"_s, u"namespaces"_s, {}, {}, {} },
        QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, name } } } });
    if (!created)
        qWarning() << "cannot create namespace" << name << created.error().message();
    return created ? *created : QJsonObject {};
}

QString TestInformer::create(const QString& ns, const QJsonObject& object)
{
    const auto created = m_writer->create(configMaps(ns), object);
    if (!created)
        qWarning() << "create failed:" << created.error().message();
    return created ? keyOf(*created) : QString();
}

void TestInformer::update(const QString& ns, const QString& name, const QString& value)
{
    const QByteArray patch = R"({"data":{"generation":")" + value.toUtf8() + R"("}})";
    const auto patched = m_writer->patch(configMaps(ns).withName(name), kube::PatchFormat::Merge, patch);
    QVERIFY2(patched, qPrintable(patched ? QString() : patched.error().message()));
}

void TestInformer::remove(const QString& ns, const QString& name)
{
    const auto removed = m_writer->remove(configMaps(ns).withName(name));
    QVERIFY2(removed, qPrintable(removed ? QString() : removed.error().message()));
}

QList<QJsonObject> TestInformer::serverList(const QString& ns)
{
    QList<QJsonObject> out;
    const auto listed = m_writer->list(configMaps(ns));
    if (!listed)
        return out;
    for (const auto& item : listed->value(u"items"_s).toArray())
        out.append(item.toObject());
    return out;
}

void TestInformer::testListThenWatchFillsCacheAndNotifies()
{
    const QString ns = u"basic"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    for (const auto& name : { u"a"_s, u"b"_s, u"c"_s })
        QVERIFY(!create(ns, configMap(name)).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    Recorder recorder;
    informer->addEventHandler(recorder.handler());
    QVERIFY(!informer->hasSynced());
    informer.start();

    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    QCOMPARE(informer->cache().size(), 3);
    QCOMPARE(
        recorder.read([&] { return recorder.added; }), (QSet<QString> { ns + u"/a"_s, ns + u"/b"_s, ns + u"/c"_s }));
    QCOMPARE(informer->listCount(), 1);

    QVERIFY(!create(ns, configMap(u"d"_s)).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(recorder.read([&] { return recorder.added.contains(ns + u"/d"_s); }), 10000);
    update(ns, u"a"_s, u"1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.read([&] { return recorder.updates.value(ns + u"/a"_s); }), 1, 10000);
    QCOMPARE(informer->cache().get(ns, u"a"_s)->value(u"data"_s).toObject().value(u"generation"_s).toString(), u"1"_s);
    remove(ns, u"b"_s);
    QTRY_VERIFY_WITH_TIMEOUT(recorder.read([&] { return recorder.deleted.contains(ns + u"/b"_s); }), 10000);
    QVERIFY(!informer->cache().get(ns, u"b"_s));
    QCOMPARE(versions(informer->cache().list()), versions(serverList(ns)));
    QCOMPARE(recorder.read([&] { return recorder.spuriousDeletes; }), 0);
}

void TestInformer::testPagedListSyncsEverything()
{
    const QString ns = u"paged"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    for (int i = 0; i < 23; ++i)
        QVERIFY(!create(ns, configMap(u"cm-%1"_s.arg(i))).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    runtime::InformerOptions options;
    options.pageSize = 5;
    InformerThread informer(client, configMaps(ns), options);
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    QCOMPARE(informer->cache().size(), 23);
    QVERIFY(!create(ns, configMap(u"late"_s)).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(informer->cache().size(), 24, 10000);
    QCOMPARE(versions(informer->cache().list()), versions(serverList(ns)));
}

// Changes to the part of the collection already paged through, made while later pages are still being fetched,
// reach the cache: the watch resumes from the first page's resourceVersion (the snapshot kube-apiserver serves all
// pages from; this server serves later pages fresh, which only makes the watch replay a few events).
void TestInformer::testWritesBetweenPagesAreNotLost()
{
    const QString ns = u"paged-writes"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    for (int i = 10; i < 40; ++i)
        QVERIFY(!create(ns, configMap(u"cm-%1"_s.arg(i))).isEmpty());
    std::atomic<int> answers { 0 };
    kube::RestOptions clientOptions;
    clientOptions.observer = [&](const kube::RequestMetric&) { ++answers; };
    kube::RestClient client(m_server->adminConfig(), clientOptions);
    runtime::InformerOptions options;
    options.pageSize = 5;
    InformerThread informer(client, configMaps(ns), options);
    Recorder recorder;
    informer->addEventHandler(recorder.handler());
    QVERIFY(m_server->setFaults(R"({"latencyMs":300})")); // six pages take well over a second
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(answers.load() >= 1, 10000); // the first page arrived; the rest are on their way
    QVERIFY(!create(ns, configMap(u"aaa-early"_s)).isEmpty()); // sorts into the first page
    remove(ns, u"cm-10"_s); // was in the first page
    QVERIFY(!informer->hasSynced());
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 15000);
    QVERIFY(m_server->setFaults("{}"));

    QTRY_COMPARE_WITH_TIMEOUT(versions(informer->cache().list()), versions(serverList(ns)), 10000);
    QVERIFY(recorder.read([&] { return recorder.added.contains(ns + u"/aaa-early"_s); }));
    QVERIFY(recorder.read([&] { return recorder.deleted.contains(ns + u"/cm-10"_s); }));
}

void TestInformer::testHandlerAddedAfterSyncGetsSyntheticAdds()
{
    const QString ns = u"late-handler"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    QVERIFY(!create(ns, configMap(u"x"_s)).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    Recorder recorder;
    informer->addEventHandler(recorder.handler()); // from the test thread: carried out on the informer's thread
    QCOMPARE(recorder.read([&] { return recorder.added; }), QSet<QString> { ns + u"/x"_s });
    QVERIFY(!create(ns, configMap(u"y"_s)).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(recorder.read([&] { return recorder.added.contains(ns + u"/y"_s); }), 10000);
}

// The server drops every watch each second while a writer creates, updates and deletes a few hundred objects.
// The informer resumes each watch from its last resourceVersion: no relist is needed and no event is lost.
void TestInformer::testDroppedWatchesLoseNoEvent()
{
    const QString ns = u"drops"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    Recorder recorder;
    informer->addEventHandler(recorder.handler());
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    QVERIFY(m_server->setFaults(R"({"dropWatchesEverySeconds":1})"));

    QRandomGenerator random(42);
    QStringList live;
    QSet<QString> created;
    QSet<QString> deletedKeys;
    int next = 0;
    for (int batch = 0; batch < 6; ++batch) {
        const int watchesBefore = informer->watchCount();
        for (int i = 0; i < 50; ++i) {
            const QString name = u"obj-%1"_s.arg(next++);
            QVERIFY(!create(ns, configMap(name)).isEmpty());
            live.append(name);
            created.insert(ns + u'/' + name);
        }
        for (int i = 0; i < 25; ++i)
            update(ns, live.at(random.bounded(int(live.size()))), QString::number(batch * 100 + i));
        for (int i = 0; i < 15; ++i) {
            const QString name = live.takeAt(random.bounded(int(live.size())));
            remove(ns, name);
            deletedKeys.insert(ns + u'/' + name);
        }
        // Let at least one drop and resume happen between batches, so that drops interleave with the writes.
        QTRY_VERIFY_WITH_TIMEOUT(informer->watchCount() > watchesBefore, 10000);
    }

    const QMap<QString, QString> expected = versions(serverList(ns));
    QCOMPARE(expected.size(), live.size());
    QTRY_COMPARE_WITH_TIMEOUT(versions(informer->cache().list()), expected, 20000);
    const QSet<QString> added = recorder.read([&] { return recorder.added; });
    for (const auto& key : std::as_const(created))
        QVERIFY2(added.contains(key), qPrintable(key));
    QCOMPARE(recorder.read([&] { return recorder.deleted; }), deletedKeys);
    QCOMPARE(recorder.read([&] { return recorder.spuriousDeletes; }), 0);
    QVERIFY2(informer->watchCount() > 1, qPrintable(QString::number(informer->watchCount())));
    QCOMPARE(informer->listCount(), 1); // every drop was resumed from the last resourceVersion
}

// While the watch is down, more happens than the server's (shrunk) watch window holds: resuming answers 410 Gone,
// the informer relists, and the relist diff hands the handlers what they missed, deletions included.
void TestInformer::testExpiredWatchRelistsAndConverges()
{
    const QString ns = u"expired"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    for (int i = 0; i < 20; ++i)
        QVERIFY(!create(ns, configMap(u"cm-%1"_s.arg(i))).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    Recorder recorder;
    informer->addEventHandler(recorder.handler());
    std::atomic<int> watchErrors { 0 };
    QObject::connect(
        &*informer, &Informer::watchError, &*informer, [&] { ++watchErrors; }, Qt::DirectConnection);
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    QCOMPARE(informer->listCount(), 1);

    // Drop the watch and refuse new ones until the informer has failed to resume at least once.
    QVERIFY(m_server->setFaults(R"({"dropWatchesEverySeconds":1,"watchWindow":3,
        "errors":[{"verb":"watch","resource":"configmaps","code":500,"rate":1}]})"));
    QTRY_VERIFY_WITH_TIMEOUT(watchErrors.load() >= 2, 15000);

    QSet<QString> deletedKeys;
    for (int i = 0; i < 8; ++i) {
        remove(ns, u"cm-%1"_s.arg(i));
        deletedKeys.insert(ns + u"/cm-%1"_s.arg(i));
    }
    for (int i = 8; i < 12; ++i)
        update(ns, u"cm-%1"_s.arg(i), u"changed"_s);
    for (int i = 0; i < 4; ++i)
        QVERIFY(!create(ns, configMap(u"new-%1"_s.arg(i))).isEmpty());
    // Watches are allowed again, still with a window far smaller than what was missed (and still dropped).
    QVERIFY(m_server->setFaults(R"({"dropWatchesEverySeconds":1,"watchWindow":3})"));

    QTRY_VERIFY_WITH_TIMEOUT(informer->listCount() > 1, 20000);
    const QMap<QString, QString> expected = versions(serverList(ns));
    QTRY_COMPARE_WITH_TIMEOUT(versions(informer->cache().list()), expected, 20000);
    QCOMPARE(recorder.read([&] { return recorder.deleted; }), deletedKeys);
    for (int i = 0; i < 4; ++i)
        QVERIFY(recorder.read([&] { return recorder.added.contains(ns + u"/new-%1"_s.arg(i)); }));
    for (int i = 8; i < 12; ++i)
        QVERIFY(recorder.read([&] { return recorder.updates.value(ns + u"/cm-%1"_s.arg(i)) >= 1; }));
    QCOMPARE(recorder.read([&] { return recorder.spuriousDeletes; }), 0);
}

void TestInformer::testResyncCallsUpdateWithTheSameObject()
{
    const QString ns = u"resync"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    QVERIFY(!create(ns, configMap(u"one"_s)).isEmpty());
    QVERIFY(!create(ns, configMap(u"two"_s)).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    runtime::InformerOptions options;
    options.resyncPeriodMs = 100;
    InformerThread informer(client, configMaps(ns), options);
    Recorder recorder;
    informer->addEventHandler(recorder.handler());
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(recorder.read([&] { return recorder.resyncs; }) >= 6, 10000);
    QCOMPARE(recorder.read([&] { return recorder.updates.size(); }), 0); // nothing really changed
}

void TestInformer::testIndexesFollowChanges()
{
    QVERIFY(!createNamespace(u"idx-a"_s).isEmpty());
    QVERIFY(!createNamespace(u"idx-b"_s).isEmpty());
    // Owners that exist (the garbage collector removes dependents of missing owners) and span both namespaces.
    const QJsonObject owner1 = createNamespace(u"idx-owner-1"_s);
    const QJsonObject owner2 = createNamespace(u"idx-owner-2"_s);
    const QString uid1 = owner1.value(u"metadata"_s).toObject().value(u"uid"_s).toString();
    const QString uid2 = owner2.value(u"metadata"_s).toObject().value(u"uid"_s).toString();
    QVERIFY(!uid1.isEmpty() && !uid2.isEmpty());
    const QJsonObject web { { u"suite"_s, u"idx"_s }, { u"app"_s, u"web"_s } };
    const QJsonObject db { { u"suite"_s, u"idx"_s }, { u"app"_s, u"db"_s } };
    QVERIFY(!create(u"idx-a"_s, configMap(u"a1"_s, web, owner1)).isEmpty());
    QVERIFY(!create(u"idx-a"_s, configMap(u"a2"_s, db, owner2)).isEmpty());
    QVERIFY(!create(u"idx-b"_s, configMap(u"b1"_s, web, owner1)).isEmpty());
    QVERIFY(!create(u"idx-b"_s, configMap(u"other"_s, { { u"app"_s, u"web"_s } })).isEmpty()); // not selected

    kube::RestClient client(m_server->adminConfig());
    runtime::InformerOptions options;
    options.selector.addQueryItem(u"labelSelector"_s, u"suite=idx"_s);
    InformerThread informer(client, configMaps({}), options); // all namespaces
    informer->cache().addLabelIndex(u"app"_s);
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    const auto keysBy = [&](const char* index, const QString& value) {
        QStringList keys;
        for (const auto& o : informer->cache().byIndex(QString::fromLatin1(index), value))
            keys.append(keyOf(o));
        keys.sort();
        return keys;
    };
    QCOMPARE(informer->cache().size(), 3);
    QCOMPARE(keysBy(runtime::Cache::ByNamespace, u"idx-a"_s), (QStringList { u"idx-a/a1"_s, u"idx-a/a2"_s }));
    QCOMPARE(keysBy(runtime::Cache::ByNamespace, u"idx-b"_s), (QStringList { u"idx-b/b1"_s }));
    QCOMPARE(keysBy(runtime::Cache::ByOwnerUid, uid1), (QStringList { u"idx-a/a1"_s, u"idx-b/b1"_s }));
    QCOMPARE(keysBy(runtime::Cache::ByOwnerUid, uid2), (QStringList { u"idx-a/a2"_s }));
    QCOMPARE(keysBy("label:app", u"web"_s), (QStringList { u"idx-a/a1"_s, u"idx-b/b1"_s }));
    QCOMPARE(keysBy("label:app", u"db"_s), (QStringList { u"idx-a/a2"_s }));
    QVERIFY(keysBy("label:app", u"none"_s).isEmpty());

    // A label change moves the object between index values; a deletion removes it everywhere.
    const auto relabelled = m_writer->patch(
        configMaps(u"idx-b"_s).withName(u"b1"_s), kube::PatchFormat::Merge, R"({"metadata":{"labels":{"app":"db"}}})");
    QVERIFY(relabelled);
    QTRY_COMPARE_WITH_TIMEOUT(keysBy("label:app", u"db"_s), (QStringList { u"idx-a/a2"_s, u"idx-b/b1"_s }), 10000);
    QCOMPARE(keysBy("label:app", u"web"_s), (QStringList { u"idx-a/a1"_s }));
    remove(u"idx-a"_s, u"a1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(keysBy("label:app", u"web"_s).isEmpty(), 10000);
    QCOMPARE(keysBy(runtime::Cache::ByOwnerUid, uid1), (QStringList { u"idx-b/b1"_s }));
    QCOMPARE(keysBy(runtime::Cache::ByNamespace, u"idx-a"_s), (QStringList { u"idx-a/a2"_s }));
}

/// A reconciler made of a function that counts its calls per key.
class CountingReconciler : public runtime::Reconciler {
public:
    explicit CountingReconciler(std::function<runtime::Result(const runtime::Request&)> f)
        : m_f(std::move(f))
    {
    }
    runtime::Result reconcile(const runtime::Request& request) override
    {
        {
            std::lock_guard lock(m_mutex);
            ++m_counts[request.key()];
        }
        return m_f(request);
    }
    int count(const QString& key) const
    {
        std::lock_guard lock(m_mutex);
        return m_counts.value(key);
    }

private:
    std::function<runtime::Result(const runtime::Request&)> m_f;
    mutable std::mutex m_mutex;
    QHash<QString, int> m_counts;
};

/// Holds an informer's thread (its event loop) until released: watch events wait in the socket meanwhile, so that a
/// test can write and write through before the informer sees the write, as a reconciler usually does.
class InformerPause {
public:
    explicit InformerPause(Informer& informer)
    {
        kubelbInvokeQueued(&informer, [this] {
            m_entered.release();
            m_resume.tryAcquire(1, 20000);
        });
        m_entered.tryAcquire(1, 20000);
    }
    ~InformerPause() { release(); }
    void release()
    {
        if (!m_released.exchange(true))
            m_resume.release();
    }

private:
    QSemaphore m_entered;
    QSemaphore m_resume;
    std::atomic<bool> m_released { false };
};

// What a reconciler writes through is kept until the watch catches up, never an older version, and never an object
// the informer has already seen a later state of (e.g. its deletion).
void TestInformer::testCacheWriteThroughRules()
{
    const auto versioned = [](const QString& name, const QString& rv) {
        QJsonObject o = configMap(name);
        QJsonObject meta = o.value(u"metadata"_s).toObject();
        meta[u"namespace"_s] = u"wt"_s;
        meta[u"resourceVersion"_s] = rv;
        o[u"metadata"_s] = meta;
        return o;
    };
    runtime::Cache cache;
    cache.upsert(versioned(u"a"_s, u"5"_s));
    QVERIFY(cache.writeThrough(versioned(u"a"_s, u"7"_s)));
    QCOMPARE(rvOf(*cache.get(u"wt/a"_s)), u"7"_s);
    QVERIFY(!cache.writeThrough(versioned(u"a"_s, u"6"_s))); // older than the cached object
    QVERIFY(!cache.writeThrough(versioned(u"a"_s, u"7"_s))); // the same version again
    QVERIFY(!cache.writeThrough(versioned(u"a"_s, u"not-a-number"_s)));

    // The watch delivering an earlier write, or the written-through write itself, must not take the cache back and
    // adds nothing (alreadyCached: the informer dispatches nothing); a later one replaces it.
    bool alreadyCached = false;
    auto previous = cache.upsertUnlessOlder(versioned(u"a"_s, u"6"_s), &alreadyCached);
    QVERIFY(alreadyCached);
    QVERIFY(!previous);
    QCOMPARE(rvOf(*cache.get(u"wt/a"_s)), u"7"_s);
    previous = cache.upsertUnlessOlder(versioned(u"a"_s, u"7"_s), &alreadyCached); // the write's own event
    QVERIFY(alreadyCached);
    QVERIFY(!previous);
    QCOMPARE(rvOf(*cache.get(u"wt/a"_s)), u"7"_s);
    previous = cache.upsertUnlessOlder(versioned(u"a"_s, u"8"_s), &alreadyCached);
    QVERIFY(!alreadyCached);
    QCOMPARE(rvOf(*previous), u"7"_s);
    QCOMPARE(rvOf(*cache.get(u"wt/a"_s)), u"8"_s);
    // Objects without a numeric resourceVersion are always stored.
    cache.upsertUnlessOlder(versioned(u"a"_s, u"opaque"_s), &alreadyCached);
    QVERIFY(!alreadyCached);
    QCOMPARE(rvOf(*cache.get(u"wt/a"_s)), u"opaque"_s);

    // Once the informer has observed version 10, a write at 9 is already reflected (or deleted since): ignored.
    cache.setObservedVersion(u"10"_s);
    QVERIFY(!cache.writeThrough(versioned(u"b"_s, u"9"_s)));
    QVERIFY(!cache.get(u"wt/b"_s));
    cache.setObservedVersion(u"4"_s); // never goes back
    QVERIFY(!cache.writeThrough(versioned(u"b"_s, u"10"_s)));
    QVERIFY(cache.writeThrough(versioned(u"b"_s, u"11"_s)));
    QCOMPARE(cache.byIndex(QString::fromLatin1(runtime::Cache::ByNamespace), u"wt"_s).size(), 2);
}

// A write-through answer is visible at once; the watch event of the same write then arrives as an update with an
// equal object, and later writes by others replace it as usual.
void TestInformer::testWriteThroughIsReplacedByTheWatchEvent()
{
    createNamespace(u"wt-live"_s);
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(u"wt-live"_s));
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    const auto created = m_writer->create(configMaps(u"wt-live"_s), configMap(u"c1"_s));
    QVERIFY(created);
    QTRY_VERIFY_WITH_TIMEOUT(informer->cache().get(u"wt-live"_s, u"c1"_s).has_value(), 10000);
    QJsonObject changed = *created;
    changed[u"data"_s] = QJsonObject { { u"generation"_s, u"1"_s } };
    const auto written = m_writer->update(configMaps(u"wt-live"_s).withName(u"c1"_s), changed);
    QVERIFY(written);
    // Either stored now, or the watch was faster: its event is applied or about to be (the informer records the
    // version it observed just before it applies the event, and a write-through at or below it is skipped).
    informer->cache().writeThrough(*written);
    QTRY_COMPARE_WITH_TIMEOUT(rvOf(*informer->cache().get(u"wt-live"_s, u"c1"_s)), rvOf(*written), 10000);
    const auto patched = m_writer->patch(
        configMaps(u"wt-live"_s).withName(u"c1"_s), kube::PatchFormat::Merge, R"({"data":{"generation":"2"}})");
    QVERIFY(patched);
    QTRY_COMPARE_WITH_TIMEOUT(rvOf(*informer->cache().get(u"wt-live"_s, u"c1"_s)), rvOf(*patched), 10000);
    QCOMPARE(*informer->cache().get(u"wt-live"_s, u"c1"_s), *patched);
}

// The watch event of a write the cache already holds (written through) adds nothing: no handler runs, the cache
// keeps the object; an earlier version arriving after a later write-through is not dispatched either; a change by
// another writer (a newer resourceVersion) is dispatched as usual.
void TestInformer::testEventOfAWrittenThroughWriteIsNotDispatched()
{
    const QString ns = u"wt-event"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    Recorder recorder;
    informer->addEventHandler(recorder.handler());
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    const auto created = m_writer->create(configMaps(ns), configMap(u"c1"_s));
    QVERIFY(created);
    QTRY_VERIFY_WITH_TIMEOUT(recorder.read([&] { return recorder.added.contains(ns + u"/c1"_s); }), 10000);

    // Two writes; only the second is written through before the informer sees either.
    QJsonObject first = *created;
    first[u"data"_s] = QJsonObject { { u"generation"_s, u"1"_s } };
    {
        InformerPause pause(*informer);
        const auto written1 = m_writer->update(configMaps(ns).withName(u"c1"_s), first);
        QVERIFY(written1);
        QJsonObject second = *written1;
        second[u"data"_s] = QJsonObject { { u"generation"_s, u"2"_s } };
        const auto written2 = m_writer->update(configMaps(ns).withName(u"c1"_s), second);
        QVERIFY(written2);
        QVERIFY(informer->cache().writeThrough(*written2));
    }
    // A marker written afterwards: once it is added, both events of c1 have been handled.
    QVERIFY(!create(ns, configMap(u"marker-1"_s)).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(recorder.read([&] { return recorder.added.contains(ns + u"/marker-1"_s); }), 10000);
    QCOMPARE(recorder.read([&] { return recorder.updates.value(ns + u"/c1"_s); }), 0);
    QCOMPARE(recorder.read([&] { return recorder.resyncs; }), 0);
    QCOMPARE(informer->cache().get(ns, u"c1"_s)->value(u"data"_s).toObject().value(u"generation"_s).toString(), u"2"_s);

    // Another writer's change is news.
    update(ns, u"c1"_s, u"3"_s);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.read([&] { return recorder.updates.value(ns + u"/c1"_s); }), 1, 10000);
    QCOMPARE(informer->cache().get(ns, u"c1"_s)->value(u"data"_s).toObject().value(u"generation"_s).toString(), u"3"_s);
}

// End to end through a controller: a reconcile that writes and writes through is not queued again by the watch
// event of its own write; another writer's change queues it.
void TestInformer::testControllerDoesNotReconcileItsOwnWriteAgain()
{
    const QString ns = u"wt-controller"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    std::mutex mutex;
    QHash<QString, int> reconciles;
    class Writer : public runtime::Reconciler {
    public:
        Writer(TestInformer* test, Informer& informer, std::mutex& mutex, QHash<QString, int>& reconciles)
            : m_test(test)
            , m_informer(informer)
            , m_mutex(mutex)
            , m_reconciles(reconciles)
        {
        }
        runtime::Result reconcile(const runtime::Request& request) override
        {
            {
                std::lock_guard lock(m_mutex);
                ++m_reconciles[request.key()];
            }
            const auto cached = m_informer.cache().get(request.key());
            if (!cached || request.name != u"target"_s)
                return runtime::Result::success();
            if (cached->value(u"data"_s).toObject().contains(u"reconciled"_s))
                return runtime::Result::success(); // nothing to do
            QJsonObject desired = *cached;
            QJsonObject data = desired.value(u"data"_s).toObject();
            data[u"reconciled"_s] = u"yes"_s;
            desired[u"data"_s] = data;
            // The informer is held while writing, so that its event surely arrives after the write-through.
            InformerPause pause(m_informer);
            const auto written = m_test->m_writer->update(configMaps(request.ns).withName(request.name), desired);
            if (!written)
                return runtime::Result::failed(written.error().message());
            m_informer.cache().writeThrough(*written);
            return runtime::Result::success();
        }

    private:
        TestInformer* m_test;
        Informer& m_informer;
        std::mutex& m_mutex;
        QHash<QString, int>& m_reconciles;
    } reconciler(this, *informer, mutex, reconciles);
    runtime::ControllerOptions options;
    options.name = u"wt-controller"_s;
    runtime::Controller controller(std::move(options), reconciler);
    controller.watch(*informer);
    const auto count = [&](const QString& name) {
        std::lock_guard lock(mutex);
        return reconciles.value(ns + u'/' + name);
    };
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    controller.start();

    QVERIFY(!create(ns, configMap(u"target"_s)).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(count(u"target"_s), 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        informer->cache().get(ns, u"target"_s)->value(u"data"_s).toObject().contains(u"reconciled"_s), 10000);
    // One worker, FIFO: a requeue of "target" (had its own event queued it) would run before the marker's reconcile.
    QVERIFY(!create(ns, configMap(u"marker"_s)).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(count(u"marker"_s), 1, 10000);
    QCOMPARE(count(u"target"_s), 1);

    update(ns, u"target"_s, u"7"_s); // another writer
    QTRY_COMPARE_WITH_TIMEOUT(count(u"target"_s), 2, 10000);
    controller.stop();
}

// The race the informer cannot see: the watch delivers a reconciler's write before the reconciler stores its answer.
// The controller holds the event while the reconcile runs and drops it once the write-through shows it was its own.
void TestInformer::testOwnWriteDeliveredBeforeTheWriteThroughIsHeldAndDropped()
{
    const QString ns = u"wt-race"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    runtime::Cache& cache = informer->cache();
    CountingReconciler reconciler([&](const runtime::Request& request) {
        const auto cached = cache.get(request.key());
        if (!cached || request.name != u"target"_s || cached->value(u"data"_s).toObject().contains(u"reconciled"_s))
            return runtime::Result::success();
        QJsonObject desired = *cached;
        QJsonObject data = desired.value(u"data"_s).toObject();
        data[u"reconciled"_s] = u"yes"_s;
        desired[u"data"_s] = data;
        const auto written = m_writer->update(configMaps(request.ns).withName(request.name), desired);
        if (!written)
            return runtime::Result::failed(written.error().message());
        // Let the watch win: the informer stores and dispatches the write before the answer is written through.
        const QString rv = rvOf(*written);
        const QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired() && rvOf(cache.get(request.key()).value_or(QJsonObject {})) != rv)
            QThread::msleep(5); // polling with a deadline
        cache.writeThrough(*written);
        return runtime::Result::success();
    });
    runtime::ControllerOptions options;
    options.name = u"wt-race"_s;
    runtime::Controller controller(std::move(options), reconciler);
    controller.watch(*informer);
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    controller.start();

    QVERIFY(!create(ns, configMap(u"target"_s)).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(reconciler.count(ns + u"/target"_s), 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(cache.get(ns, u"target"_s)->value(u"data"_s).toObject().contains(u"reconciled"_s), 10000);
    QVERIFY(!create(ns, configMap(u"marker"_s)).isEmpty()); // FIFO, one worker: see the test above
    QTRY_COMPARE_WITH_TIMEOUT(reconciler.count(ns + u"/marker"_s), 1, 10000);
    QCOMPARE(reconciler.count(ns + u"/target"_s), 1);
    controller.stop();
}

// A change by another writer that arrives while the object is being reconciled is held, then queues it again.
void TestInformer::testOtherWritesDuringAReconcileQueueItAgain()
{
    const QString ns = u"wt-held"_s;
    QVERIFY(!createNamespace(ns).isEmpty());
    kube::RestClient client(m_server->adminConfig());
    InformerThread informer(client, configMaps(ns));
    runtime::Cache& cache = informer->cache();
    QSemaphore entered, proceed;
    CountingReconciler reconciler([&](const runtime::Request&) {
        entered.release();
        proceed.tryAcquire(1, 20000);
        return runtime::Result::success();
    });
    runtime::ControllerOptions options;
    options.name = u"wt-held"_s;
    runtime::Controller controller(std::move(options), reconciler);
    controller.watch(*informer);
    informer.start();
    QTRY_VERIFY_WITH_TIMEOUT(informer->hasSynced(), 10000);
    controller.start();

    QVERIFY(!create(ns, configMap(u"target"_s)).isEmpty());
    QVERIFY(entered.tryAcquire(1, 10000)); // the first reconcile runs and waits
    update(ns, u"target"_s, u"5"_s);
    QTRY_COMPARE_WITH_TIMEOUT(
        cache.get(ns, u"target"_s)->value(u"data"_s).toObject().value(u"generation"_s).toString(), u"5"_s, 10000);
    proceed.release(); // the event was held during the reconcile: it queues one more
    QVERIFY(entered.tryAcquire(1, 10000));
    proceed.release();
    QTRY_COMPARE_WITH_TIMEOUT(reconciler.count(ns + u"/target"_s), 2, 10000);
    controller.stop();
}

QTEST_GUILESS_MAIN(TestInformer)
#include "tst_informer.moc"
