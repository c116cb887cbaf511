#pragma once

#include "models/cleanup.h"
#include "syncctl_snapshot.h"

namespace syncctl {

/// models::ClusterActions over RestClient: fresh reads, deletes with {uid, resourceVersion} preconditions, and
/// finalizer removal as a JSON patch that first tests uid and resourceVersion; dry runs use `?dryRun=All`.
class RestClusterActions : public models::ClusterActions {
public:
    explicit RestClusterActions(Clusters& clusters)
        : m_clusters(clusters)
    {
    }

    models::ReadResult read(
        const QString& context, const QString& kind, const QString& ns, const QString& name) override;
    models::ActionResult remove(const models::ObjectRef& ref, bool dryRun) override;
    models::ActionResult removeFinalizer(const models::ObjectRef& ref, const QString& finalizer, bool dryRun) override;

private:
    Clusters& m_clusters;
};

/// The API path of an object of kind "SyncSecret" or "Secret".
kube::ResourcePath pathOf(const QString& kind, const QString& ns, const QString& name);

} // namespace syncctl
