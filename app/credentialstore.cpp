// Typed credentials in the OS keychain through QtKeychain. A Secret Service check comes first: without a session
// bus libsecret fails late and vaguely, and the user needs to know that the keychain (not the cluster) is missing.
#include "credentialstore.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QTimer>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace app {

namespace {

constexpr int kKeychainTimeoutMs = 30000;
const auto kSecretService = "org.freedesktop.secrets"_L1;
const auto kKWallet = "org.kde.kwalletd5"_L1;

CredentialJob::Error mapError(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return CredentialJob::Error::NoError;
    case QKeychain::EntryNotFound:
        return CredentialJob::Error::NotFound;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return CredentialJob::Error::AccessDenied;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return CredentialJob::Error::NoSecretService;
    default:
        return CredentialJob::Error::Other;
    }
}

QString operationText(CredentialJob::Operation operation)
{
    switch (operation) {
    case CredentialJob::Operation::Store:
        return u"store"_s;
    case CredentialJob::Operation::Load:
        return u"read"_s;
    case CredentialJob::Operation::Remove:
        return u"remove"_s;
    }
    return {};
}

} // namespace

QString credentialKindName(CredentialKind kind)
{
    return kind == CredentialKind::Token ? u"token"_s : u"password"_s;
}

CredentialJob::CredentialJob(
    QString service, Operation operation, QString context, CredentialKind kind, QString secret, QObject* parent)
    : QObject(parent)
    , m_service(std::move(service))
    , m_operation(operation)
    , m_context(std::move(context))
    , m_kind(kind)
    , m_secret(std::move(secret))
{
}

void CredentialJob::start()
{
    QTimer::singleShot(0, this, &CredentialJob::run);
}

void CredentialJob::run()
{
    QString why;
    if (!CredentialStore::secretServiceAvailable(&why)) {
        complete(Error::NoSecretService, why);
        return;
    }
    QKeychain::Job* job = nullptr;
    if (m_operation == Operation::Store) {
        auto* write = new QKeychain::WritePasswordJob(m_service);
        write->setTextData(m_secret);
        m_secret.clear();
        job = write;
    } else if (m_operation == Operation::Load) {
        job = new QKeychain::ReadPasswordJob(m_service);
    } else {
        job = new QKeychain::DeletePasswordJob(m_service);
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(CredentialStore::keyFor(m_context, m_kind));
    connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* done) {
        Error error = mapError(done->error());
        if (m_operation == Operation::Remove && error == Error::NotFound)
            error = Error::NoError; // removing what is not there is done
        if (error == Error::NoError && m_operation == Operation::Load)
            m_secret = static_cast<QKeychain::ReadPasswordJob*>(done)->textData();
        QString text;
        if (error == Error::NotFound)
            text = u"no %1 for context \"%2\" in the keychain"_s.arg(credentialKindName(m_kind), m_context);
        else if (error != Error::NoError)
            text = u"cannot %1 the %2 of context \"%3\" in the keychain: %4"_s.arg(
                operationText(m_operation), credentialKindName(m_kind), m_context, done->errorString());
        complete(error, text);
    });
    QTimer::singleShot(kKeychainTimeoutMs, this, [this] {
        complete(Error::Other,
            u"the keychain did not answer within %1 s: it may be locked and waiting for its password"_s.arg(
                kKeychainTimeoutMs / 1000));
    });
    job->start();
}

void CredentialJob::complete(Error error, const QString& errorString)
{
    if (m_done)
        return; // the keychain answered after the timeout, or the other way round
    m_done = true;
    m_error = error;
    m_errorString = errorString;
    Q_EMIT finished(this);
    deleteLater();
}

CredentialStore::CredentialStore(QObject* parent)
    : CredentialStore(QString::fromLatin1(defaultService), parent)
{
}

CredentialStore::CredentialStore(QString service, QObject* parent)
    : QObject(parent)
    , m_service(std::move(service))
{
}

CredentialJob* CredentialStore::store(const QString& context, CredentialKind kind, const QString& secret)
{
    return new CredentialJob(m_service, CredentialJob::Operation::Store, context, kind, secret, this);
}

CredentialJob* CredentialStore::load(const QString& context, CredentialKind kind)
{
    return new CredentialJob(m_service, CredentialJob::Operation::Load, context, kind, {}, this);
}

CredentialJob* CredentialStore::remove(const QString& context, CredentialKind kind)
{
    return new CredentialJob(m_service, CredentialJob::Operation::Remove, context, kind, {}, this);
}

QString CredentialStore::keyFor(const QString& context, CredentialKind kind)
{
    return context + u'/' + credentialKindName(kind);
}

bool CredentialStore::secretServiceAvailable(QString* why)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        if (why) {
            const QString address = qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS");
            *why = u"no D-Bus session bus (%1): the keychain needs a desktop session's Secret Service such as "
                   "gnome-keyring or KWallet; typed tokens and passwords cannot be remembered"_s.arg(
                       address.isEmpty() ? u"DBUS_SESSION_BUS_ADDRESS is not set"_s : bus.lastError().message());
        }
        return false;
    }
    QDBusConnectionInterface* busInterface = bus.interface();
    if (busInterface->isServiceRegistered(kSecretService) || busInterface->isServiceRegistered(kKWallet))
        return true;
    const QStringList activatable = busInterface->activatableServiceNames();
    if (activatable.contains(kSecretService) || activatable.contains(kKWallet))
        return true;
    if (why)
        *why = u"no Secret Service on the D-Bus session bus (%1 is neither running nor activatable): start "
               "gnome-keyring-daemon --components=secrets or KWallet; typed tokens and passwords cannot be "
               "remembered"_s.arg(kSecretService);
    return false;
}

} // namespace app
