// Kubeconfig loading as kubectl/client-go do it: loading rules, KUBECONFIG merge, contexts, all user kinds,
// in-cluster config and the exact error messages. Secret values are compared with QVERIFY, never printed.
#include "kube/kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QString dataDir()
{
    return QStringLiteral(KUBELB_SOURCE_DIR "/tests/data/kubeconfig");
}

QString fixture(const QString& name)
{
    return dataDir() + u'/' + name;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

/// An environment with only the given variables (no KUBECONFIG, HOME or service variables leak in).
QProcessEnvironment environment(std::initializer_list<std::pair<QString, QString>> vars)
{
    QProcessEnvironment env;
    for (const auto& [name, value] : vars)
        env.insert(name, value);
    return env;
}

kube::ClientConfig resolve(const QString& file, const QString& context, QStringList* warnings = nullptr)
{
    kube::KubeconfigLoader loader(environment({}));
    loader.setExplicitPath(fixture(file));
    const kube::Expected<kube::ClientConfig> config = loader.load(context, warnings);
    if (!config)
        qWarning("unexpected error: %s", qPrintable(config.error().message()));
    return config ? *config : kube::ClientConfig {};
}

/// The error message of loading `context` from the fixture (empty when it loaded).
QString errorOf(const QString& file, const QString& context)
{
    kube::KubeconfigLoader loader(environment({}));
    loader.setExplicitPath(fixture(file));
    const kube::Expected<kube::ClientConfig> config = loader.load(context);
    return config ? QString() : config.error().message();
}

} // namespace

class TestKubeconfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testTokenUserKeepsPlainScalarAndLoadsCaFile();
    void testTokenFileIsReadAtLoad();
    void testClientCertificateFilesRsa();
    void testClientCertificateDataEc();
    void testBasicAuthUser();
    void testExecCommandWithSlashIsRelativeToKubeconfig();
    void testExecCommandWithoutSlashStaysOnPath();
    void testClusterTlsServerNameAndProxy();
    void testInsecureSkipTlsVerifyWarns();
    void testExplicitContextBeatsCurrentContext();
    void testMergeFirstFileToDefineANameWins();
    void testMergeOrderDecidesCurrentContext();
    void testMissingKubeconfigEnvFilesAreSkipped();
    void testExplicitPathBeatsKubeconfigEnv();
    void testHomeConfigWhenKubeconfigUnset();
    void testInClusterWhenNoKubeconfig();
    void testInClusterIpv6AndPodNamespace();
    void testNoConfigurationAtAll();
    void testEmptyKubeconfigIsValid();
    void testListContexts();
    void testParseFromMemory();
    void testInlineDataOverridesFileWithWarning();
    void testOtherAuthProvidersSuggestPlugins();
    void testErrors_data();
    void testErrors();
    void testErrorsNeverContainSecrets();
    void testMalformedDocuments_data();
    void testMalformedDocuments();
    void testEndlessKubeconfigFile();
};

void TestKubeconfig::testTokenUserKeepsPlainScalarAndLoadsCaFile()
{
    QStringList warnings;
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, {}, &warnings);
    QCOMPARE(c.contextName, u"token"_s);
    QCOMPARE(c.clusterName, u"dev"_s);
    QCOMPARE(c.userName, u"token-user"_s);
    QCOMPARE(c.server, u"https://dev.example:6443"_s);
    QCOMPARE(c.defaultNamespace, u"team-a"_s);
    QVERIFY(c.token == "0123"_L1); // a plain `0123` is a string for a string field, not octal 83
    QCOMPARE(c.caPem, readFile(fixture(u"pki/ca.crt"_s)));
    QCOMPARE(c.source, fixture(u"all-users.yaml"_s));
    QVERIFY(warnings.isEmpty());
}

void TestKubeconfig::testTokenFileIsReadAtLoad()
{
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"tokenfile"_s);
    QCOMPARE(c.tokenFile, fixture(u"tokens/token"_s));
    QVERIFY(c.token == "fixture-file-token"_L1);
    QCOMPARE(c.defaultNamespace, u"default"_s);
}

void TestKubeconfig::testClientCertificateFilesRsa()
{
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"certfile"_s);
    QCOMPARE(c.clientCertPem, readFile(fixture(u"pki/rsa.crt"_s)));
    QVERIFY(c.clientKeyPem == readFile(fixture(u"pki/rsa.key"_s)));
    QVERIFY(c.token.isEmpty());
}

void TestKubeconfig::testClientCertificateDataEc()
{
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"certdata"_s);
    QCOMPARE(c.clientCertPem, readFile(fixture(u"pki/ec.crt"_s)));
    QVERIFY(c.clientKeyPem == readFile(fixture(u"pki/ec.key"_s)));
    QCOMPARE(c.caPem, readFile(fixture(u"pki/ca.crt"_s)));
}

void TestKubeconfig::testBasicAuthUser()
{
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"basic"_s);
    QCOMPARE(c.username, u"admin"_s);
    QVERIFY(c.password == "fixture-password"_L1);
}

void TestKubeconfig::testExecCommandWithSlashIsRelativeToKubeconfig()
{
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"exec"_s);
    QVERIFY(c.exec);
    QCOMPARE(c.exec->command, fixture(u"bin/plugin"_s));
    QCOMPARE(c.exec->args, (QStringList { u"get-token"_s, u"--cluster"_s, u"42"_s }));
    QCOMPARE(c.exec->env.size(), 1);
    QCOMPARE(c.exec->env.first(), qMakePair(u"PLUGIN_MODE"_s, u"fixture"_s));
    QCOMPARE(c.exec->apiVersion, u"client.authentication.k8s.io/v1"_s);
    QCOMPARE(c.exec->interactiveMode, u"Never"_s);
    QVERIFY(c.exec->provideClusterInfo);
    QCOMPARE(c.exec->installHint, u"Install the plugin from bin/."_s);
}

void TestKubeconfig::testExecCommandWithoutSlashStaysOnPath()
{
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"exec-path"_s);
    QVERIFY(c.exec);
    QCOMPARE(c.exec->command, u"gke-gcloud-auth-plugin"_s);
    QCOMPARE(c.exec->interactiveMode, u"IfAvailable"_s); // v1beta1 default
    QVERIFY(!c.exec->provideClusterInfo);
}

void TestKubeconfig::testClusterTlsServerNameAndProxy()
{
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"certdata"_s);
    QCOMPARE(c.server, u"https://prod.example:6443/prefix"_s);
    QCOMPARE(c.tlsServerName, u"kubernetes"_s);
    QCOMPARE(c.proxyUrl, u"http://proxy.example:3128"_s);
    QVERIFY(!c.insecureSkipTlsVerify);
}

void TestKubeconfig::testInsecureSkipTlsVerifyWarns()
{
    QStringList warnings;
    const kube::ClientConfig c = resolve(u"all-users.yaml"_s, u"insecure"_s, &warnings);
    QVERIFY(c.insecureSkipTlsVerify);
    QVERIFY(c.caPem.isEmpty());
    QCOMPARE(warnings,
        QStringList { fixture(u"all-users.yaml"_s)
            + u":18:31: clusters[2].cluster.insecure-skip-tls-verify: TLS certificate verification is disabled for "
              u"cluster \"insecure\" (insecure-skip-tls-verify)"_s });
}

void TestKubeconfig::testExplicitContextBeatsCurrentContext()
{
    QCOMPARE(resolve(u"all-users.yaml"_s, {}).contextName, u"token"_s);
    QCOMPARE(resolve(u"all-users.yaml"_s, u"basic"_s).contextName, u"basic"_s);
}

void TestKubeconfig::testMergeFirstFileToDefineANameWins()
{
    const QString list = fixture(u"merge-a.yaml"_s) + u':' + fixture(u"merge-b.yaml"_s);
    kube::KubeconfigLoader loader(environment({ { u"KUBECONFIG"_s, list } }));
    const kube::Expected<kube::Kubeconfig> merged = loader.loadMerged();
    QVERIFY(merged);
    QCOMPARE(merged->files, (QStringList { fixture(u"merge-a.yaml"_s), fixture(u"merge-b.yaml"_s) }));
    QCOMPARE(merged->cluster(u"shared"_s)->server, u"https://a.example"_s);
    QCOMPARE(merged->context(u"shared"_s)->ns, u"from-a"_s);
    QCOMPARE(merged->context(u"only-b"_s)->origin.file, fixture(u"merge-b.yaml"_s));
    QVERIFY(merged->cluster(u"b-cluster"_s));
    const kube::Expected<kube::ClientConfig> shared = loader.load(u"shared"_s);
    QVERIFY(shared);
    QVERIFY(shared->token == "token-a"_L1);
    // A context from the second file still finds the first file's user of the same name.
    const kube::Expected<kube::ClientConfig> onlyB = loader.load(u"only-b"_s);
    QVERIFY(onlyB);
    QCOMPARE(onlyB->server, u"https://b-only.example"_s);
    QVERIFY(onlyB->token == "token-a"_L1);
}

void TestKubeconfig::testMergeOrderDecidesCurrentContext()
{
    const QString ab = fixture(u"merge-a.yaml"_s) + u':' + fixture(u"merge-b.yaml"_s);
    const QString ba = fixture(u"merge-b.yaml"_s) + u':' + fixture(u"merge-a.yaml"_s);
    const QString nb = fixture(u"merge-nocurrent.yaml"_s) + u':' + fixture(u"merge-b.yaml"_s);
    QCOMPARE(kube::KubeconfigLoader(environment({ { u"KUBECONFIG"_s, ab } })).load()->contextName, u"only-a"_s);
    QCOMPARE(kube::KubeconfigLoader(environment({ { u"KUBECONFIG"_s, ba } })).load()->contextName, u"only-b"_s);
    QCOMPARE(kube::KubeconfigLoader(environment({ { u"KUBECONFIG"_s, ba } })).load(u"shared"_s)->server,
        u"https://b.example"_s);
    // The first file without current-context does not hide the next file's.
    const kube::Expected<kube::Kubeconfig> merged
        = kube::KubeconfigLoader(environment({ { u"KUBECONFIG"_s, nb } })).loadMerged();
    QCOMPARE(merged->currentContext, u"only-b"_s);
    QCOMPARE(merged->currentContextFile, fixture(u"merge-b.yaml"_s));
}

void TestKubeconfig::testMissingKubeconfigEnvFilesAreSkipped()
{
    const QString list
        = u"::"_s + fixture(u"missing.yaml"_s) + u':' + fixture(u"merge-b.yaml"_s) + u':' + fixture(u"merge-b.yaml"_s);
    kube::KubeconfigLoader loader(environment({ { u"KUBECONFIG"_s, list } }));
    QCOMPARE(loader.precedence(), (QStringList { fixture(u"missing.yaml"_s), fixture(u"merge-b.yaml"_s) }));
    const kube::Expected<kube::ClientConfig> config = loader.load();
    QVERIFY(config);
    QCOMPARE(config->contextName, u"only-b"_s);
}

void TestKubeconfig::testExplicitPathBeatsKubeconfigEnv()
{
    kube::KubeconfigLoader loader(environment({ { u"KUBECONFIG"_s, fixture(u"merge-a.yaml"_s) } }));
    loader.setExplicitPath(fixture(u"merge-b.yaml"_s));
    QCOMPARE(loader.precedence(), QStringList { fixture(u"merge-b.yaml"_s) });
    QCOMPARE(loader.load()->contextName, u"only-b"_s);
}

void TestKubeconfig::testHomeConfigWhenKubeconfigUnset()
{
    QTemporaryDir home;
    QVERIFY(writeFile(home.filePath(u".kube/config"_s), readFile(fixture(u"merge-a.yaml"_s))));
    kube::KubeconfigLoader loader(environment({ { u"HOME"_s, home.path() } }));
    QCOMPARE(loader.precedence(), QStringList { home.filePath(u".kube/config"_s) });
    QCOMPARE(loader.load()->contextName, u"only-a"_s);
    // An empty KUBECONFIG counts as unset.
    kube::KubeconfigLoader emptyEnv(environment({ { u"HOME"_s, home.path() }, { u"KUBECONFIG"_s, QString() } }));
    QCOMPARE(emptyEnv.load()->contextName, u"only-a"_s);
}

void TestKubeconfig::testInClusterWhenNoKubeconfig()
{
    QTemporaryDir home;
    QTemporaryDir sa;
    QVERIFY(writeFile(sa.filePath(u"token"_s), "in-cluster-token\n"));
    QVERIFY(writeFile(sa.filePath(u"ca.crt"_s), readFile(fixture(u"pki/ca.crt"_s))));
    QVERIFY(writeFile(sa.filePath(u"namespace"_s), "tenant-a\n"));
    kube::KubeconfigLoader loader(environment({ { u"HOME"_s, home.path() },
        { u"KUBERNETES_SERVICE_HOST"_s, u"10.96.0.1"_s }, { u"KUBERNETES_SERVICE_PORT"_s, u"443"_s } }));
    loader.setServiceAccountDir(sa.path());
    QVERIFY(loader.inClusterPossible());
    const kube::Expected<QList<kube::ContextInfo>> contexts = loader.listContexts();
    QVERIFY(contexts && contexts->size() == 1);
    QCOMPARE(contexts->first().name, u"in-cluster"_s);
    QCOMPARE(contexts->first().server, u"https://10.96.0.1:443"_s);
    QCOMPARE(contexts->first().ns, u"tenant-a"_s);
    const kube::Expected<kube::ClientConfig> c = loader.load();
    QVERIFY2(c, c ? "" : qPrintable(c.error().message()));
    QCOMPARE(c->server, u"https://10.96.0.1:443"_s);
    QVERIFY(c->token == "in-cluster-token"_L1);
    QCOMPARE(c->tokenFile, sa.filePath(u"token"_s));
    QCOMPARE(c->caPem, readFile(fixture(u"pki/ca.crt"_s)));
    QCOMPARE(c->defaultNamespace, u"tenant-a"_s);
    QCOMPARE(c->source, u"in-cluster"_s);
    // A kubeconfig, when present, wins over in-cluster.
    QVERIFY(writeFile(home.filePath(u".kube/config"_s), readFile(fixture(u"merge-a.yaml"_s))));
    QCOMPARE(loader.load()->contextName, u"only-a"_s);
}

void TestKubeconfig::testInClusterIpv6AndPodNamespace()
{
    QTemporaryDir sa;
    QVERIFY(writeFile(sa.filePath(u"token"_s), "t"));
    kube::KubeconfigLoader loader(environment({ { u"KUBERNETES_SERVICE_HOST"_s, u"fd00::1"_s },
        { u"KUBERNETES_SERVICE_PORT"_s, u"6443"_s }, { u"POD_NAMESPACE"_s, u"from-env"_s } }));
    loader.setServiceAccountDir(sa.path());
    const kube::Expected<kube::ClientConfig> c = loader.loadInCluster();
    QVERIFY(c);
    QCOMPARE(c->server, u"https://[fd00::1]:6443"_s);
    QCOMPARE(c->defaultNamespace, u"from-env"_s);
    QVERIFY(c->caPem.isEmpty());
    kube::KubeconfigLoader outside(environment({}));
    QCOMPARE(outside.loadInCluster().error().message(),
        u"unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
        u"defined"_s);
}

void TestKubeconfig::testNoConfigurationAtAll()
{
    QTemporaryDir home;
    kube::KubeconfigLoader loader(environment({ { u"HOME"_s, home.path() } }));
    QCOMPARE(loader.load().error().message(),
        u"no configuration has been provided (no kubeconfig at %1/.kube/config; not running in a cluster: "
        u"KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)"_s.arg(home.path()));
    QCOMPARE(loader.load().error().reason(), u"InvalidConfiguration"_s);
    kube::KubeconfigLoader noToken(environment({ { u"HOME"_s, home.path() },
        { u"KUBERNETES_SERVICE_HOST"_s, u"10.0.0.1"_s }, { u"KUBERNETES_SERVICE_PORT"_s, u"443"_s } }));
    noToken.setServiceAccountDir(home.filePath(u"sa"_s));
    QCOMPARE(noToken.load().error().message(),
        u"no configuration has been provided (no kubeconfig at %1/.kube/config; not running in a cluster: "
        u"no ServiceAccount token at %1/sa/token)"_s.arg(home.path()));
}

void TestKubeconfig::testEmptyKubeconfigIsValid()
{
    const QString list = fixture(u"empty.yaml"_s) + u':' + fixture(u"merge-a.yaml"_s);
    kube::KubeconfigLoader loader(environment({ { u"KUBECONFIG"_s, list } }));
    QCOMPARE(loader.load()->contextName, u"only-a"_s);
    QCOMPARE(errorOf(u"empty.yaml"_s, {}),
        u"no configuration has been provided (empty kubeconfig %1; not running in a cluster: "
        u"KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)"_s.arg(fixture(u"empty.yaml"_s)));
}

void TestKubeconfig::testListContexts()
{
    const QString list = fixture(u"merge-b.yaml"_s) + u':' + fixture(u"merge-a.yaml"_s);
    const kube::Expected<QList<kube::ContextInfo>> contexts
        = kube::KubeconfigLoader(environment({ { u"KUBECONFIG"_s, list } })).listContexts();
    QVERIFY(contexts);
    QStringList names;
    for (const kube::ContextInfo& c : *contexts)
        names << c.name;
    QCOMPARE(names, (QStringList { u"shared"_s, u"only-b"_s, u"only-a"_s }));
    const kube::ContextInfo& onlyB = contexts->at(1);
    QCOMPARE(onlyB.cluster, u"b-cluster"_s);
    QCOMPARE(onlyB.user, u"shared"_s);
    QCOMPARE(onlyB.ns, u"default"_s);
    QCOMPARE(onlyB.server, u"https://b-only.example"_s);
    QCOMPARE(onlyB.file, fixture(u"merge-b.yaml"_s));
    QVERIFY(onlyB.current);
    QCOMPARE(contexts->at(0).ns, u"from-b"_s);
    QVERIFY(!contexts->at(2).current);
    QCOMPARE(contexts->at(2).file, fixture(u"merge-a.yaml"_s));
}

void TestKubeconfig::testParseFromMemory()
{
    const kube::Expected<kube::Kubeconfig> config = kube::parseKubeconfig(readFile(fixture(u"merge-a.yaml"_s)), {});
    QVERIFY(config);
    QCOMPARE(config->contexts.size(), 2);
    QCOMPARE(config->contexts.at(0).origin.where(u"context.namespace"_s),
        u"kubeconfig:9:55: contexts[0].context.namespace"_s);
    const kube::Expected<kube::Kubeconfig> bad = kube::parseKubeconfig("users: 5\n", {});
    QCOMPARE(bad.error().message(), u"kubeconfig:1:8: users: expected a sequence, got a scalar"_s);
}

void TestKubeconfig::testInlineDataOverridesFileWithWarning()
{
    const QByteArray yaml = "clusters:\n- name: c\n  cluster:\n    server: https://c.example\n"
                            "    certificate-authority: missing.crt\n    certificate-authority-data: "
        + readFile(fixture(u"pki/ca.crt"_s)).toBase64()
        + "\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n";
    const kube::Expected<kube::Kubeconfig> config = kube::parseKubeconfig(yaml, {});
    QVERIFY(config);
    QStringList warnings;
    const kube::Expected<kube::ClientConfig> resolved = kube::resolveContext(*config, u"x"_s, &warnings);
    QVERIFY(resolved);
    QCOMPARE(resolved->caPem, readFile(fixture(u"pki/ca.crt"_s)));
    QCOMPARE(warnings,
        QStringList { u"kubeconfig:6:33: clusters[0].cluster.certificate-authority-data: certificate-authority-data "
                      u"and certificate-authority are both specified for cluster \"c\"; certificate-authority-data "
                      u"will override"_s });
}

void TestKubeconfig::testOtherAuthProvidersSuggestPlugins()
{
    const QByteArray yaml = "clusters:\n- name: c\n  cluster: {server: https://c.example}\nusers:\n"
                            "- name: o\n  user: {auth-provider: {name: oidc}}\n"
                            "- name: k\n  user: {auth-provider: {name: keystone}}\n"
                            "contexts:\n- name: o\n  context: {cluster: c, user: o}\n"
                            "- name: k\n  context: {cluster: c, user: k}\n";
    const kube::Expected<kube::Kubeconfig> config = kube::parseKubeconfig(yaml, {});
    QVERIFY(config);
    QCOMPARE(kube::resolveContext(*config, u"o"_s).error().message(),
        u"kubeconfig:6:25: users[0].user.auth-provider: auth-provider \"oidc\" is not supported; use an exec "
        u"credential plugin (for example kubectl oidc-login)"_s);
    QCOMPARE(kube::resolveContext(*config, u"k"_s).error().message(),
        u"kubeconfig:8:25: users[1].user.auth-provider: auth-provider \"keystone\" is not supported; use an exec "
        u"credential plugin"_s);
}

void TestKubeconfig::testErrors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("expected"); // %1 = the fixture's absolute path, %2 = the fixture directory

    QTest::newRow("missing file") << u"does-not-exist.yaml"_s << QString()
                                  << u"%1: cannot read kubeconfig: no such file or directory"_s;
    QTest::newRow("bad YAML") << u"bad-yaml.yaml"_s << QString() << u"%1:5:3: invalid YAML: end of map not found"_s;
    QTest::newRow("bad base64") << u"bad-base64.yaml"_s << QString()
                                << u"%1:7:22: users[1].user.client-key-data: illegal base64 data at input byte 8"_s;
    QTest::newRow("duplicate name") << u"duplicate-names.yaml"_s << QString()
                                    << u"%1:4:9: clusters[1].name: duplicate name \"dev\" in clusters"_s;
    QTest::newRow("wrong type") << u"wrong-type.yaml"_s << QString()
                                << u"%1:5:7: clusters[0].cluster.server: expected a string, got a mapping"_s;
    QTest::newRow("unknown context") << u"merge-a.yaml"_s << u"nope"_s
                                     << u"%1: context \"nope\" not found (available contexts: shared, only-a)"_s;
    QTest::newRow("no current context")
        << u"merge-nocurrent.yaml"_s << QString()
        << u"%1: no context chosen: current-context is not set (available contexts: c)"_s;
    QTest::newRow("missing cluster") << u"errors.yaml"_s << u"missing-cluster"_s
                                     << u"%1:56:22: contexts[0].context.cluster: cluster \"gone\" was not found for "
                                        u"context \"missing-cluster\""_s;
    QTest::newRow("missing user") << u"errors.yaml"_s << u"missing-user"_s
                                  << u"%1:60:11: contexts[1].context.user: user \"nobody\" was not found for context "
                                     u"\"missing-user\""_s;
    QTest::newRow("missing CA file")
        << u"errors.yaml"_s << u"missing-ca"_s
        << u"%1:9:28: clusters[1].cluster.certificate-authority: unable to read certificate-authority "
           u"\"%2/pki/does-not-exist.crt\" for cluster \"missing-ca\": no such file or directory"_s;
    QTest::newRow("no server") << u"errors.yaml"_s << u"no-server"_s
                               << u"%1:12:5: clusters[2].cluster.server: no server found for cluster \"no-server\""_s;
    QTest::newRow("bad proxy") << u"errors.yaml"_s << u"bad-proxy"_s
                               << u"%1:16:16: clusters[3].cluster.proxy-url: invalid 'proxy-url' "
                                  u"\"ftp://proxy.example\" for cluster \"bad-proxy\": must be an http, https or "
                                  u"socks5 URL"_s;
    QTest::newRow("insecure with CA") << u"errors.yaml"_s << u"insecure-with-ca"_s
                                      << u"%1:21:31: clusters[4].cluster.insecure-skip-tls-verify: specifying a root "
                                         u"certificates file with the insecure flag is not allowed (cluster "
                                         u"\"insecure-with-ca\")"_s;
    QTest::newRow("key mismatch (files)")
        << u"errors.yaml"_s << u"key-mismatch"_s
        << u"%1:28:17: users[1].user.client-key: private key does not match the certificate's public key of user "
           u"\"key-mismatch\" (client-certificate / client-key)"_s;
    QTest::newRow("key mismatch (data)")
        << u"errors.yaml"_s << u"key-mismatch-data"_s
        << u"%1:32:22: users[2].user.client-key-data: private key does not match the certificate's public key of "
           u"user \"key-mismatch-data\" (client-certificate-data / client-key-data)"_s;
    QTest::newRow("auth-provider")
        << u"errors.yaml"_s << u"gcp"_s
        << u"%1:36:7: users[3].user.auth-provider: auth-provider \"gcp\" is not supported; use an exec credential "
           u"plugin (for example gke-gcloud-auth-plugin)"_s;
    QTest::newRow("exec v1 without interactiveMode")
        << u"errors.yaml"_s << u"exec-no-interactive"_s
        << u"%1:41:7: users[4].user.exec: interactiveMode must be specified for user \"exec-no-interactive\" to use "
           u"exec authentication plugin"_s;
    QTest::newRow("exec v1alpha1") << u"errors.yaml"_s << u"exec-alpha"_s
                                   << u"%1:46:19: users[5].user.exec.apiVersion: exec plugin: invalid apiVersion "
                                      u"\"client.authentication.k8s.io/v1alpha1\""_s;
    QTest::newRow("token and basic")
        << u"errors.yaml"_s << u"token-and-basic"_s
        << u"%1:49:9: users[6].user: more than one authentication method found for user \"token-and-basic\"; "
           u"found [token basicAuth], only one is allowed"_s;
    QTest::newRow("missing tokenFile")
        << u"errors.yaml"_s << u"missing-tokenfile"_s
        << u"%1:51:21: users[7].user.tokenFile: unable to read tokenFile \"%2/tokens/does-not-exist\" for user "
           u"\"missing-tokenfile\": no such file or directory"_s;
    QTest::newRow("certificate without key")
        << u"errors.yaml"_s << u"cert-without-key"_s
        << u"%1:53:9: users[8].user: client-key-data or client-key must be specified for user \"cert-without-key\" "
           u"to use the clientCert authentication method"_s;
}

void TestKubeconfig::testErrors()
{
    QFETCH(QString, file);
    QFETCH(QString, context);
    QFETCH(QString, expected);
    expected.replace(u"%1"_s, fixture(file)).replace(u"%2"_s, dataDir());
    QCOMPARE(errorOf(file, context), expected);
}

void TestKubeconfig::testErrorsNeverContainSecrets()
{
    const kube::Expected<kube::Kubeconfig> config = kube::loadKubeconfigFile(fixture(u"errors.yaml"_s));
    QVERIFY(config);
    for (const kube::KubeconfigContext& context : config->contexts) {
        const kube::Expected<kube::ClientConfig> resolved = kube::resolveContext(*config, context.name);
        QVERIFY(!resolved);
        const QString message = resolved.error().message();
        QVERIFY2(!message.contains(u"fixture-token"_s) && !message.contains(u"fixture-password"_s),
            qPrintable(context.name));
    }
}

void TestKubeconfig::testMalformedDocuments_data()
{
    // Documents parsed from memory (file "/k/config"): the error names the line:column and the field.
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("expected");

    const QByteArray head = "clusters:\n- name: c\n  cluster:\n    server: https://c.example\n";
    const QByteArray ctx = "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n";
    QTest::newRow("unclosed flow sequence") << QByteArray("users: [a, b\nclusters: []\n") << QString()
                                            << u"/k/config:2:9: invalid YAML: end of sequence flow not found"_s;
    QTest::newRow("tab indentation") << QByteArray("clusters:\n- name: c\n\tcluster: {}\n") << QString()
                                     << u"/k/config:3:1: invalid YAML: "_s;
    QTest::newRow("bad base64 in certificate-authority-data")
        << QByteArray("clusters:\n- name: c\n  cluster:\n    server: https://c.example\n"
                      "    certificate-authority-data: LS0t*LS0=\n")
        << QString()
        << u"/k/config:5:33: clusters[0].cluster.certificate-authority-data: illegal base64 data at input byte 4"_s;
    QTest::newRow("missing client certificate file") << QByteArray(
        head + "users:\n- name: u\n  user:\n    client-certificate: gone.crt\n    client-key: gone.key\n" + ctx)
                                                     << QString()
                                                     << u"/k/config:8:25: users[0].user.client-certificate: unable to "
                                                        u"read client-certificate \"/k/gone.crt\" for user "
                                                        u"\"u\": no such file or directory"_s;
    QTest::newRow("exec without command") << QByteArray(head
        + "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
          "      interactiveMode: Never\n"
        + ctx) << QString() << u"/k/config:9:7: users[0].user.exec.command: command must be specified"_s;
    QTest::newRow("unknown context") << QByteArray(head + "users:\n- name: u\n  user: {token: t}\n" + ctx) << u"other"_s
                                     << u"/k/config: context \"other\" not found (available contexts: x)"_s;
    QTest::newRow("tokenFile is endless")
        << QByteArray(head + "users:\n- name: u\n  user:\n    tokenFile: /dev/zero\n" + ctx) << QString()
        << u"/k/config:8:16: users[0].user.tokenFile: unable to read tokenFile "
           u"\"/dev/zero\" for user \"u\": larger than 16 MiB"_s;
    QTest::newRow("contexts is a string")
        << QByteArray("contexts: nope\n") << QString() << u"/k/config:1:11: contexts: expected a sequence"_s;
}

void TestKubeconfig::testMalformedDocuments()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, context);
    QFETCH(QString, expected);
    const kube::Expected<kube::Kubeconfig> config = kube::parseKubeconfig(yaml, u"/k/config"_s);
    QString message = config ? QString() : config.error().message();
    if (config) {
        const kube::Expected<kube::ClientConfig> resolved = kube::resolveContext(*config, context);
        QVERIFY2(!resolved, "the context resolved");
        message = resolved.error().message();
    }
    QVERIFY2(message.startsWith(expected), qPrintable(message));
}

void TestKubeconfig::testEndlessKubeconfigFile()
{
    // A path to a device that never ends (or a huge file) fails with a reason instead of taking all memory.
    const kube::Expected<kube::Kubeconfig> config = kube::loadKubeconfigFile(u"/dev/zero"_s);
    QVERIFY(!config);
    QVERIFY2(config.error().message().startsWith(u"/dev/zero: cannot read kubeconfig: larger than 16 MiB"_s),
        qPrintable(config.error().message()));
}

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
