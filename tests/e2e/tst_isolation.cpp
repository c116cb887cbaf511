// Tenant isolation end to end: three `kubelb-syncd apiserver` processes (tenant1, tenant2, management), both CCMs
// and the Manager as processes under ServiceAccount tokens bound only to the shipped RBAC (packaging/kubernetes).
// One tenant's CCM credentials are refused in the other tenant's namespace; forged origin labels and UID-looking
// names cannot reach another tenant's copy; the Manager leaves SyncSecrets outside tenant namespaces alone;
// secret values stay out of status, events and error output; TLS verification is on unless the kubeconfig turns
// it off, and then the client warns once.
#include "kube/kubeconfig.h"
#include "kube/objects.h"
#include "kube/restclient.h"
#include "support/apiclient.h"
#include "support/apiserverprocess.h"
#include "support/daemonprocess.h"
#include "support/e2elogs.h"
#include "support/kubectl.h"
#include "support/testcluster.h"
#include "support/wait.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

constexpr int kSyncMs = 30000;
const QString kTenantNs = u"production"_s;
const QString kPrimary = u"tenant-primary"_s;
const QString kSecondary = u"tenant-secondary"_s;
const QString kOutsider = u"shared-services"_s; ///< a management namespace that is not a tenant namespace

QString ssecPath(const QString& ns, const QString& name = {})
{
    return u"/apis/kubelb.k8c.io/v1alpha1/namespaces/%1/syncsecrets"_s.arg(ns)
        + (name.isEmpty() ? QString() : u'/' + name);
}

QString secretPath(const QString& ns, const QString& name = {})
{
    return u"/api/v1/namespaces/%1/secrets"_s.arg(ns) + (name.isEmpty() ? QString() : u'/' + name);
}

QJsonObject metaOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}

QString uidOf(const QJsonObject& o)
{
    return metaOf(o).value(u"uid"_s).toString();
}

QMap<QString, QByteArray> dataOf(const QJsonObject& o)
{
    if (o.value(u"kind"_s).toString() == u"Secret") {
        const auto s = kube::Secret::fromJson(o);
        return s ? s->normalizedData() : QMap<QString, QByteArray> {};
    }
    const auto s = kube::SyncSecret::fromJson(o);
    return s ? s->normalizedData() : QMap<QString, QByteArray> {};
}

// A DELETE answer: 200 when the object went at once, 202 when finalizers hold it.
bool accepted(int code)
{
    return code == 200 || code == 202;
}

/// Polls every 20 ms.
template <typename F> bool waitUntil(F&& condition, int timeoutMs)
{
    return testsupport::waitUntil(std::forward<F>(condition), timeoutMs, 20);
}

QJsonObject syncSecret(const QString& ns, const QString& name, const QString& key, const QString& value,
    const QJsonObject& labels = {}, const QString& type = u"Opaque"_s)
{
    QJsonObject meta { { u"name"_s, name }, { u"namespace"_s, ns } };
    if (!labels.isEmpty())
        meta.insert(u"labels"_s, labels);
    return { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s }, { u"metadata"_s, meta },
        { u"type"_s, type }, { u"stringData"_s, QJsonObject { { key, value } } } };
}

using Cluster = testsupport::TestCluster;

// Warnings the REST client logs (for the insecure-skip-tls-verify check).
QMutex g_messagesMutex;
QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;

void captureMessages(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&g_messagesMutex);
        g_messages.append(message);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

} // namespace

class TestIsolation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void testCcmCredentialsForbiddenInOtherTenantsNamespace();
    void testForgedOriginLabelsCannotOverwriteAnotherTenantsCopy();
    void testUidLookingNameCannotOverwriteAnotherTenantsCopy();
    void testManagerIgnoresNonTenantNamespaces();
    void testValuesStayOutOfStatusAndEvents();
    void testTlsVerificationFailsWithoutTheCa();
    void testInsecureSkipTlsVerifyConnectsAndWarnsOnce();

private:
    /// The tenant object, its copy and the copy's Secret once all agree and the tenant says Synced.
    bool waitSynced(Cluster& tenant, const QString& name, const QString& mgmtNs, QJsonObject* copy = nullptr,
        QJsonObject* secret = nullptr);
    /// A kubeconfig for `c` with `clusterExtra` lines in its cluster entry instead of the CA.
    QString kubeconfigWithoutCa(const Cluster& c, const QString& fileName, const QString& clusterExtra) const;

    Cluster m_tenant1 { u"tenant1"_s };
    Cluster m_tenant2 { u"tenant2"_s };
    Cluster m_mgmt { u"management"_s };
    testsupport::DaemonProcess m_manager;
    testsupport::DaemonProcess m_ccm1;
    testsupport::DaemonProcess m_ccm2;
    QString m_ccm1MgmtToken;
    QStringList m_values;
};

void TestIsolation::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt }) {
        QString error;
        QVERIFY2(c->start(&error), qPrintable(c->name + u": "_s + error));
    }
    // shared-services: a management namespace that belongs to no tenant.
    const testsupport::ShippedSetup shipped { &m_mgmt,
        { { &m_tenant1, kPrimary, u"primary"_s }, { &m_tenant2, kSecondary, u"secondary"_s } }, kTenantNs,
        { u"shared-services"_s } };
    const QString installError = shipped.install();
    QVERIFY2(installError.isEmpty(), qPrintable(installError));

    const QString managerToken = m_mgmt.createToken(u"kubelb"_s, u"kubelb-manager"_s);
    QVERIFY2(!managerToken.isEmpty(), "kubectl create token kubelb-manager failed");
    const QStringList endpoints { u"--metrics-bind-address"_s, u"0"_s, u"--health-probe-bind-address"_s, u"0"_s,
        u"--log-level"_s, u"debug"_s };
    m_manager.configure(u"manager"_s,
        QStringList { u"manager"_s, u"--kubeconfig"_s,
            m_mgmt.server.writeKubeconfigWithToken(u"manager.kubeconfig"_s, managerToken) }
            + endpoints);
    struct Setup {
        testsupport::DaemonProcess* daemon;
        Cluster* tenant;
        QString mgmtNs;
    };
    for (const Setup& s : { Setup { &m_ccm1, &m_tenant1, kPrimary }, Setup { &m_ccm2, &m_tenant2, kSecondary } }) {
        const QString tenantToken = s.tenant->createToken(u"kube-system"_s, u"kubelb-ccm"_s);
        const QString mgmtToken = m_mgmt.createToken(s.mgmtNs, u"kubelb-ccm"_s);
        QVERIFY2(!tenantToken.isEmpty() && !mgmtToken.isEmpty(), "kubectl create token kubelb-ccm failed");
        if (s.daemon == &m_ccm1)
            m_ccm1MgmtToken = mgmtToken;
        s.daemon->configure(u"ccm-"_s + s.tenant->name,
            QStringList { u"ccm"_s, u"--kubeconfig"_s,
                s.tenant->server.writeKubeconfigWithToken(u"ccm.kubeconfig"_s, tenantToken), u"--kubelb-kubeconfig"_s,
                m_mgmt.server.writeKubeconfigWithToken(u"ccm-%1.kubeconfig"_s.arg(s.mgmtNs), mgmtToken),
                u"--cluster-name"_s, s.mgmtNs }
                + endpoints);
    }
    for (testsupport::DaemonProcess* d : { &m_manager, &m_ccm1, &m_ccm2 }) {
        QString error;
        QVERIFY2(d->start(&error), qPrintable(error));
    }
}

void TestIsolation::cleanupTestCase()
{
    for (testsupport::DaemonProcess* d : { &m_manager, &m_ccm1, &m_ccm2 })
        d->kill9();
}

bool TestIsolation::waitSynced(
    Cluster& tenant, const QString& name, const QString& mgmtNs, QJsonObject* copyOut, QJsonObject* secretOut)
{
    QString problem;
    const bool ok = waitUntil(
        [&] {
            const auto t = tenant.get(ssecPath(kTenantNs, name));
            if (!t) {
                problem = u"no tenant object"_s;
                return false;
            }
            const auto copy = m_mgmt.get(ssecPath(mgmtNs, uidOf(*t)));
            const auto secret = copy ? m_mgmt.get(secretPath(mgmtNs, uidOf(*copy))) : std::nullopt;
            const QString phase = t->value(u"status"_s).toObject().value(u"phase"_s).toString();
            if (!copy || !secret || dataOf(*secret) != dataOf(*t) || phase != u"Synced") {
                problem = u"copy %1, Secret %2, phase %3"_s.arg(bool(copy)).arg(bool(secret)).arg(phase);
                return false;
            }
            if (copyOut)
                *copyOut = *copy;
            if (secretOut)
                *secretOut = *secret;
            return true;
        },
        kSyncMs);
    if (!ok)
        qWarning().noquote() << tenant.name << name << "not synced:" << problem << '|' << m_ccm1.exitReport() << '|'
                             << m_ccm2.exitReport() << '|' << m_manager.exitReport();
    return ok;
}

// Tenant 1's CCM identity (ServiceAccount kubelb-ccm of tenant-primary, bound only to the shipped Role) gets 403
// on tenant-secondary for every verb, and 200 in its own namespace (the control).
void TestIsolation::testCcmCredentialsForbiddenInOtherTenantsNamespace()
{
    const QString v = m_values.emplace_back(testsupport::secretValue(u"isolation-victim-value-5521"_s));
    QCOMPARE(m_tenant2.api->post(ssecPath(kTenantNs), syncSecret(kTenantNs, u"guarded"_s, u"password"_s, v)).code, 201);
    QJsonObject copy;
    QVERIFY(waitSynced(m_tenant2, u"guarded"_s, kSecondary, &copy));
    const QString copyName = metaOf(copy).value(u"name"_s).toString();

    testsupport::ApiClient asCcm1(m_mgmt.admin.server, m_mgmt.admin.caPem, m_ccm1MgmtToken.toUtf8());
    QCOMPARE(asCcm1.get(ssecPath(kPrimary)).code, 200);
    QJsonObject forged = copy;
    forged[u"stringData"_s] = QJsonObject { { u"password"_s, u"overwritten-by-tenant1"_s } };
    QJsonObject fresh = syncSecret(kSecondary, u"planted"_s, u"password"_s, u"planted-by-tenant1"_s);
    const QByteArray body = QJsonDocument(forged).toJson(QJsonDocument::Compact);
    const QList<QPair<QString, testsupport::ApiReply>> attempts {
        { u"get"_s, asCcm1.get(ssecPath(kSecondary, copyName)) },
        { u"list"_s, asCcm1.get(ssecPath(kSecondary)) },
        { u"watch"_s, asCcm1.get(ssecPath(kSecondary) + u"?watch=true&timeoutSeconds=1"_s) },
        { u"create"_s, asCcm1.post(ssecPath(kSecondary), fresh) },
        { u"update"_s, asCcm1.request("PUT", ssecPath(kSecondary, copyName), body) },
        { u"patch"_s,
            asCcm1.request("PATCH", ssecPath(kSecondary, copyName), R"({"metadata":{"labels":{"x":"y"}}})",
                "application/merge-patch+json") },
        { u"update status"_s, asCcm1.request("PUT", ssecPath(kSecondary, copyName) + u"/status"_s, body) },
        { u"delete"_s, asCcm1.request("DELETE", ssecPath(kSecondary, copyName)) },
        { u"read Secrets"_s, asCcm1.get(secretPath(kSecondary)) },
    };
    for (const auto& [verb, reply] : attempts) {
        QVERIFY2(reply.code == 403, qPrintable(u"%1 in %2 answered %3"_s.arg(verb, kSecondary).arg(reply.code)));
        QCOMPARE(reply.json.value(u"reason"_s).toString(), u"Forbidden"_s);
        QVERIFY(!reply.body.contains(v.toUtf8()));
    }
    // Nothing changed on tenant 2's side.
    const auto after = m_mgmt.get(ssecPath(kSecondary, copyName));
    QVERIFY(after);
    QCOMPARE(uidOf(*after), uidOf(copy));
    QVERIFY(dataOf(*after) == dataOf(copy));
    QVERIFY(!m_mgmt.get(ssecPath(kSecondary, u"planted"_s)));
}

// Tenant 1 creates a SyncSecret whose labels claim to be tenant 2's object (every reserved label): its copy
// lands in tenant-primary under its own UID with its own origin labels; tenant 2's copy and Secret stay as they were.
void TestIsolation::testForgedOriginLabelsCannotOverwriteAnotherTenantsCopy()
{
    const QString victimValue = m_values.emplace_back(testsupport::secretValue(u"isolation-original-7734"_s));
    const QString forgedValue = m_values.emplace_back(testsupport::secretValue(u"isolation-forged-9182"_s));
    QCOMPARE(m_tenant2.api->post(ssecPath(kTenantNs), syncSecret(kTenantNs, u"victim"_s, u"token"_s, victimValue)).code,
        201);
    QJsonObject victimCopy, victimSecret;
    QVERIFY(waitSynced(m_tenant2, u"victim"_s, kSecondary, &victimCopy, &victimSecret));

    const QJsonObject spoofed { { u"kubelb.k8c.io/origin-name"_s, u"victim"_s },
        { u"kubelb.k8c.io/origin-namespace"_s, u"other-namespace"_s }, { u"kubelb.k8c.io/origin-ns"_s, kTenantNs },
        { u"kubelb.k8c.io/syncsecret-owned"_s, u"true"_s } };
    QCOMPARE(
        m_tenant1.api->post(ssecPath(kTenantNs), syncSecret(kTenantNs, u"forger"_s, u"token"_s, forgedValue, spoofed))
            .code,
        201);
    QJsonObject forgerCopy, forgerSecret;
    QVERIFY(waitSynced(m_tenant1, u"forger"_s, kPrimary, &forgerCopy, &forgerSecret));
    const QJsonObject labels = metaOf(forgerCopy).value(u"labels"_s).toObject();
    QCOMPARE(metaOf(forgerCopy).value(u"namespace"_s).toString(), kPrimary);
    QCOMPARE(labels.value(u"kubelb.k8c.io/origin-name"_s).toString(), u"forger"_s);
    QCOMPARE(labels.value(u"kubelb.k8c.io/origin-namespace"_s).toString(), kTenantNs);
    QVERIFY2(!labels.contains(u"kubelb.k8c.io/origin-ns"_s), "a reserved label was copied");
    QVERIFY2(!labels.contains(u"kubelb.k8c.io/syncsecret-owned"_s), "a reserved label was copied");

    // Tenant 2's copy and Secret: same objects, same data; tenant-secondary holds only tenant 2's copies.
    const auto copyAfter = m_mgmt.get(ssecPath(kSecondary, metaOf(victimCopy).value(u"name"_s).toString()));
    QVERIFY(copyAfter);
    QCOMPARE(uidOf(*copyAfter), uidOf(victimCopy));
    QVERIFY(dataOf(*copyAfter) == dataOf(victimCopy));
    QCOMPARE(
        metaOf(*copyAfter).value(u"labels"_s).toObject().value(u"kubelb.k8c.io/origin-name"_s).toString(), u"victim"_s);
    const auto secretAfter = m_mgmt.get(secretPath(kSecondary, uidOf(victimCopy)));
    QVERIFY(secretAfter);
    QCOMPARE(uidOf(*secretAfter), uidOf(victimSecret));
    QVERIFY(dataOf(*secretAfter) == (QMap<QString, QByteArray> { { u"token"_s, victimValue.toUtf8() } }));
    for (const auto& c : m_mgmt.list(ssecPath(kSecondary)))
        QVERIFY2(m_tenant2.get(ssecPath(kTenantNs,
                     metaOf(c).value(u"labels"_s).toObject().value(u"kubelb.k8c.io/origin-name"_s).toString())),
            "tenant-secondary holds a copy that is not tenant 2's");
    // Deleting the forger removes only its own copy.
    const QString forgerCopyName = metaOf(forgerCopy).value(u"name"_s).toString();
    QVERIFY(m_mgmt.get(ssecPath(kPrimary, forgerCopyName)));
    QVERIFY(accepted(m_tenant1.api->request("DELETE", ssecPath(kTenantNs, u"forger"_s)).code));
    QVERIFY(waitUntil([&] { return !m_mgmt.get(ssecPath(kPrimary, forgerCopyName)); }, kSyncMs));
    QVERIFY(m_mgmt.get(ssecPath(kSecondary, metaOf(victimCopy).value(u"name"_s).toString())));
    QVERIFY(waitSynced(m_tenant2, u"victim"_s, kSecondary));
}

// A tenant SyncSecret named like another tenant's copy (that copy's name is the other tenant object's UID) gets
// its own copy named by its own UID, in its own namespace: the other copy is untouched.
void TestIsolation::testUidLookingNameCannotOverwriteAnotherTenantsCopy()
{
    const auto victim = m_tenant2.get(ssecPath(kTenantNs, u"victim"_s));
    QVERIFY(victim);
    const QString victimUid = uidOf(*victim);
    const auto before = m_mgmt.get(ssecPath(kSecondary, victimUid));
    QVERIFY(before);
    const QString v = m_values.emplace_back(testsupport::secretValue(u"isolation-uid-name-4410"_s));
    QCOMPARE(m_tenant1.api->post(ssecPath(kTenantNs), syncSecret(kTenantNs, victimUid, u"token"_s, v)).code, 201);
    QJsonObject copy;
    QVERIFY(waitSynced(m_tenant1, victimUid, kPrimary, &copy));
    QVERIFY(metaOf(copy).value(u"name"_s).toString() != victimUid);
    QCOMPARE(metaOf(copy).value(u"namespace"_s).toString(), kPrimary);
    const auto after = m_mgmt.get(ssecPath(kSecondary, victimUid));
    QVERIFY(after);
    QCOMPARE(uidOf(*after), uidOf(*before));
    QCOMPARE(metaOf(*after).value(u"resourceVersion"_s), metaOf(*before).value(u"resourceVersion"_s));
    QVERIFY(!m_mgmt.get(ssecPath(kPrimary, victimUid)));
}

// A SyncSecret in a management namespace that is not a tenant namespace gets no Secret and no finalizer; the
// Manager says why in its status (and the CCM never writes there).
void TestIsolation::testManagerIgnoresNonTenantNamespaces()
{
    const QString v = m_values.emplace_back(testsupport::secretValue(u"isolation-outsider-6603"_s));
    QCOMPARE(m_mgmt.api->post(ssecPath(kOutsider), syncSecret(kOutsider, u"stray"_s, u"token"_s, v)).code, 201);
    QString phase, reason;
    QVERIFY2(waitUntil(
                 [&] {
                     const auto o = m_mgmt.get(ssecPath(kOutsider, u"stray"_s));
                     const QJsonObject status = o ? o->value(u"status"_s).toObject() : QJsonObject {};
                     phase = status.value(u"phase"_s).toString();
                     const QJsonArray conditions = status.value(u"conditions"_s).toArray();
                     reason = conditions.isEmpty() ? QString()
                                                   : conditions.first().toObject().value(u"reason"_s).toString();
                     return phase == u"Failed";
                 },
                 kSyncMs),
        qPrintable(u"phase %1 | %2"_s.arg(phase, m_manager.exitReport())));
    QCOMPARE(reason, u"NotATenantNamespace"_s);
    QVERIFY(m_mgmt.list(secretPath(kOutsider)).isEmpty());
    const auto stray = m_mgmt.get(ssecPath(kOutsider, u"stray"_s));
    QVERIFY(stray);
    QVERIFY2(metaOf(*stray).value(u"finalizers"_s).toArray().isEmpty(), "the Manager put a finalizer on it");
    QVERIFY(!QJsonDocument(stray->value(u"status"_s).toObject()).toJson().contains(v.toUtf8()));
    QCOMPARE(m_mgmt.api->request("DELETE", ssecPath(kOutsider, u"stray"_s)).code, 200);
    QVERIFY(waitUntil([&] { return !m_mgmt.get(ssecPath(kOutsider, u"stray"_s)); }, 5000));
}

// Failures carry reasons, not data: an invalid Secret (kubernetes.io/tls without tls.key) is reported Failed on
// both sides with the API server's message, and no status, condition or Event anywhere holds a value.
void TestIsolation::testValuesStayOutOfStatusAndEvents()
{
    const QString v = m_values.emplace_back(testsupport::secretValue(u"isolation-invalid-cert-8827"_s));
    QCOMPARE(m_tenant1.api
                 ->post(ssecPath(kTenantNs),
                     syncSecret(kTenantNs, u"broken-tls"_s, u"tls.crt"_s, v, {}, u"kubernetes.io/tls"_s))
                 .code,
        201);
    QString message;
    QVERIFY2(waitUntil(
                 [&] {
                     const auto t = m_tenant1.get(ssecPath(kTenantNs, u"broken-tls"_s));
                     const QJsonObject status = t ? t->value(u"status"_s).toObject() : QJsonObject {};
                     const QJsonArray conditions = status.value(u"conditions"_s).toArray();
                     message = conditions.isEmpty() ? QString()
                                                    : conditions.first().toObject().value(u"message"_s).toString();
                     return status.value(u"phase"_s).toString() == u"Failed";
                 },
                 kSyncMs),
        "the invalid Secret was not reported as Failed");
    QVERIFY2(message.contains(u"tls.key"_s), qPrintable(message));
    QList<QByteArray> patterns;
    for (const QString& value : std::as_const(m_values))
        patterns += testsupport::secretPatterns(value);
    for (Cluster* c : { &m_tenant1, &m_tenant2, &m_mgmt }) {
        // Status of every SyncSecret, every Event.
        QByteArray visible;
        for (const auto& o : c->list(u"/apis/kubelb.k8c.io/v1alpha1/syncsecrets"_s))
            visible += QJsonDocument(o.value(u"status"_s).toObject()).toJson(QJsonDocument::Compact);
        visible += c->api->get(u"/api/v1/events"_s).body;
        for (const QByteArray& p : std::as_const(patterns))
            QVERIFY2(!visible.contains(p), qPrintable(c->name + u": a status or Event holds a secret value"_s));
    }
    QVERIFY(accepted(m_tenant1.api->request("DELETE", ssecPath(kTenantNs, u"broken-tls"_s)).code));
}

QString TestIsolation::kubeconfigWithoutCa(const Cluster& c, const QString& fileName, const QString& clusterExtra) const
{
    QFile in(c.server.kubeconfigPath());
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QString yaml = QString::fromUtf8(in.readAll());
    yaml.replace(QRegularExpression(u"^(\\s+)certificate-authority-data:.*$"_s, QRegularExpression::MultilineOption),
        clusterExtra.isEmpty() ? QString() : u"\\1"_s + clusterExtra);
    QFile out(c.server.path(fileName));
    if (!out.open(QIODevice::WriteOnly) || out.write(yaml.toUtf8()) != yaml.toUtf8().size())
        return {};
    return out.fileName();
}

// The server's CA is not in the kubeconfig (nor among the system CAs): the request fails with a TLS error.
void TestIsolation::testTlsVerificationFailsWithoutTheCa()
{
    const QString path = kubeconfigWithoutCa(m_mgmt, u"no-ca.kubeconfig"_s, {});
    QVERIFY(!path.isEmpty());
    kube::KubeconfigLoader loader;
    loader.setExplicitPath(path);
    const auto config = loader.load();
    QVERIFY2(config, qPrintable(config ? QString() : config.error().message()));
    QVERIFY(!config->insecureSkipTlsVerify);
    QVERIFY(config->caPem.isEmpty());
    kube::RestOptions options;
    options.maxRetries = 0;
    kube::RestClient client(*config, options);
    const auto r = client.get({ {}, u"v1"_s, u"namespaces"_s, {}, {}, {} });
    QVERIFY2(!r, "connected to a server whose certificate no trusted CA signed");
    QVERIFY2(r.error().message().contains(u"SSL"_s, Qt::CaseInsensitive)
            || r.error().message().contains(u"certificate"_s, Qt::CaseInsensitive),
        qPrintable(r.error().message()));
    // kubectl agrees.
    const testsupport::Kubectl kubectl(path);
    const auto k = kubectl.run({ u"get"_s, u"namespaces"_s });
    KFAIL(k);
    QVERIFY2(k.err.contains(u"certificate"_s), k.describe().constData());
}

// insecure-skip-tls-verify: true connects, and the client warns once per server however many clients it makes.
void TestIsolation::testInsecureSkipTlsVerifyConnectsAndWarnsOnce()
{
    const QString path = kubeconfigWithoutCa(m_mgmt, u"insecure.kubeconfig"_s, u"insecure-skip-tls-verify: true"_s);
    QVERIFY(!path.isEmpty());
    kube::KubeconfigLoader loader;
    loader.setExplicitPath(path);
    const auto config = loader.load();
    QVERIFY2(config, qPrintable(config ? QString() : config.error().message()));
    QVERIFY(config->insecureSkipTlsVerify);
    {
        QMutexLocker lock(&g_messagesMutex);
        g_messages.clear();
    }
    g_previousHandler = qInstallMessageHandler(captureMessages);
    for (int i = 0; i < 2; ++i) {
        kube::RestClient client(*config);
        const auto r = client.get({ {}, u"v1"_s, u"namespaces"_s, {}, {}, {} });
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    }
    qInstallMessageHandler(g_previousHandler);
    QMutexLocker lock(&g_messagesMutex);
    const auto warnings = std::count_if(g_messages.cbegin(), g_messages.cend(), [&](const QString& m) {
        return m.contains(u"TLS certificate verification is disabled"_s) && m.contains(config->server);
    });
    QCOMPARE(warnings, 1);
    lock.unlock();

    // A real client process: kubelb-syncctl connects through the insecure kubeconfig and says so once on stderr.
    QProcess ctl;
    ctl.start(QStringLiteral(KUBELB_BINARY_DIR "/headless/kubelb-syncctl"),
        { u"orphans"_s, u"--kubeconfig"_s, path, u"--management-context"_s, u"kubelb-sync"_s, u"--tenant"_s,
            u"kubelb-sync=tenant-primary"_s, u"-o"_s, u"json"_s });
    QVERIFY(ctl.waitForFinished(60000));
    const QString err = QString::fromUtf8(ctl.readAllStandardError());
    QVERIFY2(ctl.exitCode() == 0 || ctl.exitCode() == 3, qPrintable(err)); // 3: orphans found (stray objects)
    QCOMPARE(err.count(u"TLS certificate verification is disabled for "_s + config->server), 1);
}

QTEST_GUILESS_MAIN(TestIsolation)
#include "tst_isolation.moc"
