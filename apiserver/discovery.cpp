// Discovery (legacy form), /version, health, /metrics and the OpenAPI v3 documents kubectl needs.
#include "apiserver_p.h"
#include "kubelb/version.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

QJsonArray toArray(const QStringList& list)
{
    QJsonArray a;
    for (const auto& s : list)
        a.append(s);
    return a;
}

QJsonObject resourceList(const ResourceTable& table, const QString& group, const QString& version)
{
    QJsonArray resources;
    for (const auto& r : table.all()) {
        if (r.group != group || !r.versions.contains(version))
            continue;
        QJsonObject entry { { u"name"_s, r.resource }, { u"singularName"_s, r.singular },
            { u"namespaced"_s, r.namespaced }, { u"kind"_s, r.kind }, { u"verbs"_s, toArray(r.verbs) } };
        if (!r.shortNames.isEmpty())
            entry[u"shortNames"_s] = toArray(r.shortNames);
        if (!r.categories.isEmpty())
            entry[u"categories"_s] = toArray(r.categories);
        resources.append(entry);
        if (r.hasStatus)
            resources.append(QJsonObject { { u"name"_s, r.resource + u"/status"_s }, { u"singularName"_s, u""_s },
                { u"namespaced"_s, r.namespaced }, { u"kind"_s, r.kind },
                { u"verbs"_s, QJsonArray { u"get"_s, u"patch"_s, u"update"_s } } });
        for (const auto& sub : r.subresources)
            resources.append(QJsonObject { { u"name"_s, r.resource + u'/' + sub }, { u"singularName"_s, u""_s },
                { u"namespaced"_s, r.namespaced }, { u"group"_s, u"authentication.k8s.io"_s },
                { u"version"_s, u"v1"_s }, { u"kind"_s, u"TokenRequest"_s },
                { u"verbs"_s, QJsonArray { u"create"_s } } });
    }
    return { { u"kind"_s, u"APIResourceList"_s }, { u"apiVersion"_s, u"v1"_s },
        { u"groupVersion"_s, group.isEmpty() ? version : group + u'/' + version }, { u"resources"_s, resources } };
}

QJsonObject apiGroup(const ResourceTable& table, const QString& group)
{
    QJsonArray versions;
    for (const auto& v : table.versionsOf(group))
        versions.append(QJsonObject { { u"groupVersion"_s, group + u'/' + v }, { u"version"_s, v } });
    return { { u"kind"_s, u"APIGroup"_s }, { u"apiVersion"_s, u"v1"_s }, { u"name"_s, group },
        { u"versions"_s, versions }, { u"preferredVersion"_s, versions.first() } };
}

// The paths of one group-version with the markers kubectl looks for (GVK and fieldValidation support).
QJsonObject openApiDocument(const ResourceTable& table, const QString& group, const QString& version)
{
    QJsonObject paths;
    const QString prefix = group.isEmpty() ? u"/api/v1"_s : u"/apis/%1/%2"_s.arg(group, version);
    for (const auto& r : table.all()) {
        if (r.group != group || !r.versions.contains(version))
            continue;
        const QJsonObject gvk { { u"group"_s, group }, { u"version"_s, version }, { u"kind"_s, r.kind } };
        const QJsonArray params { QJsonObject { { u"name"_s, u"fieldValidation"_s }, { u"in"_s, u"query"_s },
            { u"schema"_s, QJsonObject { { u"type"_s, u"string"_s } } } } };
        const auto op = [&](const QString& action, bool withParams) {
            QJsonObject o { { u"x-kubernetes-group-version-kind"_s, gvk }, { u"x-kubernetes-action"_s, action },
                { u"responses"_s, QJsonObject { { u"200"_s, QJsonObject { { u"description"_s, u"OK"_s } } } } } };
            if (withParams)
                o[u"parameters"_s] = params;
            return o;
        };
        const QString collection = prefix + (r.namespaced ? u"/namespaces/{namespace}/"_s : u"/"_s) + r.resource;
        paths[collection] = QJsonObject { { u"get"_s, op(u"list"_s, false) }, { u"post"_s, op(u"post"_s, true) } };
        paths[collection + u"/{name}"_s]
            = QJsonObject { { u"get"_s, op(u"get"_s, false) }, { u"put"_s, op(u"put"_s, true) },
                  { u"patch"_s, op(u"patch"_s, true) }, { u"delete"_s, op(u"delete"_s, false) } };
    }
    return { { u"openapi"_s, u"3.0.0"_s },
        { u"info"_s, QJsonObject { { u"title"_s, u"Kubernetes"_s }, { u"version"_s, u"v1.32.0"_s } } },
        { u"paths"_s, paths }, { u"components"_s, QJsonObject { { u"schemas"_s, QJsonObject {} } } } };
}

Response text(const QByteArray& body, const QByteArray& type = "text/plain; charset=utf-8")
{
    return { 200, type, body, {} };
}

} // namespace

Response jsonResponse(int code, const QJsonObject& body)
{
    return { code, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact), {} };
}

Response errorResponse(const kube::ApiError& error)
{
    Response r = jsonResponse(error.code(), error.toStatus());
    if (error.retryAfterSeconds() > 0)
        r.headers.append({ "Retry-After", QByteArray::number(error.retryAfterSeconds()) });
    return r;
}

std::optional<Response> ApiServer::Private::serveNonResource(const QString& path, const QUrlQuery& query)
{
    Q_UNUSED(query);
    if (path == u"/version")
        return jsonResponse(200,
            { { u"major"_s, u"1"_s }, { u"minor"_s, u"32"_s }, { u"gitVersion"_s, u"v1.32.0"_s },
                { u"gitCommit"_s, QStringLiteral(KUBELB_PROJECT_GIT_HASH) }, { u"gitTreeState"_s, u"clean"_s },
                { u"buildDate"_s, u"2026-01-01T00:00:00Z"_s }, { u"goVersion"_s, u"kubelb-sync " KUBELB_VERSION ""_s },
                { u"compiler"_s, u"gc"_s }, { u"platform"_s, u"linux/amd64"_s } });
    if (path == u"/healthz" || path == u"/livez" || path == u"/readyz" || path.startsWith(u"/healthz/")
        || path.startsWith(u"/livez/") || path.startsWith(u"/readyz/"))
        return text("ok");
    if (path == u"/metrics") {
        for (const auto& r : resources.all())
            metrics.setStoredObjects(r.groupResource(), double(store.count(r.groupResource())));
        return text(metrics.exposition(), "text/plain; version=0.0.4; charset=utf-8");
    }
    if (path == u"/api")
        return jsonResponse(200,
            { { u"kind"_s, u"APIVersions"_s }, { u"versions"_s, QJsonArray { u"v1"_s } },
                { u"serverAddressByClientCIDRs"_s,
                    QJsonArray { QJsonObject { { u"clientCIDR"_s, u"0.0.0.0/0"_s },
                        { u"serverAddress"_s, u"127.0.0.1:%1"_s.arg(securePort) } } } } });
    if (path == u"/apis") {
        QJsonArray groups;
        for (const auto& g : resources.groups())
            if (!g.isEmpty())
                groups.append(apiGroup(resources, g));
        return jsonResponse(
            200, { { u"kind"_s, u"APIGroupList"_s }, { u"apiVersion"_s, u"v1"_s }, { u"groups"_s, groups } });
    }
    if (path == u"/api/v1")
        return jsonResponse(200, resourceList(resources, {}, u"v1"_s));
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    if (parts.size() == 2 && parts[0] == u"apis" && resources.groups().contains(parts[1]))
        return jsonResponse(200, apiGroup(resources, parts[1]));
    if (parts.size() == 3 && parts[0] == u"apis" && resources.versionsOf(parts[1]).contains(parts[2]))
        return jsonResponse(200, resourceList(resources, parts[1], parts[2]));
    if (path == u"/openapi/v3") {
        QJsonObject paths;
        for (const auto& g : resources.groups())
            for (const auto& v : resources.versionsOf(g)) {
                const QString key = g.isEmpty() ? u"api/"_s + v : u"apis/%1/%2"_s.arg(g, v);
                paths[key] = QJsonObject { { u"serverRelativeURL"_s, u"/openapi/v3/"_s + key } };
            }
        return jsonResponse(200, { { u"paths"_s, paths } });
    }
    if (parts.size() >= 4 && parts[0] == u"openapi" && parts[1] == u"v3") {
        if (parts[2] == u"api" && parts.size() == 4 && parts[3] == u"v1")
            return jsonResponse(200, openApiDocument(resources, {}, u"v1"_s));
        if (parts[2] == u"apis" && parts.size() == 5 && resources.versionsOf(parts[3]).contains(parts[4]))
            return jsonResponse(200, openApiDocument(resources, parts[3], parts[4]));
    }
    return std::nullopt;
}

} // namespace apiserver
