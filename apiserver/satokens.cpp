#include "satokens.h"

#include "store.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QJsonObject metaOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}

} // namespace

ServiceAccountTokens::ServiceAccountTokens(const ObjectStore& store, QByteArray key)
    : m_store(store)
    , m_key(std::move(key))
{
}

QByteArray ServiceAccountTokens::sign(const QByteArray& signingInput) const
{
    return QMessageAuthenticationCode::hash(signingInput, m_key, QCryptographicHash::Sha256).toBase64(kB64);
}

QString ServiceAccountTokens::issue(
    const QJsonObject& sa, qint64 expirationSeconds, const QJsonObject& secret, qint64* expiresAt) const
{
    const QJsonObject meta = metaOf(sa);
    const QString ns = meta.value(u"namespace"_s).toString();
    const QString name = meta.value(u"name"_s).toString();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QJsonObject k8s { { u"namespace"_s, ns },
        { u"serviceaccount"_s, QJsonObject { { u"name"_s, name }, { u"uid"_s, meta.value(u"uid"_s) } } } };
    if (!secret.isEmpty())
        k8s[u"secret"_s] = QJsonObject { { u"name"_s, metaOf(secret).value(u"name"_s) },
            { u"uid"_s, metaOf(secret).value(u"uid"_s) } };
    QJsonObject claims { { u"iss"_s, u"https://kubernetes.default.svc"_s },
        { u"sub"_s, u"system:serviceaccount:%1:%2"_s.arg(ns, name) }, { u"iat"_s, now }, { u"nbf"_s, now },
        { u"kubernetes.io"_s, k8s } };
    if (expirationSeconds > 0) {
        claims[u"exp"_s] = now + expirationSeconds;
        if (expiresAt)
            *expiresAt = now + expirationSeconds;
    }
    const QByteArray header = QByteArray(R"({"alg":"HS256","typ":"JWT"})").toBase64(kB64);
    const QByteArray input = header + '.' + QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(kB64);
    return QString::fromLatin1(input + '.' + sign(input));
}

std::optional<UserInfo> ServiceAccountTokens::authenticate(const QString& token) const
{
    const QByteArray raw = token.toLatin1();
    const qsizetype last = raw.lastIndexOf('.');
    if (raw.count('.') != 2 || last < 0)
        return std::nullopt;
    const QByteArray input = raw.left(last);
    // Constant-time comparison of the signature.
    const QByteArray expected = sign(input);
    const QByteArray given = raw.mid(last + 1);
    if (expected.size() != given.size())
        return std::nullopt;
    char diff = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        diff |= char(expected[i] ^ given[i]);
    if (diff != 0)
        return std::nullopt;
    const QJsonObject claims
        = QJsonDocument::fromJson(QByteArray::fromBase64(input.mid(input.indexOf('.') + 1), kB64)).object();
    if (claims.contains(u"exp"_s) && claims.value(u"exp"_s).toInteger() < QDateTime::currentSecsSinceEpoch())
        return std::nullopt;
    const QJsonObject k8s = claims.value(u"kubernetes.io"_s).toObject();
    const QString ns = k8s.value(u"namespace"_s).toString();
    const QJsonObject saRef = k8s.value(u"serviceaccount"_s).toObject();
    const auto sa = m_store.get(u"serviceaccounts"_s, ns, saRef.value(u"name"_s).toString());
    if (!sa || metaOf(*sa).value(u"uid"_s) != saRef.value(u"uid"_s))
        return std::nullopt;
    if (k8s.contains(u"secret"_s)) {
        const QJsonObject secretRef = k8s.value(u"secret"_s).toObject();
        const auto secret = m_store.get(u"secrets"_s, ns, secretRef.value(u"name"_s).toString());
        if (!secret || metaOf(*secret).value(u"uid"_s) != secretRef.value(u"uid"_s))
            return std::nullopt;
    }
    return UserInfo { claims.value(u"sub"_s).toString(), saRef.value(u"uid"_s).toString(),
        { u"system:serviceaccounts"_s, u"system:serviceaccounts:"_s + ns, u"system:authenticated"_s } };
}

} // namespace apiserver
