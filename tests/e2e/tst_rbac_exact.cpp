// The shipped RBAC is exactly enough. Two real `kubelb-syncd apiserver` processes (tenant, management) get the
// shipped kustomizations with `kubectl apply -k`; the CCM and the Manager run as real processes with
// ServiceAccount tokens (TokenRequest) bound only to those roles.
//  - enough: with the roles as shipped, a SyncSecret syncs end to end (tenant status Synced, Secret with equal
//    data), updates, conversion and deletion work, and no request is refused;
//  - no more: for EVERY (rule, resource, verb) the shipped Roles/ClusterRoles grant (read from the YAML files, not
//    copied here), a copy of the role without that one verb is applied, the controller is restarted and a
//    workload run that uses every verb; the controller must log the API server's 403 for exactly that verb.
// Secret values here are placeholders, and failure messages only quote the controllers' "forbidden" lines.
#include "kube/kubeconfig.h"
#include "kube/yaml.h"
#include "support/apiclient.h"
#include "support/apiserverprocess.h"
#include "support/kubectl.h"
#include "support/testcluster.h"
#include "support/wait.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::KubectlResult;

namespace {

const QString kPackaging = QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/");
const QString kMgmtNs = u"tenant-primary"_s;
const QString kTenantNs = u"production"_s;
constexpr int kStepMs = 8000; ///< how long one workload step may take to show its effect
constexpr int kRowMs = 30000; ///< how long a row may take to show the expected 403

QString ssecPath(const QString& ns, const QString& name = {})
{
    return u"/apis/kubelb.k8c.io/v1alpha1/namespaces/%1/syncsecrets"_s.arg(ns)
        + (name.isEmpty() ? QString() : u'/' + name);
}

QString secretPath(const QString& ns, const QString& name = {})
{
    return u"/api/v1/namespaces/%1/secrets"_s.arg(ns) + (name.isEmpty() ? QString() : u'/' + name);
}

QString metaString(const QJsonObject& o, const QString& field)
{
    return o.value(u"metadata"_s).toObject().value(field).toString();
}

QString dataValue(const QJsonObject& o, const QString& key)
{
    return QString::fromUtf8(QByteArray::fromBase64(o.value(u"data"_s).toObject().value(key).toString().toLatin1()));
}

QByteArray json(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

/// Polls every 20 ms.
template <typename F> bool waitUntil(F&& condition, int timeoutMs)
{
    return testsupport::waitUntil(std::forward<F>(condition), timeoutMs, 20);
}

using Cluster = testsupport::TestCluster;

/// A `kubelb-syncd ccm|manager` process writing to its own log file.
struct Daemon {
    QStringList args;
    QString logPath;
    std::unique_ptr<QProcess> process;

    bool start(const QString& log)
    {
        kill();
        logPath = log;
        process = std::make_unique<QProcess>();
        process->setProgram(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncd"));
        process->setArguments(args);
        process->setStandardErrorFile(logPath);
        process->setStandardOutputFile(logPath + u".out"_s);
        process->start();
        return process->waitForStarted(10000);
    }
    void kill()
    {
        if (!process)
            return;
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(10000);
        }
        process.reset();
    }
    /// The log with logfmt/JSON quoting undone (403 messages quote resource names).
    QString log() const
    {
        QFile f(logPath);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).remove(u'\\') : QString();
    }
    /// Only the lines that mention a refusal (never data: the controllers redact values anyway).
    QString forbiddenLines() const
    {
        QStringList out;
        for (const auto& l : log().split(u'\n'))
            if (l.contains(u"forbidden"_s, Qt::CaseInsensitive))
                out.append(l.left(400));
        return out.mid(0, 8).join(u'\n');
    }
    ~Daemon() { kill(); }
};

enum class Who { Manager, Ccm };

/// One (rule, resource, verb) of a shipped role.
struct Row {
    Who who;
    Cluster* cluster; ///< where the role lives
    QJsonObject role; ///< as shipped (kustomize output)
    int rule = 0;
    QString resource;
    QString verb;
    QString user; ///< the ServiceAccount the role is bound to

    QString label() const
    {
        return u"%1 %2 %3/%4: %5 %6"_s.arg(who == Who::Manager ? u"manager"_s : u"ccm"_s,
            role.value(u"kind"_s).toString(), metaString(role, u"namespace"_s), metaString(role, u"name"_s), verb,
            resource);
    }
    /// The role with this one verb removed (a rule over several resources is split so the others keep it).
    QJsonObject withoutVerb() const
    {
        QJsonObject r = role;
        QJsonObject meta = r.value(u"metadata"_s).toObject();
        meta.remove(u"annotations"_s);
        r[u"metadata"_s] = meta;
        QJsonArray rules;
        const QJsonArray shipped = role.value(u"rules"_s).toArray();
        for (int i = 0; i < shipped.size(); ++i) {
            const QJsonObject original = shipped.at(i).toObject();
            if (i != rule) {
                rules.append(original);
                continue;
            }
            QJsonArray others;
            for (const auto& res : original.value(u"resources"_s).toArray())
                if (res.toString() != resource)
                    others.append(res);
            if (!others.isEmpty()) {
                QJsonObject rest = original;
                rest[u"resources"_s] = others;
                rules.append(rest);
            }
            QJsonArray verbs;
            for (const auto& v : original.value(u"verbs"_s).toArray())
                if (v.toString() != verb)
                    verbs.append(v);
            if (!verbs.isEmpty()) {
                QJsonObject reduced = original;
                reduced[u"resources"_s] = QJsonArray { resource };
                reduced[u"verbs"_s] = verbs;
                rules.append(reduced);
            }
        }
        r[u"rules"_s] = rules;
        return r;
    }
    /// What the controller's log must show: the API server's 403 for this user, verb and resource.
    QString expectedLogText() const
    {
        // Setting blockOwnerDeletion on a Secret needs update on the owner's finalizers (or delete on the owner);
        // kube-apiserver's message for it names the check, not the finalizers subresource.
        if (resource.endsWith(u"/finalizers"_s))
            return u"cannot set blockOwnerDeletion"_s;
        return u"User \"%1\" cannot %2 resource \"%3\""_s.arg(user, verb, resource);
    }
};

} // namespace

class TestRbacExact : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testShippedRolesAreEnough();
    void testEveryVerbIsNeeded();

private:
    bool loadRows(const QString& file, Who who, Cluster* cluster, QString* error);
    void deleteLeases();
    bool applyRole(const Row& row, const QJsonObject& role);
    /// Runs the workload of `who` until `stop` says so; false when a step's effect did not show in time.
    bool managerWorkload(const QString& tag, const std::function<bool()>& stop, QString* problem);
    bool ccmWorkload(const QString& tag, const std::function<bool()>& stop, QString* problem);
    bool step(
        const std::function<bool()>& effect, const std::function<bool()>& stop, const QString& what, QString* problem);

    Cluster m_tenant { u"tenant"_s };
    Cluster m_mgmt { u"management"_s };
    Daemon m_manager; ///< the Manager under test (manager rows) or the helper (ccm rows)
    Daemon m_ccm;
    QTemporaryDir m_files;
    QList<Row> m_rows;
    int m_serial = 0;
};

// Every Role/ClusterRole of a shipped kustomization, with its subject from the binding in the same output.
bool TestRbacExact::loadRows(const QString& dir, Who who, Cluster* cluster, QString* error)
{
    const KubectlResult rendered = cluster->run({ u"kustomize"_s, kPackaging + dir });
    if (rendered.exitCode != 0) {
        *error = QString::fromUtf8(rendered.describe());
        return false;
    }
    const auto docs = kube::yamlDocumentsToJson(rendered.out.toUtf8());
    if (!docs) {
        *error = u"kubectl kustomize %1 is not YAML"_s.arg(dir);
        return false;
    }
    QHash<QString, QString> subjectOfRole; // "Kind/ns/name" -> user
    for (const auto& o : *docs) {
        const QString kind = o.value(u"kind"_s).toString();
        if (kind != u"RoleBinding" && kind != u"ClusterRoleBinding")
            continue;
        const QJsonObject ref = o.value(u"roleRef"_s).toObject();
        const QString ns = ref.value(u"kind"_s).toString() == u"Role" ? metaString(o, u"namespace"_s) : QString();
        const QJsonObject subject = o.value(u"subjects"_s).toArray().first().toObject();
        subjectOfRole.insert(ref.value(u"kind"_s).toString() + u'/' + ns + u'/' + ref.value(u"name"_s).toString(),
            u"system:serviceaccount:%1:%2"_s.arg(
                subject.value(u"namespace"_s).toString(), subject.value(u"name"_s).toString()));
    }
    int count = 0;
    for (const auto& o : *docs) {
        const QString kind = o.value(u"kind"_s).toString();
        if (kind != u"Role" && kind != u"ClusterRole")
            continue;
        const QString key = kind + u'/' + metaString(o, u"namespace"_s) + u'/' + metaString(o, u"name"_s);
        if (!subjectOfRole.contains(key)) {
            *error = key + u" is bound to nobody"_s;
            return false;
        }
        const QJsonArray rules = o.value(u"rules"_s).toArray();
        for (int i = 0; i < rules.size(); ++i) {
            const QJsonObject rule = rules.at(i).toObject();
            for (const auto& res : rule.value(u"resources"_s).toArray())
                for (const auto& verb : rule.value(u"verbs"_s).toArray()) {
                    m_rows.append({ who, cluster, o, i, res.toString(), verb.toString(), subjectOfRole.value(key) });
                    ++count;
                }
        }
    }
    if (count == 0) {
        *error = dir + u" grants nothing"_s;
        return false;
    }
    return true;
}

void TestRbacExact::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    QVERIFY(m_files.isValid());
    if (qEnvironmentVariableIsSet("KUBELB_KEEP_TEST_LOGS")) {
        m_files.setAutoRemove(false);
        qInfo().noquote() << "daemon logs kept in" << m_files.path();
    }
    QElapsedTimer setup;
    setup.start();
    for (Cluster* c : { &m_tenant, &m_mgmt }) {
        QString error;
        QVERIFY2(c->start(&error), qPrintable(c->name + u": "_s + error));
    }
    // Exactly what a user applies: ccm/ to the tenant cluster; manager/ and ccm/management/ to the management
    // cluster (after the tenant namespace KubeLB creates).
    KVERIFY(m_tenant.run({ u"apply"_s, u"-k"_s, kPackaging + u"ccm"_s }));
    KVERIFY(m_mgmt.run({ u"apply"_s, u"-k"_s, kPackaging + u"manager"_s }));
    KVERIFY(m_mgmt.run({ u"apply"_s, u"-f"_s, u"-"_s },
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tenant-primary\n  labels: {kubelb.k8c.io/tenant: "
        "primary}\n"));
    KVERIFY(m_mgmt.run({ u"apply"_s, u"-k"_s, kPackaging + u"ccm/management"_s }));
    for (Cluster* c : { &m_tenant, &m_mgmt })
        KVERIFY(c->run(
            { u"wait"_s, u"--for=condition=Established"_s, u"--timeout=30s"_s, u"crd/syncsecrets.kubelb.k8c.io"_s }));
    KVERIFY(m_tenant.run({ u"create"_s, u"namespace"_s, kTenantNs }));

    QString error;
    QVERIFY2(loadRows(u"manager"_s, Who::Manager, &m_mgmt, &error), qPrintable(error));
    QVERIFY2(loadRows(u"ccm"_s, Who::Ccm, &m_tenant, &error), qPrintable(error));
    QVERIFY2(loadRows(u"ccm/management"_s, Who::Ccm, &m_mgmt, &error), qPrintable(error));

    // Kubeconfigs that carry nothing but the ServiceAccount tokens.
    const QString managerToken = m_mgmt.createToken(u"kubelb"_s, u"kubelb-manager"_s);
    const QString ccmTenantToken = m_tenant.createToken(u"kube-system"_s, u"kubelb-ccm"_s);
    const QString ccmMgmtToken = m_mgmt.createToken(kMgmtNs, u"kubelb-ccm"_s);
    QVERIFY2(!managerToken.isEmpty() && !ccmTenantToken.isEmpty() && !ccmMgmtToken.isEmpty(), "create token failed");
    const QString common
        = u"--metrics-bind-address=127.0.0.1:0 --health-probe-bind-address=127.0.0.1:0 --log-level=debug"_s;
    m_manager.args = QStringList { u"manager"_s, u"--kubeconfig"_s,
        m_mgmt.server.writeKubeconfigWithToken(u"manager.kubeconfig"_s, managerToken), u"--leader-elect"_s }
        + common.split(u' ');
    m_ccm.args = QStringList { u"ccm"_s, u"--kubeconfig"_s,
        m_tenant.server.writeKubeconfigWithToken(u"ccm.kubeconfig"_s, ccmTenantToken), u"--kubelb-kubeconfig"_s,
        m_mgmt.server.writeKubeconfigWithToken(u"ccm-mgmt.kubeconfig"_s, ccmMgmtToken), u"--cluster-name"_s, kMgmtNs,
        u"--enable-secret-conversion"_s, u"--leader-elect"_s }
        + common.split(u' ');
    qInfo("setup (2 API servers, apply -k, tokens): %lld ms; %lld (rule, resource, verb) rows", setup.elapsed(),
        qint64(m_rows.size()));
}

void TestRbacExact::cleanupTestCase()
{
    m_ccm.kill();
    m_manager.kill();
}

void TestRbacExact::deleteLeases()
{
    m_tenant.send("DELETE", u"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubelb-ccm-syncsecret"_s);
    m_mgmt.send("DELETE", u"/apis/coordination.k8s.io/v1/namespaces/kubelb/leases/kubelb-manager-syncsecret"_s);
}

bool TestRbacExact::applyRole(const Row& row, const QJsonObject& role)
{
    const KubectlResult r = row.cluster->run({ u"apply"_s, u"-f"_s, u"-"_s }, json(role));
    if (r.exitCode != 0)
        qWarning().noquote() << "applying" << row.label() << "failed:" << r.describe();
    return r.exitCode == 0;
}

bool TestRbacExact::step(
    const std::function<bool()>& effect, const std::function<bool()>& stop, const QString& what, QString* problem)
{
    bool done = false;
    waitUntil([&] { return stop() || (done = effect()); }, kStepMs);
    if (!done && !stop() && problem->isEmpty())
        *problem = what;
    return !stop();
}

// The Manager alone: the test writes SyncSecrets into the tenant namespace as the CCM would (without finalizer,
// so the Manager adds it), changes their data, deletes them.
bool TestRbacExact::managerWorkload(const QString& tag, const std::function<bool()>& stop, QString* problem)
{
    const QString name = u"m-"_s + tag;
    QJsonObject ss { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, name }, { u"namespace"_s, kMgmtNs } } }, { u"type"_s, u"Opaque"_s },
        { u"stringData"_s, QJsonObject { { u"key"_s, u"placeholder-1"_s } } } };
    if (m_mgmt.send("POST", ssecPath(kMgmtNs), ss) != 201) {
        *problem = u"cannot create the SyncSecret as admin"_s;
        return false;
    }
    const QString uid = metaString(m_mgmt.get(ssecPath(kMgmtNs, name)).value_or(QJsonObject {}), u"uid"_s);
    const auto synced = [&](const QString& value) {
        const auto s = m_mgmt.get(ssecPath(kMgmtNs, name));
        const auto secret = m_mgmt.get(secretPath(kMgmtNs, uid));
        return s && secret && dataValue(*secret, u"key"_s) == value
            && s->value(u"status"_s).toObject().value(u"phase"_s).toString() == u"Synced";
    };
    if (!step([&] { return synced(u"placeholder-1"_s); }, stop, u"the Secret was not created and Synced"_s, problem))
        return true;
    m_mgmt.api->request(
        "PATCH", ssecPath(kMgmtNs, name), R"({"stringData":{"key":"placeholder-2"}})", "application/merge-patch+json");
    if (!step([&] { return synced(u"placeholder-2"_s); }, stop, u"the Secret did not follow an update"_s, problem))
        return true;
    m_mgmt.send("DELETE", ssecPath(kMgmtNs, name));
    step([&] { return !m_mgmt.get(ssecPath(kMgmtNs, name)) && !m_mgmt.get(secretPath(kMgmtNs, uid)); }, stop,
        u"the SyncSecret and its Secret were not cleaned up"_s, problem);
    return true;
}

// The CCM with a fully privileged helper Manager: a tenant SyncSecret is propagated and reports Synced, follows
// an update, a labelled Secret is converted and un-converted, and deletion cleans up both sides.
bool TestRbacExact::ccmWorkload(const QString& tag, const std::function<bool()>& stop, QString* problem)
{
    const QString name = u"c-"_s + tag;
    QJsonObject ss { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, name }, { u"namespace"_s, kTenantNs } } },
        { u"type"_s, u"Opaque"_s }, { u"stringData"_s, QJsonObject { { u"key"_s, u"placeholder-1"_s } } } };
    if (m_tenant.send("POST", ssecPath(kTenantNs), ss) != 201) {
        *problem = u"cannot create the tenant SyncSecret as admin"_s;
        return false;
    }
    const QString uid = metaString(m_tenant.get(ssecPath(kTenantNs, name)).value_or(QJsonObject {}), u"uid"_s);
    const auto synced = [&](const QString& value) {
        const auto t = m_tenant.get(ssecPath(kTenantNs, name));
        const auto copy = m_mgmt.get(ssecPath(kMgmtNs, uid));
        const auto secret = copy ? m_mgmt.get(secretPath(kMgmtNs, metaString(*copy, u"uid"_s))) : std::nullopt;
        return t && copy && secret && dataValue(*secret, u"key"_s) == value
            && t->value(u"status"_s).toObject().value(u"phase"_s).toString() == u"Synced";
    };
    if (!step(
            [&] { return synced(u"placeholder-1"_s); }, stop, u"the tenant SyncSecret did not reach Synced"_s, problem))
        return true;
    m_tenant.api->request("PATCH", ssecPath(kTenantNs, name), R"({"stringData":{"key":"placeholder-2"}})",
        "application/merge-patch+json");
    if (!step([&] { return synced(u"placeholder-2"_s); }, stop, u"the copy did not follow an update"_s, problem))
        return true;

    // Conversion: a labelled Secret becomes a SyncSecret; losing the label removes it again.
    const QString conv = u"conv-"_s + tag;
    QJsonObject secret { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Secret"_s },
        { u"metadata"_s,
            QJsonObject { { u"name"_s, conv }, { u"namespace"_s, kTenantNs },
                { u"labels"_s, QJsonObject { { u"kubelb.k8c.io/managed-by"_s, u"kubelb"_s } } } } },
        { u"stringData"_s, QJsonObject { { u"key"_s, u"placeholder-3"_s } } } };
    m_tenant.send("POST", secretPath(kTenantNs), secret);
    if (!step([&] { return m_tenant.get(ssecPath(kTenantNs, conv)).has_value(); }, stop,
            u"the labelled Secret was not converted"_s, problem))
        return true;
    m_tenant.api->request(
        "PATCH", secretPath(kTenantNs, conv), R"({"metadata":{"labels":null}})", "application/merge-patch+json");
    if (!step([&] { return !m_tenant.get(ssecPath(kTenantNs, conv)).has_value(); }, stop,
            u"the unlabelled Secret's SyncSecret was not removed"_s, problem))
        return true;

    m_tenant.send("DELETE", ssecPath(kTenantNs, name));
    step([&] { return !m_tenant.get(ssecPath(kTenantNs, name)) && !m_mgmt.get(ssecPath(kMgmtNs, uid)); }, stop,
        u"deleting the tenant SyncSecret did not clean up both sides"_s, problem);
    return true;
}

// With the roles as shipped both controllers do everything, and nothing is refused.
void TestRbacExact::testShippedRolesAreEnough()
{
    deleteLeases();
    QVERIFY(m_manager.start(m_files.filePath(u"enough-manager.log"_s)));
    QVERIFY(m_ccm.start(m_files.filePath(u"enough-ccm.log"_s)));
    QElapsedTimer timer;
    timer.start();
    QString problem;
    QVERIFY(ccmWorkload(
        u"enough"_s, [] { return false; }, &problem));
    QVERIFY2(problem.isEmpty(),
        qPrintable(problem + u"\nccm: "_s + m_ccm.forbiddenLines() + u"\nmanager: "_s + m_manager.forbiddenLines()));
    m_ccm.kill();
    QVERIFY(managerWorkload(
        u"enough"_s, [] { return false; }, &problem));
    QVERIFY2(problem.isEmpty(), qPrintable(problem + u"\nmanager: "_s + m_manager.forbiddenLines()));
    qInfo("shipped roles: full workload of both controllers in %lld ms", timer.elapsed());
    for (const Daemon* d : { &m_manager, &m_ccm }) {
        const QString log = d->log();
        QVERIFY2(!log.contains(u"forbidden"_s, Qt::CaseInsensitive), qPrintable(d->forbiddenLines()));
        QVERIFY2(!log.contains(u"Unauthorized"_s), "a controller was not authenticated");
        QVERIFY2(log.contains(u"acquired lease"_s), "leader election never acquired the Lease");
    }
    m_manager.kill();
}

void TestRbacExact::testEveryVerbIsNeeded()
{
    QVERIFY(!m_rows.isEmpty());
    QElapsedTimer total;
    total.start();
    QStringList notNeeded;
    QStringList report;
    for (const Row& row : std::as_const(m_rows)) {
        QElapsedTimer timer;
        timer.start();
        const QString tag = QString::number(++m_serial);
        m_manager.kill();
        m_ccm.kill();
        deleteLeases();
        QVERIFY2(applyRole(row, row.withoutVerb()), qPrintable(row.label()));
        // The controller under test runs with the reduced role; a CCM needs a (fully privileged) Manager.
        Daemon& underTest = row.who == Who::Manager ? m_manager : m_ccm;
        if (row.who == Who::Ccm)
            QVERIFY(m_manager.start(m_files.filePath(u"row%1-helper-manager.log"_s.arg(tag))));
        QVERIFY(underTest.start(m_files.filePath(u"row%1.log"_s.arg(tag))));
        const QString expected = row.expectedLogText();
        const QDeadlineTimer deadline(kRowMs);
        const auto seen = [&] { return underTest.log().contains(expected) || deadline.hasExpired(); };
        QString problem;
        if (row.who == Who::Manager)
            managerWorkload(tag, seen, &problem);
        else
            ccmWorkload(tag, seen, &problem);
        // A step may have stalled without the 403 yet (e.g. a retry with backoff): wait out the row deadline.
        waitUntil(
            [&] { return underTest.log().contains(expected); }, int(std::max<qint64>(0, deadline.remainingTime())));
        const bool refused = underTest.log().contains(expected);
        report.append(
            u"%1: %2 (%3 ms)"_s.arg(row.label(), refused ? u"403 seen"_s : u"NOT NEEDED?"_s).arg(timer.elapsed()));
        if (!refused)
            notNeeded.append(row.label() + u" — workload: "_s + (problem.isEmpty() ? u"all steps succeeded"_s : problem)
                + u"\n  forbidden lines: "_s + underTest.forbiddenLines());
        m_manager.kill();
        m_ccm.kill();
        QVERIFY2(applyRole(row, row.role), qPrintable(row.label()));
    }
    qInfo().noquote() << u"rows:\n  "_s + report.join(u"\n  "_s);
    qInfo("%lld rows in %lld ms", qint64(m_rows.size()), total.elapsed());
    QVERIFY2(notNeeded.isEmpty(),
        qPrintable(u"removing these verbs did not make the controller fail visibly (not needed, or the workload "
                   "misses them):\n"_s
            + notNeeded.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestRbacExact)
#include "tst_rbac_exact.moc"
