// Authentication and authorization over HTTPS: token-file users under RBAC, access reviews, ServiceAccount tokens,
// client certificates and the blockOwnerDeletion permission check.
#include "apiserver/apiserver.h"
#include "apiserver/pki.h"
#include "support/apiclient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using testsupport::ApiClient;

class TestSecurity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testUnboundUserIsForbiddenWithKubeWording();
    void testRoleBindingGrantsOnlyItsNamespace();
    void testSelfSubjectAccessReview();
    void testTokenRequestServiceAccountBoundByClusterRole();
    void testTokenRequestDurationIsValidated();
    void testDeletingServiceAccountRevokesItsTokens();
    void testLegacyServiceAccountTokenSecret();
    void testClientCertificateAuthenticates();
    void testClientCertificateFromOtherCaIsRejected();
    void testBlockOwnerDeletionNeedsDeleteOnOwner();

private:
    ApiClient admin()
    {
        return ApiClient(m_server->url(), m_server->caCertificatePem(), m_server->adminToken().toLatin1());
    }
    ApiClient as(const QByteArray& token) { return ApiClient(m_server->url(), m_server->caCertificatePem(), token); }
    void apply(const char* json);

    QTemporaryDir m_dir;
    std::unique_ptr<apiserver::ApiServer> m_server;
};

void TestSecurity::initTestCase()
{
    QFile tokens(m_dir.filePath(u"tokens.csv"_s));
    QVERIFY(tokens.open(QIODevice::WriteOnly));
    tokens.write("alice-token,alice,1001\nbob-token,bob,1002,\"devs,qa\"\n");
    tokens.close();
    apiserver::ApiServerConfig config;
    config.dataDir = m_dir.filePath(u"data"_s);
    config.tokenFile = tokens.fileName();
    m_server = std::make_unique<apiserver::ApiServer>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    apply(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}})");
    apply(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-b"}})");
}

void TestSecurity::apply(const char* json)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    const QString kind = o.value(u"kind"_s).toString();
    const QString ns = o.value(u"metadata"_s).toObject().value(u"namespace"_s).toString();
    QString path;
    if (kind == u"Namespace")
        path = u"/api/v1/namespaces"_s;
    else if (kind == u"ServiceAccount" || kind == u"Secret")
        path = u"/api/v1/namespaces/%1/%2s"_s.arg(ns, kind.toLower());
    else if (kind == u"Role" || kind == u"RoleBinding")
        path = u"/apis/rbac.authorization.k8s.io/v1/namespaces/%1/%2s"_s.arg(ns, kind.toLower());
    else
        path = u"/apis/rbac.authorization.k8s.io/v1/%1s"_s.arg(kind.toLower());
    const auto r = admin().post(path, o);
    QVERIFY2(r.code == 201, r.body.constData());
}

void TestSecurity::testUnboundUserIsForbiddenWithKubeWording()
{
    const auto r = as("alice-token").get(u"/api/v1/namespaces/team-a/secrets"_s);
    QCOMPARE(r.code, 403);
    QCOMPARE(r.json.value(u"reason"_s).toString(), u"Forbidden"_s);
    QCOMPARE(r.json.value(u"message"_s).toString(),
        u"secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" in the namespace \"team-a\""_s);
    // Discovery stays open to every authenticated user (system:discovery), as in kube.
    QCOMPARE(as("alice-token").get(u"/api/v1"_s).code, 200);
    QCOMPARE(as("nobody").get(u"/api/v1"_s).code, 401);
}

void TestSecurity::testRoleBindingGrantsOnlyItsNamespace()
{
    apply(
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader","namespace":"team-a"},
        "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get","list","watch"]}]})");
    apply(
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"alice-reader","namespace":"team-a"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"},
        "subjects":[{"kind":"User","name":"alice"}]})");
    QCOMPARE(as("alice-token").get(u"/api/v1/namespaces/team-a/secrets"_s).code, 200);
    QCOMPARE(as("alice-token").get(u"/api/v1/namespaces/team-b/secrets"_s).code, 403);
    QCOMPARE(as("alice-token")
                 .post(u"/api/v1/namespaces/team-a/secrets"_s,
                     QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, u"x"_s } } } })
                 .code,
        403);
}

void TestSecurity::testSelfSubjectAccessReview()
{
    const auto review = [&](const QByteArray& token, const QString& verb, const QString& ns) {
        const QJsonObject body {
            { u"apiVersion"_s, u"authorization.k8s.io/v1"_s }, { u"kind"_s, u"SelfSubjectAccessReview"_s },
            { u"spec"_s,
                QJsonObject { { u"resourceAttributes"_s,
                    QJsonObject { { u"verb"_s, verb }, { u"resource"_s, u"secrets"_s }, { u"namespace"_s, ns } } } } }
        };
        return as(token).post(u"/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"_s, body);
    };
    const auto yes = review("alice-token", u"list"_s, u"team-a"_s);
    QCOMPARE(yes.code, 201);
    QCOMPARE(yes.json.value(u"status"_s).toObject().value(u"allowed"_s).toBool(), true);
    QCOMPARE(
        review("alice-token", u"delete"_s, u"team-a"_s).json.value(u"status"_s).toObject().value(u"allowed"_s).toBool(),
        false);
    QCOMPARE(
        review("alice-token", u"list"_s, u"team-b"_s).json.value(u"status"_s).toObject().value(u"allowed"_s).toBool(),
        false);
    // Reviews are not stored: only create is served.
    QCOMPARE(admin().get(u"/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"_s).code, 405);
}

void TestSecurity::testTokenRequestServiceAccountBoundByClusterRole()
{
    apply(R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"manager","namespace":"team-b"}})");
    apply(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"secret-admin"},
        "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["*"]}]})");
    apply(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"manager"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"secret-admin"},
        "subjects":[{"kind":"ServiceAccount","name":"manager","namespace":"team-b"}]})");
    const auto issued = admin().post(u"/api/v1/namespaces/team-b/serviceaccounts/manager/token"_s,
        QJsonObject { { u"apiVersion"_s, u"authentication.k8s.io/v1"_s }, { u"kind"_s, u"TokenRequest"_s },
            { u"spec"_s, QJsonObject { { u"expirationSeconds"_s, 3600 } } } });
    QCOMPARE(issued.code, 201);
    const QByteArray token = issued.json.value(u"status"_s).toObject().value(u"token"_s).toString().toLatin1();
    QVERIFY(!token.isEmpty());
    QCOMPARE(as(token).get(u"/api/v1/namespaces/team-a/secrets"_s).code, 200);
    QCOMPARE(as(token).get(u"/api/v1/secrets"_s).code, 200);
    const auto forbidden = as(token).get(u"/api/v1/namespaces/team-a/configmaps"_s);
    QCOMPARE(forbidden.code, 403);
    QVERIFY(forbidden.json.value(u"message"_s).toString().contains(u"User \"system:serviceaccount:team-b:manager\""_s));
    QByteArray tampered = token;
    tampered[tampered.size() - 2] = tampered.at(tampered.size() - 2) == 'A' ? 'B' : 'A';
    QCOMPARE(as(tampered).get(u"/api/v1/namespaces/team-a/secrets"_s).code, 401);
}

void TestSecurity::testTokenRequestDurationIsValidated()
{
    // `kubectl create token --duration=1s` must fail as against kube-apiserver, not get a 10-minute token.
    apply(R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"timed","namespace":"team-a"}})");
    const QString path = u"/api/v1/namespaces/team-a/serviceaccounts/timed/token"_s;
    const auto request = [&](qint64 seconds) {
        return admin().post(path,
            QJsonObject { { u"apiVersion"_s, u"authentication.k8s.io/v1"_s }, { u"kind"_s, u"TokenRequest"_s },
                { u"spec"_s, QJsonObject { { u"expirationSeconds"_s, seconds } } } });
    };
    const auto tooShort = request(599);
    QCOMPARE(tooShort.code, 422);
    QCOMPARE(tooShort.json.value(u"reason"_s).toString(), u"Invalid"_s);
    QCOMPARE(tooShort.json.value(u"message"_s).toString(),
        u"TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 599: may not "
        "specify a duration less than 10 minutes"_s);
    const QJsonObject details = tooShort.json.value(u"details"_s).toObject();
    QCOMPARE(details.value(u"group"_s).toString(), u"authentication.k8s.io"_s);
    QCOMPARE(details.value(u"kind"_s).toString(), u"TokenRequest"_s);
    QCOMPARE(details.value(u"causes"_s).toArray().first().toObject().value(u"field"_s).toString(),
        u"spec.expirationSeconds"_s);
    const auto tooLong = request((qint64(1) << 32) + 1);
    QCOMPARE(tooLong.code, 422);
    QVERIFY2(
        tooLong.json.value(u"message"_s).toString().endsWith(u"may not specify a duration larger than 2^32 seconds"_s),
        qPrintable(tooLong.json.value(u"message"_s).toString()));
    // The shortest allowed duration is granted as asked; an absent one defaults to an hour.
    const auto shortest = request(600);
    QCOMPARE(shortest.code, 201);
    QCOMPARE(shortest.json.value(u"spec"_s).toObject().value(u"expirationSeconds"_s).toInteger(), 600);
    const auto defaulted = admin().post(path, QJsonObject {});
    QCOMPARE(defaulted.code, 201);
    QCOMPARE(defaulted.json.value(u"spec"_s).toObject().value(u"expirationSeconds"_s).toInteger(), 3600);
}

void TestSecurity::testDeletingServiceAccountRevokesItsTokens()
{
    apply(R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"short-lived","namespace":"team-a"}})");
    const auto issued = admin().post(u"/api/v1/namespaces/team-a/serviceaccounts/short-lived/token"_s, QJsonObject {});
    const QByteArray token = issued.json.value(u"status"_s).toObject().value(u"token"_s).toString().toLatin1();
    QCOMPARE(as(token).get(u"/api/v1"_s).code, 200);
    QCOMPARE(admin().request("DELETE", u"/api/v1/namespaces/team-a/serviceaccounts/short-lived"_s).code, 200);
    QCOMPARE(as(token).get(u"/api/v1"_s).code, 401);
}

void TestSecurity::testLegacyServiceAccountTokenSecret()
{
    apply(R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"legacy","namespace":"team-a"}})");
    apply(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"legacy-token","namespace":"team-a",
        "annotations":{"kubernetes.io/service-account.name":"legacy"}},"type":"kubernetes.io/service-account-token"})");
    const auto secret = admin().get(u"/api/v1/namespaces/team-a/secrets/legacy-token"_s);
    const QJsonObject data = secret.json.value(u"data"_s).toObject();
    QVERIFY(data.contains(u"ca.crt"_s));
    const QByteArray token = QByteArray::fromBase64(data.value(u"token"_s).toString().toLatin1());
    QVERIFY(!token.isEmpty());
    QCOMPARE(as(token).get(u"/api/v1"_s).code, 200);
    QCOMPARE(admin().request("DELETE", u"/api/v1/namespaces/team-a/secrets/legacy-token"_s).code, 200);
    QCOMPARE(as(token).get(u"/api/v1"_s).code, 401);
}

void TestSecurity::testClientCertificateAuthenticates()
{
    QFile caCert(m_dir.filePath(u"data/ca.crt"_s)), caKey(m_dir.filePath(u"data/ca.key"_s));
    QVERIFY(caCert.open(QIODevice::ReadOnly) && caKey.open(QIODevice::ReadOnly));
    const apiserver::KeyPair ca { caCert.readAll(), caKey.readAll() };
    const auto cert = apiserver::pki::createClientCertificate(ca, u"carol"_s, { u"system:masters"_s });
    QVERIFY(cert);
    ApiClient client(m_server->url(), m_server->caCertificatePem());
    client.setClientCertificate(cert->certPem, cert->keyPem);
    QCOMPARE(client.get(u"/api/v1/namespaces"_s).code, 200);
    const auto plain = apiserver::pki::createClientCertificate(ca, u"dave"_s, {});
    ApiClient dave(m_server->url(), m_server->caCertificatePem());
    dave.setClientCertificate(plain->certPem, plain->keyPem);
    const auto r = dave.get(u"/api/v1/namespaces"_s);
    QCOMPARE(r.code, 403);
    QVERIFY(r.json.value(u"message"_s).toString().contains(u"User \"dave\""_s));
}

void TestSecurity::testClientCertificateFromOtherCaIsRejected()
{
    const auto otherCa = apiserver::pki::createCertificateAuthority(u"other"_s);
    const auto cert = apiserver::pki::createClientCertificate(*otherCa, u"mallory"_s, { u"system:masters"_s });
    ApiClient client(m_server->url(), m_server->caCertificatePem());
    client.setClientCertificate(cert->certPem, cert->keyPem);
    QCOMPARE(client.get(u"/api/v1/namespaces"_s).code, 401);
}

void TestSecurity::testBlockOwnerDeletionNeedsDeleteOnOwner()
{
    apply(
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"writer","namespace":"team-b"},
        "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["create","get"]}]})");
    apply(
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"bob-writer","namespace":"team-b"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"writer"},
        "subjects":[{"kind":"Group","name":"devs"}]})");
    const auto owner = admin().post(u"/api/v1/namespaces/team-b/secrets"_s,
        QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, u"owner"_s } } } });
    const QString uid = owner.json.value(u"metadata"_s).toObject().value(u"uid"_s).toString();
    const auto dependent = [&](const QString& name, bool block) {
        return QJsonObject { { u"metadata"_s,
            QJsonObject { { u"name"_s, name },
                { u"ownerReferences"_s,
                    QJsonArray { QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Secret"_s },
                        { u"name"_s, u"owner"_s }, { u"uid"_s, uid }, { u"blockOwnerDeletion"_s, block } } } } } } };
    };
    QCOMPARE(as("bob-token").post(u"/api/v1/namespaces/team-b/secrets"_s, dependent(u"free"_s, false)).code, 201);
    const auto denied = as("bob-token").post(u"/api/v1/namespaces/team-b/secrets"_s, dependent(u"blocking"_s, true));
    QCOMPARE(denied.code, 403);
    QVERIFY(denied.json.value(u"message"_s).toString().contains(u"cannot set blockOwnerDeletion"_s));
    apply(
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"deleter","namespace":"team-b"},
        "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["delete"]}]})");
    apply(
        R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"bob-deleter","namespace":"team-b"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"deleter"},
        "subjects":[{"kind":"User","name":"bob"}]})");
    QCOMPARE(as("bob-token").post(u"/api/v1/namespaces/team-b/secrets"_s, dependent(u"blocking"_s, true)).code, 201);
}

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
