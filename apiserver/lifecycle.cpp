// Deletion, finalizers, owner-reference garbage collection and the namespace / CRD cleanup controllers.
// kube-apiserver and kube-controller-manager do this asynchronously; here it runs synchronously inside the
// request, which clients observe the same way (watch events in the same order, objects gone afterwards).
#include "registry.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

const QString kForeground = u"foregroundDeletion"_s;
const QString kOrphan = u"orphan"_s;
const QString kCrdCleanup = u"customresourcecleanup.apiextensions.k8s.io"_s;

QJsonObject metaOf(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}
QString nsOf(const QJsonObject& o)
{
    return metaOf(o).value(u"namespace"_s).toString();
}
QString nameOf(const QJsonObject& o)
{
    return metaOf(o).value(u"name"_s).toString();
}
QString uidOf(const QJsonObject& o)
{
    return metaOf(o).value(u"uid"_s).toString();
}

QJsonObject withFinalizers(QJsonObject o, const QJsonArray& finalizers)
{
    QJsonObject meta = metaOf(o);
    if (finalizers.isEmpty())
        meta.remove(u"finalizers"_s);
    else
        meta[u"finalizers"_s] = finalizers;
    o[u"metadata"_s] = meta;
    return o;
}

QJsonArray without(QJsonArray list, const QString& value)
{
    for (qsizetype i = list.size() - 1; i >= 0; --i)
        if (list.at(i).toString() == value)
            list.removeAt(i);
    return list;
}

} // namespace

Expected<QJsonObject> Registry::store(const ResourceInfo& r, const QJsonObject& object, const QJsonObject& old)
{
    QString error;
    auto stored = m_store.put(r.groupResource(), object, old, &error);
    if (!stored)
        return ApiError::internal(u"storage write failed: "_s + error);
    afterWrite(r, *stored);
    return *stored;
}

Expected<QJsonObject> Registry::destroy(const ResourceInfo& r, const QJsonObject& object)
{
    QString error;
    auto removed = m_store.remove(r.groupResource(), object, &error);
    if (!removed)
        return ApiError::internal(u"storage write failed: "_s + error);
    afterRemove(r, *removed);
    return *removed;
}

Expected<QJsonObject> Registry::remove(
    const ResourceInfo& r, const QString& ns, const QString& name, const DeleteOptions& opts)
{
    const auto current = m_store.get(r.groupResource(), r.namespaced ? ns : QString(), name);
    if (!current)
        return ApiError::notFound(r.resource, name, r.group);
    const QJsonObject meta = metaOf(*current);
    if (!opts.preconditionUid.isEmpty() && opts.preconditionUid != meta.value(u"uid"_s).toString())
        return ApiError::conflict(r.resource, name,
            u"Precondition failed: UID in precondition: %1, UID in object meta: %2"_s.arg(
                opts.preconditionUid, meta.value(u"uid"_s).toString()),
            r.group);
    if (!opts.preconditionResourceVersion.isEmpty()
        && opts.preconditionResourceVersion != meta.value(u"resourceVersion"_s).toString())
        return ApiError::conflict(r.resource, name,
            u"Precondition failed: ResourceVersion in precondition: %1, ResourceVersion in object meta: %2"_s.arg(
                opts.preconditionResourceVersion, meta.value(u"resourceVersion"_s).toString()),
            r.group);
    if (r.resource == u"namespaces" && r.group.isEmpty()
        && QStringList { u"default"_s, u"kube-system"_s, u"kube-public"_s }.contains(name))
        return ApiError::forbidden(u"namespaces \"%1\" is forbidden: this namespace may not be deleted"_s.arg(name))
            .withDetails({}, u"namespaces"_s, name);
    if (opts.dryRun)
        return *current;
    return deleteObject(r, *current, opts.propagation);
}

Expected<QJsonObject> Registry::deleteObject(
    const ResourceInfo& r, const QJsonObject& object, DeleteOptions::Propagation propagation)
{
    QJsonObject meta = metaOf(object);
    QJsonArray finalizers = meta.value(u"finalizers"_s).toArray();
    if (propagation == DeleteOptions::Propagation::Orphan) {
        // The orphan finalizer's work: dependents lose their reference to this owner and stay.
        for (const auto& [gr, dependent] : dependentsOf(object)) {
            QJsonObject updated = dependent;
            QJsonObject dmeta = metaOf(updated);
            QJsonArray refs;
            for (const auto& ref : dmeta.value(u"ownerReferences"_s).toArray())
                if (ref.toObject().value(u"uid"_s).toString() != uidOf(object))
                    refs.append(ref);
            if (refs.isEmpty())
                dmeta.remove(u"ownerReferences"_s);
            else
                dmeta[u"ownerReferences"_s] = refs;
            updated[u"metadata"_s] = dmeta;
            store(ResourceInfo(*m_resources.findGroupResource(gr)), updated, dependent);
        }
    }
    const bool foreground = propagation == DeleteOptions::Propagation::Foreground && !dependentsOf(object).isEmpty();
    if (foreground && !finalizers.contains(kForeground))
        finalizers.append(kForeground);
    const bool nsPending = r.resource == u"namespaces" && r.group.isEmpty();
    if (finalizers.isEmpty() && !nsPending)
        return destroy(r, object);
    if (meta.contains(u"deletionTimestamp"_s) && finalizers == meta.value(u"finalizers"_s).toArray())
        return object;
    QJsonObject marked = withFinalizers(object, finalizers);
    QJsonObject mmeta = metaOf(marked);
    if (!mmeta.contains(u"deletionTimestamp"_s)) {
        mmeta[u"deletionTimestamp"_s] = now();
        mmeta[u"deletionGracePeriodSeconds"_s] = 0;
        if (r.hasGeneration)
            mmeta[u"generation"_s] = mmeta.value(u"generation"_s).toInteger(1) + 1;
    }
    marked[u"metadata"_s] = mmeta;
    if (nsPending) {
        QJsonObject status = marked.value(u"status"_s).toObject();
        status[u"phase"_s] = u"Terminating"_s;
        marked[u"status"_s] = status;
    }
    auto stored = store(r, marked, object);
    if (!stored)
        return stored;
    const QString name = nameOf(*stored);
    if (foreground)
        for (const auto& [gr, dependent] : dependentsOf(*stored))
            if (const auto* dr = m_resources.findGroupResource(gr))
                deleteObject(ResourceInfo(*dr), dependent, DeleteOptions::Propagation::Foreground);
    if (nsPending) {
        cleanupNamespace(name);
        finishNamespaceIfEmpty(name);
    }
    if (r.resource == u"customresourcedefinitions") {
        cleanupCrd(*stored);
        finishCrdIfEmpty(name);
    }
    if (foreground) {
        if (const auto current = m_store.get(r.groupResource(), nsOf(object), name))
            releaseForegroundOwner(r, *current);
    }
    return m_store.get(r.groupResource(), nsOf(object), name).value_or(*stored);
}

void Registry::afterWrite(const ResourceInfo& r, const QJsonObject& object)
{
    if (r.resource == u"customresourcedefinitions" && r.group == u"apiextensions.k8s.io")
        m_resources.registerCrd(object);
    collectIfOrphaned(r, object);
}

void Registry::afterRemove(const ResourceInfo& r, const QJsonObject& object)
{
    const QString ns = nsOf(object);
    if (r.resource == u"customresourcedefinitions" && r.group == u"apiextensions.k8s.io")
        m_resources.unregisterCrd(nameOf(object));
    if (m_gcEnabled) {
        for (const auto& [gr, dependent] : dependentsOf(object)) {
            const auto* dr = m_resources.findGroupResource(gr);
            const auto current = m_store.get(gr, nsOf(dependent), nameOf(dependent));
            if (dr && current)
                collectIfOrphaned(ResourceInfo(*dr), *current);
        }
        releaseForegroundOwners(object);
    }
    if (!ns.isEmpty())
        finishNamespaceIfEmpty(ns);
    if (!r.builtin)
        finishCrdIfEmpty(r.groupResource());
}

QList<std::pair<QString, QJsonObject>> Registry::dependentsOf(const QJsonObject& owner) const
{
    QList<std::pair<QString, QJsonObject>> out;
    const QString ownerNs = nsOf(owner);
    for (const auto& key : m_dependents.value(uidOf(owner))) {
        const QStringList parts = key.split(u'|');
        const auto dependent = m_store.get(parts[0], parts[1], parts[2]);
        // A namespaced owner only owns dependents of its own namespace, as the garbage collector sees it.
        if (dependent && (ownerNs.isEmpty() || parts[1] == ownerNs))
            out.append({ parts[0], *dependent });
    }
    return out;
}

bool Registry::ownerExists(const QJsonObject& dependent, const QJsonObject& ownerRef) const
{
    const auto* r
        = m_resources.findKind(ownerRef.value(u"apiVersion"_s).toString(), ownerRef.value(u"kind"_s).toString());
    if (!r)
        return true; // an unknown kind cannot be resolved; the real collector leaves such dependents alone
    const auto owner = m_store.get(
        r->groupResource(), r->namespaced ? nsOf(dependent) : QString(), ownerRef.value(u"name"_s).toString());
    return owner && uidOf(*owner) == ownerRef.value(u"uid"_s).toString();
}

// Deletes a dependent whose owners are all gone; drops references to absent owners when others remain.
void Registry::collectIfOrphaned(const ResourceInfo& r, const QJsonObject& object)
{
    const QJsonArray refs = metaOf(object).value(u"ownerReferences"_s).toArray();
    if (!m_gcEnabled || refs.isEmpty() || metaOf(object).contains(u"deletionTimestamp"_s))
        return;
    QJsonArray live;
    for (const auto& ref : refs)
        if (ownerExists(object, ref.toObject()))
            live.append(ref);
    if (live.size() == refs.size())
        return;
    if (live.isEmpty()) {
        deleteObject(r, object, DeleteOptions::Propagation::Background);
        return;
    }
    QJsonObject updated = object;
    QJsonObject meta = metaOf(updated);
    meta[u"ownerReferences"_s] = live;
    updated[u"metadata"_s] = meta;
    store(r, updated, object);
}

// An owner in foreground deletion waits until no dependent with blockOwnerDeletion references it.
void Registry::releaseForegroundOwner(const ResourceInfo& r, const QJsonObject& owner)
{
    const QJsonArray finalizers = metaOf(owner).value(u"finalizers"_s).toArray();
    if (!finalizers.contains(kForeground))
        return;
    for (const auto& [gr, d] : dependentsOf(owner))
        for (const auto& ref : metaOf(d).value(u"ownerReferences"_s).toArray())
            if (ref.toObject().value(u"uid"_s).toString() == uidOf(owner)
                && ref.toObject().value(u"blockOwnerDeletion"_s).toBool())
                return;
    QJsonObject released = withFinalizers(owner, without(finalizers, kForeground));
    if (metaOf(released).value(u"finalizers"_s).toArray().isEmpty())
        destroy(r, released);
    else
        store(r, released, owner);
}

void Registry::releaseForegroundOwners(const QJsonObject& dependent)
{
    for (const auto& v : metaOf(dependent).value(u"ownerReferences"_s).toArray()) {
        const QJsonObject ref = v.toObject();
        const auto* r = m_resources.findKind(ref.value(u"apiVersion"_s).toString(), ref.value(u"kind"_s).toString());
        if (!r)
            continue;
        const ResourceInfo info = *r;
        const auto owner = m_store.get(
            info.groupResource(), info.namespaced ? nsOf(dependent) : QString(), ref.value(u"name"_s).toString());
        if (owner && uidOf(*owner) == ref.value(u"uid"_s).toString())
            releaseForegroundOwner(info, *owner);
    }
}

void Registry::cleanupNamespace(const QString& ns)
{
    for (const auto& r : QList<ResourceInfo>(m_resources.all())) {
        if (!r.namespaced)
            continue;
        for (const auto& object : m_store.list(r.groupResource(), ns))
            if (!metaOf(object).contains(u"deletionTimestamp"_s))
                deleteObject(r, object, DeleteOptions::Propagation::Background);
    }
}

void Registry::finishNamespaceIfEmpty(const QString& ns)
{
    const auto nsObj = m_store.get(u"namespaces"_s, {}, ns);
    if (!nsObj || !metaOf(*nsObj).contains(u"deletionTimestamp"_s))
        return;
    for (const auto& r : m_resources.all())
        if (r.namespaced && !m_store.list(r.groupResource(), ns).isEmpty())
            return;
    QJsonObject finished = *nsObj;
    finished[u"spec"_s] = QJsonObject {};
    const ResourceInfo nsInfo = *m_resources.findGroupResource(u"namespaces"_s);
    if (metaOf(finished).value(u"finalizers"_s).toArray().isEmpty())
        destroy(nsInfo, finished);
    else if (finished != *nsObj)
        store(nsInfo, finished, *nsObj);
}

void Registry::cleanupCrd(const QJsonObject& crd)
{
    const auto* r = m_resources.findGroupResource(nameOf(crd));
    if (!r)
        return;
    const ResourceInfo info = *r;
    for (const auto& object : m_store.list(info.groupResource()))
        if (!metaOf(object).contains(u"deletionTimestamp"_s))
            deleteObject(info, object, DeleteOptions::Propagation::Background);
}

void Registry::finishCrdIfEmpty(const QString& crdName)
{
    const QString crdGr = u"customresourcedefinitions.apiextensions.k8s.io"_s;
    const auto crd = m_store.get(crdGr, {}, crdName);
    if (!crd || !metaOf(*crd).contains(u"deletionTimestamp"_s) || m_store.count(crdName) > 0)
        return;
    const QJsonArray finalizers = metaOf(*crd).value(u"finalizers"_s).toArray();
    if (!finalizers.contains(kCrdCleanup))
        return;
    const ResourceInfo crdInfo = *m_resources.findGroupResource(crdGr);
    QJsonObject finished = withFinalizers(*crd, without(finalizers, kCrdCleanup));
    if (metaOf(finished).value(u"finalizers"_s).toArray().isEmpty())
        destroy(crdInfo, finished);
    else
        store(crdInfo, finished, *crd);
}

void Registry::indexOwners(const WatchEvent& event)
{
    const QString key = event.groupResource + u'|' + nsOf(event.object) + u'|' + nameOf(event.object);
    for (const auto& ref : metaOf(event.previous).value(u"ownerReferences"_s).toArray())
        m_dependents[ref.toObject().value(u"uid"_s).toString()].remove(key);
    if (event.type == WatchEvent::Type::Deleted)
        return;
    for (const auto& ref : metaOf(event.object).value(u"ownerReferences"_s).toArray())
        m_dependents[ref.toObject().value(u"uid"_s).toString()].insert(key);
}

Expected<QList<QJsonObject>> Registry::removeCollection(
    const ResourceInfo& r, const QString& ns, const ListOptions& selection, const DeleteOptions& opts)
{
    auto page = list(r, ns, selection);
    if (!page)
        return page.error();
    QList<QJsonObject> deleted;
    for (const auto& object : page->items) {
        auto result = remove(r, nsOf(object), nameOf(object), opts);
        if (result)
            deleted.append(*result);
    }
    return deleted;
}

} // namespace apiserver
