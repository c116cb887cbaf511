// Console contexts: settings round trip without secrets on disk, connection checks against the embedded API server
// over real TLS (success, 401, 403, unknown CA, hostname mismatch, missing exec plugin, connection refused), and
// the contexts dialog driven with QTest.
#include "apiserver/pki.h"
#include "app/settings.h"
#include "kube/restclient.h"
#include "kube/yaml.h"
#include "support/serverthread.h"
#include "views/contexts/connectioncheck.h"
#include "views/contexts/contextsdialog.h"

#include <QCheckBox>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using views::ConnectionState;

class TestContexts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testSettingsRoundTrip();
    void testSettingsFileHoldsNoTypedToken();
    void testCheckConnected();
    void testCheckRejectedToken();
    void testCheckForbiddenNamesVerbAndResource();
    void testCheckUnknownCa();
    void testCheckHostnameMismatch();
    void testCheckMissingExecPlugin();
    void testCheckConnectionRefused();
    void testCheckTypedTokenOverride();
    void testCheckDoesNotBlockTheCallingThread();
    void testDialogPicksManagementAndTenants();
    void testDialogRejectsDuplicateNamespace();
    void testDialogTestButtonShowsState();
    void testDialogEnterTokenConnectsAndGoesToKeychain();
    void testDialogRestoresKeychainCredentialsAndSaves();
    void testDialogCtrlTTestsTheSelectedContext();
    void testDialogReloadDuringACheckIsSafe();

private:
    QByteArray kubeconfigYaml() const;
    kube::Kubeconfig kubeconfig() const;
    views::ConnectionReport check(const QString& context, const QString& token = {});
    QString writeKubeconfig();

    QTemporaryDir m_dir;
    std::unique_ptr<testsupport::ServerThread> m_server;
    QByteArray m_otherCa;
};

void TestContexts::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString tokens = m_dir.filePath(u"tokens.csv"_s);
    QFile file(tokens);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("nobody-token,nobody,uid-9,\n");
    file.close();
    apiserver::ApiServerConfig config;
    config.tokenFile = tokens;
    m_server = std::make_unique<testsupport::ServerThread>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    const auto other = apiserver::pki::createCertificateAuthority(u"someone-else"_s, &error);
    QVERIFY2(other, qPrintable(error));
    m_otherCa = other->certPem;

    // The SyncSecret CRD, so that a healthy context can list SyncSecrets.
    QFile crdFile(QStringLiteral(KUBELB_SOURCE_DIR) + u"/packaging/kubernetes/base/syncsecret-crd.yaml"_s);
    QVERIFY(crdFile.open(QIODevice::ReadOnly));
    const auto crd = kube::yamlToJson(crdFile.readAll());
    QVERIFY(crd && crd->isObject());
    kube::RestClient client(m_server->adminConfig());
    const auto created = client.create(
        { u"apiextensions.k8s.io"_s, u"v1"_s, u"customresourcedefinitions"_s, {}, {}, {} }, crd->toObject());
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message()));
    QTRY_VERIFY_WITH_TIMEOUT(client.list({ u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, {}, {}, {} }), 10000);
}

QByteArray TestContexts::kubeconfigYaml() const
{
    const QByteArray ca = m_server->caPem().toBase64();
    const QByteArray url = m_server->url().toUtf8();
    const QByteArray port = QUrl(m_server->url()).toString().section(u':', -1).toUtf8();
    return "apiVersion: v1\nkind: Config\nclusters:\n"
           "- name: live\n  cluster: {server: "
        + url + ", certificate-authority-data: " + ca
        + "}\n"
          "- name: other-ca\n  cluster: {server: "
        + url + ", certificate-authority-data: " + m_otherCa.toBase64()
        + "}\n"
          "- name: wrong-name\n  cluster: {server: "
        + url + ", certificate-authority-data: " + ca
        + ", tls-server-name: wrong.example}\n"
          "- name: refused\n  cluster: {server: 'https://127.0.0.1:1', certificate-authority-data: "
        + ca
        + "}\n"
          "users:\n"
          "- name: admin\n  user: {token: "
        + m_server->adminToken()
        + "}\n"
          "- name: bad\n  user: {token: not-a-valid-token}\n"
          "- name: nobody\n  user: {token: nobody-token}\n"
          "- name: typed\n  user: {}\n"
          "- name: plugin\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
          "      command: kubelb-no-such-plugin\n      interactiveMode: Never\n"
          "contexts:\n"
          "- name: kubelb\n  context: {cluster: live, user: admin}\n"
          "- name: tenant1\n  context: {cluster: live, user: admin}\n"
          "- name: tenant2\n  context: {cluster: live, user: typed}\n"
          "- name: bad-token\n  context: {cluster: live, user: bad}\n"
          "- name: nobody\n  context: {cluster: live, user: nobody}\n"
          "- name: unknown-ca\n  context: {cluster: other-ca, user: admin}\n"
          "- name: wrong-name\n  context: {cluster: wrong-name, user: admin}\n"
          "- name: no-plugin\n  context: {cluster: live, user: plugin}\n"
          "- name: refused\n  context: {cluster: refused, user: admin}\n"
          "current-context: kubelb\n";
}

QString TestContexts::writeKubeconfig()
{
    const QString path = m_dir.filePath(u"kubeconfig"_s);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(kubeconfigYaml());
    return path;
}

kube::Kubeconfig TestContexts::kubeconfig() const
{
    const auto parsed = kube::parseKubeconfig(kubeconfigYaml(), m_dir.filePath(u"kubeconfig"_s));
    return parsed ? *parsed : kube::Kubeconfig {};
}

views::ConnectionReport TestContexts::check(const QString& context, const QString& token)
{
    views::ConnectionCheck check(kubeconfig(), context);
    check.setTokenOverride(token);
    QSignalSpy finished(&check, &views::ConnectionCheck::finished);
    check.start();
    if (!finished.wait(20000))
        return { ConnectionState::Unknown, u"no report within 20 s"_s, {} };
    return check.report();
}

void TestContexts::testSettingsRoundTrip()
{
    QSettings qsettings(m_dir.filePath(u"roundtrip.ini"_s), QSettings::IniFormat);
    app::Settings settings(qsettings);
    QVERIFY(settings.consoleConfig().isEmpty());
    views::ConsoleConfig config;
    config.kubeconfigFiles = { u"/a/kubeconfig"_s, u"/b/kubeconfig"_s };
    config.managementContext = u"kubelb"_s;
    config.tenants = { { u"tenant1"_s, u"tenant-primary"_s }, { u"team/eu"_s, u"tenant-eu"_s } };
    config.metricsUrls.insert(u"kubelb"_s, QUrl(u"http://127.0.0.1:8080/metrics"_s));
    settings.setConsoleConfig(config);
    settings.setWindowGeometry(u"main"_s, "geometry-bytes");
    settings.setUsesKeychain(u"team/eu"_s, app::CredentialKind::Token, true);
    settings.sync();

    QSettings reread(m_dir.filePath(u"roundtrip.ini"_s), QSettings::IniFormat);
    const app::Settings again(reread);
    const views::ConsoleConfig back = again.consoleConfig();
    QCOMPARE(back.kubeconfigFiles, config.kubeconfigFiles);
    QCOMPARE(back.managementContext, u"kubelb"_s);
    QCOMPARE(back.tenants.size(), 2);
    QCOMPARE(back.tenants[1].context, u"team/eu"_s);
    QCOMPARE(back.tenants[1].managementNamespace, u"tenant-eu"_s);
    QCOMPARE(back.metricsUrls, config.metricsUrls);
    QCOMPARE(again.windowGeometry(u"main"_s), QByteArray("geometry-bytes"));
    QVERIFY(again.usesKeychain(u"team/eu"_s, app::CredentialKind::Token));
    QVERIFY(!again.usesKeychain(u"team/eu"_s, app::CredentialKind::Password));
    QVERIFY(!again.usesKeychain(u"team"_s, app::CredentialKind::Token));

    config.tenants.removeLast(); // fewer tenants leave no stale entries
    app::Settings(reread).setConsoleConfig(config);
    QCOMPARE(app::Settings(reread).consoleConfig().tenants.size(), 1);
}

void TestContexts::testSettingsFileHoldsNoTypedToken()
{
    // The flow of the dialog: a token is typed, goes to the keychain, and only the flag is saved.
    const QString path = m_dir.filePath(u"nosecret.ini"_s);
    const QString typed = u"typed-secret-token-4711"_s;
    {
        QSettings qsettings(path, QSettings::IniFormat);
        app::Settings settings(qsettings);
        views::ContextsDialog dialog;
        QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
        dialog.setTypedCredential(u"tenant2"_s, app::CredentialKind::Token, typed);
        dialog.findChild<QRadioButton*>(u"management:kubelb"_s)->setChecked(true);
        dialog.findChild<QCheckBox*>(u"tenant:tenant2"_s)->setChecked(true);
        QVERIFY2(dialog.validationError().isEmpty(), qPrintable(dialog.validationError()));
        settings.setConsoleConfig(dialog.consoleConfig());
        settings.setUsesKeychain(u"tenant2"_s, app::CredentialKind::Token, true);
        settings.sync();
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray onDisk = file.readAll();
    QVERIFY(onDisk.contains("tenant-tenant2"));
    QVERIFY(onDisk.contains("keychain"));
    QVERIFY2(!onDisk.contains(typed.toUtf8()), "the typed token reached the settings file");
    QVERIFY2(!onDisk.contains(m_server->adminToken()), "a kubeconfig token reached the settings file");
}

void TestContexts::testCheckConnected()
{
    const views::ConnectionReport report = check(u"kubelb"_s);
    QCOMPARE(report.state, ConnectionState::Connected);
    QVERIFY2(report.message.contains(u"SyncSecrets can be listed"_s), qPrintable(report.message));
    QVERIFY(report.serverVersion.startsWith(u'v'));
}

void TestContexts::testCheckRejectedToken()
{
    const views::ConnectionReport report = check(u"bad-token"_s);
    QCOMPARE(report.state, ConnectionState::Failed);
    QVERIFY2(report.message.contains(u"the credentials for context bad-token were rejected (401)"_s),
        qPrintable(report.message));
    QVERIFY(report.message.contains(u"token expired or wrong"_s));
    QVERIFY(!report.message.contains(u"not-a-valid-token"_s));
}

void TestContexts::testCheckForbiddenNamesVerbAndResource()
{
    const views::ConnectionReport report = check(u"nobody"_s);
    QCOMPARE(report.state, ConnectionState::Failed);
    QVERIFY2(report.message.contains(u"forbidden (403)"_s), qPrintable(report.message));
    QVERIFY2(report.message.contains(u"cannot list resource \"syncsecrets\""_s), qPrintable(report.message));
    QVERIFY(!report.message.contains(u"nobody-token"_s));
}

void TestContexts::testCheckUnknownCa()
{
    const views::ConnectionReport report = check(u"unknown-ca"_s);
    QCOMPARE(report.state, ConnectionState::Failed);
    QVERIFY2(report.message.contains(u"signed by an unknown CA"_s), qPrintable(report.message));
    QVERIFY(report.message.contains(u"certificate-authority"_s));
    QVERIFY(report.message.contains(u"insecure-skip-tls-verify"_s));
    QVERIFY2(report.message.contains(m_dir.filePath(u"kubeconfig"_s)), qPrintable(report.message));
}

void TestContexts::testCheckHostnameMismatch()
{
    const views::ConnectionReport report = check(u"wrong-name"_s);
    QCOMPARE(report.state, ConnectionState::Failed);
    QVERIFY2(report.message.contains(u"is not valid for wrong.example"_s), qPrintable(report.message));
    QVERIFY(report.message.contains(u"tls-server-name"_s));
}

void TestContexts::testCheckMissingExecPlugin()
{
    const views::ConnectionReport report = check(u"no-plugin"_s);
    QCOMPARE(report.state, ConnectionState::Failed);
    QVERIFY2(report.message.contains(u"\"kubelb-no-such-plugin\" not found on PATH ("_s + qEnvironmentVariable("PATH")),
        qPrintable(report.message));
    QVERIFY(report.message.contains(u"Install the plugin, or fix command:"_s));
    QVERIFY2(report.message.contains(u"users[4].user.exec.command"_s), qPrintable(report.message));
}

void TestContexts::testCheckConnectionRefused()
{
    const views::ConnectionReport report = check(u"refused"_s);
    QCOMPARE(report.state, ConnectionState::Failed);
    QVERIFY2(report.message.contains(u"connection refused by 127.0.0.1:1"_s), qPrintable(report.message));
    QVERIFY(report.message.contains(u"server:"_s));
}

void TestContexts::testCheckTypedTokenOverride()
{
    const views::ConnectionReport anonymous = check(u"tenant2"_s);
    QCOMPARE(anonymous.state, ConnectionState::Failed);
    QVERIFY2(anonymous.message.contains(u"requires credentials (401) and user \"typed\" has none"_s),
        qPrintable(anonymous.message));
    const views::ConnectionReport report = check(u"tenant2"_s, QString::fromLatin1(m_server->adminToken()));
    QCOMPARE(report.state, ConnectionState::Connected);
}

void TestContexts::testCheckDoesNotBlockTheCallingThread()
{
    views::ConnectionCheck check(kubeconfig(), u"kubelb"_s);
    QSignalSpy states(&check, &views::ConnectionCheck::stateChanged);
    check.start();
    QCOMPARE(states.size(), 1); // Connecting, before any network traffic
    QCOMPARE(states[0][0].value<ConnectionState>(), ConnectionState::Connecting);
    QTRY_COMPARE_WITH_TIMEOUT(check.report().state, ConnectionState::Connected, 20000);
}

void TestContexts::testDialogPicksManagementAndTenants()
{
    views::ContextsDialog dialog;
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* management = dialog.findChild<QRadioButton*>(u"management:kubelb"_s);
    management->setFocus();
    QTest::keyClick(management, Qt::Key_Space);
    QVERIFY(management->isChecked());
    auto* tenant1 = dialog.findChild<QCheckBox*>(u"tenant:tenant1"_s);
    auto* tenant2 = dialog.findChild<QCheckBox*>(u"tenant:tenant2"_s);
    tenant1->setFocus();
    QTest::keyClick(tenant1, Qt::Key_Space);
    QVERIFY(tenant1->isChecked());
    tenant2->setFocus();
    QTest::keyClick(tenant2, Qt::Key_Space);
    auto* ns1 = dialog.findChild<QLineEdit*>(u"namespace:tenant1"_s);
    auto* ns2 = dialog.findChild<QLineEdit*>(u"namespace:tenant2"_s);
    QCOMPARE(ns1->text(), u"tenant-tenant1"_s); // the specification's tenant-<name> convention
    ns1->selectAll();
    QTest::keyClicks(ns1, u"tenant-primary"_s);
    ns2->clear();

    auto* validation = dialog.findChild<QLabel*>(u"validationLabel"_s);
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY(validation->isVisible());
    QVERIFY2(validation->text().contains(u"Tenant context \"tenant2\" needs its management namespace"_s),
        qPrintable(validation->text()));
    QVERIFY(ns2->hasFocus() || !QApplication::focusWidget()); // focus goes to the missing field

    QTest::keyClicks(ns2, u"tenant-secondary"_s);
    QTest::keyClicks(dialog.findChild<QLineEdit*>(u"metrics:kubelb"_s), u"http://127.0.0.1:8080/metrics"_s);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const views::ConsoleConfig config = dialog.consoleConfig();
    QCOMPARE(config.kubeconfigFiles, QStringList { m_dir.filePath(u"kubeconfig"_s) });
    QCOMPARE(config.managementContext, u"kubelb"_s);
    QCOMPARE(config.tenants.size(), 2);
    QCOMPARE(config.tenants[0].context, u"tenant1"_s);
    QCOMPARE(config.tenants[0].managementNamespace, u"tenant-primary"_s);
    QCOMPARE(config.tenants[1].context, u"tenant2"_s);
    QCOMPARE(config.tenants[1].managementNamespace, u"tenant-secondary"_s);
    QCOMPARE(config.metricsUrls.size(), 1);
    QCOMPARE(config.metricsUrls.value(u"kubelb"_s), QUrl(u"http://127.0.0.1:8080/metrics"_s));

    views::ContextsDialog reopened; // a saved configuration comes back preselected
    reopened.setConsoleConfig(config);
    QCOMPARE(reopened.consoleConfig().tenants.size(), 2);
    QCOMPARE(reopened.consoleConfig().tenants[1].managementNamespace, u"tenant-secondary"_s);
    QVERIFY(reopened.findChild<QRadioButton*>(u"management:kubelb"_s)->isChecked());
}

void TestContexts::testDialogRejectsDuplicateNamespace()
{
    views::ContextsDialog dialog;
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
    QVERIFY(dialog.validationError().contains(u"Choose the management context"_s));
    dialog.findChild<QRadioButton*>(u"management:kubelb"_s)->setChecked(true);
    dialog.findChild<QCheckBox*>(u"tenant:tenant1"_s)->setChecked(true);
    dialog.findChild<QCheckBox*>(u"tenant:tenant2"_s)->setChecked(true);
    dialog.findChild<QLineEdit*>(u"namespace:tenant2"_s)->setText(u"tenant-tenant1"_s);
    QVERIFY2(dialog.validationError().contains(u"both use management namespace \"tenant-tenant1\""_s),
        qPrintable(dialog.validationError()));
    dialog.findChild<QLineEdit*>(u"namespace:tenant2"_s)->setText(u"Not_A_Namespace"_s);
    QVERIFY(dialog.validationError().contains(u"is not a valid namespace name"_s));
    dialog.findChild<QLineEdit*>(u"namespace:tenant2"_s)->setText(u"tenant-two"_s);
    QVERIFY(dialog.validationError().isEmpty());
}

void TestContexts::testDialogTestButtonShowsState()
{
    views::ContextsDialog dialog;
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
    dialog.show();
    QVERIFY(dialog.findChild<QPushButton*>(u"credential:tenant2"_s)); // no credentials: the user may type one
    QVERIFY(!dialog.findChild<QPushButton*>(u"credential:kubelb"_s));
    QSignalSpy states(&dialog, &views::ContextsDialog::connectionStateChanged);
    QTest::mouseClick(dialog.findChild<QPushButton*>(u"test:no-plugin"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.report(u"no-plugin"_s).state, ConnectionState::Failed, 20000);
    auto* message = dialog.findChild<QLabel*>(u"connectionMessage"_s);
    QVERIFY2(message->text().contains(u"kubelb-no-such-plugin"_s), qPrintable(message->text()));
    QCOMPARE(states.first()[1].value<ConnectionState>(), ConnectionState::Connecting);
}

void TestContexts::testDialogEnterTokenConnectsAndGoesToKeychain()
{
    app::CredentialStore store(u"kubelb-console-test-%1"_s.arg(QCoreApplication::applicationPid()));
    views::ContextsDialog dialog(&store);
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
    dialog.show();
    QSignalSpy stored(&dialog, &views::ContextsDialog::credentialStored);
    // The token prompt is modal: answer it from the event loop once it is up.
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&] {
        auto* input = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
        if (!input)
            return;
        answer.stop();
        auto* edit = input->findChild<QLineEdit*>();
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QTest::keyClicks(edit, QString::fromLatin1(m_server->adminToken()));
        input->accept();
    });
    answer.start(20);
    QTest::mouseClick(dialog.findChild<QPushButton*>(u"credential:tenant2"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.report(u"tenant2"_s).state, ConnectionState::Connected, 40000);
    auto* notice = dialog.findChild<QLabel*>(u"loadNotice"_s);
    if (app::CredentialStore::secretServiceAvailable()) {
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored[0][0].toString(), u"tenant2"_s);
        app::CredentialJob* remove = store.remove(u"tenant2"_s, app::CredentialKind::Token);
        QSignalSpy removed(remove, &app::CredentialJob::finished);
        remove->start();
        QVERIFY(removed.wait(35000));
    } else {
        QCOMPARE(stored.size(), 0);
        QVERIFY2(notice->text().startsWith(u"Not remembered: "_s), qPrintable(notice->text()));
    }
    QVERIFY(!notice->text().contains(QString::fromLatin1(m_server->adminToken())));
}

void TestContexts::testDialogRestoresKeychainCredentialsAndSaves()
{
    QSettings qsettings(m_dir.filePath(u"restore.ini"_s), QSettings::IniFormat);
    app::Settings settings(qsettings);
    settings.setUsesKeychain(u"tenant2"_s, app::CredentialKind::Token, true);
    app::CredentialStore store(u"kubelb-console-test-%1"_s.arg(QCoreApplication::applicationPid()));
    QDBusConnection bus = QDBusConnection::sessionBus();
    const bool keychain = bus.isConnected() && bus.interface()->isServiceRegistered(u"org.freedesktop.secrets"_s);
    auto finish = [](app::CredentialJob* job) {
        QSignalSpy done(job, &app::CredentialJob::finished);
        job->start();
        return done.wait(35000);
    };
    if (keychain)
        QVERIFY(
            finish(store.store(u"tenant2"_s, app::CredentialKind::Token, QString::fromLatin1(m_server->adminToken()))));

    views::ContextsDialog dialog(&store);
    dialog.setSettings(&settings);
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
    auto* notice = dialog.findChild<QLabel*>(u"loadNotice"_s);
    if (keychain) {
        QTRY_VERIFY_WITH_TIMEOUT(dialog.hasTypedCredential(u"tenant2"_s), 35000);
        dialog.testContext(u"tenant2"_s);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.report(u"tenant2"_s).state, ConnectionState::Connected, 20000);
        QVERIFY(finish(store.remove(u"tenant2"_s, app::CredentialKind::Token)));
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(notice->text().startsWith(u"Not loaded from the keychain: "_s), 35000);
        QVERIFY(!dialog.hasTypedCredential(u"tenant2"_s));
    }

    dialog.findChild<QRadioButton*>(u"management:kubelb"_s)->setChecked(true);
    dialog.findChild<QCheckBox*>(u"tenant:tenant2"_s)->setChecked(true);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const views::ConsoleConfig saved = app::Settings(qsettings).consoleConfig();
    QCOMPARE(saved.managementContext, u"kubelb"_s);
    QCOMPARE(saved.tenants.size(), 1);
    QCOMPARE(saved.tenants[0].managementNamespace, u"tenant-tenant2"_s);
}

void TestContexts::testDialogCtrlTTestsTheSelectedContext()
{
    views::ContextsDialog dialog;
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    auto* table = dialog.findChild<QTableWidget*>(u"contextsTable"_s);
    table->setFocus();
    table->setCurrentCell(0, 0); // kubelb
    QTest::keyClick(table, Qt::Key_Down); // tenant1
    QTest::keyClick(table, Qt::Key_T, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.report(u"tenant1"_s).state, ConnectionState::Connected, 20000);
    QCOMPARE(dialog.report(u"kubelb"_s).state, ConnectionState::Unknown);
}

// A check still running when its row is rebuilt must not report into the deleted row (a sanitizer build turns that
// into a failure; a plain build only shows the state of the new row).
void TestContexts::testDialogReloadDuringACheckIsSafe()
{
    views::ContextsDialog dialog;
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() }));
    dialog.testContext(u"kubelb"_s);
    QVERIFY(dialog.loadKubeconfigs({ writeKubeconfig() })); // the rows (and their checks) are rebuilt
    QCOMPARE(dialog.report(u"kubelb"_s).state, ConnectionState::Unknown);
    dialog.testContext(u"kubelb"_s);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.report(u"kubelb"_s).state, ConnectionState::Connected, 20000);
}

QTEST_MAIN(TestContexts)
#include "tst_contexts.moc"
