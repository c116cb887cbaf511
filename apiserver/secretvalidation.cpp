#include "fielderror.h"
#include "validation.h"

#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

constexpr qsizetype kMaxSecretSize = 1024 * 1024;
constexpr qsizetype kMaxKeyLength = 253;
const QString kData = u"data"_s;
const QString kRedacted = u"<secret contents redacted>"_s;

/// validation.IsConfigMapKey: every problem is its own message.
QStringList checkConfigKey(const QString& key)
{
    static const QRegularExpression re(u"^[-._a-zA-Z0-9]+$"_s);
    QStringList errs;
    if (key.size() > kMaxKeyLength)
        errs.append(u"must be no more than %1 characters"_s.arg(kMaxKeyLength));
    if (!re.match(key).hasMatch())
        errs.append(u"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
                    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                    "'[-._a-zA-Z0-9]+')"_s);
    if (key == u".")
        errs.append(u"must not be '.'"_s);
    else if (key == u"..")
        errs.append(u"must not be '..'"_s);
    else if (key.startsWith(u".."))
        errs.append(u"must not start with '..'"_s);
    return errs;
}

/// Decodes every data value; bad keys and bad base64 become causes, undecodable values are left out.
QHash<QString, QByteArray> decodeData(const QJsonObject& data, QList<StatusCause>& causes)
{
    QHash<QString, QByteArray> decoded;
    qsizetype total = 0;
    for (auto it = data.begin(); it != data.end(); ++it) {
        const QString path = field::key(kData, it.key());
        for (const QString& why : checkConfigKey(it.key()))
            causes.append(field::invalid(path, it.key(), why));
        if (!it.value().isString()) {
            causes.append(field::invalid(path, kRedacted, u"must be a base64-encoded string"_s));
            continue;
        }
        QByteArray bytes;
        if (const qsizetype bad = field::decodeBase64(it.value().toString(), &bytes); bad >= 0) {
            causes.append(field::invalid(path, kRedacted, u"illegal base64 data at input byte %1"_s.arg(bad)));
            continue;
        }
        total += bytes.size();
        decoded.insert(it.key(), bytes);
    }
    if (total > kMaxSecretSize)
        causes.append(field::tooLong(kData, u"must have at most %1 bytes"_s.arg(kMaxSecretSize)));
    return decoded;
}

/// Approximates the error of Go's json.Unmarshal into map[string]interface{}; empty when it would succeed.
QString jsonObjectError(const QByteArray& content)
{
    QJsonParseError err {};
    const QJsonDocument doc = QJsonDocument::fromJson(content, &err);
    const QByteArray trimmed = content.trimmed();
    if (err.error != QJsonParseError::NoError) {
        if (trimmed.isEmpty() || err.offset >= content.size())
            return u"unexpected end of JSON input"_s;
        // QJsonParseError points just past the offending character.
        const char c = content.at(qBound(0, err.offset - 1, int(content.size()) - 1));
        return u"invalid character '%1' looking for beginning of value"_s.arg(QLatin1Char(c));
    }
    if (doc.isArray())
        return u"json: cannot unmarshal array into Go value of type map[string]interface {}"_s;
    if (!doc.isObject() && trimmed != "null") {
        const QString type = trimmed.startsWith('"')    ? u"string"_s
            : (trimmed == "true" || trimmed == "false") ? u"bool"_s
                                                        : u"number"_s;
        return u"json: cannot unmarshal %1 into Go value of type map[string]interface {}"_s.arg(type);
    }
    return {};
}

void requireJsonKey(
    const QJsonObject& data, const QHash<QString, QByteArray>& decoded, const QString& key, QList<StatusCause>& causes)
{
    const QString path = field::key(kData, key);
    if (!data.contains(key)) {
        causes.append(field::required(path));
        return;
    }
    if (!decoded.contains(key))
        return; // already reported as bad base64
    if (const QString why = jsonObjectError(decoded.value(key)); !why.isEmpty())
        causes.append(field::invalid(path, kRedacted, why));
}

void validateType(const QJsonObject& secret, const QHash<QString, QByteArray>& decoded, QList<StatusCause>& causes)
{
    const QString type = secret.value(u"type"_s).toString();
    const QJsonObject data = secret.value(kData).toObject();
    auto requireKey = [&](const QString& key) {
        if (!data.contains(key))
            causes.append(field::required(field::key(kData, key)));
    };
    if (type == u"kubernetes.io/service-account-token") {
        const QString key = u"kubernetes.io/service-account.name"_s;
        const QJsonObject annotations = secret.value(u"metadata"_s).toObject().value(u"annotations"_s).toObject();
        if (annotations.value(key).toString().isEmpty())
            causes.append(field::required(field::key(u"metadata.annotations"_s, key)));
    } else if (type == u"kubernetes.io/dockercfg") {
        requireJsonKey(data, decoded, u".dockercfg"_s, causes);
    } else if (type == u"kubernetes.io/dockerconfigjson") {
        requireJsonKey(data, decoded, u".dockerconfigjson"_s, causes);
    } else if (type == u"kubernetes.io/basic-auth") {
        if (!data.contains(u"username"_s) && !data.contains(u"password"_s)) {
            requireKey(u"username"_s);
            requireKey(u"password"_s);
        }
    } else if (type == u"kubernetes.io/ssh-auth") {
        const QString key = u"ssh-privatekey"_s;
        const bool badBase64 = data.contains(key) && !decoded.contains(key); // reported already
        if (!badBase64 && decoded.value(key).isEmpty())
            causes.append(field::required(field::key(kData, key)));
    } else if (type == u"kubernetes.io/tls") {
        requireKey(u"tls.crt"_s);
        requireKey(u"tls.key"_s);
    }
}

/// data with stringData folded in, decoded; used only to compare two versions of an object.
QHash<QString, QByteArray> effectiveData(const QJsonObject& secret)
{
    QHash<QString, QByteArray> out;
    const QJsonObject data = secret.value(kData).toObject();
    for (auto it = data.begin(); it != data.end(); ++it) {
        QByteArray bytes;
        if (field::decodeBase64(it.value().toString(), &bytes) < 0)
            out.insert(it.key(), bytes);
        else
            out.insert(it.key(), it.value().toString().toUtf8());
    }
    const QJsonObject stringData = secret.value(u"stringData"_s).toObject();
    for (auto it = stringData.begin(); it != stringData.end(); ++it)
        out.insert(it.key(), it.value().toString().toUtf8());
    return out;
}

QString typeOf(const QJsonObject& secret)
{
    const QString type = secret.value(u"type"_s).toString();
    return type.isEmpty() ? u"Opaque"_s : type; // kube defaults an empty type before validating
}

} // namespace

QList<StatusCause> validateSecret(const QJsonObject& secret)
{
    QList<StatusCause> causes;
    const QHash<QString, QByteArray> decoded = decodeData(secret.value(kData).toObject(), causes);
    validateType(secret, decoded, causes);
    return causes;
}

QList<StatusCause> validateSecretUpdate(const QJsonObject& newSecret, const QJsonObject& oldSecret)
{
    QList<StatusCause> causes;
    if (typeOf(newSecret) != typeOf(oldSecret))
        causes.append(field::invalid(u"type"_s, typeOf(newSecret), u"field is immutable"_s));
    if (!oldSecret.value(u"immutable"_s).toBool())
        return causes;
    const QString detail = u"field is immutable when `immutable` is set"_s;
    if (!newSecret.value(u"immutable"_s).toBool())
        causes.append(field::forbidden(u"immutable"_s, detail));
    if (effectiveData(newSecret) != effectiveData(oldSecret))
        causes.append(field::forbidden(kData, detail));
    return causes;
}

} // namespace apiserver
