#include "verify.h"

#include "models/jsonmeta.h"

using namespace Qt::StringLiterals;

namespace models::verify {

namespace {

/// Empty when `related` is confirmed absent (or present with another UID), else why not.
QString confirmGone(const ObjectRef& related, ClusterActions& cluster, const QString& what)
{
    if (related.name.isEmpty())
        return u"cannot re-verify: the %1's name is unknown"_s.arg(what);
    const ReadResult read = cluster.read(related.context, related.kind, related.namespace_, related.name);
    if (read.status == ReadResult::NotFound)
        return {};
    if (read.status == ReadResult::Error)
        return u"cannot confirm that the %1 is gone: %2"_s.arg(what, read.error);
    if (!related.uid.isEmpty() && meta::uid(read.object) != related.uid)
        return {};
    return u"the %1 %2 exists again"_s.arg(what, related.display());
}

QString sameObject(const Orphan& orphan, const ReadResult& fresh, const OrphanOptions& options)
{
    if (fresh.status == ReadResult::NotFound)
        return u"gone since the scan"_s;
    if (fresh.status == ReadResult::Error)
        return u"cannot re-read: %1"_s.arg(fresh.error);
    if (meta::uid(fresh.object) != orphan.object.uid)
        return u"replaced since the scan (uid changed)"_s;
    const QString rv = meta::resourceVersion(fresh.object);
    if (rv != orphan.object.resourceVersion)
        return u"changed since the scan (resourceVersion %1 -> %2)"_s.arg(orphan.object.resourceVersion, rv);
    if (isKept(fresh.object))
        return u"labelled %1=true"_s.arg(names::KeepLabel);
    if (options.excludedNamespaces.contains(meta::namespaceOf(fresh.object)))
        return u"namespace is excluded"_s;
    return {};
}

QString ownerRule(const Orphan& orphan, const QJsonObject& fresh, ClusterActions& cluster)
{
    const QJsonObject owner = meta::syncSecretOwner(fresh);
    if (owner.value("uid"_L1).toString() != orphan.related.uid)
        return u"owner reference changed"_s;
    return confirmGone(orphan.related, cluster, u"owner SyncSecret"_s);
}

QString classRule(const PlannedAction& action, const QJsonObject& fresh, ClusterActions& cluster)
{
    const Orphan& orphan = action.orphan;
    switch (orphan.cls) {
    case OrphanClass::OwnerGone:
        return ownerRule(orphan, fresh, cluster);
    case OrphanClass::NoOwnerReference:
        return meta::ownerReferences(fresh).isEmpty() && meta::isKubelbSecret(fresh) ? QString()
                                                                                     : u"no longer unowned"_s;
    case OrphanClass::OriginGone:
        return confirmGone(orphan.related, cluster, u"tenant SyncSecret"_s);
    case OrphanClass::StuckTerminating:
        if (!meta::deletionTime(fresh).isValid() || !meta::hasFinalizer(fresh, names::Finalizer))
            return u"no longer stuck terminating"_s;
        return confirmGone(orphan.related, cluster, u"counterpart"_s);
    case OrphanClass::UnmappedNamespace:
        return {};
    }
    return u"unknown orphan class"_s;
}

} // namespace

QString reverify(
    const PlannedAction& action, const ReadResult& fresh, ClusterActions& cluster, const OrphanOptions& options)
{
    const QString changed = sameObject(action.orphan, fresh, options);
    return changed.isEmpty() ? classRule(action, fresh.object, cluster) : changed;
}

} // namespace models::verify
