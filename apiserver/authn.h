#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>

namespace apiserver {

/// The identity a request runs as (authentication.k8s.io UserInfo).
struct UserInfo {
    QString name;
    QString uid;
    QStringList groups;
};

/// Static bearer tokens, as kube-apiserver's --token-auth-file: CSV lines `token,user,uid,"group1,group2"`.
class TokenAuthenticator {
public:
    /// Reads a token file; on a malformed line returns false with *error naming the file and line.
    bool loadFile(const QString& path, QString* error);
    void addToken(const QString& token, const UserInfo& user);
    /// The user for an `Authorization: Bearer <token>` header value, or nullopt.
    std::optional<UserInfo> authenticate(const QByteArray& authorization) const;

private:
    QHash<QString, UserInfo> m_tokens;
};

/// Splits one CSV line (double quotes group commas, "" escapes a quote).
QStringList splitCsvLine(const QString& line);

} // namespace apiserver
