// A real QtKeychain round trip against the Secret Service (gnome-keyring under dbus-run-session in
// `scripts/dev.sh test`); skipped, saying exactly why, when no Secret Service runs on the session bus.
#include "app/credentialstore.h"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using app::CredentialJob;
using app::CredentialKind;

namespace {

struct Outcome {
    CredentialJob::Error error = CredentialJob::Error::Other;
    QString errorString;
    QString secret;
};

Outcome run(CredentialJob* job)
{
    Outcome outcome;
    QObject::connect(job, &CredentialJob::finished, job, [&outcome](CredentialJob* done) {
        outcome = { done->error(), done->errorString(), done->secret() };
    });
    QSignalSpy finished(job, &CredentialJob::finished);
    job->start();
    if (!finished.wait(35000))
        outcome.errorString = u"no answer within 35 s"_s;
    return outcome;
}

} // namespace

class TestCredentialStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testRoundTrip();
    void testKeysArePerContextAndKind();
    void testWithoutSessionBusTheErrorSaysWhy();

private:
    QString m_service = u"kubelb-console-test-%1"_s.arg(QCoreApplication::applicationPid());
    bool m_available = false;
    QString m_why;
};

void TestCredentialStore::initTestCase()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        m_why = u"no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS=\"%1\"): run the suite under dbus-run-session with "
                "gnome-keyring-daemon --unlock --components=secrets, as scripts/dev.sh test does"_s.arg(
                    qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"));
    else if (!bus.interface()->isServiceRegistered(u"org.freedesktop.secrets"_s))
        m_why = u"the session bus has no running Secret Service (org.freedesktop.secrets): start "
                "`echo -n \"\" | gnome-keyring-daemon --unlock --components=secrets` in this session"_s;
    m_available = m_why.isEmpty();
}

void TestCredentialStore::testRoundTrip()
{
    if (!m_available)
        QSKIP(qPrintable(m_why));
    app::CredentialStore store(m_service);
    const QString context = u"tenant1"_s;
    Outcome o = run(store.store(context, CredentialKind::Token, u"first-token-value"_s));
    QVERIFY2(o.error == CredentialJob::Error::NoError, qPrintable(o.errorString));
    o = run(store.load(context, CredentialKind::Token));
    QVERIFY2(o.error == CredentialJob::Error::NoError, qPrintable(o.errorString));
    QVERIFY(o.secret == u"first-token-value"_s); // QVERIFY: a failing QCOMPARE would print the value
    o = run(store.store(context, CredentialKind::Token, u"second-token-value"_s));
    QVERIFY2(o.error == CredentialJob::Error::NoError, qPrintable(o.errorString));
    o = run(store.load(context, CredentialKind::Token));
    QVERIFY(o.secret == u"second-token-value"_s);
    o = run(store.remove(context, CredentialKind::Token));
    QVERIFY2(o.error == CredentialJob::Error::NoError, qPrintable(o.errorString));
    o = run(store.load(context, CredentialKind::Token));
    QCOMPARE(int(o.error), int(CredentialJob::Error::NotFound));
    QVERIFY(o.secret.isEmpty());
    QVERIFY2(o.errorString.contains(u"no token for context \"tenant1\""_s), qPrintable(o.errorString));
    o = run(store.remove(context, CredentialKind::Token)); // removing what is gone succeeds
    QVERIFY2(o.error == CredentialJob::Error::NoError, qPrintable(o.errorString));
}

void TestCredentialStore::testKeysArePerContextAndKind()
{
    QCOMPARE(app::CredentialStore::keyFor(u"kubelb"_s, CredentialKind::Password), u"kubelb/password"_s);
    if (!m_available)
        QSKIP(qPrintable(m_why));
    app::CredentialStore store(m_service);
    QCOMPARE(int(run(store.store(u"a"_s, CredentialKind::Token, u"token-a"_s)).error), 0);
    QCOMPARE(int(run(store.store(u"a"_s, CredentialKind::Password, u"password-a"_s)).error), 0);
    QCOMPARE(int(run(store.store(u"b"_s, CredentialKind::Token, u"token-b"_s)).error), 0);
    QVERIFY(run(store.load(u"a"_s, CredentialKind::Token)).secret == u"token-a"_s);
    QVERIFY(run(store.load(u"a"_s, CredentialKind::Password)).secret == u"password-a"_s);
    QVERIFY(run(store.load(u"b"_s, CredentialKind::Token)).secret == u"token-b"_s);
    for (const auto& [context, kind] : { std::pair { u"a"_s, CredentialKind::Token },
             std::pair { u"a"_s, CredentialKind::Password }, std::pair { u"b"_s, CredentialKind::Token } })
        QCOMPARE(int(run(store.remove(context, kind)).error), 0);
}

void TestCredentialStore::testWithoutSessionBusTheErrorSaysWhy()
{
    // The session bus connection is per process: the store runs in a child whose bus address leads nowhere.
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/kubelb-test-bus"_s);
    env.remove(u"DISPLAY"_s); // no X11 autolaunch of a bus
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), { u"--store-without-bus"_s });
    QVERIFY(child.waitForFinished(30000));
    const QString output = QString::fromUtf8(child.readAllStandardOutput());
    QVERIFY2(output.startsWith(u"NoSecretService: no D-Bus session bus"_s), qPrintable(output));
    QVERIFY2(output.contains(u"gnome-keyring or KWallet"_s), qPrintable(output));
    QVERIFY(!output.contains(u"child-secret"_s));
}

int main(int argc, char** argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--store-without-bus") == 0) {
        QCoreApplication app(argc, argv);
        app::CredentialStore store(u"kubelb-console-test"_s);
        const Outcome o = run(store.store(u"ctx"_s, CredentialKind::Token, u"child-secret"_s));
        const bool noService = o.error == CredentialJob::Error::NoSecretService;
        printf("%s: %s\n", noService ? "NoSecretService" : "other", qPrintable(o.errorString));
        return 0;
    }
    QCoreApplication app(argc, argv);
    TestCredentialStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_credentialstore.moc"
