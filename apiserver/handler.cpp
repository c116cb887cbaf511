// Request dispatch: authentication, routing, body decoding, content negotiation and metrics.
#include "apiserver_p.h"
#include "http.h"
#include "kube/yaml.h"
#include "protobuf.h"
#include "table.h"
#include "watch.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace apiserver {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace {

constexpr qsizetype kMaxBody = 3 * 1024 * 1024;

QString methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return u"GET"_s;
    case QHttpServerRequest::Method::Put:
        return u"PUT"_s;
    case QHttpServerRequest::Method::Delete:
        return u"DELETE"_s;
    case QHttpServerRequest::Method::Post:
        return u"POST"_s;
    case QHttpServerRequest::Method::Head:
        return u"HEAD"_s;
    case QHttpServerRequest::Method::Options:
        return u"OPTIONS"_s;
    case QHttpServerRequest::Method::Patch:
        return u"PATCH"_s;
    default:
        return u"UNKNOWN"_s;
    }
}

QString metricVerb(const RequestInfo& info, const QString& method)
{
    if (!info.isResourceRequest)
        return method;
    static const QHash<QString, QString> verbs { { u"get"_s, u"GET"_s }, { u"list"_s, u"LIST"_s },
        { u"watch"_s, u"WATCH"_s }, { u"create"_s, u"POST"_s }, { u"update"_s, u"PUT"_s }, { u"patch"_s, u"PATCH"_s },
        { u"delete"_s, u"DELETE"_s }, { u"deletecollection"_s, u"DELETECOLLECTION"_s } };
    return verbs.value(info.verb, method);
}

QString mediaType(const QByteArray& header)
{
    return QString::fromLatin1(header.split(';').first().trimmed().toLower());
}

// Decodes a JSON or YAML request body into an object.
kube::Expected<QJsonObject> decodeBody(const QByteArray& body, const QString& type)
{
    if (type.isEmpty() || type == u"application/json" || type == u"*/*") {
        kube::ParseError error;
        const auto object = kube::parseJsonObject(body, &error);
        if (!object)
            return kube::ApiError::badRequest(u"error decoding request body: "_s + error.toString());
        return *object;
    }
    if (type == u"application/yaml" || type == u"application/x-yaml" || type == u"text/yaml") {
        kube::ParseError error;
        const auto value = kube::yamlToJson(body, &error);
        if (!value || !value->isObject())
            return kube::ApiError::badRequest(u"error decoding YAML request body: "_s
                + (value ? u"the document is not a mapping"_s : error.toString()));
        return value->toObject();
    }
    if (type == QLatin1StringView(protobuf::ContentType)) {
        QString error;
        const auto object = protobuf::decodeRequest(body, &error);
        if (!object)
            return kube::ApiError::badRequest(u"error decoding protobuf request body: "_s + error);
        return *object;
    }
    return kube::ApiError::unsupportedMediaType(type);
}

bool wantsTable(const Request& request)
{
    const QByteArray accept = request.value("Accept");
    return accept.contains("as=Table");
}

IncludeObject includeObject(const QUrlQuery& query)
{
    const QString v = query.queryItemValue(u"includeObject"_s);
    return v == u"Object" ? IncludeObject::Object : v == u"None" ? IncludeObject::None : IncludeObject::Metadata;
}

kube::Expected<WriteOptions> writeOptions(const QUrlQuery& query, QStringList* warnings)
{
    WriteOptions opts;
    opts.warnings = warnings;
    const QString dryRun = query.queryItemValue(u"dryRun"_s);
    if (!dryRun.isEmpty() && dryRun != u"All")
        return kube::ApiError::badRequest(u"Invalid dry run value: %1"_s.arg(dryRun));
    opts.dryRun = dryRun == u"All";
    const QString validation = query.queryItemValue(u"fieldValidation"_s);
    if (validation == u"Strict")
        opts.fieldValidation = FieldValidation::Strict;
    else if (validation == u"Ignore")
        opts.fieldValidation = FieldValidation::Ignore;
    else if (!validation.isEmpty() && validation != u"Warn")
        return kube::ApiError::badRequest(
            u"fieldValidation must be one of \"Ignore\", \"Warn\" or \"Strict\", got %1"_s.arg(validation));
    return opts;
}

kube::Expected<DeleteOptions> deleteOptions(const QByteArray& body, const QUrlQuery& query)
{
    DeleteOptions opts;
    QJsonObject o;
    if (!body.trimmed().isEmpty()) {
        kube::ParseError error;
        const auto parsed = kube::parseJsonObject(body, &error);
        if (!parsed)
            return kube::ApiError::badRequest(u"error decoding DeleteOptions: "_s + error.toString());
        o = *parsed;
    }
    QString policy = o.value(u"propagationPolicy"_s).toString(query.queryItemValue(u"propagationPolicy"_s));
    if (o.value(u"orphanDependents"_s).toBool() || query.queryItemValue(u"orphanDependents"_s) == u"true")
        policy = u"Orphan"_s;
    if (policy == u"Orphan")
        opts.propagation = DeleteOptions::Propagation::Orphan;
    else if (policy == u"Foreground")
        opts.propagation = DeleteOptions::Propagation::Foreground;
    else if (policy == u"Background")
        opts.propagation = DeleteOptions::Propagation::Background;
    else if (!policy.isEmpty())
        return kube::ApiError::badRequest(u"propagationPolicy: Unsupported value: \"%1\""_s.arg(policy));
    const QJsonObject pre = o.value(u"preconditions"_s).toObject();
    opts.preconditionUid = pre.value(u"uid"_s).toString();
    opts.preconditionResourceVersion = pre.value(u"resourceVersion"_s).toString();
    const QJsonArray dryRun = o.value(u"dryRun"_s).toArray();
    opts.dryRun = dryRun.contains(u"All"_s) || query.queryItemValue(u"dryRun"_s) == u"All";
    return opts;
}

AuthzAttributes authzAttributes(const RequestInfo& info, const QString& method)
{
    AuthzAttributes a;
    a.resourceRequest = info.isResourceRequest;
    a.verb = info.verb;
    a.path = info.path;
    if (!info.isResourceRequest) {
        a.verb = method.toLower();
        return a;
    }
    a.group = info.group;
    a.resource = info.resource;
    a.subresource = info.subresource;
    a.name = info.name;
    // A namespace object is cluster-scoped: its own name is not a namespace to authorize in.
    a.ns = info.resource == u"namespaces" && info.group.isEmpty() ? QString() : info.ns;
    return a;
}

ListOptions listOptions(const QUrlQuery& query)
{
    ListOptions opts;
    opts.labelSelector = query.queryItemValue(u"labelSelector"_s, QUrl::FullyDecoded);
    opts.fieldSelector = query.queryItemValue(u"fieldSelector"_s, QUrl::FullyDecoded);
    opts.limit = query.queryItemValue(u"limit"_s).toInt();
    opts.continueToken = query.queryItemValue(u"continue"_s, QUrl::FullyDecoded);
    return opts;
}

} // namespace

QByteArray Request::value(QByteArrayView name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void ApiServer::handle(const QHttpServerRequest& request, QTcpSocket* socket, bool secure)
{
    Request r;
    r.method = methodName(request.method());
    r.url = request.url();
    r.headers = request.headers();
    r.body = request.body();
    r.remoteAddress = request.remoteAddress();
    bool streaming = false;
    const Response response = dispatch(r, socket, secure, &streaming);
    if (!streaming)
        respond(socket, response, r.value("Connection").toLower() == "close");
}

Response ApiServer::serve(const Request& request, bool secure)
{
    bool streaming = false;
    return dispatch(request, nullptr, secure, &streaming);
}

Response ApiServer::dispatch(const Request& request, QTcpSocket* socket, bool secure, bool* streaming)
{
    QElapsedTimer timer;
    timer.start();
    const QString path = request.url.path();
    const QUrlQuery query = formQuery(request.url);
    const QString& method = request.method;
    const RequestInfo info = parseRequestInfo(path, method, query);
    Response response;
    const auto user = d->authenticate(request, socket, secure);
    const AuthzAttributes attributes = authzAttributes(info, method);
    if (!user) {
        response = errorResponse(kube::ApiError::unauthorized());
    } else if (path == u"/debug/faults") {
        response = d->serveFaults(request, *user);
        if (response.code == 200 && method != u"GET")
            d->applyFaults(d->faults.config(), this);
    } else if (const auto decision = d->authorizer.authorize(*user, attributes); !decision.allowed) {
        response = errorResponse(kube::ApiError::forbidden(forbiddenMessage(*user, attributes))
                                     .withDetails(info.group, info.resource, info.name));
    } else if (request.body.size() > kMaxBody) {
        response = errorResponse(kube::ApiError::tooLarge(u"Request entity too large: limit is 3145728"_s));
    } else if (const auto fault
        = info.isResourceRequest ? d->faults.errorFor(info.verb, info.resource) : std::nullopt) {
        d->metrics.countInjectedError(fault->code());
        if (fault->code() == 410) {
            // As kube-apiserver answers a watch from too old a resourceVersion: a stream with one ERROR event.
            http::beginChunked(socket, 200, "application/json");
            http::writeChunk(socket,
                QJsonDocument(QJsonObject { { u"type"_s, u"ERROR"_s }, { u"object"_s, fault->toStatus() } })
                        .toJson(QJsonDocument::Compact)
                    + '\n');
            http::endChunked(socket);
            *streaming = true;
        } else {
            response = errorResponse(*fault);
        }
    } else if (info.isResourceRequest) {
        response = d->serveResource(info, request, socket, *user, streaming);
    } else if (auto r = method == u"GET" ? d->serveNonResource(path, query) : std::nullopt) {
        response = *r;
    } else {
        response
            = errorResponse(kube::ApiError(404, u"NotFound"_s, u"the server could not find the requested resource"_s));
    }
    d->metrics.observe(metricVerb(info, method), info.group, info.resource, info.subresource,
        *streaming ? 200 : response.code, double(timer.nsecsElapsed()) / 1e9);
    qCDebug(lcServer).noquote() << method << request.url.toString() << (*streaming ? 200 : response.code);
    return response;
}

void ApiServer::respond(QTcpSocket* socket, const Response& response, bool close)
{
    const auto write = [response, close](QTcpSocket* s) {
        http::writeResponse(s, response.code, response.contentType, response.body, response.headers);
        if (close)
            s->disconnectFromHost();
    };
    const int delay = d->faults.delayMs();
    if (delay <= 0) {
        write(socket);
        return;
    }
    d->metrics.countFault(u"latency"_s);
    // Injected latency must not block the event loop: the answer is written later, if the client is still there.
    QTimer::singleShot(delay, socket, [socket, write] { write(socket); });
}

Response ApiServer::Private::serveResource(
    const RequestInfo& info, const Request& request, QTcpSocket* socket, const UserInfo& user, bool* streaming)
{
    const ResourceInfo* found = resources.find(info.group, info.version, info.resource);
    if (!found
        || (!info.subresource.isEmpty() && !(info.subresource == u"status" && found->hasStatus)
            && !found->subresources.contains(info.subresource)))
        return errorResponse(kube::ApiError(404, u"NotFound"_s, u"the server could not find the requested resource"_s));
    if (!found->verbs.contains(info.verb))
        return errorResponse(
            kube::ApiError::methodNotAllowed(u"the server does not allow this method on the requested resource"_s));
    const ResourceInfo r = *found; // a copy: registering a CRD may reallocate the table
    const QString ns = r.namespaced ? info.ns : QString();
    const QString& name = info.name;
    const QUrlQuery query = formQuery(request.url);
    const bool table = wantsTable(request);
    const auto present = [&](QJsonObject object) {
        object[u"apiVersion"_s] = r.apiVersion(info.version);
        return object;
    };
    const auto single = [&](const kube::Expected<QJsonObject>& result, int code) {
        if (!result)
            return errorResponse(result.error());
        if (table)
            return jsonResponse(code, toTable(r, { present(*result) }, includeObject(query)));
        return jsonResponse(code, present(*result));
    };
    QStringList warnings;
    const auto withWarnings = [&](Response response) {
        for (const auto& w : warnings)
            response.headers.append({ "Warning", "299 - \"" + w.toUtf8().replace('"', "\\\"") + '"' });
        return response;
    };
    const QString verb = info.verb;
    if (verb == u"get")
        return single(registry.get(r, ns, name), 200);
    if (verb == u"list") {
        const auto page = registry.list(r, ns, listOptions(query));
        if (!page)
            return errorResponse(page.error());
        QJsonObject listMeta { { u"resourceVersion"_s, QString::number(page->resourceVersion) } };
        if (!page->continueToken.isEmpty())
            listMeta[u"continue"_s] = page->continueToken;
        QList<QJsonObject> items;
        items.reserve(page->items.size());
        for (const auto& o : page->items)
            items.append(present(o));
        if (table)
            return jsonResponse(200, toTable(r, items, includeObject(query), listMeta));
        QJsonArray array;
        for (const auto& o : items)
            array.append(o);
        return jsonResponse(200,
            { { u"kind"_s, r.listKind }, { u"apiVersion"_s, r.apiVersion(info.version) }, { u"metadata"_s, listMeta },
                { u"items"_s, array } });
    }
    if (verb == u"watch") {
        if (!socket)
            return errorResponse(kube::ApiError::badRequest(u"a watch needs a streaming connection"_s));
        WatchRequest w;
        w.resource = r;
        w.version = info.version;
        w.ns = ns;
        QString error;
        const auto labels
            = kube::LabelSelector::parse(query.queryItemValue(u"labelSelector"_s, QUrl::FullyDecoded), &error);
        QStringList allowed { u"metadata.name"_s, u"metadata.namespace"_s };
        allowed += r.fieldSelectors;
        const auto fields
            = kube::FieldSelector::parse(query.queryItemValue(u"fieldSelector"_s, QUrl::FullyDecoded), allowed, &error);
        if (!labels || !fields)
            return errorResponse(kube::ApiError::badRequest(error));
        w.labels = *labels;
        w.fields = *fields;
        w.table = table;
        w.include = includeObject(query);
        w.resourceVersion = query.queryItemValue(u"resourceVersion"_s);
        w.timeoutSeconds = query.queryItemValue(u"timeoutSeconds"_s).toInt();
        w.bookmarks = query.queryItemValue(u"allowWatchBookmarks"_s) == u"true";
        w.bookmarkIntervalMs = config.bookmarkIntervalMs;
        auto* stream = new WatchStream(store, std::move(w), socket);
        watches.removeAll(nullptr);
        watches.append(stream);
        *streaming = true;
        stream->start();
        // A resume refused only because the fault settings shrank the window is an injected 410.
        if (stream->expired() && faults.config().watchWindow > 0)
            metrics.countFault(u"expired"_s);
        return {};
    }
    const QByteArray& body = request.body;
    const QString type = mediaType(request.value("Content-Type"));
    if (verb == u"create" || verb == u"update") {
        auto opts = writeOptions(query, &warnings);
        if (!opts)
            return errorResponse(opts.error());
        opts->statusSubresource = info.subresource == u"status";
        opts->admission = [this, &user, &r](const QJsonObject& object, const QJsonObject* old) {
            return checkOwnerReferences(user, r, object, old);
        };
        auto object = decodeBody(body, type);
        if (!object)
            return errorResponse(object.error());
        if (r.resource == u"selfsubjectaccessreviews")
            return reviewAccess(*object, user);
        if (info.subresource == u"token")
            return requestToken(ns, name, *object);
        if (verb == u"create") {
            auto created = registry.create(r, ns, *object, *opts);
            if (created && r.resource == u"secrets" && r.group.isEmpty() && !opts->dryRun)
                created = populateServiceAccountToken(*created);
            return withWarnings(single(created, 201));
        }
        return withWarnings(single(registry.update(r, ns, name, *object, *opts), 200));
    }
    if (verb == u"patch") {
        auto opts = writeOptions(query, &warnings);
        if (!opts)
            return errorResponse(opts.error());
        opts->statusSubresource = info.subresource == u"status";
        opts->admission = [this, &user, &r](const QJsonObject& object, const QJsonObject* old) {
            return checkOwnerReferences(user, r, object, old);
        };
        PatchType patchType;
        if (type == u"application/merge-patch+json")
            patchType = PatchType::Merge;
        else if (type == u"application/json-patch+json")
            patchType = PatchType::Json;
        else if (type == u"application/strategic-merge-patch+json")
            patchType = PatchType::Strategic;
        else if (type == u"application/apply-patch+yaml")
            patchType = PatchType::Apply;
        else
            return errorResponse(kube::ApiError(415, u"UnsupportedMediaType"_s,
                u"the body of the request was in an unknown format - accepted media types include: "
                u"application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
                u"application/strategic-merge-patch+json"_s)
                                     .withDetails({}, {}, type));
        return withWarnings(single(registry.patch(r, ns, name, patchType, body, *opts), 200));
    }
    if (verb == u"delete") {
        const auto opts = deleteOptions(body, query);
        if (!opts)
            return errorResponse(opts.error());
        const auto result = registry.remove(r, ns, name, *opts);
        const bool pending = result && result->value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s)
            && store.get(r.groupResource(), ns, name).has_value();
        return single(result, pending ? 202 : 200);
    }
    if (verb == u"deletecollection") {
        const auto opts = deleteOptions(body, query);
        if (!opts)
            return errorResponse(opts.error());
        const auto deleted = registry.removeCollection(r, ns, listOptions(query), *opts);
        if (!deleted)
            return errorResponse(deleted.error());
        QJsonArray items;
        for (const auto& o : *deleted)
            items.append(present(o));
        return jsonResponse(200,
            { { u"kind"_s, r.listKind }, { u"apiVersion"_s, r.apiVersion(info.version) },
                { u"metadata"_s, QJsonObject {} }, { u"items"_s, items } });
    }
    return errorResponse(
        kube::ApiError::methodNotAllowed(u"the server does not allow this method on the requested resource"_s));
}

} // namespace apiserver
