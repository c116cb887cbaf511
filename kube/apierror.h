#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace kube {

/// One cause of an Invalid (422) error, as in metav1.StatusCause.
struct StatusCause {
    QString reason; ///< FieldValueInvalid, FieldValueRequired, FieldValueForbidden, FieldValueNotSupported, ...
    QString message;
    QString field; ///< JSON path such as "metadata.name" or "data[tls.crt]"
};

/// A Kubernetes API error: the HTTP code plus the metav1.Status it carries; the value type for every failure.
class ApiError {
public:
    ApiError() = default;
    ApiError(int code, QString reason, QString message);

    int code() const { return m_code; }
    const QString& reason() const { return m_reason; }
    const QString& message() const { return m_message; }
    const QList<StatusCause>& causes() const { return m_causes; }
    int retryAfterSeconds() const { return m_retryAfter; }

    ApiError& withDetails(const QString& group, const QString& kind, const QString& name);
    ApiError& withCauses(QList<StatusCause> causes);
    ApiError& withRetryAfter(int seconds);

    bool isNotFound() const { return m_reason == QLatin1String("NotFound"); }
    bool isConflict() const { return m_reason == QLatin1String("Conflict"); }
    bool isAlreadyExists() const { return m_reason == QLatin1String("AlreadyExists"); }
    bool isForbidden() const { return m_reason == QLatin1String("Forbidden"); }
    bool isInvalid() const { return m_reason == QLatin1String("Invalid"); }
    bool isGone() const { return m_code == 410; }
    bool isTooManyRequests() const { return m_code == 429; }
    /// Worth retrying without any change: throttling (429), server errors and timeouts (5xx except 501), and an
    /// unreachable server (which RestResponse reports as 503 ServiceUnavailable).
    bool isTransient() const { return m_code == 429 || (m_code >= 500 && m_code != 501); }

    /// The metav1.Status object sent on the wire.
    QJsonObject toStatus() const;
    /// Reads a Status body; falls back to the HTTP code when the body is not a Status.
    static ApiError fromStatus(const QJsonObject& status, int httpCode);

    static ApiError notFound(const QString& resource, const QString& name, const QString& group = {});
    static ApiError alreadyExists(const QString& resource, const QString& name, const QString& group = {});
    static ApiError conflict(
        const QString& resource, const QString& name, const QString& detail, const QString& group = {});
    static ApiError invalid(
        const QString& kind, const QString& name, QList<StatusCause> causes, const QString& group = {});
    static ApiError badRequest(const QString& message);
    static ApiError forbidden(const QString& message);
    static ApiError unauthorized();
    static ApiError methodNotAllowed(const QString& message);
    static ApiError unsupportedMediaType(const QString& contentType);
    static ApiError tooLarge(const QString& message);
    static ApiError gone(const QString& message);
    static ApiError internal(const QString& message);

private:
    int m_code = 0;
    QString m_reason;
    QString m_message;
    QString m_group;
    QString m_kind;
    QString m_name;
    QList<StatusCause> m_causes;
    int m_retryAfter = 0;
};

/// Joins causes the way kube-apiserver words an Invalid error: `Kind "name" is invalid: [field: msg, ...]`.
QString invalidMessage(const QString& kind, const QString& name, const QList<StatusCause>& causes);

} // namespace kube
