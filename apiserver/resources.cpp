#include "resources.h"

#include "schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

QJsonObject json(const char* text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

QJsonObject typedRoot(const QJsonObject& properties)
{
    QJsonObject props = properties;
    props[u"apiVersion"_s] = QJsonObject { { u"type"_s, u"string"_s } };
    props[u"kind"_s] = QJsonObject { { u"type"_s, u"string"_s } };
    props[u"metadata"_s] = QJsonObject { { u"type"_s, u"object"_s } };
    return QJsonObject { { u"type"_s, u"object"_s }, { u"properties"_s, props } };
}

ResourceInfo core(const QString& resource, const QString& singular, const QString& kind, bool namespaced)
{
    ResourceInfo r;
    r.versions = { u"v1"_s };
    r.resource = resource;
    r.singular = singular;
    r.kind = kind;
    r.listKind = kind + u"List"_s;
    r.namespaced = namespaced;
    r.patchSchema = objectMetaPatchSchema();
    return r;
}

ResourceInfo secrets()
{
    ResourceInfo r = core(u"secrets"_s, u"secret"_s, u"Secret"_s, true);
    r.schema = typedRoot(json(R"({"data":{"type":"object","additionalProperties":{"type":"string"}},
            "stringData":{"type":"object","additionalProperties":{"type":"string"}},
            "type":{"type":"string"},"immutable":{"type":"boolean"}})"));
    r.fieldSelectors = { u"type"_s };
    return r;
}

ResourceInfo configMaps()
{
    ResourceInfo r = core(u"configmaps"_s, u"configmap"_s, u"ConfigMap"_s, true);
    r.shortNames = { u"cm"_s };
    r.schema = typedRoot(json(R"({"data":{"type":"object","additionalProperties":{"type":"string"}},
            "binaryData":{"type":"object","additionalProperties":{"type":"string","format":"byte"}},
            "immutable":{"type":"boolean"}})"));
    return r;
}

ResourceInfo namespaces()
{
    ResourceInfo r = core(u"namespaces"_s, u"namespace"_s, u"Namespace"_s, false);
    r.shortNames = { u"ns"_s };
    r.hasStatus = true;
    r.nameRule = NameRule::Dns1123Label;
    r.schema = typedRoot(json(R"({"spec":{"type":"object","properties":{"finalizers":{"type":"array",
            "items":{"type":"string"}}}},"status":{"type":"object","properties":{"phase":{"type":"string"},
            "conditions":{"type":"array","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}})"));
    r.fieldSelectors = { u"status.phase"_s };
    return r;
}

ResourceInfo serviceAccounts()
{
    ResourceInfo r = core(u"serviceaccounts"_s, u"serviceaccount"_s, u"ServiceAccount"_s, true);
    r.shortNames = { u"sa"_s };
    r.schema = typedRoot(json(R"({"secrets":{"type":"array","items":{"type":"object",
            "x-kubernetes-preserve-unknown-fields":true}},"imagePullSecrets":{"type":"array","items":{"type":"object",
            "x-kubernetes-preserve-unknown-fields":true}},"automountServiceAccountToken":{"type":"boolean"}})"));
    r.patchSchema.insert(u"secrets"_s, { ListStrategy::Kind::MergeByKey, u"name"_s });
    r.subresources = { u"token"_s };
    return r;
}

ResourceInfo events()
{
    ResourceInfo r = core(u"events"_s, u"event"_s, u"Event"_s, true);
    r.shortNames = { u"ev"_s };
    r.schema = json(R"({"type":"object","x-kubernetes-preserve-unknown-fields":true})");
    r.nameRule = NameRule::PathSegment;
    r.fieldSelectors = { u"involvedObject.kind"_s, u"involvedObject.namespace"_s, u"involvedObject.name"_s,
        u"involvedObject.uid"_s, u"involvedObject.apiVersion"_s, u"involvedObject.resourceVersion"_s,
        u"involvedObject.fieldPath"_s, u"reason"_s, u"reportingComponent"_s, u"source"_s, u"type"_s };
    return r;
}

ResourceInfo leases()
{
    ResourceInfo r = core(u"leases"_s, u"lease"_s, u"Lease"_s, true);
    r.group = u"coordination.k8s.io"_s;
    r.schema = typedRoot(json(R"({"spec":{"type":"object","properties":{"holderIdentity":{"type":"string"},
            "leaseDurationSeconds":{"type":"integer"},"acquireTime":{"type":"string"},"renewTime":{"type":"string"},
            "leaseTransitions":{"type":"integer"},"preferredHolder":{"type":"string"},"strategy":{"type":"string"}}}})"));
    return r;
}

ResourceInfo rbac(const QString& resource, const QString& kind, bool namespaced, const char* schema)
{
    ResourceInfo r = core(resource, resource.chopped(1), kind, namespaced);
    r.group = u"rbac.authorization.k8s.io"_s;
    r.nameRule = NameRule::PathSegment;
    r.schema = typedRoot(json(schema));
    return r;
}

QList<ResourceInfo> rbacResources()
{
    const char* roleSchema = R"({"rules":{"type":"array","items":{"type":"object","properties":{
        "apiGroups":{"type":"array","items":{"type":"string"}},"resources":{"type":"array","items":{"type":"string"}},
        "resourceNames":{"type":"array","items":{"type":"string"}},"verbs":{"type":"array","items":{"type":"string"}},
        "nonResourceURLs":{"type":"array","items":{"type":"string"}}}}},
        "aggregationRule":{"type":"object","x-kubernetes-preserve-unknown-fields":true}})";
    const char* bindingSchema = R"({"roleRef":{"type":"object","properties":{"apiGroup":{"type":"string"},
        "kind":{"type":"string"},"name":{"type":"string"}}},"subjects":{"type":"array","items":{"type":"object",
        "properties":{"apiGroup":{"type":"string"},"kind":{"type":"string"},"name":{"type":"string"},
        "namespace":{"type":"string"}}}}})";
    return { rbac(u"roles"_s, u"Role"_s, true, roleSchema),
        rbac(u"clusterroles"_s, u"ClusterRole"_s, false, roleSchema),
        rbac(u"rolebindings"_s, u"RoleBinding"_s, true, bindingSchema),
        rbac(u"clusterrolebindings"_s, u"ClusterRoleBinding"_s, false, bindingSchema) };
}

ResourceInfo selfSubjectAccessReviews()
{
    ResourceInfo r
        = core(u"selfsubjectaccessreviews"_s, u"selfsubjectaccessreview"_s, u"SelfSubjectAccessReview"_s, false);
    r.group = u"authorization.k8s.io"_s;
    r.verbs = { u"create"_s };
    r.schema = typedRoot(json(R"({"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
        "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}})"));
    return r;
}

ResourceInfo deployments()
{
    ResourceInfo r = core(u"deployments"_s, u"deployment"_s, u"Deployment"_s, true);
    r.group = u"apps"_s;
    r.shortNames = { u"deploy"_s };
    r.categories = { u"all"_s };
    r.hasStatus = true;
    r.hasGeneration = true;
    r.schema = typedRoot(json(R"({"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
        "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}})"));
    const QString pod = u"spec.template.spec."_s;
    r.patchSchema.insert(pod + u"containers"_s, { ListStrategy::Kind::MergeByKey, u"name"_s });
    r.patchSchema.insert(pod + u"initContainers"_s, { ListStrategy::Kind::MergeByKey, u"name"_s });
    r.patchSchema.insert(pod + u"volumes"_s, { ListStrategy::Kind::MergeByKey, u"name"_s });
    r.patchSchema.insert(pod + u"containers.env"_s, { ListStrategy::Kind::MergeByKey, u"name"_s });
    r.patchSchema.insert(pod + u"containers.ports"_s, { ListStrategy::Kind::MergeByKey, u"containerPort"_s });
    r.patchSchema.insert(pod + u"containers.volumeMounts"_s, { ListStrategy::Kind::MergeByKey, u"mountPath"_s });
    return r;
}

ResourceInfo services()
{
    ResourceInfo r = core(u"services"_s, u"service"_s, u"Service"_s, true);
    r.shortNames = { u"svc"_s };
    r.categories = { u"all"_s };
    r.hasStatus = true;
    r.nameRule = NameRule::Dns1123Label;
    r.schema = typedRoot(json(R"({"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
        "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}})"));
    r.patchSchema.insert(u"spec.ports"_s, { ListStrategy::Kind::MergeByKey, u"port"_s });
    return r;
}

ResourceInfo customResourceDefinitions()
{
    ResourceInfo r
        = core(u"customresourcedefinitions"_s, u"customresourcedefinition"_s, u"CustomResourceDefinition"_s, false);
    r.group = u"apiextensions.k8s.io"_s;
    r.shortNames = { u"crd"_s, u"crds"_s };
    r.categories = { u"api-extensions"_s };
    r.hasStatus = true;
    r.hasGeneration = true;
    r.schema = typedRoot(json(R"({"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
            "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}})"));
    return r;
}

// Kubernetes version priority: GA > beta > alpha, higher numbers first, non-matching names last.
int versionRank(const QString& v, int* major, int* minor)
{
    static const QRegularExpression re(u"^v(\\d+)(?:(alpha|beta)(\\d+))?$"_s);
    const auto m = re.match(v);
    if (!m.hasMatch())
        return 3;
    *major = m.captured(1).toInt();
    *minor = m.captured(3).toInt();
    return m.captured(2).isEmpty() ? 0 : m.captured(2) == u"beta" ? 1 : 2;
}

bool versionLess(const QString& a, const QString& b)
{
    int amaj = 0, amin = 0, bmaj = 0, bmin = 0;
    const int ra = versionRank(a, &amaj, &amin), rb = versionRank(b, &bmaj, &bmin);
    if (ra != rb)
        return ra < rb;
    if (ra == 3)
        return a < b;
    if (amaj != bmaj)
        return amaj > bmaj;
    return amin > bmin;
}

} // namespace

QString ResourceInfo::apiVersion(const QString& version) const
{
    const QString v = version.isEmpty() ? versions.value(0) : version;
    return group.isEmpty() ? v : group + u'/' + v;
}

ResourceTable::ResourceTable()
    : m_resources { namespaces(), secrets(), configMaps(), serviceAccounts(), events(), services(), leases(),
        customResourceDefinitions(), deployments(), selfSubjectAccessReviews() }
{
    m_resources += rbacResources();
}

const ResourceInfo* ResourceTable::find(const QString& group, const QString& version, const QString& resource) const
{
    for (const auto& r : m_resources)
        if (r.group == group && r.resource == resource && r.versions.contains(version))
            return &r;
    return nullptr;
}

const ResourceInfo* ResourceTable::findGroupResource(const QString& groupResource) const
{
    for (const auto& r : m_resources)
        if (r.groupResource() == groupResource)
            return &r;
    return nullptr;
}

const ResourceInfo* ResourceTable::findKind(const QString& apiVersion, const QString& kind) const
{
    const qsizetype slash = apiVersion.indexOf(u'/');
    const QString group = slash < 0 ? QString() : apiVersion.left(slash);
    const QString version = slash < 0 ? apiVersion : apiVersion.mid(slash + 1);
    for (const auto& r : m_resources)
        if (r.group == group && r.kind == kind && r.versions.contains(version))
            return &r;
    return nullptr;
}

QStringList ResourceTable::groups() const
{
    QStringList out;
    for (const auto& r : m_resources)
        if (!out.contains(r.group))
            out.append(r.group);
    return out;
}

QStringList ResourceTable::versionsOf(const QString& group) const
{
    QStringList out;
    for (const auto& r : m_resources)
        if (r.group == group)
            for (const auto& v : r.versions)
                if (!out.contains(v))
                    out.append(v);
    std::sort(out.begin(), out.end(), versionLess);
    return out;
}

std::optional<ResourceInfo> ResourceTable::fromCrd(const QJsonObject& crd, QString* error)
{
    const QJsonObject spec = crd.value(u"spec"_s).toObject();
    const QJsonObject names = spec.value(u"names"_s).toObject();
    ResourceInfo r;
    r.group = spec.value(u"group"_s).toString();
    r.resource = names.value(u"plural"_s).toString();
    r.singular = names.value(u"singular"_s).toString(r.resource);
    r.kind = names.value(u"kind"_s).toString();
    r.listKind = names.value(u"listKind"_s).toString(r.kind + u"List"_s);
    for (const auto& s : names.value(u"shortNames"_s).toArray())
        r.shortNames.append(s.toString());
    for (const auto& c : names.value(u"categories"_s).toArray())
        r.categories.append(c.toString());
    r.namespaced = spec.value(u"scope"_s).toString() != u"Cluster";
    r.hasGeneration = true;
    r.builtin = false;
    r.patchSchema = objectMetaPatchSchema();
    QJsonObject chosen;
    for (const auto& v : spec.value(u"versions"_s).toArray()) {
        const QJsonObject version = v.toObject();
        if (!version.value(u"served"_s).toBool())
            continue;
        r.versions.append(version.value(u"name"_s).toString());
        if (chosen.isEmpty() || version.value(u"storage"_s).toBool())
            chosen = version;
    }
    std::sort(r.versions.begin(), r.versions.end(), versionLess);
    if (r.group.isEmpty() || r.resource.isEmpty() || r.kind.isEmpty() || r.versions.isEmpty()) {
        if (error)
            *error = u"the CustomResourceDefinition has no group, plural, kind or served version"_s;
        return std::nullopt;
    }
    r.schema = chosen.value(u"schema"_s).toObject().value(u"openAPIV3Schema"_s).toObject();
    r.hasStatus = chosen.value(u"subresources"_s).toObject().contains(u"status"_s);
    for (const auto& c : chosen.value(u"additionalPrinterColumns"_s).toArray()) {
        const QJsonObject col = c.toObject();
        r.printerColumns.append(
            { col.value(u"name"_s).toString(), col.value(u"type"_s).toString(), col.value(u"jsonPath"_s).toString(),
                col.value(u"description"_s).toString(), col.value(u"priority"_s).toInt() });
    }
    return r;
}

bool ResourceTable::registerCrd(const QJsonObject& crd, QString* error)
{
    auto info = fromCrd(crd, error);
    if (!info)
        return false;
    for (auto& r : m_resources) {
        if (r.groupResource() == info->groupResource()) {
            r = *info;
            return true;
        }
    }
    m_resources.append(*info);
    return true;
}

void ResourceTable::unregisterCrd(const QString& crdName)
{
    m_resources.removeIf([&](const ResourceInfo& r) { return !r.builtin && r.groupResource() == crdName; });
}

} // namespace apiserver
