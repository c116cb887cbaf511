#pragma once

#include <QString>
#include <QUrlQuery>

namespace apiserver {

/// What a request path addresses, parsed the way kube-apiserver's RequestInfoFactory does.
struct RequestInfo {
    bool isResourceRequest = false;
    QString path;
    QString verb; ///< get, list, watch, create, update, patch, delete, deletecollection (or the HTTP verb)
    QString apiPrefix; ///< "api" or "apis"
    QString group;
    QString version;
    QString ns;
    QString resource;
    QString name;
    QString subresource;
};

/// Parses `/api/v1/namespaces/ns/secrets/name/status` and friends; `method` is the HTTP method in upper case.
RequestInfo parseRequestInfo(const QString& path, const QString& method, const QUrlQuery& query);
/// The query of `url` decoded as Go's url.ParseQuery does: '+' is a space (kubectl sends `a+in+%28x%29`).
QUrlQuery formQuery(const QUrl& url);

} // namespace apiserver
