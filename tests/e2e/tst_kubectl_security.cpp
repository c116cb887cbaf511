// kubectl 1.32 end to end against the real `kubelb-syncd apiserver` binary, for its security surface: RBAC from
// stored Roles and bindings, token-file users, ServiceAccount tokens (TokenRequest and legacy token Secrets),
// client certificates, and the typed `kubectl create ...` commands that send protobuf bodies. Checked by kubectl's
// exit code and the text it prints; secret values and tokens never appear in failure output.
#include "apiserver/pki.h"
#include "support/apiserverprocess.h"
#include "support/kubectl.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::KubectlResult;
using testsupport::lastLine;
using testsupport::tableRows;

namespace {

// kube-apiserver's 403 for a namespaced secrets request, as kubectl prints it for `get` and `delete`.
QString forbiddenSecrets(const QString& user, const QString& verb, const QString& ns, const QString& name = {})
{
    const QString what = name.isEmpty() ? u"secrets"_s : u"secrets \"%1\""_s.arg(name);
    return u"Error from server (Forbidden): %1 is forbidden: User \"%2\" cannot %3 resource \"secrets\" in API group "
           "\"\" in the namespace \"%4\"\n"_s.arg(what, user, verb, ns);
}

// The claims of a JWT (its middle part); the token itself is never printed.
QJsonObject jwtClaims(const QString& token)
{
    const QStringList parts = token.split(u'.');
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(
        QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
        .object();
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestKubectlSecurity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testCanIAnswersFromRoleBindingForTokenUser();
    void testTokenUserIsForbiddenInOtherNamespace();
    void testCreateTokenForServiceAccountBoundByClusterRole();
    void testLegacyTokenSecretAuthenticatesUntilDeleted();
    void testClientCertificateInSystemMastersIsAdmin();
    void testClientCertificateWithoutBindingsIsForbidden();
    void testCreateSecretGenericStoresLiteral();
    void testCreateSecretTlsStoresCertificateAndKey();
    void testCreateSecretDockerRegistryStoresDockerConfigJson();
    void testCreateNamespaceIsActive();

private:
    KubectlResult kubectl(const QStringList& args, const QByteArray& stdinData = {}) const;
    void createNamespace(const QString& ns);
    void grantAliceSecretReaderInTeamA();
    void ensureSecretListerClusterRole();
    void createServiceAccountListingSecrets(const QString& ns, const QString& name);
    QString field(const QString& ns, const QString& object, const QString& jsonPath) const;
    QStringList dataKeys(const QString& ns, const QString& secret) const;
    QString writeCertificateKubeconfig(const QString& fileName, const QString& user, const QStringList& groups);
    QString writeTokenKubeconfig(const QString& fileName, const QString& token) const;

    testsupport::ApiServerProcess m_server;
    std::optional<testsupport::Kubectl> m_kubectl;
    QTemporaryDir m_files;
    bool m_aliceGranted = false;
    bool m_clusterRoleCreated = false;
};

// alice is a token-file user outside system:masters: everything she may do comes from RBAC objects.
static const QString kAliceToken = u"alice-token-8d2b71"_s;

void TestKubectlSecurity::initTestCase()
{
    if (!testsupport::Kubectl::available())
        QSKIP("kubectl is not installed (set $KUBECTL to use another binary)");
    m_server.addToken({ kAliceToken, u"alice"_s, u"2001"_s, { u"developers"_s } });
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_kubectl.emplace(m_server.kubeconfigPath());
    QVERIFY(m_files.isValid());
}

KubectlResult TestKubectlSecurity::kubectl(const QStringList& args, const QByteArray& stdinData) const
{
    return m_kubectl->run(args, stdinData);
}

// `kubectl create namespace` (a protobuf Namespace body).
void TestKubectlSecurity::createNamespace(const QString& ns)
{
    const auto r = kubectl({ u"create"_s, u"namespace"_s, ns });
    KVERIFY(r);
    QCOMPARE(r.out, u"namespace/%1 created\n"_s.arg(ns));
}

// team-a and team-b, and a Role in team-a that lets alice read secrets there (protobuf Role and RoleBinding).
void TestKubectlSecurity::grantAliceSecretReaderInTeamA()
{
    if (m_aliceGranted)
        return;
    createNamespace(u"team-a"_s);
    createNamespace(u"team-b"_s);
    const auto role = kubectl({ u"create"_s, u"role"_s, u"secret-reader"_s, u"-n"_s, u"team-a"_s,
        u"--verb=get,list,watch"_s, u"--resource=secrets"_s });
    KVERIFY(role);
    QCOMPARE(role.out, u"role.rbac.authorization.k8s.io/secret-reader created\n"_s);
    const auto binding = kubectl({ u"create"_s, u"rolebinding"_s, u"alice-reads-secrets"_s, u"-n"_s, u"team-a"_s,
        u"--role=secret-reader"_s, u"--user=alice"_s });
    KVERIFY(binding);
    QCOMPARE(binding.out, u"rolebinding.rbac.authorization.k8s.io/alice-reads-secrets created\n"_s);
    QCOMPARE(field(u"team-a"_s, u"rolebinding/alice-reads-secrets"_s, u"{.roleRef.kind}/{.subjects[0].name}"_s),
        u"Role/alice"_s);
    m_aliceGranted = true;
}

// A ClusterRole that reads secrets everywhere and may do nothing else.
void TestKubectlSecurity::ensureSecretListerClusterRole()
{
    if (m_clusterRoleCreated)
        return;
    const auto r = kubectl(
        { u"create"_s, u"clusterrole"_s, u"secret-lister"_s, u"--verb=get,list,watch"_s, u"--resource=secrets"_s });
    KVERIFY(r);
    QCOMPARE(r.out, u"clusterrole.rbac.authorization.k8s.io/secret-lister created\n"_s);
    QCOMPARE(field(QString(), u"clusterrole/secret-lister"_s, u"{.rules[0].apiGroups}:{.rules[0].verbs}"_s),
        u"[\"\"]:[\"get\",\"list\",\"watch\"]"_s);
    m_clusterRoleCreated = true;
}

// A namespace holding the ServiceAccount NAME, bound to secret-lister by a ClusterRoleBinding.
void TestKubectlSecurity::createServiceAccountListingSecrets(const QString& ns, const QString& name)
{
    ensureSecretListerClusterRole();
    createNamespace(ns);
    const auto sa = kubectl({ u"create"_s, u"serviceaccount"_s, name, u"-n"_s, ns });
    KVERIFY(sa);
    QCOMPARE(sa.out, u"serviceaccount/%1 created\n"_s.arg(name));
    const QString bindingName = ns + u"-lists-secrets"_s;
    const auto binding = kubectl({ u"create"_s, u"clusterrolebinding"_s, bindingName, u"--clusterrole=secret-lister"_s,
        u"--serviceaccount=%1:%2"_s.arg(ns, name) });
    KVERIFY(binding);
    QCOMPARE(binding.out, u"clusterrolebinding.rbac.authorization.k8s.io/%1 created\n"_s.arg(bindingName));
}

// One field of an object through `-o jsonpath`; empty when kubectl fails.
QString TestKubectlSecurity::field(const QString& ns, const QString& object, const QString& jsonPath) const
{
    QStringList args { u"get"_s, object, u"-o"_s, u"jsonpath="_s + jsonPath };
    if (!ns.isEmpty())
        args << u"-n"_s << ns;
    const auto r = kubectl(args);
    return r.exitCode == 0 ? r.out : QString();
}

// The data keys of a Secret, sorted (the values stay in this function).
QStringList TestKubectlSecurity::dataKeys(const QString& ns, const QString& secret) const
{
    const auto r = kubectl({ u"get"_s, u"secret"_s, secret, u"-n"_s, ns, u"-o"_s, u"json"_s });
    return QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"data"_s).toObject().keys();
}

// A copy of the admin kubeconfig whose user presents a client certificate for `user` in `groups`, signed by the
// server's CA, instead of a token.
QString TestKubectlSecurity::writeCertificateKubeconfig(
    const QString& fileName, const QString& user, const QStringList& groups)
{
    const apiserver::KeyPair ca { readFile(m_server.dataDir() + u"/ca.crt"_s),
        readFile(m_server.dataDir() + u"/ca.key"_s) };
    if (ca.certPem.isEmpty() || ca.keyPem.isEmpty())
        return {};
    QString error;
    const auto client = apiserver::pki::createClientCertificate(ca, user, groups, &error);
    if (!client)
        return {};
    QString yaml = QString::fromUtf8(readFile(m_server.kubeconfigPath()));
    static const QRegularExpression tokenLine(u"^(\\s+)token:.*$"_s, QRegularExpression::MultilineOption);
    const auto match = tokenLine.match(yaml);
    if (!match.hasMatch())
        return {};
    const QString indent = match.captured(1);
    yaml.replace(match.capturedStart(), match.capturedLength(),
        u"%1client-certificate-data: %2\n%1client-key-data: %3"_s.arg(
            indent, QString::fromLatin1(client->certPem.toBase64()), QString::fromLatin1(client->keyPem.toBase64())));
    QFile out(m_files.filePath(fileName));
    const QByteArray content = yaml.toUtf8();
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(content) != content.size())
        return {};
    return out.fileName();
}

QString TestKubectlSecurity::writeTokenKubeconfig(const QString& fileName, const QString& token) const
{
    return m_server.writeKubeconfigWithToken(fileName, token);
}

void TestKubectlSecurity::testCanIAnswersFromRoleBindingForTokenUser()
{
    grantAliceSecretReaderInTeamA();
    const QString kubeconfig = writeTokenKubeconfig(u"alice.kubeconfig"_s, kAliceToken);
    QVERIFY(!kubeconfig.isEmpty());
    const testsupport::Kubectl alice(kubeconfig);
    const auto canList = alice.run({ u"auth"_s, u"can-i"_s, u"list"_s, u"secrets"_s, u"-n"_s, u"team-a"_s });
    KVERIFY(canList);
    QCOMPARE(canList.out, u"yes\n"_s);
    QCOMPARE(canList.err, QString());
    // A verb the Role lacks: kubectl prints "no" and exits 1.
    const auto canCreate = alice.run({ u"auth"_s, u"can-i"_s, u"create"_s, u"secrets"_s, u"-n"_s, u"team-a"_s });
    KFAIL(canCreate);
    QCOMPARE(canCreate.out, u"no\n"_s);
    QCOMPARE(canCreate.err, QString());
    // The RoleBinding grants nothing outside its namespace.
    const auto elsewhere = alice.run({ u"auth"_s, u"can-i"_s, u"list"_s, u"secrets"_s, u"-n"_s, u"team-b"_s });
    KFAIL(elsewhere);
    QCOMPARE(elsewhere.out, u"no\n"_s);
}

void TestKubectlSecurity::testTokenUserIsForbiddenInOtherNamespace()
{
    grantAliceSecretReaderInTeamA();
    KVERIFY(kubectl({ u"create"_s, u"secret"_s, u"generic"_s, u"team-a-secret"_s, u"-n"_s, u"team-a"_s }));
    KVERIFY(kubectl({ u"create"_s, u"secret"_s, u"generic"_s, u"team-b-secret"_s, u"-n"_s, u"team-b"_s }));
    const QString kubeconfig = writeTokenKubeconfig(u"alice.kubeconfig"_s, kAliceToken);
    QVERIFY(!kubeconfig.isEmpty());
    const testsupport::Kubectl alice(kubeconfig);
    const auto own = alice.run({ u"get"_s, u"secrets"_s, u"-n"_s, u"team-a"_s, u"-o"_s, u"name"_s });
    KVERIFY(own);
    QCOMPARE(own.out, u"secret/team-a-secret\n"_s);
    const auto other = alice.run({ u"get"_s, u"secrets"_s, u"-n"_s, u"team-b"_s });
    KFAIL(other);
    QCOMPARE(other.out, QString());
    QCOMPARE(other.err, forbiddenSecrets(u"alice"_s, u"list"_s, u"team-b"_s));
    // Read-only in team-a too: the Role has no delete.
    const auto deleted = alice.run({ u"delete"_s, u"secret"_s, u"team-a-secret"_s, u"-n"_s, u"team-a"_s });
    KFAIL(deleted);
    QCOMPARE(deleted.err, forbiddenSecrets(u"alice"_s, u"delete"_s, u"team-a"_s, u"team-a-secret"_s));
    QCOMPARE(field(u"team-a"_s, u"secret/team-a-secret"_s, u"{.metadata.name}"_s), u"team-a-secret"_s);
}

void TestKubectlSecurity::testCreateTokenForServiceAccountBoundByClusterRole()
{
    const QString ns = u"sa-create-token"_s;
    createServiceAccountListingSecrets(ns, u"lister"_s);
    KVERIFY(kubectl({ u"create"_s, u"secret"_s, u"generic"_s, u"kept"_s, u"-n"_s, ns }));
    // `kubectl create token` POSTs a protobuf TokenRequest to serviceaccounts/lister/token.
    const auto created = kubectl({ u"create"_s, u"token"_s, u"lister"_s, u"-n"_s, ns, u"--duration=2h"_s });
    KVERIFY(created);
    // kubectl prints the bare token, without a newline.
    const QString token = created.out;
    QVERIFY2(!token.isEmpty() && !token.contains(u'\n'), "kubectl create token printed something else");
    const QJsonObject claims = jwtClaims(token);
    QCOMPARE(claims.value(u"sub"_s).toString(), u"system:serviceaccount:sa-create-token:lister"_s);
    QCOMPARE(claims.value(u"exp"_s).toInteger() - claims.value(u"iat"_s).toInteger(), 7200);
    const auto tooShort = kubectl({ u"create"_s, u"token"_s, u"lister"_s, u"-n"_s, ns, u"--duration=5m"_s });
    KFAIL(tooShort);
    QCOMPARE(tooShort.out, QString());
    QCOMPARE(tooShort.err,
        u"error: failed to create token: TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: "
        "Invalid value: 300: may not specify a duration less than 10 minutes\n"_s);
    const auto missing = kubectl({ u"create"_s, u"token"_s, u"nobody"_s, u"-n"_s, ns });
    KFAIL(missing);
    QCOMPARE(missing.err, u"error: failed to create token: serviceaccounts \"nobody\" not found\n"_s);

    const QString kubeconfig = writeTokenKubeconfig(u"lister.kubeconfig"_s, token);
    QVERIFY(!kubeconfig.isEmpty());
    const testsupport::Kubectl lister(kubeconfig);
    const auto all = lister.run({ u"get"_s, u"secrets"_s, u"-A"_s });
    KVERIFY(all);
    const QStringList rows = tableRows(all.out);
    QCOMPARE(rows.value(0), u"NAMESPACE NAME TYPE DATA AGE"_s);
    QVERIFY2(rows.contains(u"sa-create-token kept Opaque 0 AGE"_s), qPrintable(rows.join(u'\n')));
    // Outside the ClusterRole: Forbidden, naming the ServiceAccount user.
    const auto deleted = lister.run({ u"delete"_s, u"secret"_s, u"kept"_s, u"-n"_s, ns });
    KFAIL(deleted);
    QCOMPARE(
        deleted.err, forbiddenSecrets(u"system:serviceaccount:sa-create-token:lister"_s, u"delete"_s, ns, u"kept"_s));
    const auto can = lister.run({ u"auth"_s, u"can-i"_s, u"delete"_s, u"secrets"_s, u"-n"_s, ns });
    KFAIL(can);
    QCOMPARE(can.out, u"no\n"_s);
}

void TestKubectlSecurity::testLegacyTokenSecretAuthenticatesUntilDeleted()
{
    const QString ns = u"sa-legacy-token"_s;
    createServiceAccountListingSecrets(ns, u"builder"_s);
    const QByteArray manifest = u"apiVersion: v1\nkind: Secret\nmetadata:\n  name: builder-token\n  namespace: %1\n"
                                "  annotations: {kubernetes.io/service-account.name: builder}\n"
                                "type: kubernetes.io/service-account-token\n"_s.arg(ns)
                                    .toUtf8();
    const auto created = kubectl({ u"create"_s, u"-f"_s, u"-"_s }, manifest);
    KVERIFY(created);
    QCOMPARE(created.out, u"secret/builder-token created\n"_s);
    // The server fills data.token, ca.crt and namespace and records the ServiceAccount's uid.
    QTRY_COMPARE_WITH_TIMEOUT(
        dataKeys(ns, u"builder-token"_s), (QStringList { u"ca.crt"_s, u"namespace"_s, u"token"_s }), 15000);
    QCOMPARE(field(ns, u"secret/builder-token"_s, u"{.metadata.annotations.kubernetes\\.io/service-account\\.uid}"_s),
        field(ns, u"serviceaccount/builder"_s, u"{.metadata.uid}"_s));
    const QString token = QString::fromLatin1(
        QByteArray::fromBase64(field(ns, u"secret/builder-token"_s, u"{.data.token}"_s).toLatin1()));
    QVERIFY2(jwtClaims(token).value(u"sub"_s).toString() == u"system:serviceaccount:sa-legacy-token:builder"_s,
        "data.token is not a token for the ServiceAccount");

    const QString kubeconfig = writeTokenKubeconfig(u"builder.kubeconfig"_s, token);
    QVERIFY(!kubeconfig.isEmpty());
    const testsupport::Kubectl builder(kubeconfig);
    const auto all = builder.run({ u"get"_s, u"secrets"_s, u"-A"_s, u"-o"_s, u"name"_s });
    KVERIFY(all);
    QVERIFY(all.out.split(u'\n').contains(u"secret/builder-token"_s));
    // `create secret generic` is outside the ClusterRole; kubectl words its own failure.
    const auto refused = builder.run(
        { u"create"_s, u"secret"_s, u"generic"_s, u"not-allowed"_s, u"-n"_s, ns, u"--from-literal=a=b"_s });
    KFAIL(refused);
    QCOMPARE(refused.err,
        u"error: failed to create secret secrets is forbidden: User \"system:serviceaccount:sa-legacy-token:builder\" "
        "cannot create resource \"secrets\" in API group \"\" in the namespace \"sa-legacy-token\"\n"_s);
    // Deleting the Secret revokes the token.
    KVERIFY(kubectl({ u"delete"_s, u"secret"_s, u"builder-token"_s, u"-n"_s, ns }));
    const auto revoked = builder.run({ u"get"_s, u"secrets"_s, u"-n"_s, ns });
    KFAIL(revoked);
    QVERIFY2(
        lastLine(revoked.err).startsWith(u"error: You must be logged in to the server"_s), qPrintable(revoked.err));
}

void TestKubectlSecurity::testClientCertificateInSystemMastersIsAdmin()
{
    const QString kubeconfig
        = writeCertificateKubeconfig(u"cert-admin.kubeconfig"_s, u"cert-admin"_s, { u"system:masters"_s });
    QVERIFY(!kubeconfig.isEmpty());
    QVERIFY(!readFile(kubeconfig).contains("token:"));
    const testsupport::Kubectl admin(kubeconfig);
    const auto namespaces = admin.run({ u"get"_s, u"ns"_s });
    KVERIFY(namespaces);
    const QStringList rows = tableRows(namespaces.out);
    QCOMPARE(rows.value(0), u"NAME STATUS AGE"_s);
    QVERIFY2(rows.contains(u"default Active AGE"_s), qPrintable(rows.join(u'\n')));
    const auto created = admin.run({ u"create"_s, u"namespace"_s, u"cert-admin-made"_s });
    KVERIFY(created);
    QCOMPARE(created.out, u"namespace/cert-admin-made created\n"_s);
    const auto can = admin.run({ u"auth"_s, u"can-i"_s, u"delete"_s, u"namespaces"_s });
    KVERIFY(can);
    QCOMPARE(can.out, u"yes\n"_s);
}

void TestKubectlSecurity::testClientCertificateWithoutBindingsIsForbidden()
{
    const QString kubeconfig = writeCertificateKubeconfig(u"cert-dave.kubeconfig"_s, u"dave"_s, { u"qa"_s });
    QVERIFY(!kubeconfig.isEmpty());
    const testsupport::Kubectl dave(kubeconfig);
    const auto namespaces = dave.run({ u"get"_s, u"ns"_s });
    KFAIL(namespaces);
    QCOMPARE(namespaces.out, QString());
    QCOMPARE(namespaces.err,
        u"Error from server (Forbidden): namespaces is forbidden: User \"dave\" cannot list resource \"namespaces\" in "
        "API group \"\" at the cluster scope\n"_s);
    const auto secret = dave.run({ u"get"_s, u"secret"_s, u"x"_s, u"-n"_s, u"default"_s });
    KFAIL(secret);
    QCOMPARE(secret.err,
        u"Error from server (Forbidden): secrets \"x\" is forbidden: User \"dave\" cannot get resource \"secrets\" in "
        "API group \"\" in the namespace \"default\"\n"_s);
}

void TestKubectlSecurity::testCreateSecretGenericStoresLiteral()
{
    const QString ns = u"create-generic"_s;
    createNamespace(ns);
    const auto r = kubectl({ u"create"_s, u"secret"_s, u"generic"_s, u"x"_s, u"-n"_s, ns, u"--from-literal=a=b"_s });
    KVERIFY(r);
    QCOMPARE(r.out, u"secret/x created\n"_s);
    QCOMPARE(field(ns, u"secret/x"_s, u"{.type}"_s), u"Opaque"_s);
    QCOMPARE(dataKeys(ns, u"x"_s), QStringList { u"a"_s });
    QVERIFY2(field(ns, u"secret/x"_s, u"{.data.a}"_s) == u"Yg=="_s, "data.a is not base64(\"b\")");
    const auto again
        = kubectl({ u"create"_s, u"secret"_s, u"generic"_s, u"x"_s, u"-n"_s, ns, u"--from-literal=a=c"_s });
    KFAIL(again);
    QCOMPARE(again.err, u"error: failed to create secret secrets \"x\" already exists\n"_s);
}

void TestKubectlSecurity::testCreateSecretTlsStoresCertificateAndKey()
{
    const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
    if (openssl.isEmpty())
        QSKIP("openssl is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString cert = dir.filePath(u"tls.crt"_s);
    const QString key = dir.filePath(u"tls.key"_s);
    QProcess generate;
    generate.start(openssl,
        { u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s,
            u"-subj"_s, u"/CN=x"_s, u"-days"_s, u"1"_s, u"-keyout"_s, key, u"-out"_s, cert });
    QVERIFY2(generate.waitForFinished(30000) && generate.exitCode() == 0, generate.readAllStandardError().constData());

    const QString ns = u"create-tls"_s;
    createNamespace(ns);
    const auto r = kubectl(
        { u"create"_s, u"secret"_s, u"tls"_s, u"web-tls"_s, u"-n"_s, ns, u"--cert"_s, cert, u"--key"_s, key });
    KVERIFY(r);
    QCOMPARE(r.out, u"secret/web-tls created\n"_s);
    QCOMPARE(field(ns, u"secret/web-tls"_s, u"{.type}"_s), u"kubernetes.io/tls"_s);
    QCOMPARE(dataKeys(ns, u"web-tls"_s), (QStringList { u"tls.crt"_s, u"tls.key"_s }));
    QVERIFY2(field(ns, u"secret/web-tls"_s, u"{.data.tls\\.crt}"_s).toLatin1() == readFile(cert).toBase64(),
        "tls.crt differs from the certificate file");
    QVERIFY2(field(ns, u"secret/web-tls"_s, u"{.data.tls\\.key}"_s).toLatin1() == readFile(key).toBase64(),
        "tls.key differs from the key file");
}

void TestKubectlSecurity::testCreateSecretDockerRegistryStoresDockerConfigJson()
{
    const QString ns = u"create-registry"_s;
    createNamespace(ns);
    const auto r = kubectl({ u"create"_s, u"secret"_s, u"docker-registry"_s, u"regcred"_s, u"-n"_s, ns,
        u"--docker-server=registry.example.com"_s, u"--docker-username=robot"_s, u"--docker-password=pa55word"_s,
        u"--docker-email=robot@example.com"_s });
    KVERIFY(r);
    QCOMPARE(r.out, u"secret/regcred created\n"_s);
    QCOMPARE(field(ns, u"secret/regcred"_s, u"{.type}"_s), u"kubernetes.io/dockerconfigjson"_s);
    QCOMPARE(dataKeys(ns, u"regcred"_s), QStringList { u".dockerconfigjson"_s });
    const QJsonObject auths = QJsonDocument::fromJson(
        QByteArray::fromBase64(field(ns, u"secret/regcred"_s, u"{.data.\\.dockerconfigjson}"_s).toLatin1()))
                                  .object()
                                  .value(u"auths"_s)
                                  .toObject();
    QCOMPARE(auths.keys(), QStringList { u"registry.example.com"_s });
    const QJsonObject registry = auths.value(u"registry.example.com"_s).toObject();
    QCOMPARE(registry.value(u"username"_s).toString(), u"robot"_s);
    QCOMPARE(registry.value(u"email"_s).toString(), u"robot@example.com"_s);
    QVERIFY2(registry.value(u"password"_s).toString() == u"pa55word"_s, "password differs");
    QVERIFY2(registry.value(u"auth"_s).toString().toLatin1() == QByteArray("robot:pa55word").toBase64(),
        "auth is not base64(username:password)");
}

void TestKubectlSecurity::testCreateNamespaceIsActive()
{
    createNamespace(u"made-by-create"_s);
    QCOMPARE(field(QString(), u"namespace/made-by-create"_s, u"{.status.phase}"_s), u"Active"_s);
    const auto again = kubectl({ u"create"_s, u"namespace"_s, u"made-by-create"_s });
    KFAIL(again);
    QCOMPARE(again.err, u"Error from server (AlreadyExists): namespaces \"made-by-create\" already exists\n"_s);
}

QTEST_GUILESS_MAIN(TestKubectlSecurity)
#include "tst_kubectl_security.moc"
