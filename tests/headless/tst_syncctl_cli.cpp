// kubelb-syncctl's command line and table rendering, without clusters.
#include "syncctl_options.h"
#include "syncctl_output.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestSyncctlCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testDuration_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("default") << u"10m"_s << qint64(600);
        QTest::newRow("zero") << u"0s"_s << qint64(0);
        QTest::newRow("bare zero") << u"0"_s << qint64(0);
        QTest::newRow("combined") << u"1h30m"_s << qint64(5400);
        QTest::newRow("days") << u"2d"_s << qint64(172800);
        QTest::newRow("millis") << u"1500ms"_s << qint64(1);
        QTest::newRow("no unit") << u"10"_s << qint64(-1);
        QTest::newRow("garbage") << u"soon"_s << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }
    void testDuration()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        QCOMPARE(syncctl::parseDuration(text), seconds);
    }

    void testTenantsAndFormats()
    {
        syncctl::Options o;
        QString error;
        QCOMPARE(syncctl::parseArguments({ u"orphans"_s, u"--tenant"_s, u"t1=tenant-a"_s, u"--tenant"_s,
                                             u"t2=tenant-b"_s, u"-o"_s, u"json"_s, u"--older-than"_s, u"1h"_s },
                     &o, &error),
            int(syncctl::ExitOk));
        QCOMPARE(o.tenants.size(), 2);
        QCOMPARE(o.tenants.at(1).context, u"t2"_s);
        QCOMPARE(o.tenants.at(1).managementNamespace, u"tenant-b"_s);
        QCOMPARE(o.format, syncctl::Format::Json);
        QCOMPARE(o.olderThanSeconds, qint64(3600));
    }

    void testUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown command") << QStringList { u"frob"_s };
        QTest::newRow("bad tenant") << QStringList { u"orphans"_s, u"--tenant"_s, u"t1"_s };
        QTest::newRow("no tenant") << QStringList { u"orphans"_s };
        QTest::newRow("bad format") << QStringList { u"lineage"_s, u"-o"_s, u"xml"_s };
        QTest::newRow("cleanup flag elsewhere") << QStringList { u"orphans"_s, u"--tenant"_s, u"a=b"_s, u"--yes"_s };
        QTest::newRow("doctor without namespace") << QStringList { u"doctor"_s, u"x"_s, u"--tenant"_s, u"a=b"_s };
        QTest::newRow("unknown option") << QStringList { u"lineage"_s, u"--frob"_s };
    }
    void testUsageErrors()
    {
        QFETCH(QStringList, args);
        syncctl::Options o;
        QString error;
        QCOMPARE(syncctl::parseArguments(args, &o, &error), int(syncctl::ExitUsage));
        QVERIFY(!error.isEmpty());
    }

    void testYesImpliesExecute()
    {
        syncctl::Options o;
        QString error;
        QCOMPARE(syncctl::parseArguments({ u"cleanup"_s, u"--tenant"_s, u"a=b"_s, u"--yes"_s }, &o, &error),
            int(syncctl::ExitOk));
        QVERIFY(o.execute && o.yes);
        syncctl::Options dry;
        QCOMPARE(
            syncctl::parseArguments({ u"cleanup"_s, u"--tenant"_s, u"a=b"_s }, &dry, &error), int(syncctl::ExitOk));
        QVERIFY(!dry.execute);
    }

    void testTableColumnsAlign()
    {
        const QString table = syncctl::formatTable(
            { u"NAME"_s, u"STATE"_s, u"AGE"_s }, { { u"a"_s, u"Synced"_s, u"5s"_s }, { u"longer-name"_s, u"-"_s } });
        const QStringList lines = table.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0), u"NAME          STATE    AGE"_s);
        QCOMPARE(lines.at(1), u"a             Synced   5s"_s);
        QCOMPARE(lines.at(2), u"longer-name   -"_s); // no trailing spaces
    }

    void testHumanAge()
    {
        QCOMPARE(syncctl::humanAge(5), u"5s"_s);
        QCOMPARE(syncctl::humanAge(600), u"10m"_s);
        QCOMPARE(syncctl::humanAge(5 * 3600), u"5h"_s);
        QCOMPARE(syncctl::humanAge(3 * 86400), u"3d"_s);
        QCOMPARE(syncctl::humanAge(-1), u"<unknown>"_s);
    }
};

QTEST_GUILESS_MAIN(TestSyncctlCli)
#include "tst_syncctl_cli.moc"
