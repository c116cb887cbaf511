#pragma once

// Shared declarations of the TestCredentials suite (unit tests in tst_credentials.cpp, the embedded API server
// tests in tst_credentials_live.cpp).
#include "apiserver/apiserver.h"
#include "apiserver/pki.h"
#include "kube/clientconfig.h"
#include "kube/credentials.h"

#include <QByteArray>
#include <QObject>
#include <QPair>
#include <QTemporaryDir>
#include <memory>

namespace credtest {

/// The exec credential API version the tests configure.
inline const QString kV1 = QStringLiteral("client.authentication.k8s.io/v1");

/// The whole file, empty when unreadable.
QByteArray readFile(const QString& path);
/// Writes `data`, creating parent directories.
bool writeFile(const QString& path, const QByteArray& data);
/// A file under tests/data.
QString fixture(const QString& name);
/// An exec ClientConfig running `script` with the given PLUGIN_* variables.
kube::ClientConfig execConfig(const QString& script, QList<QPair<QString, QString>> env);

} // namespace credtest

class TestCredentials : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void testStaticTokenIsBearer();
    void testBasicAuthHeader();
    void testClientCertificateSendsNoAuthorizationHeader();
    void testTokenFileRereadWhenItChanges();
    void testTokenFileCachedWhileUnchangedUntilInvalidate();
    void testTokenFileKeepsLastValueWhenUnreadable();
    void testExecCachedUntilExpiry();
    void testExecWithoutExpiryRerunsOnlyAfterInvalidate();
    void testStaleInvalidateIsIgnored();
    void testExecInfoArgsAndEnvironment();
    void testExecConcurrentCallersRunPluginOnce();
    void testExecClientCertificate();
    void testExecNotFoundOnPath();
    void testExecNonZeroExitShowsStderr();
    void testExecInvalidJsonNeverQuotesOutput();
    void testExecTimeout();
    void testExecInteractiveModes();
    void testParseExecCredentialErrors_data();
    void testParseExecCredentialErrors();
    void testParseExecCredentialTimestamps();
    void testSslConfiguration();
    void testNetworkProxy();

    void testLiveToken();
    void testLiveTokenFileRotation();
    void testLiveClientCertificateDataEc();
    void testLiveClientCertificateFiles();
    void testLiveExecToken();
    void testLiveExecClientCertificate();
    void testLiveExec401InvalidateRefreshes();
    void testLiveTlsServerName();

private:
    QString script(const QString& name);
    kube::ClientConfig loadKubeconfig(const QByteArray& yaml);
    QByteArray clusterYaml(const QByteArray& extra = {}) const;
    int get(const kube::ClientConfig& config, kube::CredentialProvider& provider, QByteArray* body = nullptr,
        kube::Credentials* used = nullptr);

    QTemporaryDir m_serverDir;
    std::unique_ptr<QTemporaryDir> m_dir; ///< fresh per test function
    std::unique_ptr<apiserver::ApiServer> m_server;
    apiserver::KeyPair m_ca;
};
