// Authentication (tokens, ServiceAccount tokens, client certificates), access reviews, token requests and the
// blockOwnerDeletion permission check.
#include "apiserver_p.h"
#include "fielderror.h"

#include <QJsonArray>
#include <QSslSocket>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

const char* kClientUserProperty = "kubelb.clientCertUser";
const char* kClientGroupsProperty = "kubelb.clientCertGroups";

QJsonObject metaOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}

// A client certificate is verified once per connection; the verdict rides on the socket.
std::optional<UserInfo> clientCertificateUser(QTcpSocket* socket, const QByteArray& caPem)
{
    auto* ssl = qobject_cast<QSslSocket*>(socket);
    if (!ssl || caPem.isEmpty() || ssl->peerCertificate().isNull())
        return std::nullopt;
    if (!socket->property(kClientUserProperty).isValid()) {
        QString user;
        QStringList groups;
        const bool ok = pki::verifyClientCertificate(caPem, ssl->peerCertificate().toPem(), &user, &groups);
        socket->setProperty(kClientUserProperty, ok ? user : QString());
        socket->setProperty(kClientGroupsProperty, groups);
    }
    const QString user = socket->property(kClientUserProperty).toString();
    if (user.isEmpty())
        return std::nullopt;
    QStringList groups = socket->property(kClientGroupsProperty).toStringList();
    groups.append(u"system:authenticated"_s);
    return UserInfo { user, {}, groups };
}

} // namespace

std::optional<UserInfo> ApiServer::Private::authenticate(const Request& request, QTcpSocket* socket, bool secure) const
{
    if (!secure)
        return UserInfo { u"system:admin"_s, {}, { u"system:masters"_s, u"system:authenticated"_s } };
    const QByteArray authorization = request.value("Authorization");
    if (!authorization.isEmpty()) {
        if (auto user = authenticator.authenticate(authorization))
            return user;
        if (authorization.size() > 7 && authorization.left(7).toLower() == "bearer ")
            return saTokens->authenticate(QString::fromLatin1(authorization.mid(7).trimmed()));
        return std::nullopt;
    }
    return clientCertificateUser(socket, ca.certPem);
}

Response ApiServer::Private::reviewAccess(const QJsonObject& review, const UserInfo& user)
{
    const QJsonObject spec = review.value(u"spec"_s).toObject();
    AuthzAttributes a;
    if (spec.contains(u"nonResourceAttributes"_s)) {
        const QJsonObject nra = spec.value(u"nonResourceAttributes"_s).toObject();
        a.resourceRequest = false;
        a.path = nra.value(u"path"_s).toString();
        a.verb = nra.value(u"verb"_s).toString();
    } else {
        const QJsonObject ra = spec.value(u"resourceAttributes"_s).toObject();
        a.verb = ra.value(u"verb"_s).toString();
        a.group = ra.value(u"group"_s).toString();
        a.resource = ra.value(u"resource"_s).toString();
        a.subresource = ra.value(u"subresource"_s).toString();
        a.name = ra.value(u"name"_s).toString();
        a.ns = ra.value(u"namespace"_s).toString();
    }
    const AuthzDecision decision = authorizer.authorize(user, a);
    QJsonObject status { { u"allowed"_s, decision.allowed } };
    if (!decision.reason.isEmpty())
        status[u"reason"_s] = decision.reason;
    QJsonObject answer = review;
    answer[u"apiVersion"_s] = u"authorization.k8s.io/v1"_s;
    answer[u"kind"_s] = u"SelfSubjectAccessReview"_s;
    answer[u"metadata"_s] = QJsonObject { { u"creationTimestamp"_s, QJsonValue::Null } };
    answer[u"status"_s] = status;
    return jsonResponse(201, answer);
}

Response ApiServer::Private::requestToken(const QString& ns, const QString& name, const QJsonObject& body)
{
    const auto sa = store.get(u"serviceaccounts"_s, ns, name);
    if (!sa)
        return errorResponse(kube::ApiError::notFound(u"serviceaccounts"_s, name));
    qint64 seconds = body.value(u"spec"_s).toObject().value(u"expirationSeconds"_s).toInteger(3600);
    // kube's ValidateTokenRequest, reported as kube-apiserver does: group-qualified kind, empty name.
    const QString badDuration = seconds < 600 ? u"may not specify a duration less than 10 minutes"_s
        : seconds > (qint64(1) << 32)         ? u"may not specify a duration larger than 2^32 seconds"_s
                                              : QString();
    if (!badDuration.isEmpty())
        return errorResponse(kube::ApiError::invalid(u"TokenRequest.authentication.k8s.io"_s, QString(),
            { field::invalid(u"spec.expirationSeconds"_s, seconds, badDuration) })
                                 .withDetails(u"authentication.k8s.io"_s, u"TokenRequest"_s, QString()));
    seconds = std::min<qint64>(seconds, 48 * 3600);
    qint64 expiresAt = 0;
    const QString token = saTokens->issue(*sa, seconds, {}, &expiresAt);
    QJsonObject answer = body;
    answer[u"apiVersion"_s] = u"authentication.k8s.io/v1"_s;
    answer[u"kind"_s] = u"TokenRequest"_s;
    answer[u"metadata"_s] = QJsonObject { { u"name"_s, name }, { u"namespace"_s, ns } };
    QJsonObject spec = body.value(u"spec"_s).toObject();
    spec[u"expirationSeconds"_s] = seconds;
    answer[u"spec"_s] = spec;
    answer[u"status"_s] = QJsonObject { { u"token"_s, token },
        { u"expirationTimestamp"_s, QDateTime::fromSecsSinceEpoch(expiresAt, Qt::UTC).toString(Qt::ISODate) } };
    return jsonResponse(201, answer);
}

kube::Expected<QJsonObject> ApiServer::Private::populateServiceAccountToken(const QJsonObject& secret)
{
    const QJsonObject meta = metaOf(secret);
    if (secret.value(u"type"_s).toString() != u"kubernetes.io/service-account-token")
        return secret;
    const QString ns = meta.value(u"namespace"_s).toString();
    const QString saName
        = meta.value(u"annotations"_s).toObject().value(u"kubernetes.io/service-account.name"_s).toString();
    const auto sa = store.get(u"serviceaccounts"_s, ns, saName);
    if (!sa)
        return secret; // kube's token controller leaves it unpopulated (and later removes it)
    QJsonObject filled = secret;
    QJsonObject data = filled.value(u"data"_s).toObject();
    data[u"token"_s] = QString::fromLatin1(saTokens->issue(*sa, 0, secret).toLatin1().toBase64());
    data[u"ca.crt"_s] = QString::fromLatin1(ca.certPem.toBase64());
    data[u"namespace"_s] = QString::fromLatin1(ns.toUtf8().toBase64());
    filled[u"data"_s] = data;
    QJsonObject annotations = meta.value(u"annotations"_s).toObject();
    annotations[u"kubernetes.io/service-account.uid"_s] = metaOf(*sa).value(u"uid"_s);
    QJsonObject newMeta = meta;
    newMeta[u"annotations"_s] = annotations;
    filled[u"metadata"_s] = newMeta;
    const ResourceInfo r = *resources.findGroupResource(u"secrets"_s);
    return registry.update(r, ns, meta.value(u"name"_s).toString(), filled, {});
}

std::optional<kube::ApiError> ApiServer::Private::checkOwnerReferences(
    const UserInfo& user, const ResourceInfo& r, const QJsonObject& object, const QJsonObject* old) const
{
    const QJsonArray before = old ? metaOf(*old).value(u"ownerReferences"_s).toArray() : QJsonArray {};
    const QString ns = metaOf(object).value(u"namespace"_s).toString();
    for (const auto& v : metaOf(object).value(u"ownerReferences"_s).toArray()) {
        const QJsonObject ref = v.toObject();
        if (!ref.value(u"blockOwnerDeletion"_s).toBool() || before.contains(v))
            continue;
        const ResourceInfo* owner
            = resources.findKind(ref.value(u"apiVersion"_s).toString(), ref.value(u"kind"_s).toString());
        if (!owner)
            continue;
        AuthzAttributes a { u"delete"_s, true, owner->group, owner->resource, {}, owner->namespaced ? ns : QString(),
            ref.value(u"name"_s).toString(), {} };
        // The API documents "delete" on the owner; the admission plugin checks update on its finalizers.
        // Either permission is enough.
        if (authorizer.authorize(user, a).allowed)
            continue;
        AuthzAttributes finalizers = a;
        finalizers.verb = u"update"_s;
        finalizers.subresource = u"finalizers"_s;
        if (authorizer.authorize(user, finalizers).allowed)
            continue;
        return kube::ApiError::forbidden(u"%1 \"%2\" is forbidden: cannot set blockOwnerDeletion if an ownerReference "
                                         "refers to a resource you can't delete: %3"_s.arg(r.groupResource(),
                                             metaOf(object).value(u"name"_s).toString(), forbiddenMessage(user, a)))
            .withDetails(r.group, r.resource, metaOf(object).value(u"name"_s).toString());
    }
    return std::nullopt;
}

} // namespace apiserver
