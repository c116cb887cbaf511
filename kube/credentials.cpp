#include "credentials.h"

#include "execcredential.h"

#include <QFile>
#include <QMutex>
#include <QMutexLocker>
#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

/// What stat(2) says about a token file; a change in any field means "re-read it".
struct FileStamp {
    bool exists = false;
    qint64 size = 0;
    qint64 mtimeSec = 0;
    qint64 mtimeNsec = 0;
    quint64 inode = 0;
    bool operator==(const FileStamp&) const = default;
};

// A cheap stat on every call; it follows symlinks, so kubelet's atomic `..data` swaps are seen too.
FileStamp stampOf(const QString& path)
{
    struct stat st { };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return { true, qint64(st.st_size), qint64(st.st_mtim.tv_sec), qint64(st.st_mtim.tv_nsec), quint64(st.st_ino) };
}

bool sameCredentials(const Credentials& a, const Credentials& b)
{
    return a.token == b.token && a.clientCertPem == b.clientCertPem && a.clientKeyPem == b.clientKeyPem
        && a.username == b.username && a.password == b.password;
}

} // namespace

QByteArray Credentials::authorizationHeader() const
{
    if (!token.isEmpty())
        return "Bearer " + token.toUtf8();
    if (!username.isEmpty() || !password.isEmpty())
        return "Basic " + (username + u':' + password).toUtf8().toBase64();
    return {};
}

bool Credentials::isEmpty() const
{
    return token.isEmpty() && clientCertPem.isEmpty() && username.isEmpty() && password.isEmpty();
}

struct CredentialProvider::Private {
    ClientConfig config;
    QMutex mutex;
    std::function<QDateTime()> now = [] { return QDateTime::currentDateTimeUtc(); };
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    int execTimeoutMs = 30000;

    std::optional<Credentials> cached; ///< what current() hands out until it is stale
    quint64 generation = 0;
    QDateTime execExpiry; ///< invalid = never expires
    FileStamp tokenStamp;
    QString fileToken; ///< last successfully read tokenFile value

    Expected<Credentials> fromExec();
    Expected<Credentials> fromConfig();
    std::optional<ApiError> refreshTokenFile();
    Credentials publish(Credentials next);
};

Credentials CredentialProvider::Private::publish(Credentials next)
{
    if (!cached || !sameCredentials(*cached, next))
        ++generation;
    next.generation = generation;
    cached = next;
    return next;
}

Expected<Credentials> CredentialProvider::Private::fromExec()
{
    if (cached && (!execExpiry.isValid() || now() <= execExpiry))
        return *cached;
    const Expected<ExecCredentialStatus> status = runExecPlugin(config, environment, execTimeoutMs);
    if (!status)
        return status.error();
    execExpiry = status->expirationTimestamp;
    Credentials next;
    next.token = status->token;
    next.clientCertPem = status->clientCertPem;
    next.clientKeyPem = status->clientKeyPem;
    return publish(next);
}

// The last successfully read value wins; a read failure keeps it (client-go's cachingTokenSource).
std::optional<ApiError> CredentialProvider::Private::refreshTokenFile()
{
    const FileStamp stamp = stampOf(config.tokenFile);
    if (!fileToken.isEmpty() && stamp == tokenStamp)
        return std::nullopt;
    QFile file(config.tokenFile);
    QString token;
    if (stamp.exists && file.open(QIODevice::ReadOnly))
        token = QString::fromUtf8(file.readAll().trimmed());
    if (!token.isEmpty()) {
        fileToken = token;
        tokenStamp = stamp;
    }
    if (!fileToken.isEmpty())
        return std::nullopt;
    const QString reason = !stamp.exists   ? u"no such file or directory"_s
        : token.isEmpty() && file.isOpen() ? u"the file is empty"_s
                                           : file.errorString().toLower();
    return ApiError(0, u"CredentialsUnavailable"_s,
        u"unable to read tokenFile \"%1\" for user \"%2\": %3"_s.arg(config.tokenFile, config.userName, reason));
}

Expected<Credentials> CredentialProvider::Private::fromConfig()
{
    Credentials next;
    next.token = config.token;
    next.clientCertPem = config.clientCertPem;
    next.clientKeyPem = config.clientKeyPem;
    next.username = config.username;
    next.password = config.password;
    if (!config.tokenFile.isEmpty()) {
        // The file's last good value beats the static token; the static token covers an unreadable file.
        const std::optional<ApiError> error = refreshTokenFile();
        if (error && config.token.isEmpty())
            return *error;
        if (!error)
            next.token = fileToken;
    }
    return publish(next);
}

CredentialProvider::CredentialProvider(ClientConfig config)
    : d(std::make_unique<Private>())
{
    d->config = std::move(config);
}

CredentialProvider::~CredentialProvider() = default;

Expected<Credentials> CredentialProvider::current()
{
    QMutexLocker lock(&d->mutex);
    return d->config.exec ? d->fromExec() : d->fromConfig();
}

void CredentialProvider::invalidate()
{
    QMutexLocker lock(&d->mutex);
    d->cached.reset();
    d->tokenStamp = {};
}

void CredentialProvider::invalidate(const Credentials& used)
{
    QMutexLocker lock(&d->mutex);
    if (d->cached && used.generation != d->generation)
        return; // someone refreshed since `used` was handed out
    d->cached.reset();
    d->tokenStamp = {};
}

void CredentialProvider::setClock(std::function<QDateTime()> now)
{
    QMutexLocker lock(&d->mutex);
    d->now = std::move(now);
}

void CredentialProvider::setProcessEnvironment(const QProcessEnvironment& environment)
{
    QMutexLocker lock(&d->mutex);
    d->environment = environment;
}

void CredentialProvider::setExecTimeout(int milliseconds)
{
    QMutexLocker lock(&d->mutex);
    d->execTimeoutMs = milliseconds;
}

const ClientConfig& CredentialProvider::config() const
{
    return d->config;
}

} // namespace kube
