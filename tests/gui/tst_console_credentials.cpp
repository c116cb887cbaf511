// Typed credentials reach every action the console takes on a cluster. An embedded API server (TLS, token auth)
// and two kubeconfig files: the first has tenant1 with the admin token, the second the management context
// "kubelb" whose user has NO credentials. Through app::ConsoleWiring (the console's own path) the cleanup wizard
// resolves contexts like the live view: both files, plus the token typed for "kubelb". Without the typed token its
// actions fail with the server's 401 and change nothing; with it the live view connects, the orphan scan finds the
// orphan, and the wizard's dry run and execution succeed. The keychain case (a context flagged as keychain-backed in
// the settings: at start the console loads its token from the Secret Service and connects) needs gnome-keyring
// under dbus-run-session, as `scripts/dev.sh test` runs the suites; without it that test skips and says why.
#include "app/consolewiring.h"
#include "app/credentialstore.h"
#include "app/settings.h"
#include "kube/restclient.h"
#include "kube/yaml.h"
#include "models/orphanmodel.h"
#include "support/serverthread.h"
#include "views/orphans/cleanupwizard.h"
#include "views/orphans/orphanspage.h"
#include "views/shell/auditlog.h"
#include "views/shell/controllerhost.h"
#include "views/shell/livestate.h"
#include "views/shell/mainwindow.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using views::CleanupWizard;

namespace {

const kube::ResourcePath kSecrets { {}, u"v1"_s, u"secrets"_s, u"tenant-primary"_s, {}, {} };

/// A management copy's Secret whose SyncSecret is gone (orphan class 2); "dmFsdWU=" is the data value.
QJsonObject orphanSecret()
{
    return QJsonObject {
        { u"apiVersion"_s, u"v1"_s },
        { u"kind"_s, u"Secret"_s },
        { u"metadata"_s,
            QJsonObject { { u"name"_s, u"orphan-no-owner"_s }, { u"namespace"_s, u"tenant-primary"_s },
                { u"labels"_s,
                    QJsonObject { { u"kubelb.k8c.io/origin-name"_s, u"old-app"_s },
                        { u"kubelb.k8c.io/origin-namespace"_s, u"production"_s } } } } },
        { u"data"_s, QJsonObject { { u"k"_s, u"dmFsdWU="_s } } },
    };
}

using State = views::ContextStatus::State;

/// The state of `context` in the live view as an int (QCOMPARE prints it).
int stateOf(const views::LiveState& live, const QString& context)
{
    for (const views::ContextStatus& s : live.statuses())
        if (s.context == context)
            return int(s.state);
    return int(State::Connecting);
}

QString errorOf(const views::LiveState& live, const QString& context)
{
    for (const views::ContextStatus& s : live.statuses())
        if (s.context == context)
            return s.error;
    return {};
}

} // namespace

class TestConsoleCredentials : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testWithoutTypedTokenActionsFailWith401();
    void testTypedTokenScanDryRunAndExecute();
    void testKeychainCredentialIsRestoredAtStart();

private:
    /// The console's parts for `config` (as main() builds them); `settings`/`store` may be nullptr.
    struct Console {
        std::unique_ptr<views::LiveState> live;
        std::unique_ptr<views::ControllerHost> controllers;
        std::unique_ptr<views::AuditLog> audit;
        std::unique_ptr<views::MainWindow> window;
        std::unique_ptr<app::ConsoleWiring> wiring;
    };
    std::unique_ptr<Console> console(app::Settings* settings = nullptr, app::CredentialStore* store = nullptr);
    kube::RestClient admin() const { return kube::RestClient(m_server->adminConfig()); }

    QTemporaryDir m_dir;
    std::unique_ptr<testsupport::ServerThread> m_server;
    views::ConsoleConfig m_config;
};

void TestConsoleCredentials::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<testsupport::ServerThread>();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    QFile crdFile(QStringLiteral(KUBELB_SOURCE_DIR) + u"/packaging/kubernetes/base/syncsecret-crd.yaml"_s);
    QVERIFY(crdFile.open(QIODevice::ReadOnly));
    const auto crd = kube::yamlToJson(crdFile.readAll());
    QVERIFY(crd && crd->isObject());
    kube::RestClient client = admin();
    const auto created = client.create(
        { u"apiextensions.k8s.io"_s, u"v1"_s, u"customresourcedefinitions"_s, {}, {}, {} }, crd->toObject());
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message()));
    QTRY_VERIFY_WITH_TIMEOUT(client.list({ u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, {}, {}, {} }), 10000);
    const auto ns = client.create({ {}, u"v1"_s, u"namespaces"_s, {}, {}, {} },
        QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
            { u"metadata"_s, QJsonObject { { u"name"_s, u"tenant-primary"_s } } } });
    QVERIFY2(ns, qPrintable(ns ? QString() : ns.error().message()));

    // Two files, as KUBECONFIG=a:b: the management context and its credential-less user only in the second.
    const QByteArray cluster = "- name: live\n  cluster: {server: " + m_server->url().toUtf8()
        + ", certificate-authority-data: " + m_server->caPem().toBase64() + "}\n";
    const QByteArray first = "apiVersion: v1\nkind: Config\nclusters:\n" + cluster
        + "users:\n- name: admin\n  user: {token: " + m_server->adminToken()
        + "}\ncontexts:\n- name: tenant1\n  context: {cluster: live, user: admin}\ncurrent-context: tenant1\n";
    const QByteArray second = "apiVersion: v1\nkind: Config\nclusters:\n" + cluster
        + "users:\n- name: typed\n  user: {}\ncontexts:\n- name: kubelb\n  context: {cluster: live, user: typed}\n";
    for (const auto& [name, text] : { std::pair { u"a.yaml"_s, first }, std::pair { u"b.yaml"_s, second } }) {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
        m_config.kubeconfigFiles.append(file.fileName());
    }
    m_config.managementContext = u"kubelb"_s;
    m_config.tenants = { { u"tenant1"_s, u"tenant-primary"_s } };
}

void TestConsoleCredentials::cleanupTestCase()
{
    m_server.reset();
    kube::releaseThreadNetwork();
}

std::unique_ptr<TestConsoleCredentials::Console> TestConsoleCredentials::console(
    app::Settings* settings, app::CredentialStore* store)
{
    auto c = std::make_unique<Console>();
    c->live = std::make_unique<views::LiveState>();
    c->live->setConfig(m_config);
    c->controllers = std::make_unique<views::ControllerHost>();
    c->controllers->setConfig(m_config);
    c->audit = std::make_unique<views::AuditLog>(m_dir.filePath(u"audit.log"_s));
    c->window = std::make_unique<views::MainWindow>(c->live.get(), c->controllers.get(), c->audit.get());
    c->wiring = std::make_unique<app::ConsoleWiring>(
        c->window.get(), c->live.get(), c->controllers.get(), settings, store, c->audit->path());
    c->wiring->setOrphanAge(std::chrono::seconds(0));
    c->wiring->install();
    return c;
}

void TestConsoleCredentials::testWithoutTypedTokenActionsFailWith401()
{
    kube::RestClient client = admin();
    const auto secret = client.create(kSecrets, orphanSecret());
    QVERIFY2(secret, qPrintable(secret ? QString() : secret.error().message()));
    auto c = console();
    // The live view cannot list the management cluster: it says why, with the server's 401.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*c->live, u"kubelb"_s), int(State::Failed), 30000);
    QVERIFY2(errorOf(*c->live, u"kubelb"_s).contains(u"401"_s), qPrintable(errorOf(*c->live, u"kubelb"_s)));
    // tenant1 comes from the first file and connects: both files are read.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*c->live, u"tenant1"_s), int(State::Healthy), 30000);

    // The wizard's actions, created as the Orphans page creates them: a clear 401, and nothing removed.
    const QJsonObject meta = secret->value(u"metadata"_s).toObject();
    models::ObjectRef ref;
    ref.context = u"kubelb"_s;
    ref.kind = u"Secret"_s;
    ref.namespace_ = u"tenant-primary"_s;
    ref.name = u"orphan-no-owner"_s;
    ref.uid = meta.value(u"uid"_s).toString();
    ref.resourceVersion = meta.value(u"resourceVersion"_s).toString();
    const auto actions = c->wiring->makeClusterActions();
    const models::ReadResult read = actions->read(ref.context, ref.kind, ref.namespace_, ref.name);
    QCOMPARE(read.status, models::ReadResult::Error);
    QVERIFY2(read.error.contains(u"401 Unauthorized"_s) && read.error.contains(u"kubelb"_s), qPrintable(read.error));
    for (const bool dryRun : { true, false }) {
        const models::ActionResult removed = actions->remove(ref, dryRun);
        QVERIFY(!removed.ok);
        QVERIFY2(removed.error.contains(u"401 Unauthorized"_s), qPrintable(removed.error));
        QVERIFY(!removed.error.contains(QString::fromLatin1(m_server->adminToken())));
    }
    QVERIFY(client.get(kSecrets.withName(u"orphan-no-owner"_s)));
    // The tenant context, which has its credentials in the first file, works through the same actions.
    const models::ReadResult tenant = actions->read(u"tenant1"_s, u"Secret"_s, u"tenant-primary"_s, ref.name);
    QVERIFY2(tenant.status == models::ReadResult::Found, qPrintable(tenant.error));
}

void TestConsoleCredentials::testTypedTokenScanDryRunAndExecute()
{
    kube::RestClient client = admin();
    const kube::ResourcePath path = kSecrets.withName(u"orphan-no-owner"_s);
    if (!client.get(path))
        QVERIFY(client.create(kSecrets, orphanSecret()));
    auto c = console();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*c->live, u"kubelb"_s), int(State::Failed), 30000);
    // What the contexts dialog's OK and the keychain restore hand over.
    c->wiring->setTypedCredentials(
        { { u"kubelb"_s, views::TypedCredential { false, QString::fromLatin1(m_server->adminToken()) } } });
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*c->live, u"kubelb"_s), int(State::Healthy), 30000);

    // The orphan scan (the live snapshot) finds the orphan.
    views::OrphansPage* page = c->wiring->orphansPage();
    QVERIFY(page);
    QTRY_VERIFY_WITH_TIMEOUT(
        [page] {
            if (page->scanning())
                return false;
            for (const models::Orphan& o : page->model()->orphans())
                if (o.object.name == u"orphan-no-owner")
                    return true;
            page->rescan();
            return false;
        }(),
        30000);

    // The wizard: its dry run succeeds on the review page, then the execution removes the orphan.
    CleanupWizard* w = page->openCleanupWizard();
    QVERIFY(w);
    w->next();
    auto* next = w->button(QWizard::NextButton);
    QTRY_VERIFY_WITH_TIMEOUT(next->isEnabled(), 60000);
    QCOMPARE(w->currentId(), int(CleanupWizard::ReviewPageId));
    const models::CleanupReport dryRun = w->session().dryRun;
    QVERIFY(!dryRun.outcomes.isEmpty());
    for (const auto& o : dryRun.outcomes)
        QVERIFY2(o.result == models::ActionOutcome::Done, qPrintable(o.action.orphan.object.display() + o.reason));
    QVERIFY(client.get(path)); // a dry run
    w->next();
    w->findChild<QLineEdit*>(u"backupPath"_s)->setText(m_dir.filePath(u"backup.yaml"_s));
    w->next();
    QTest::keyClicks(w->findChild<QLineEdit*>(u"confirmName"_s), u"kubelb"_s);
    QTest::mouseClick(w->button(QWizard::CommitButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w->currentId(), int(CleanupWizard::ReportPageId), 60000);
    const models::CleanupReport& report = w->session().report;
    QVERIFY2(!report.aborted, qPrintable(report.abortReason));
    QVERIFY(!report.outcomes.isEmpty());
    for (const auto& o : report.outcomes)
        QVERIFY2(o.result == models::ActionOutcome::Done, qPrintable(o.action.orphan.object.display() + o.reason));
    QTRY_VERIFY_WITH_TIMEOUT(!client.get(path) && client.get(path).error().isNotFound(), 30000);
    w->close();
}

void TestConsoleCredentials::testKeychainCredentialIsRestoredAtStart()
{
    QString why;
    if (!app::CredentialStore::secretServiceAvailable(&why))
        QSKIP(qPrintable(u"no Secret Service (%1): run under dbus-run-session with gnome-keyring-daemon --unlock "
                         "--components=secrets, as scripts/dev.sh test does"_s.arg(why)));
    app::CredentialStore store(u"kubelb-console-test-%1"_s.arg(QCoreApplication::applicationPid()));
    auto finish = [](app::CredentialJob* job) {
        QSignalSpy done(job, &app::CredentialJob::finished);
        job->start();
        return done.wait(35000) && job->error() == app::CredentialJob::Error::NoError;
    };
    QVERIFY(finish(store.store(u"kubelb"_s, app::CredentialKind::Token, QString::fromLatin1(m_server->adminToken()))));
    QSettings qsettings(m_dir.filePath(u"console.ini"_s), QSettings::IniFormat);
    app::Settings settings(qsettings);
    settings.setUsesKeychain(u"kubelb"_s, app::CredentialKind::Token, true);

    // "At start": the wiring installs for the saved configuration, loads the flagged token and reconnects.
    auto c = console(&settings, &store);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*c->live, u"kubelb"_s), int(State::Healthy), 40000);
    QVERIFY(c->live->typedCredentials().contains(u"kubelb"_s));
    // The wizard's actions use it too.
    const models::ReadResult read
        = c->wiring->makeClusterActions()->read(u"kubelb"_s, u"Secret"_s, u"tenant-primary"_s, u"no-such-secret"_s);
    QVERIFY2(read.status == models::ReadResult::NotFound, qPrintable(read.error)); // authenticated, then 404
    QVERIFY(finish(store.remove(u"kubelb"_s, app::CredentialKind::Token)));
}

QTEST_MAIN(TestConsoleCredentials)
#include "tst_console_credentials.moc"
