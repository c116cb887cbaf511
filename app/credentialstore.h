#pragma once

#include <QObject>
#include <QString>

namespace app {

/// What a typed credential is: a bearer token or a basic-auth password.
enum class CredentialKind { Token, Password };

/// "token" / "password": the kind's part of a keychain key.
QString credentialKindName(CredentialKind kind);

/// One asynchronous keychain operation (QtKeychain style): start(), then finished(job); deletes itself afterwards.
/// The secret is held in memory only for as long as the job lives and never appears in errorString().
class CredentialJob : public QObject {
    Q_OBJECT
public:
    enum class Operation { Store, Load, Remove };
    enum class Error { NoError, NotFound, NoSecretService, AccessDenied, Other };

    /// Starts on the next event-loop turn.
    void start();

    Operation operation() const { return m_operation; }
    const QString& context() const { return m_context; }
    CredentialKind kind() const { return m_kind; }
    Error error() const { return m_error; }
    /// What went wrong and what to do about it; empty on success.
    const QString& errorString() const { return m_errorString; }
    /// The loaded secret (Load only).
    const QString& secret() const { return m_secret; }

Q_SIGNALS:
    void finished(app::CredentialJob* job);

private:
    friend class CredentialStore;
    CredentialJob(
        QString service, Operation operation, QString context, CredentialKind kind, QString secret, QObject* parent);
    void run();
    void complete(Error error, const QString& errorString);

    QString m_service;
    Operation m_operation;
    QString m_context;
    CredentialKind m_kind;
    QString m_secret;
    Error m_error = Error::NoError;
    QString m_errorString;
    bool m_done = false;
};

/// Typed tokens and passwords in the OS keychain (Secret Service on Linux) through QtKeychain, one entry per
/// kubeconfig context and kind. Never writes a value to a settings file, a log or an error message.
class CredentialStore : public QObject {
    Q_OBJECT
public:
    /// The keychain service every console credential is filed under.
    static constexpr const char* defaultService = "kubelb-console";

    explicit CredentialStore(QObject* parent = nullptr);
    /// A store filing under `service` (tests use their own service name).
    explicit CredentialStore(QString service, QObject* parent = nullptr);

    const QString& service() const { return m_service; }

    /// A job that writes (or overwrites) the secret of `context`/`kind`; call start().
    CredentialJob* store(const QString& context, CredentialKind kind, const QString& secret);
    /// A job that reads the secret of `context`/`kind` (NotFound when there is none); call start().
    CredentialJob* load(const QString& context, CredentialKind kind);
    /// A job that deletes the secret of `context`/`kind` (removing a missing entry succeeds); call start().
    CredentialJob* remove(const QString& context, CredentialKind kind);

    /// The keychain key: "<context>/<kind>".
    static QString keyFor(const QString& context, CredentialKind kind);
    /// Whether a Secret Service is reachable on the session bus (running or D-Bus activatable); *why says
    /// precisely what is missing when not.
    static bool secretServiceAvailable(QString* why = nullptr);

private:
    QString m_service;
};

} // namespace app
