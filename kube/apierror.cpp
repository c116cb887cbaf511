#include "apierror.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace kube {

ApiError::ApiError(int code, QString reason, QString message)
    : m_code(code)
    , m_reason(std::move(reason))
    , m_message(std::move(message))
{
}

ApiError& ApiError::withDetails(const QString& group, const QString& kind, const QString& name)
{
    m_group = group;
    m_kind = kind;
    m_name = name;
    return *this;
}

ApiError& ApiError::withCauses(QList<StatusCause> causes)
{
    m_causes = std::move(causes);
    return *this;
}

ApiError& ApiError::withRetryAfter(int seconds)
{
    m_retryAfter = seconds;
    return *this;
}

QJsonObject ApiError::toStatus() const
{
    QJsonObject status {
        { u"kind"_s, u"Status"_s },
        { u"apiVersion"_s, u"v1"_s },
        { u"metadata"_s, QJsonObject {} },
        { u"status"_s, u"Failure"_s },
        { u"message"_s, m_message },
        { u"reason"_s, m_reason },
        { u"code"_s, m_code },
    };
    QJsonObject details;
    if (!m_name.isEmpty())
        details[u"name"_s] = m_name;
    if (!m_group.isEmpty())
        details[u"group"_s] = m_group;
    if (!m_kind.isEmpty())
        details[u"kind"_s] = m_kind;
    if (!m_causes.isEmpty()) {
        QJsonArray causes;
        for (const auto& c : m_causes)
            causes.append(
                QJsonObject { { u"reason"_s, c.reason }, { u"message"_s, c.message }, { u"field"_s, c.field } });
        details[u"causes"_s] = causes;
    }
    if (m_retryAfter > 0)
        details[u"retryAfterSeconds"_s] = m_retryAfter;
    if (!details.isEmpty())
        status[u"details"_s] = details;
    return status;
}

ApiError ApiError::fromStatus(const QJsonObject& status, int httpCode)
{
    if (status.value(u"kind"_s).toString() != u"Status")
        return ApiError(httpCode, httpCode == 404 ? u"NotFound"_s : u"Unknown"_s,
            u"the server responded with HTTP %1"_s.arg(httpCode));
    ApiError e(status.value(u"code"_s).toInt(httpCode), status.value(u"reason"_s).toString(),
        status.value(u"message"_s).toString());
    const QJsonObject details = status.value(u"details"_s).toObject();
    e.m_name = details.value(u"name"_s).toString();
    e.m_group = details.value(u"group"_s).toString();
    e.m_kind = details.value(u"kind"_s).toString();
    e.m_retryAfter = details.value(u"retryAfterSeconds"_s).toInt();
    const QJsonArray causes = details.value(u"causes"_s).toArray();
    for (const auto& v : causes) {
        const QJsonObject c = v.toObject();
        e.m_causes.append(
            { c.value(u"reason"_s).toString(), c.value(u"message"_s).toString(), c.value(u"field"_s).toString() });
    }
    return e;
}

static QString qualified(const QString& resource, const QString& group)
{
    return group.isEmpty() ? resource : resource + u'.' + group;
}

ApiError ApiError::notFound(const QString& resource, const QString& name, const QString& group)
{
    return ApiError(404, u"NotFound"_s, u"%1 \"%2\" not found"_s.arg(qualified(resource, group), name))
        .withDetails(group, resource, name);
}

ApiError ApiError::alreadyExists(const QString& resource, const QString& name, const QString& group)
{
    return ApiError(409, u"AlreadyExists"_s, u"%1 \"%2\" already exists"_s.arg(qualified(resource, group), name))
        .withDetails(group, resource, name);
}

ApiError ApiError::conflict(const QString& resource, const QString& name, const QString& detail, const QString& group)
{
    return ApiError(409, u"Conflict"_s,
        u"Operation cannot be fulfilled on %1 \"%2\": %3"_s.arg(qualified(resource, group), name, detail))
        .withDetails(group, resource, name);
}

QString invalidMessage(const QString& kind, const QString& name, const QList<StatusCause>& causes)
{
    QStringList parts;
    for (const auto& c : causes)
        parts.append(c.field.isEmpty() ? c.message : c.field + u": "_s + c.message);
    const QString joined = parts.size() == 1 ? parts.first() : u'[' + parts.join(u", "_s) + u']';
    return u"%1 \"%2\" is invalid: %3"_s.arg(kind, name, joined);
}

ApiError ApiError::invalid(const QString& kind, const QString& name, QList<StatusCause> causes, const QString& group)
{
    ApiError e(422, u"Invalid"_s, invalidMessage(kind, name, causes));
    e.withDetails(group, kind, name);
    e.m_causes = std::move(causes);
    return e;
}

ApiError ApiError::badRequest(const QString& message)
{
    return ApiError(400, u"BadRequest"_s, message);
}
ApiError ApiError::forbidden(const QString& message)
{
    return ApiError(403, u"Forbidden"_s, message);
}
ApiError ApiError::unauthorized()
{
    return ApiError(401, u"Unauthorized"_s, u"Unauthorized"_s);
}
ApiError ApiError::methodNotAllowed(const QString& message)
{
    return ApiError(405, u"MethodNotAllowed"_s, message);
}
ApiError ApiError::unsupportedMediaType(const QString& contentType)
{
    return ApiError(415, u"UnsupportedMediaType"_s,
        u"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"_s)
        .withDetails({}, {}, contentType);
}
ApiError ApiError::tooLarge(const QString& message)
{
    return ApiError(413, u"RequestEntityTooLarge"_s, message);
}
ApiError ApiError::gone(const QString& message)
{
    return ApiError(410, u"Expired"_s, message);
}
ApiError ApiError::internal(const QString& message)
{
    return ApiError(500, u"InternalError"_s, message);
}

} // namespace kube
