#include "authn.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace apiserver {

QStringList splitCsvLine(const QString& line)
{
    QStringList fields;
    QString current;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted && c == u'"' && i + 1 < line.size() && line[i + 1] == u'"') {
            current.append(u'"');
            ++i;
        } else if (c == u'"') {
            quoted = !quoted;
        } else if (c == u',' && !quoted) {
            fields.append(current);
            current.clear();
        } else {
            current.append(c);
        }
    }
    fields.append(current);
    return fields;
}

bool TokenAuthenticator::loadFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read token file %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QStringList fields = splitCsvLine(line);
        if (fields.size() < 3 || fields[0].isEmpty() || fields[1].isEmpty()) {
            *error = u"%1:%2: expected token,user,uid[,\"group1,group2\"]"_s.arg(path).arg(lineNumber);
            return false;
        }
        UserInfo user { fields[1], fields[2], {} };
        if (fields.size() > 3)
            for (const auto& g : fields[3].split(u',', Qt::SkipEmptyParts))
                user.groups.append(g.trimmed());
        addToken(fields[0], user);
    }
    return true;
}

void TokenAuthenticator::addToken(const QString& token, const UserInfo& user)
{
    UserInfo u = user;
    if (!u.groups.contains(u"system:authenticated"_s))
        u.groups.append(u"system:authenticated"_s);
    m_tokens.insert(token, u);
}

std::optional<UserInfo> TokenAuthenticator::authenticate(const QByteArray& authorization) const
{
    static const QByteArray prefix = "bearer ";
    if (authorization.size() <= prefix.size() || authorization.left(prefix.size()).toLower() != prefix)
        return std::nullopt;
    const auto it = m_tokens.constFind(QString::fromLatin1(authorization.mid(prefix.size()).trimmed()));
    if (it == m_tokens.cend())
        return std::nullopt;
    return *it;
}

} // namespace apiserver
