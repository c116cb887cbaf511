#include "requestinfo.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace apiserver {

RequestInfo parseRequestInfo(const QString& path, const QString& method, const QUrlQuery& query)
{
    RequestInfo info;
    info.path = path;
    info.verb = method.toLower();
    QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    if (parts.isEmpty() || (parts[0] != u"api" && parts[0] != u"apis"))
        return info;
    info.apiPrefix = parts.takeFirst();
    if (info.apiPrefix == u"api") {
        if (parts.isEmpty())
            return info;
        info.version = parts.takeFirst();
    } else {
        if (parts.size() < 2)
            return info;
        info.group = parts.takeFirst();
        info.version = parts.takeFirst();
    }
    if (parts.isEmpty())
        return info;
    info.isResourceRequest = true;
    // A namespace's own subresources (status, finalize) address the namespace object, not a resource in it.
    if (parts[0] == u"namespaces" && parts.size() > 1) {
        info.ns = parts[1];
        if (parts.size() > 2 && parts[2] != u"status" && parts[2] != u"finalize")
            parts = parts.mid(2);
    }
    info.resource = parts.value(0);
    info.name = parts.value(1);
    info.subresource = parts.mid(2).join(u'/');
    const bool watch = query.queryItemValue(u"watch"_s) == u"true" || query.queryItemValue(u"watch"_s) == u"1";
    if (method == u"GET")
        info.verb = info.name.isEmpty() ? (watch ? u"watch"_s : u"list"_s) : u"get"_s;
    else if (method == u"POST")
        info.verb = u"create"_s;
    else if (method == u"PUT")
        info.verb = u"update"_s;
    else if (method == u"PATCH")
        info.verb = u"patch"_s;
    else if (method == u"DELETE")
        info.verb = info.name.isEmpty() ? u"deletecollection"_s : u"delete"_s;
    return info;
}

QUrlQuery formQuery(const QUrl& url)
{
    // A literal '+' arrives as %2B and survives; only the bare '+' of form encoding means a space.
    return QUrlQuery(url.query(QUrl::FullyEncoded).replace(u'+', u"%20"_s));
}

} // namespace apiserver
