#include "models/lineagemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace models;

namespace {

LineageLink link(const QString& context, const QString& kind, const QString& ns, const QString& name,
    const QString& uid, LinkState state, const QString& rv = u"1"_s)
{
    LineageLink l;
    l.object = { context, kind, ns, name, uid, rv };
    l.state = state;
    l.type = u"Opaque"_s;
    return l;
}

/// A full chain tenant → management → Secret in `tenant`/`ns`.
LineageChain chain(const QString& tenant, const QString& ns, const QString& name, LinkState state = LinkState::Synced,
    const QString& rv = u"1"_s)
{
    LineageChain c;
    c.tenantContext = tenant;
    c.originNamespace = ns;
    c.originName = name;
    const QString uid = tenant + u'-' + ns + u'-' + name;
    c.tenant = link(tenant, u"SyncSecret"_s, ns, name, uid, state, rv);
    c.tenant.labels = { u"app=%1"_s.arg(name), u"team=Payments"_s };
    c.management = link(u"kubelb"_s, u"SyncSecret"_s, u"tenant-"_s + tenant, uid, u"m-"_s + uid, LinkState::Synced);
    c.secret = link(u"kubelb"_s, u"Secret"_s, u"tenant-"_s + tenant, u"m-"_s + uid, u"s-"_s + uid, LinkState::Synced);
    return c;
}

LineageChain managementOnly(const QString& ns, const QString& uid)
{
    LineageChain c;
    c.originName = u"gone"_s;
    c.management = link(u"kubelb"_s, u"SyncSecret"_s, ns, uid, u"m-"_s + uid, LinkState::Synced);
    return c;
}

QList<LineageChain> world()
{
    return { chain(u"tenant1"_s, u"production"_s, u"app-tls"_s), chain(u"tenant1"_s, u"production"_s, u"app-config"_s),
        chain(u"tenant1"_s, u"staging"_s, u"app-tls"_s, LinkState::Pending),
        chain(u"tenant2"_s, u"production"_s, u"app-tls"_s, LinkState::Failed),
        managementOnly(u"tenant-primary"_s, u"orphan1"_s) };
}

/// Every chain name visible in the model, in display order ("tenant/ns/name").
QStringList visible(const LineageModel& model)
{
    QStringList out;
    for (int t = 0; t < model.rowCount(); ++t) {
        const QModelIndex tenant = model.index(t, 0);
        for (int n = 0; n < model.rowCount(tenant); ++n) {
            const QModelIndex ns = model.index(n, 0, tenant);
            for (int c = 0; c < model.rowCount(ns); ++c)
                out.append(tenant.data().toString() + u'/' + ns.data().toString() + u'/'
                    + model.index(c, 0, ns).data().toString());
        }
    }
    return out;
}

} // namespace

/// LineageModel: tree shape, incremental updates without resets, filter semantics; checked by the model tester.
class TestLineageModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testTreeShape()
    {
        LineageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setChains(world());
        QCOMPARE(visible(model),
            QStringList({ u"tenant1/production/app-config"_s, u"tenant1/production/app-tls"_s,
                u"tenant1/staging/app-tls"_s, u"tenant2/production/app-tls"_s,
                LineageModel::managementOnlyGroup() + u"/tenant-primary/gone"_s }));
        const QModelIndex tenant2 = model.index(1, 0);
        const QModelIndex row = model.index(0, LineageModel::StateColumn, model.index(0, 0, tenant2));
        QCOMPARE(row.data().toString(), u"Failed"_s);
        QCOMPARE(row.data(LineageModel::StateRole).toInt(), int(ChainState::Failed));
        const QModelIndex orphan = model.index(0, 0, model.index(0, 0, model.index(2, 0)));
        QCOMPARE(orphan.siblingAtColumn(LineageModel::StateColumn).data().toString(), u"Orphan"_s);
        QCOMPARE(model.chain(orphan)->management.object.uid, u"m-orphan1"_s);
        QCOMPARE(model.index(0, LineageModel::TypeColumn).data().toString(), u"3 SyncSecrets"_s);
        QCOMPARE(model.stateCounts().value(u"tenant1"_s).value(ChainState::Synced), 2);
    }

    void testIncrementalUpdatesDoNotReset()
    {
        LineageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<LineageChain> chains = world();
        for (int i = 0; i < 200; ++i)
            chains.append(chain(u"tenant3"_s, u"bulk"_s, u"item-%1"_s.arg(i, 3, 10, QChar(u'0'))));
        model.setChains(chains);
        const QPersistentModelIndex kept = model.indexOfKey(chainKey(chains.at(0)));
        QVERIFY(kept.isValid());

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        chains[1] = chain(u"tenant1"_s, u"production"_s, u"app-config"_s, LinkState::Drifted, u"2"_s); // update
        chains.removeAt(2); // the staging chain: its namespace group goes too
        chains.append(chain(u"tenant1"_s, u"production"_s, u"app-new"_s)); // insert
        chains.append(chain(u"tenant4"_s, u"dev"_s, u"fresh"_s)); // insert with new groups
        model.setChains(chains);

        QCOMPARE(resets.size(), 0);
        QVERIFY(inserted.size() >= 2);
        QCOMPARE(removed.size(), 2); // the chain row and the emptied staging group
        QVERIFY(!changed.isEmpty());
        QVERIFY(kept.isValid());
        QCOMPARE(kept.data().toString(), u"app-tls"_s);
        const QModelIndex drifted = model.indexOfKey(chainKey(chains.at(1)));
        QCOMPARE(drifted.siblingAtColumn(LineageModel::StateColumn).data().toString(), u"Drifted"_s);
        QVERIFY(!visible(model).contains(u"tenant1/staging/app-tls"_s));
        QVERIFY(visible(model).contains(u"tenant4/dev/fresh"_s));
        QCOMPARE(model.chainCount(), chains.size());

        // The same set again changes nothing.
        resets.clear();
        inserted.clear();
        changed.clear();
        model.setChains(chains);
        QCOMPARE(resets.size() + inserted.size() + changed.size(), 0);
    }

    void testFilter_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("empty") << QString()
                               << QStringList { u"app-config"_s, u"app-tls"_s, u"app-tls"_s, u"app-tls"_s, u"gone"_s };
        QTest::newRow("name") << u"name:config"_s << QStringList { u"app-config"_s };
        QTest::newRow("namespace") << u"ns:stag"_s << QStringList { u"app-tls"_s };
        QTest::newRow("state") << u"state:fail"_s << QStringList { u"app-tls"_s };
        QTest::newRow("state orphan") << u"state:orphan"_s << QStringList { u"gone"_s };
        QTest::newRow("label") << u"app=app-config"_s << QStringList { u"app-config"_s };
        QTest::newRow("label prefix") << u"label:team=payments"_s
                                      << QStringList { u"app-config"_s, u"app-tls"_s, u"app-tls"_s, u"app-tls"_s };
        QTest::newRow("label key only") << u"label:team"_s
                                        << QStringList { u"app-config"_s, u"app-tls"_s, u"app-tls"_s, u"app-tls"_s };
        QTest::newRow("label no partial key") << u"label:tea"_s << QStringList {};
        QTest::newRow("tenant and text") << u"tenant:tenant2 TLS"_s << QStringList { u"app-tls"_s };
        QTest::newRow("free text case-insensitive") << u"PENDING"_s << QStringList { u"app-tls"_s };
        QTest::newRow("no match") << u"nothing-like-this"_s << QStringList {};
    }

    void testFilter()
    {
        QFETCH(QString, filter);
        QFETCH(QStringList, expected);
        LineageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setChains(world());
        model.setFilterText(filter);
        QStringList names;
        for (const QString& path : visible(model))
            names.append(path.section(u'/', -1));
        QCOMPARE(names, expected);
        QCOMPARE(model.visibleChainCount(), expected.size());
        QCOMPARE(model.chainCount(), 5);
    }

    void testUpdatesRespectTheFilter()
    {
        LineageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<LineageChain> chains = world();
        model.setChains(chains);
        model.setFilterText(u"state:synced"_s);
        QCOMPARE(model.visibleChainCount(), 2);
        chains[0] = chain(u"tenant1"_s, u"production"_s, u"app-tls"_s, LinkState::Failed, u"2"_s); // leaves
        chains[2] = chain(u"tenant1"_s, u"staging"_s, u"app-tls"_s, LinkState::Synced, u"2"_s); // joins
        chains.append(chain(u"tenant2"_s, u"production"_s, u"new-pending"_s, LinkState::Pending)); // hidden
        model.setChains(chains);
        QCOMPARE(visible(model), QStringList({ u"tenant1/production/app-config"_s, u"tenant1/staging/app-tls"_s }));
        model.setFilterText({});
        QCOMPARE(model.visibleChainCount(), 6);
    }

    void testTypingGivesTheSameRowsAsAFreshFilter()
    {
        LineageModel typed;
        QAbstractItemModelTester tester(&typed, QAbstractItemModelTester::FailureReportingMode::QtTest);
        typed.setChains(world());
        for (const QString& text :
            { u"state:pending"_s, u"app-t tenant:tenant1"_s, u"label:team=payments"_s, u"ns:prod app=app-tls"_s }) {
            for (qsizetype i = 1; i <= text.size(); ++i) {
                typed.setFilterText(text.left(i));
                LineageModel fresh;
                fresh.setChains(world());
                fresh.setFilterText(text.left(i));
                QCOMPARE(visible(typed), visible(fresh));
            }
        }
    }

    void testChainsOutliveTheCallersList()
    {
        // The model shares the list of a reset and copies changed chains: neither may dangle when the caller's
        // list goes away (ASan builds catch a dangling read here).
        LineageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setChains(world());
        {
            QList<LineageChain> chains = world();
            chains[1] = chain(u"tenant1"_s, u"production"_s, u"app-config"_s, LinkState::Drifted, u"7"_s);
            model.setChains(chains);
        }
        const QModelIndex changed = model.indexOfKey(u"t/tenant1/tenant1-production-app-config"_s);
        QVERIFY(changed.isValid());
        QCOMPARE(model.chain(changed)->tenant.object.resourceVersion, u"7"_s);
        QCOMPARE(model.chain(changed)->tenant.state, LinkState::Drifted);
        for (const LineageChain* c : model.allChains())
            QVERIFY(!c->originName.isEmpty());
        QCOMPARE(visible(model).size(), 5);
    }

    void testLargeBuildKeepsTheOrder()
    {
        // Above the size where entries are built on several threads: the same tree as sorting by hand.
        QList<LineageChain> chains;
        QStringList expected;
        for (int i = 0; i < 9000; ++i) {
            const int n = (i * 7919) % 9000; // a permutation, so the input is not in display order
            const QString tenant = u"tenant%1"_s.arg(n % 3), ns = u"ns%1"_s.arg(n % 17),
                          name = u"s%1"_s.arg(n, 4, 10, QChar(u'0'));
            chains.append(chain(tenant, ns, name));
            expected.append(tenant + u'/' + ns + u'/' + name);
        }
        expected.sort();
        LineageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
        model.setChains(chains);
        QCOMPARE(visible(model), expected);
        for (const LineageChain& c : std::as_const(chains)) {
            const QModelIndex index = model.indexOfKey(chainKey(c));
            QVERIFY(index.isValid());
            QCOMPARE(model.chain(index)->originName, c.originName);
        }
        model.setFilterText(u"label:app=s0042"_s);
        QCOMPARE(visible(model), QStringList { u"tenant0/ns8/s0042"_s });
    }

    void testLargeSetsReset()
    {
        LineageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
        QList<LineageChain> chains;
        for (int i = 0; i < 2000; ++i)
            chains.append(chain(u"tenant%1"_s.arg(i % 3), u"ns%1"_s.arg(i % 17), u"s%1"_s.arg(i)));
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setChains(chains);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.visibleChainCount(), 2000);
        model.setFilterText(u"ns:ns1 name:s1"_s);
        QVERIFY(model.visibleChainCount() > 0);
        QVERIFY(model.visibleChainCount() < 2000);
    }
};

QTEST_GUILESS_MAIN(TestLineageModel)
#include "tst_lineagemodel.moc"
