#include "controllers/runtime/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace runtime;

Q_LOGGING_CATEGORY(lcTest, "kubelb.test")

class TestLogging : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void testLogfmtQuotesOnlyWhenNeeded_data();
    void testLogfmtQuotesOnlyWhenNeeded();
    void testJsonLinesCarryFields();
    void testLevelFilters();
    void testQtMessagesAreStructured();
    void testRegisteredValuesAreRedacted_data();
    void testRegisteredValuesAreRedacted();
    void testObjectValuesRegisteredInEveryForm();
    void testRepeatedObjectValuesAfterClear();
    void testShortValuesIgnored();

private:
    QList<QByteArray> m_lines;
};

void TestLogging::init()
{
    m_lines.clear();
    Redactor::instance().clear();
    logging::setSink([this](const QByteArray& line) { m_lines.append(line); });
    logging::install(logging::Format::Logfmt, logging::Level::Info);
}

void TestLogging::cleanup()
{
    qInstallMessageHandler(nullptr);
    logging::setSink({});
    Redactor::instance().clear();
}

void TestLogging::testLogfmtQuotesOnlyWhenNeeded_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("rendered");
    QTest::newRow("bare") << u"tenant-a/app-tls"_s << QByteArray("k=tenant-a/app-tls");
    QTest::newRow("space") << u"two words"_s << QByteArray("k=\"two words\"");
    QTest::newRow("equals") << u"a=b"_s << QByteArray("k=\"a=b\"");
    QTest::newRow("quote") << u"say \"hi\""_s << QByteArray("k=\"say \\\"hi\\\"\"");
    QTest::newRow("newline") << u"a\nb"_s << QByteArray("k=\"a\\nb\"");
    QTest::newRow("empty") << QString() << QByteArray("k=\"\"");
}

void TestLogging::testLogfmtQuotesOnlyWhenNeeded()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, rendered);
    const QByteArray line
        = logging::formatLine(logging::Format::Logfmt, logging::Level::Info, u"l"_s, u"m"_s, { { u"k"_s, value } });
    QVERIFY2(line.endsWith(" " + rendered), line.constData());
    QVERIFY(line.startsWith("ts="));
    QVERIFY(line.contains(" level=info logger=l msg=m "));
}

void TestLogging::testJsonLinesCarryFields()
{
    const QByteArray line = logging::formatLine(logging::Format::Json, logging::Level::Warning, u"ccm"_s,
        u"propagated"_s, { { u"namespace"_s, u"default"_s }, { u"reconcileID"_s, u"42"_s } });
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    QCOMPARE(o.value(u"level"_s).toString(), u"warn"_s);
    QCOMPARE(o.value(u"logger"_s).toString(), u"ccm"_s);
    QCOMPARE(o.value(u"msg"_s).toString(), u"propagated"_s);
    QCOMPARE(o.value(u"namespace"_s).toString(), u"default"_s);
    QCOMPARE(o.value(u"reconcileID"_s).toString(), u"42"_s);
}

void TestLogging::testLevelFilters()
{
    logging::install(logging::Format::Logfmt, logging::Level::Warning);
    logging::log(logging::Level::Info, u"x"_s, u"hidden"_s);
    logging::log(logging::Level::Error, u"x"_s, u"shown"_s);
    QCOMPARE(m_lines.size(), 1);
    QVERIFY(m_lines.first().contains("msg=shown"));
}

void TestLogging::testQtMessagesAreStructured()
{
    qCWarning(lcTest) << "something happened";
    QCOMPARE(m_lines.size(), 1);
    QVERIFY2(m_lines.first().contains("level=warn logger=kubelb.test msg=\"something happened\""),
        m_lines.first().constData());
}

void TestLogging::testRegisteredValuesAreRedacted_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("middle") << QByteArray("token is hunter2-secret here") << QByteArray("token is [REDACTED] here");
    QTest::newRow("twice") << QByteArray("hunter2-secret,hunter2-secret") << QByteArray("[REDACTED],[REDACTED]");
    QTest::newRow("prefix of a longer value wins longest")
        << QByteArray("x hunter2-secret-longer y") << QByteArray("x [REDACTED] y");
    QTest::newRow("untouched") << QByteArray("nothing to see") << QByteArray("nothing to see");
}

void TestLogging::testRegisteredValuesAreRedacted()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, expected);
    Redactor::instance().add("hunter2-secret");
    Redactor::instance().add("hunter2-secret-longer");
    QVERIFY(Redactor::instance().redact(line) == expected);
}

void TestLogging::testObjectValuesRegisteredInEveryForm()
{
    const QJsonObject secret { { u"data"_s,
                                   QJsonObject { { u"tls.key"_s,
                                       QString::fromLatin1(QByteArray(
                                           "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----")
                                                               .toBase64()) } } },
        { u"stringData"_s, QJsonObject { { u"password"_s, u"correct horse battery"_s } } } };
    Redactor::instance().addObjectValues(secret);
    logging::log(logging::Level::Info, u"t"_s, u"dump"_s,
        { { u"a"_s, u"correct horse battery"_s },
            { u"b"_s, QString::fromLatin1(QByteArray("correct horse battery").toBase64()) },
            { u"c"_s, u"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"_s } });
    QCOMPARE(m_lines.size(), 1);
    QVERIFY(!m_lines.first().contains("correct horse"));
    QVERIFY(!m_lines.first().contains("MIIEvQIBADANBgkq"));
    QCOMPARE(m_lines.first().count("[REDACTED]"), 3);
}

// addObjectValues() skips values whose forms it registered before; clear() must forget that too, and a new value
// next to a known one is still registered.
void TestLogging::testRepeatedObjectValuesAfterClear()
{
    const auto object = [](const QList<QByteArray>& values) {
        QJsonObject data;
        for (const QByteArray& v : values)
            data.insert(QString::fromLatin1(v.left(4)), QString::fromLatin1(v.toBase64()));
        return QJsonObject { { u"data"_s, data } };
    };
    Redactor& r = Redactor::instance();
    r.addObjectValues(object({ "first-value-1234" }));
    r.clear();
    r.addObjectValues(object({ "first-value-1234" }));
    QCOMPARE(r.redact("x first-value-1234 y"), QByteArray("x [REDACTED] y"));
    r.addObjectValues(object({ "first-value-1234", "second-value-5678" }));
    QCOMPARE(r.redact("second-value-5678"), QByteArray("[REDACTED]"));
    QCOMPARE(r.redact(QByteArray("second-value-5678").toBase64()), QByteArray("[REDACTED]"));
}

void TestLogging::testShortValuesIgnored()
{
    Redactor::instance().add("abc");
    QCOMPARE(Redactor::instance().size(), 0);
}

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
