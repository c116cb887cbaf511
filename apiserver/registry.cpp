#include "registry.h"

#include "kube/selector.h"
#include "kube/yaml.h"
#include "schema.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

const QStringList kObjectMetaFields
    = { u"name"_s, u"generateName"_s, u"namespace"_s, u"selfLink"_s, u"uid"_s, u"resourceVersion"_s, u"generation"_s,
          u"creationTimestamp"_s, u"deletionTimestamp"_s, u"deletionGracePeriodSeconds"_s, u"labels"_s,
          u"annotations"_s, u"ownerReferences"_s, u"finalizers"_s, u"managedFields"_s };

QString randomSuffix()
{
    static const QString alphabet = u"bcdfghjklmnpqrstvwxz2456789"_s;
    QString s;
    for (int i = 0; i < 5; ++i)
        s.append(alphabet.at(QRandomGenerator::global()->bounded(int(alphabet.size()))));
    return s;
}

// Everything except metadata and status: what a generation bump is about.
QJsonObject specPart(QJsonObject o)
{
    o.remove(u"metadata"_s);
    o.remove(u"status"_s);
    o.remove(u"apiVersion"_s);
    o.remove(u"kind"_s);
    return o;
}

// Create and update word a strict decoding error as kube-apiserver's transformDecodeError; patch does not.
ApiError decodeError(const ResourceInfo& r, const QString& apiVersion, const ApiError& error)
{
    if (error.code() != 400 || !error.message().startsWith(u"strict decoding error: "_s))
        return error;
    const QString version = (apiVersion.isEmpty() ? r.apiVersion() : apiVersion).section(u'/', -1);
    return ApiError::badRequest(
        u"%1 in version \"%2\" cannot be handled as a %1: %3"_s.arg(r.kind, version, error.message()));
}

bool isSecretLike(const ResourceInfo& r)
{
    return (r.group.isEmpty() && r.resource == u"secrets")
        || (r.group == u"kubelb.k8c.io" && r.resource == u"syncsecrets");
}

// Secrets never store stringData: each value is encoded into data, overriding keys of the same name.
void mergeStringData(QJsonObject& secret)
{
    const QJsonObject stringData = secret.take(u"stringData"_s).toObject();
    if (stringData.isEmpty())
        return;
    QJsonObject data = secret.value(u"data"_s).toObject();
    for (auto it = stringData.begin(); it != stringData.end(); ++it)
        data[it.key()] = QString::fromLatin1(it.value().toString().toUtf8().toBase64());
    secret[u"data"_s] = data;
}

QString encodeContinue(quint64 rv, const QString& start)
{
    const QJsonObject token { { u"rv"_s, QString::number(rv) }, { u"start"_s, start } };
    return QString::fromLatin1(QJsonDocument(token)
                                   .toJson(QJsonDocument::Compact)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

QString Registry::now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

Registry::Registry(ObjectStore& store, ResourceTable& resources)
    : m_store(store)
    , m_resources(resources)
{
    m_store.addListener([this](const WatchEvent& e) { indexOwners(e); });
}

void Registry::bootstrap()
{
    const ResourceInfo* crds = m_resources.findGroupResource(u"customresourcedefinitions.apiextensions.k8s.io"_s);
    for (const auto& crd : m_store.list(crds->groupResource()))
        m_resources.registerCrd(crd);
    for (const auto& gr : m_store.groupResources())
        for (const auto& o : m_store.list(gr))
            indexOwners({ WatchEvent::Type::Added, 0, gr, {}, o, {} });
    const ResourceInfo ns = *m_resources.findGroupResource(u"namespaces"_s);
    for (const auto& name : { u"default"_s, u"kube-system"_s, u"kube-public"_s, u"kube-node-lease"_s }) {
        if (!m_store.get(ns.groupResource(), {}, name))
            create(ns, {}, QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, name } } } }, {});
    }
}

Expected<QJsonObject> Registry::get(const ResourceInfo& r, const QString& ns, const QString& name) const
{
    auto o = m_store.get(r.groupResource(), r.namespaced ? ns : QString(), name);
    if (!o)
        return ApiError::notFound(r.resource, name, r.group);
    return *o;
}

Expected<ListResult> Registry::list(const ResourceInfo& r, const QString& ns, const ListOptions& options) const
{
    QString error;
    const auto labels = kube::LabelSelector::parse(options.labelSelector, &error);
    if (!labels)
        return ApiError::badRequest(u"unable to parse requirement: "_s + error);
    QStringList allowed { u"metadata.name"_s, u"metadata.namespace"_s };
    allowed += r.fieldSelectors;
    const auto fields = kube::FieldSelector::parse(options.fieldSelector, allowed, &error);
    if (!fields)
        return ApiError::badRequest(error);
    QString start;
    if (!options.continueToken.isEmpty()) {
        const QJsonObject token = QJsonDocument::fromJson(
            QByteArray::fromBase64(options.continueToken.toLatin1(), QByteArray::Base64UrlEncoding))
                                      .object();
        start = token.value(u"start"_s).toString();
        if (start.isEmpty())
            return ApiError::badRequest(u"continue key is not valid: incorrect encoded start resourceVersion"_s);
    }
    ListResult result;
    result.resourceVersion = m_store.resourceVersion();
    const QList<QJsonObject> all = m_store.list(r.groupResource(), r.namespaced ? ns : QString());
    for (const auto& o : all) {
        const QJsonObject meta = o.value(u"metadata"_s).toObject();
        const QString key = meta.value(u"namespace"_s).toString() + u'/' + meta.value(u"name"_s).toString();
        if (!start.isEmpty() && key <= start)
            continue;
        if (!labels->matches(meta.value(u"labels"_s).toObject()) || !fields->matches(o))
            continue;
        if (options.limit > 0 && result.items.size() == options.limit) {
            const QJsonObject lastMeta = result.items.last().value(u"metadata"_s).toObject();
            result.continueToken = encodeContinue(result.resourceVersion,
                lastMeta.value(u"namespace"_s).toString() + u'/' + lastMeta.value(u"name"_s).toString());
            break;
        }
        result.items.append(o);
    }
    return result;
}

std::optional<ApiError> Registry::checkNamespace(const ResourceInfo& r, const QString& ns, const QString& name) const
{
    if (!r.namespaced)
        return std::nullopt;
    const auto nsObj = m_store.get(u"namespaces"_s, {}, ns);
    if (!nsObj)
        return ApiError::notFound(u"namespaces"_s, ns);
    if (nsObj->value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s))
        return ApiError::forbidden(u"%1 \"%2\" is forbidden: unable to create new content in namespace %3 because it "
                                   "is being terminated"_s.arg(r.groupResource(), name, ns))
            .withDetails(r.group, r.resource, name);
    return std::nullopt;
}

// Shared admission of create and update bodies: type meta, namespace, unknown fields, schema.
Expected<QJsonObject> Registry::admit(
    const ResourceInfo& r, const QString& ns, QJsonObject body, const WriteOptions& opts)
{
    const QString apiVersion = body.value(u"apiVersion"_s).toString();
    const QString bodyGroup = apiVersion.contains(u'/') ? apiVersion.section(u'/', 0, 0) : QString();
    if (!apiVersion.isEmpty() && bodyGroup != r.group)
        return ApiError::badRequest(
            u"the API version in the data (%1) does not match the expected API version (%2)"_s.arg(
                apiVersion, r.apiVersion()));
    const QString kind = body.value(u"kind"_s).toString();
    if (!kind.isEmpty() && kind != r.kind)
        return ApiError::badRequest(
            u"the kind in the data (%1) does not match the expected kind (%2)"_s.arg(kind, r.kind));
    body[u"apiVersion"_s] = r.apiVersion();
    body[u"kind"_s] = r.kind;
    QJsonObject meta = body.value(u"metadata"_s).toObject();
    if (r.namespaced) {
        const QString bodyNs = meta.value(u"namespace"_s).toString();
        if (!bodyNs.isEmpty() && bodyNs != ns)
            return ApiError::badRequest(
                u"the namespace of the provided object does not match the namespace sent on the request"_s);
        meta[u"namespace"_s] = ns;
    } else {
        meta.remove(u"namespace"_s);
    }
    QStringList unknown;
    for (const auto& key : meta.keys()) {
        if (!kObjectMetaFields.contains(key)) {
            unknown.append(u"metadata."_s + key);
            meta.remove(key);
        }
    }
    body[u"metadata"_s] = meta;
    SchemaResult checked = validateAndPrune(body, r.schema);
    unknown += checked.unknownFields;
    if (!unknown.isEmpty() && opts.fieldValidation == FieldValidation::Strict) {
        QStringList parts;
        for (const auto& f : unknown)
            parts.append(u"unknown field \"%1\""_s.arg(f));
        return ApiError::badRequest(u"strict decoding error: "_s + parts.join(u", "_s));
    }
    if (!unknown.isEmpty() && opts.fieldValidation == FieldValidation::Warn && opts.warnings)
        for (const auto& f : unknown)
            opts.warnings->append(u"unknown field \"%1\""_s.arg(f));
    if (!checked.causes.isEmpty())
        return ApiError::invalid(r.kind, meta.value(u"name"_s).toString(), checked.causes, r.group);
    return body;
}

void Registry::prepareForCreate(const ResourceInfo& r, QJsonObject& object) const
{
    QJsonObject meta = object.value(u"metadata"_s).toObject();
    for (const auto& key : { u"uid"_s, u"resourceVersion"_s, u"deletionTimestamp"_s, u"deletionGracePeriodSeconds"_s,
             u"generation"_s, u"selfLink"_s, u"managedFields"_s })
        meta.remove(key);
    meta[u"uid"_s] = QUuid::createUuid().toString(QUuid::WithoutBraces);
    meta[u"creationTimestamp"_s] = now();
    if (r.hasGeneration)
        meta[u"generation"_s] = 1;
    if (r.hasStatus)
        object.remove(u"status"_s);
    if (isSecretLike(r) && r.builtin) {
        mergeStringData(object);
        if (object.value(u"type"_s).toString().isEmpty())
            object[u"type"_s] = u"Opaque"_s;
    }
    if (r.resource == u"namespaces" && r.group.isEmpty()) {
        QJsonObject labels = meta.value(u"labels"_s).toObject();
        labels[u"kubernetes.io/metadata.name"_s] = meta.value(u"name"_s);
        meta[u"labels"_s] = labels;
        object[u"spec"_s] = QJsonObject { { u"finalizers"_s, QJsonArray { u"kubernetes"_s } } };
        object[u"status"_s] = QJsonObject { { u"phase"_s, u"Active"_s } };
    }
    if (r.resource == u"customresourcedefinitions") {
        QJsonArray finalizers = meta.value(u"finalizers"_s).toArray();
        if (!finalizers.contains(u"customresourcecleanup.apiextensions.k8s.io"_s))
            finalizers.append(u"customresourcecleanup.apiextensions.k8s.io"_s);
        meta[u"finalizers"_s] = finalizers;
    }
    object[u"metadata"_s] = meta;
}

void Registry::prepareForUpdate(const ResourceInfo& r, QJsonObject& object, const QJsonObject& old, bool status) const
{
    if (status) {
        // The status endpoint changes status only; everything else keeps its stored value.
        QJsonObject merged = old;
        merged[u"status"_s] = object.value(u"status"_s);
        if (!object.contains(u"status"_s))
            merged.remove(u"status"_s);
        object = merged;
        return;
    }
    if (r.hasStatus) {
        if (old.contains(u"status"_s))
            object[u"status"_s] = old.value(u"status"_s);
        else
            object.remove(u"status"_s);
    }
    const QJsonObject oldMeta = old.value(u"metadata"_s).toObject();
    QJsonObject meta = object.value(u"metadata"_s).toObject();
    for (const auto& key : { u"uid"_s, u"creationTimestamp"_s, u"deletionTimestamp"_s, u"deletionGracePeriodSeconds"_s,
             u"generation"_s }) {
        if (oldMeta.contains(key))
            meta[key] = oldMeta.value(key);
        else
            meta.remove(key);
    }
    meta.remove(u"selfLink"_s);
    if (r.hasGeneration && specPart(object) != specPart(old))
        meta[u"generation"_s] = oldMeta.value(u"generation"_s).toInteger(1) + 1;
    object[u"metadata"_s] = meta;
    if (isSecretLike(r) && r.builtin) {
        mergeStringData(object);
        if (object.value(u"type"_s).toString().isEmpty())
            object[u"type"_s] = old.value(u"type"_s);
    }
    if (r.resource == u"namespaces" && r.group.isEmpty())
        object[u"spec"_s] = old.value(u"spec"_s);
}

QList<StatusCause> Registry::validate(const ResourceInfo& r, const QJsonObject& object, const QJsonObject* old) const
{
    const QJsonObject meta = object.value(u"metadata"_s).toObject();
    QList<StatusCause> causes = old
        ? validateObjectMetaUpdate(meta, old->value(u"metadata"_s).toObject(), r.namespaced, r.nameRule)
        : validateObjectMetaCreate(meta, r.namespaced, r.nameRule);
    if (isSecretLike(r)) {
        if (r.builtin)
            causes += validateSecret(object);
        if (old)
            causes += validateSecretUpdate(object, *old);
    }
    if (r.resource == u"customresourcedefinitions")
        causes += validateCustomResourceDefinition(object);
    return causes;
}

Expected<QJsonObject> Registry::create(
    const ResourceInfo& r, const QString& ns, QJsonObject body, const WriteOptions& opts)
{
    const QString apiVersion = body.value(u"apiVersion"_s).toString();
    auto admitted = admit(r, ns, std::move(body), opts);
    if (!admitted)
        return decodeError(r, apiVersion, admitted.error());
    QJsonObject object = std::move(*admitted);
    QJsonObject meta = object.value(u"metadata"_s).toObject();
    if (meta.value(u"name"_s).toString().isEmpty() && !meta.value(u"generateName"_s).toString().isEmpty()) {
        meta[u"name"_s] = meta.value(u"generateName"_s).toString() + randomSuffix();
        object[u"metadata"_s] = meta;
    }
    const QString name = meta.value(u"name"_s).toString();
    prepareForCreate(r, object);
    if (const auto causes = validate(r, object, nullptr); !causes.isEmpty())
        return ApiError::invalid(r.kind, name, causes, r.group);
    if (auto error = checkNamespace(r, ns, name))
        return *error;
    if (m_store.get(r.groupResource(), r.namespaced ? ns : QString(), name))
        return ApiError::alreadyExists(r.resource, name, r.group);
    if (r.resource == u"customresourcedefinitions") {
        QString why;
        const auto served = ResourceTable::fromCrd(object, &why);
        if (!served)
            return ApiError::invalid(r.kind, name, { { u"FieldValueInvalid"_s, why, u"spec"_s } }, r.group);
        const QJsonObject spec = object.value(u"spec"_s).toObject();
        QJsonArray stored;
        for (const auto& v : spec.value(u"versions"_s).toArray())
            if (v.toObject().value(u"storage"_s).toBool())
                stored.append(v.toObject().value(u"name"_s));
        object[u"status"_s] = QJsonObject {
            { u"acceptedNames"_s, spec.value(u"names"_s) },
            { u"storedVersions"_s, stored },
            { u"conditions"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"NamesAccepted"_s }, { u"status"_s, u"True"_s },
                                 { u"reason"_s, u"NoConflicts"_s }, { u"message"_s, u"no conflicts found"_s },
                                 { u"lastTransitionTime"_s, now() } },
                    QJsonObject { { u"type"_s, u"Established"_s }, { u"status"_s, u"True"_s },
                        { u"reason"_s, u"InitialNamesAccepted"_s },
                        { u"message"_s, u"the initial names have been accepted"_s },
                        { u"lastTransitionTime"_s, now() } } } },
        };
    }
    if (opts.admission)
        if (auto denied = opts.admission(object, nullptr))
            return *denied;
    if (opts.dryRun)
        return object;
    return store(r, object, {});
}

Expected<QJsonObject> Registry::update(
    const ResourceInfo& r, const QString& ns, const QString& name, QJsonObject body, const WriteOptions& opts)
{
    const auto old = m_store.get(r.groupResource(), r.namespaced ? ns : QString(), name);
    if (!old)
        return ApiError::notFound(r.resource, name, r.group);
    const QString apiVersion = body.value(u"apiVersion"_s).toString();
    auto admitted = admit(r, ns, std::move(body), opts);
    if (!admitted)
        return decodeError(r, apiVersion, admitted.error());
    const QString bodyName = admitted->value(u"metadata"_s).toObject().value(u"name"_s).toString();
    if (bodyName != name)
        return ApiError::badRequest(
            u"the name of the object (%1) does not match the name on the URL (%2)"_s.arg(bodyName, name));
    return commitUpdate(r, std::move(*admitted), *old, opts);
}

Expected<QJsonObject> Registry::commitUpdate(
    const ResourceInfo& r, QJsonObject object, const QJsonObject& old, const WriteOptions& opts)
{
    const QJsonObject oldMeta = old.value(u"metadata"_s).toObject();
    const QString name = oldMeta.value(u"name"_s).toString();
    const QString rv = object.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString();
    if (!rv.isEmpty() && rv != oldMeta.value(u"resourceVersion"_s).toString())
        return ApiError::conflict(r.resource, name,
            u"the object has been modified; please apply your changes to the latest version and try again"_s, r.group);
    prepareForUpdate(r, object, old, opts.statusSubresource);
    QJsonObject meta = object.value(u"metadata"_s).toObject();
    meta[u"resourceVersion"_s] = oldMeta.value(u"resourceVersion"_s);
    object[u"metadata"_s] = meta;
    if (const auto causes = validate(r, object, &old); !causes.isEmpty())
        return ApiError::invalid(r.kind, name, causes, r.group);
    if (r.resource == u"customresourcedefinitions" && !opts.statusSubresource) {
        QString why;
        if (!ResourceTable::fromCrd(object, &why))
            return ApiError::invalid(r.kind, name, { { u"FieldValueInvalid"_s, why, u"spec"_s } }, r.group);
    }
    if (object == old)
        return object;
    if (opts.admission)
        if (auto denied = opts.admission(object, &old))
            return *denied;
    if (opts.dryRun)
        return object;
    const bool deleting = meta.contains(u"deletionTimestamp"_s);
    if (deleting && meta.value(u"finalizers"_s).toArray().isEmpty()
        && !(r.resource == u"namespaces"
            && !object.value(u"spec"_s).toObject().value(u"finalizers"_s).toArray().isEmpty()))
        return destroy(r, object);
    return store(r, object, old);
}

Expected<QJsonObject> Registry::patch(const ResourceInfo& r, const QString& ns, const QString& name, PatchType type,
    const QByteArray& body, const WriteOptions& opts)
{
    const auto old = m_store.get(r.groupResource(), r.namespaced ? ns : QString(), name);
    if (!old)
        return ApiError::notFound(r.resource, name, r.group);
    if (type == PatchType::Apply)
        return ApiError(415, u"UnsupportedMediaType"_s, u"server-side apply is not supported by this server"_s);
    if (type == PatchType::Strategic && !r.builtin)
        return ApiError(415, u"UnsupportedMediaType"_s,
            u"the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"_s);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return ApiError::badRequest(u"error decoding patch: "_s + parseError.errorString());
    QJsonObject patched;
    if (type == PatchType::Json) {
        if (!doc.isArray())
            return ApiError::badRequest(u"json: cannot unmarshal object into Go value of type jsonpatch.Patch"_s);
        QString error;
        const auto result = applyJsonPatch(*old, doc.array(), &error);
        if (!result)
            return ApiError(422, u"Invalid"_s, error);
        patched = result->toObject();
    } else {
        if (!doc.isObject())
            return ApiError::badRequest(u"error decoding patch: the patch is not a JSON object"_s);
        if (type == PatchType::Merge) {
            patched = applyMergePatch(*old, doc.object()).toObject();
        } else {
            QString error;
            const auto result = applyStrategicMergePatch(*old, doc.object(), r.patchSchema, &error);
            if (!result)
                return ApiError::badRequest(error);
            patched = *result;
        }
    }
    auto admitted = admit(r, ns, std::move(patched), opts);
    if (!admitted)
        return admitted.error();
    return commitUpdate(r, std::move(*admitted), *old, opts);
}

} // namespace apiserver
