#include "fixtures.h"
#include "models/lineage.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace fixtures;
using namespace models;

Q_DECLARE_METATYPE(models::Snapshot)

namespace {

void setData(QJsonObject& o, const QString& b64)
{
    o.insert("data"_L1, QJsonObject { { "password"_L1, b64 } });
}

QString states(const LineageChain& chain)
{
    return linkStateName(chain.tenant.state) + u' ' + linkStateName(chain.management.state) + u' '
        + linkStateName(chain.secret.state);
}

} // namespace

/// Lineage chains: link states, data summaries without values, certificates, scale.
class TestLineage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testLinkStates_data()
    {
        QTest::addColumn<Snapshot>("snapshot");
        QTest::addColumn<QString>("expected");
        QTest::newRow("healthy") << healthy() << u"Synced Synced Synced"_s;

        Snapshot s = healthy();
        setData(s.management.secrets.first(), u"b3RoZXI="_s);
        QTest::newRow("secret drifted") << s << u"Synced Synced Drifted"_s;

        s = healthy();
        setData(s.management.syncSecrets.first(), u"b3RoZXI="_s);
        QTest::newRow("management copy drifted") << s << u"Synced Drifted Drifted"_s;

        s = healthy();
        setStatus(s.tenants.first().syncSecrets.first(), u"Failed"_s);
        QTest::newRow("tenant failed") << s << u"Failed Synced Synced"_s;

        s = healthy();
        setStatus(s.management.syncSecrets.first(), u"Synced"_s, 0);
        QTest::newRow("observedGeneration behind") << s << u"Synced Pending Synced"_s;

        s = healthy();
        s.management.secrets.clear();
        QTest::newRow("secret missing") << s << u"Synced Synced Missing"_s;

        s = healthy();
        s.management.syncSecrets.clear();
        QTest::newRow("copy missing") << s << u"Synced Missing Missing"_s;

        s = healthy();
        terminate(s.management.syncSecrets.first(), 1);
        QTest::newRow("copy terminating") << s << u"Synced Terminating Synced"_s;

        s = healthy();
        s.tenants.first().syncSecrets.clear();
        QTest::newRow("tenant missing") << s << u"Missing Synced Synced"_s;
    }

    void testLinkStates()
    {
        QFETCH(Snapshot, snapshot);
        QFETCH(QString, expected);
        const QList<LineageChain> chains = buildLineage(snapshot);
        QVERIFY(!chains.isEmpty());
        QCOMPARE(states(chains.first()), expected);
    }

    void testChainIdentity()
    {
        const LineageChain chain = buildLineage(healthy()).first();
        QCOMPARE(chain.tenantContext, u"tenant1"_s);
        QCOMPARE(chain.originNamespace, u"production"_s);
        QCOMPARE(chain.management.object.name, u"t1"_s);
        QCOMPARE(chain.secret.object.name, u"m1"_s);
        QCOMPARE(chain.secret.secondsSinceChange, 3600);
        QVERIFY(chain.warnings.isEmpty());
    }

    void testUnmatchedObjectsGetChains()
    {
        Snapshot s = healthy();
        s.management.secrets.append(ownedSecret(u"tenant-primary"_s, u"t9"_s, u"m9"_s));
        s.management.syncSecrets.append(managementSyncSecret(u"elsewhere"_s, u"t7"_s, u"m7"_s, u"p"_s, u"x"_s));
        const QList<LineageChain> chains = buildLineage(s);
        QCOMPARE(chains.size(), 3);
        QCOMPARE(states(chains[1]), u"Missing Synced Missing"_s);
        QCOMPARE(states(chains[2]), u"Missing Missing Synced"_s);
    }

    void testDataSummaryHasNoValues()
    {
        const QJsonObject o = healthy().management.secrets.first();
        const DataSummary summary = summarizeData(o);
        QCOMPARE(summary.keys.size(), 1);
        QCOMPARE(summary.keys.first().name, u"password"_s);
        QCOMPARE(summary.keys.first().size, qint64(SecretValue.size()));
        QCOMPARE(summary.keys.first().sha256Hex.size(), 64);
        QCOMPARE(summary.fingerprint.size(), 64);
        QVERIFY(!summary.keys.first().sha256Hex.contains(SecretValue.data()));
        QJsonObject stringData = o;
        stringData.remove("data"_L1);
        stringData.insert("stringData"_L1, QJsonObject { { "password"_L1, QString(SecretValue) } });
        QCOMPARE(summarizeData(stringData).fingerprint, summary.fingerprint);
    }

    /// The fast path (in-place base64, libcrypto SHA-256) gives the digests of QByteArray::fromBase64() and
    /// QCryptographicHash, also for sloppy base64, several keys and mixed data/stringData.
    void testDataSummaryDigests_data()
    {
        QTest::addColumn<QJsonObject>("data");
        QTest::addColumn<QJsonObject>("stringData");
        QTest::newRow("one key") << QJsonObject { { "password"_L1, "c2VjcmV0"_L1 } } << QJsonObject {};
        QTest::newRow("several keys, padding, empty") << QJsonObject { { "b"_L1, "YQ=="_L1 }, { "a"_L1, "YWI="_L1 },
            { "c"_L1, ""_L1 }, { "ä"_L1, "eHl6"_L1 } } << QJsonObject {};
        QTest::newRow("sloppy base64") << QJsonObject { { "k"_L1, u"c2Vj\ncmV0=?*é\u00ffYQ"_s } } << QJsonObject {};
        QTest::newRow("stringData wins") << QJsonObject { { "k"_L1, "c2VjcmV0"_L1 }, { "z"_L1, "eA=="_L1 } }
                                         << QJsonObject { { "k"_L1, u"wört"_s } };
    }

    void testDataSummaryDigests()
    {
        QFETCH(QJsonObject, data);
        QFETCH(QJsonObject, stringData);
        QJsonObject o { { "data"_L1, data } };
        if (!stringData.isEmpty())
            o.insert("stringData"_L1, stringData);
        QMap<QString, QByteArray> decoded;
        for (auto it = data.begin(); it != data.end(); ++it)
            decoded.insert(it.key(), QByteArray::fromBase64(it.value().toString().toLatin1()));
        for (auto it = stringData.begin(); it != stringData.end(); ++it)
            decoded.insert(it.key(), it.value().toString().toUtf8());
        QCryptographicHash whole(QCryptographicHash::Sha256);
        QList<DataKey> keys;
        for (auto it = decoded.cbegin(); it != decoded.cend(); ++it) {
            keys.append({ it.key(), it.value().size(),
                QCryptographicHash::hash(it.value(), QCryptographicHash::Sha256).toHex() });
            whole.addData(it.key().toUtf8() + '\0' + QByteArray::number(it.value().size()) + '\0');
            whole.addData(it.value());
        }
        const DataSummary summary = summarizeData(o);
        QCOMPARE(summary.keys.size(), keys.size());
        for (qsizetype i = 0; i < keys.size(); ++i) {
            QCOMPARE(summary.keys[i].name, keys[i].name);
            QCOMPARE(summary.keys[i].size, keys[i].size);
            QCOMPARE(summary.keys[i].sha256Hex, keys[i].sha256Hex);
        }
        QCOMPARE(summary.fingerprint, whole.result().toHex());
    }

    void testCertificate_data()
    {
        QTest::addColumn<int>("daysBefore");
        QTest::addColumn<bool>("expiresSoon");
        QTest::newRow("60 days left") << 60 << false;
        QTest::newRow("10 days left") << 10 << true;
        QTest::newRow("expired") << -1 << true;
    }

    void testCertificate()
    {
        QFETCH(int, daysBefore);
        QFETCH(bool, expiresSoon);
        const QDateTime notAfter(QDate(2036, 11, 25), QTime(10, 54, 48), Qt::UTC);
        Snapshot s = healthy();
        QJsonObject& secret = s.management.secrets.first();
        secret.insert("type"_L1, u"kubernetes.io/tls"_s);
        const QByteArray pem
            = "-----BEGIN CERTIFICATE-----\n" + QByteArray(CertificateB64.data()) + "\n-----END CERTIFICATE-----\n";
        secret.insert("data"_L1, QJsonObject { { "tls.crt"_L1, QString::fromLatin1(pem.toBase64()) } });
        LineageOptions options;
        options.now = notAfter.addDays(-daysBefore);
        const LineageChain chain = buildLineage(s, options).first();
        QVERIFY(chain.secret.certificate.has_value());
        QCOMPARE(chain.secret.certificate->subjectCommonName, u"app.example.com"_s);
        QCOMPARE(chain.secret.certificate->dnsNames, QStringList({ u"app.example.com"_s, u"www.example.com"_s }));
        QCOMPARE(chain.secret.certificate->notAfter, notAfter);
        QCOMPARE(chain.secret.certificate->expiresSoon, expiresSoon);
        QCOMPARE(chain.warnings.join(u' ').contains(u"certificate"_s), expiresSoon);
    }

    void testCertificateParserIsReplaceable()
    {
        CertificateInfo info;
        QVERIFY(!parseCertificate("not a certificate", &info));
        QVERIFY(!parseCertificate(QByteArray("\x30\x82\xff", 3), &info));
        Snapshot s = healthy();
        s.management.secrets.first().insert("type"_L1, u"kubernetes.io/tls"_s);
        s.management.secrets.first().insert("data"_L1, QJsonObject { { "tls.crt"_L1, u"eA=="_s } });
        LineageOptions options;
        options.parseCertificate = [](const QByteArray&, CertificateInfo* out) {
            out->subjectCommonName = u"custom"_s;
            out->notAfter = now().addYears(1);
            return true;
        };
        QCOMPARE(buildLineage(s, options).first().secret.certificate->subjectCommonName, u"custom"_s);
    }

    void testHundredThousandObjects()
    {
        Snapshot s = healthy();
        s.tenants.first().syncSecrets.clear();
        s.management.syncSecrets.clear();
        s.management.secrets.clear();
        for (int i = 0; i < 33334; ++i) {
            const QString t = u"t%1"_s.arg(i), m = u"m%1"_s.arg(i);
            s.tenants.first().syncSecrets.append(tenantSyncSecret(u"production"_s, u"app%1"_s.arg(i), t));
            s.management.syncSecrets.append(managementSyncSecret(u"tenant-primary"_s, t, m, u"production"_s, t));
            s.management.secrets.append(ownedSecret(u"tenant-primary"_s, t, m));
        }
        QElapsedTimer timer;
        timer.start();
        const QList<LineageChain> chains = buildLineage(s);
        qInfo("buildLineage over 100,002 objects: %lld ms", timer.elapsed());
        QCOMPARE(chains.size(), 33334);
        QCOMPARE(states(chains.last()), u"Synced Synced Synced"_s);
    }
};

QTEST_GUILESS_MAIN(TestLineage)
#include "tst_lineage.moc"
