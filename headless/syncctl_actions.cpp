// The cluster side of guarded cleanup: every mutating call carries the scanned identity as a precondition, so an
// object recreated or changed since the scan is never touched.
#include "syncctl_actions.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace syncctl {

namespace {

models::ActionResult failure(const QString& context, const kube::ApiError& error)
{
    models::ActionResult r;
    r.conflict = error.isConflict() || error.message().contains(u"testing value"_s)
        || error.message().contains(u"Precondition"_s, Qt::CaseInsensitive);
    r.error = describeError(context, error);
    return r;
}

QUrlQuery dryRunQuery(bool dryRun)
{
    QUrlQuery query;
    if (dryRun)
        query.addQueryItem(u"dryRun"_s, u"All"_s);
    return query;
}

} // namespace

kube::ResourcePath pathOf(const QString& kind, const QString& ns, const QString& name)
{
    return kind == u"Secret" ? secretsPath(ns, name) : syncSecretsPath(ns, name);
}

models::ReadResult RestClusterActions::read(
    const QString& context, const QString& kind, const QString& ns, const QString& name)
{
    models::ReadResult r;
    QString error;
    kube::RestClient* client = m_clusters.client(context, &error);
    if (!client) {
        r.error = error;
        return r;
    }
    const auto object = client->get(pathOf(kind, ns, name));
    if (object) {
        r.status = models::ReadResult::Found;
        r.object = *object;
    } else if (object.error().isNotFound()) {
        r.status = models::ReadResult::NotFound;
    } else {
        r.error = describeError(context, object.error());
    }
    return r;
}

models::ActionResult RestClusterActions::remove(const models::ObjectRef& ref, bool dryRun)
{
    QString error;
    kube::RestClient* client = m_clusters.client(ref.context, &error);
    if (!client)
        return { false, false, error };
    QJsonObject preconditions { { u"uid"_s, ref.uid } };
    if (!ref.resourceVersion.isEmpty())
        preconditions[u"resourceVersion"_s] = ref.resourceVersion;
    QJsonObject options { { u"kind"_s, u"DeleteOptions"_s }, { u"apiVersion"_s, u"v1"_s },
        { u"preconditions"_s, preconditions }, { u"propagationPolicy"_s, u"Background"_s } };
    if (dryRun)
        options[u"dryRun"_s] = QJsonArray { u"All"_s };
    kube::RestRequest request;
    request.verb = "DELETE";
    request.path = pathOf(ref.kind, ref.namespace_, ref.name).path();
    request.query = dryRunQuery(dryRun);
    request.body = QJsonDocument(options).toJson(QJsonDocument::Compact);
    const auto response = client->execute(request);
    if (response.ok())
        return { true, false, {} };
    if (response.code == 401) { // execute() keeps the raw answer: say what RestClient's other requests say
        const kube::ApiError raw = response.error();
        return { false, false,
            describeError(ref.context,
                kube::ApiError(401, raw.reason(),
                    u"the credentials for context \"%1\" were rejected (401 Unauthorized): %2"_s.arg(
                        ref.context, raw.message().isEmpty() ? raw.reason() : raw.message()))) };
    }
    return failure(ref.context, response.error());
}

models::ActionResult RestClusterActions::removeFinalizer(
    const models::ObjectRef& ref, const QString& finalizer, bool dryRun)
{
    const auto fresh = read(ref.context, ref.kind, ref.namespace_, ref.name);
    if (fresh.status != models::ReadResult::Found)
        return { false, fresh.status == models::ReadResult::NotFound, fresh.error.isEmpty() ? u"gone"_s : fresh.error };
    const QJsonObject meta = fresh.object.value(u"metadata"_s).toObject();
    QJsonArray remaining;
    for (const auto& f : meta.value(u"finalizers"_s).toArray())
        if (f.toString() != finalizer)
            remaining.append(f);
    const QString rv
        = ref.resourceVersion.isEmpty() ? meta.value(u"resourceVersion"_s).toString() : ref.resourceVersion;
    const QJsonArray patch {
        QJsonObject { { u"op"_s, u"test"_s }, { u"path"_s, u"/metadata/uid"_s }, { u"value"_s, ref.uid } },
        QJsonObject { { u"op"_s, u"test"_s }, { u"path"_s, u"/metadata/resourceVersion"_s }, { u"value"_s, rv } },
        QJsonObject { { u"op"_s, u"replace"_s }, { u"path"_s, u"/metadata/finalizers"_s }, { u"value"_s, remaining } },
    };
    QString error;
    kube::RestClient* client = m_clusters.client(ref.context, &error);
    if (!client)
        return { false, false, error };
    const auto result = client->patch(pathOf(ref.kind, ref.namespace_, ref.name), kube::PatchFormat::Json,
        QJsonDocument(patch).toJson(QJsonDocument::Compact), dryRunQuery(dryRun));
    if (result)
        return { true, false, {} };
    return failure(ref.context, result.error());
}

} // namespace syncctl
