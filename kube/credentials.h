#pragma once

#include "clientconfig.h"
#include "expected.h"

#include <QByteArray>
#include <QDateTime>
#include <QProcessEnvironment>
#include <QString>
#include <functional>
#include <memory>

namespace kube {

/// What one request authenticates with: a bearer token, a client certificate, or basic auth.
struct Credentials {
    QString token;
    QByteArray clientCertPem;
    QByteArray clientKeyPem;
    QString username;
    QString password;
    quint64 generation = 0; ///< changes whenever the provider hands out different credentials

    /// The Authorization header value ("Bearer …" or "Basic …"); empty for client certificates or none.
    QByteArray authorizationHeader() const;
    /// Whether nothing at all is set (anonymous).
    bool isEmpty() const;
};

/// The current credentials of one ClientConfig, shared by REST clients on any thread (thread-safe):
/// static values, a tokenFile re-read whenever it changes on disk, or an exec plugin run when its credential
/// expired or was invalidated. Secret values never appear in its error messages.
class CredentialProvider {
public:
    /// A provider for `config` using the process environment for exec plugins.
    explicit CredentialProvider(ClientConfig config);
    ~CredentialProvider();
    CredentialProvider(const CredentialProvider&) = delete;
    CredentialProvider& operator=(const CredentialProvider&) = delete;

    /// The credentials to send now; runs the exec plugin (blocking, under a lock) when needed.
    Expected<Credentials> current();
    /// Forgets cached credentials (after a 401): the next current() re-runs the plugin / re-reads the file.
    void invalidate();
    /// Like invalidate(), but only when `used` is still what current() hands out (many 401s, one refresh).
    void invalidate(const Credentials& used);

    /// The clock deciding expiry of exec credentials (tests step it); default: current UTC time.
    void setClock(std::function<QDateTime()> now);
    /// The environment exec plugins run in and PATH is searched in; default: the process environment.
    void setProcessEnvironment(const QProcessEnvironment& environment);
    /// How long one exec plugin run may take (default 30 s).
    void setExecTimeout(int milliseconds);
    /// The configuration this provider serves.
    const ClientConfig& config() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kube
