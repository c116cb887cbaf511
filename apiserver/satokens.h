#pragma once

#include "authn.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace apiserver {

class ObjectStore;

/// ServiceAccount tokens: HS256-signed JWTs with the claims kube-apiserver puts in its tokens
/// (sub system:serviceaccount:NS:NAME, kubernetes.io.namespace/serviceaccount{name,uid}). Verification checks the
/// signature, expiry and that the ServiceAccount (and, for legacy Secret-bound tokens, the Secret) still exist
/// with the UIDs the token names, so deleting either revokes it.
class ServiceAccountTokens {
public:
    /// Uses `key` (≥ 32 random bytes) to sign and verify.
    ServiceAccountTokens(const ObjectStore& store, QByteArray key);

    /// A token for the ServiceAccount object `sa`; `expirationSeconds` 0 means no expiry (legacy Secret tokens),
    /// `secret` binds it to a token Secret.
    QString issue(const QJsonObject& sa, qint64 expirationSeconds, const QJsonObject& secret = {},
        qint64* expiresAt = nullptr) const;
    /// The user a token authenticates, or nullopt.
    std::optional<UserInfo> authenticate(const QString& token) const;

private:
    QByteArray sign(const QByteArray& signingInput) const;

    const ObjectStore& m_store;
    QByteArray m_key;
};

} // namespace apiserver
