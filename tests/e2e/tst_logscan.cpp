// The last e2e check: every log file the e2e suites wrote under <build>/e2e-logs (API servers, controllers,
// the demo, captured in-process logs) is searched for every secret value any suite registered
// (testsupport::secretValue), raw, base64, JSON-escaped and line by line. ctest runs it after the e2e suites
// (DEPENDS); run alone it scans whatever the last runs left.
#include "support/e2elogs.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

/// What a scan of one log tree found.
struct ScanResult {
    qint64 bytes = 0;
    qsizetype logs = 0;
    qsizetype suites = 0; ///< value lists found
    qsizetype values = 0;
    qsizetype patterns = 0;
    QStringList findings; ///< "<file> contains pattern #N (M bytes)": never the value itself
};

ScanResult scan(const QString& rootPath)
{
    ScanResult result;
    const QDir root(rootPath);
    QStringList valueFiles, logs;
    QDirIterator it(root.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        (it.fileName() == QString(testsupport::SecretValuesFile) ? valueFiles : logs).append(path);
    }
    QList<QByteArray> patterns;
    QSet<QByteArray> seen;
    for (const QString& path : std::as_const(valueFiles)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray& line : f.readAll().split('\n')) {
            if (line.isEmpty() || seen.contains(line))
                continue;
            seen.insert(line);
            patterns += testsupport::secretPatterns(QString::fromUtf8(QByteArray::fromBase64(line)));
        }
    }
    for (const QString& path : std::as_const(logs)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray log = f.readAll();
        result.bytes += log.size();
        for (qsizetype i = 0; i < patterns.size(); ++i)
            if (log.contains(patterns.at(i)))
                result.findings.append(
                    u"%1 contains secret test value pattern #%2 (%3 bytes)"_s.arg(root.relativeFilePath(path))
                        .arg(i)
                        .arg(patterns.at(i).size()));
    }
    result.logs = logs.size();
    result.suites = valueFiles.size();
    result.values = seen.size();
    result.patterns = patterns.size();
    return result;
}

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

} // namespace

class TestLogScan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testScanFindsPlantedValues_data();
    void testScanFindsPlantedValues();
    void testNoLogContainsASecretValue();
};

void TestLogScan::testScanFindsPlantedValues_data()
{
    QTest::addColumn<QByteArray>("logged");
    QTest::addColumn<int>("findings");
    const QByteArray value = "planted-value\nsecond-line-of-it";
    QTest::newRow("raw") << QByteArray("x=" + value + "\n") << 3; // the value and each of its (long) lines
    QTest::newRow("base64") << QByteArray("data=" + value.toBase64() + "\n") << 1;
    QTest::newRow("json-escaped") << QByteArray(R"({"v":"planted-value\nsecond-line-of-it"})") << 3;
    QTest::newRow("one line of it") << QByteArray("second-line-of-it") << 1;
    QTest::newRow("clean") << QByteArray("msg=\"synced\" value=[REDACTED]\n") << 0;
}

// The scanner itself: a value planted in a log is found in every form it checks.
void TestLogScan::testScanFindsPlantedValues()
{
    QFETCH(QByteArray, logged);
    QFETCH(int, findings);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(u"suite/"_s + QString(testsupport::SecretValuesFile)),
        QByteArray("planted-value\nsecond-line-of-it").toBase64() + '\n');
    writeFile(dir.filePath(u"suite/daemon.log"_s), logged);
    const ScanResult r = scan(dir.path());
    QCOMPARE(r.values, 1);
    QCOMPARE(r.findings.size(), findings);
}

void TestLogScan::testNoLogContainsASecretValue()
{
    const ScanResult r = scan(QStringLiteral(KUBELB_BINARY_DIR "/e2e-logs"));
    if (r.patterns == 0)
        QSKIP("no e2e suite registered secret values (run the e2e suites first)");
    QVERIFY2(r.findings.isEmpty(), qPrintable(r.findings.join(u"; "_s)));
    qInfo("scanned %lld bytes in %lld log files of %lld suites for %lld patterns of %lld values", r.bytes,
        qint64(r.logs), qint64(r.suites), qint64(r.patterns), qint64(r.values));
    QVERIFY(r.bytes > 0);
}

QTEST_GUILESS_MAIN(TestLogScan)
#include "tst_logscan.moc"
