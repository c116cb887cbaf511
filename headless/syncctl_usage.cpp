// kubelb-syncctl's help texts: what each command does, its options, and examples to copy.
#include "syncctl_options.h"

using namespace Qt::StringLiterals;

namespace syncctl {

namespace {

const char* kGeneral = R"(Usage: kubelb-syncctl <command> [options]

Follows SyncSecrets from tenant clusters to the KubeLB management cluster, finds what was left behind, cleans it
up safely, and diagnoses a single SyncSecret.

Commands:
  lineage   Every chain tenant SyncSecret -> management SyncSecret (named by the tenant UID) -> Secret (named by
            the copy's UID), with its state: Synced, Pending, Failed, Terminating, Drifted or Missing.
  orphans   Objects left behind, each with its class and reason (exit code 3 when any is found):
              1 Secret whose owner SyncSecret is gone    2 Secret with origin labels but no ownerReference
              3 copy whose tenant origin is gone         4 SyncSecret stuck Terminating
              5 copy in a namespace no tenant maps to
  cleanup   Plans (default) or performs the removal of the orphans, with a backup first.
  doctor    NAME -n NAMESPACE: runs the troubleshooting checks for one tenant SyncSecret.

Cluster options:
  --kubeconfig FILE              kubeconfig (default: KUBECONFIG, ~/.kube/config, then in-cluster)
  --management-context NAME      context of the management cluster (default: current-context)
  --tenant CONTEXT=NAMESPACE     a tenant cluster and its management namespace; repeat for every tenant

Output and selection:
  -o, --output table|json|yaml   default table; json and yaml are stable for scripts
  --older-than DURATION          never flag objects younger than this (default 10m; 0s flags everything)
  --exclude-namespace NS         never flag objects in NS (repeatable)

Cleanup (dry-run unless --execute or --yes):
  --execute                      act after typing the management context's name to confirm
  --yes                          act without the typed confirmation (for scripts)
  --backup-file FILE             where every affected object is saved first, restorable with kubectl apply -f
                                 (default ./kubelb-cleanup-backup-<timestamp>.yaml)
  --audit-log FILE               append one JSON line per action (who, when, context, object, action, result)
  --force-finalizers             also remove finalizers of stuck objects whose counterpart is confirmed gone

Exit codes: 0 ok, 1 error (a cluster unreachable, an action failed), 2 usage, 3 orphans found (orphans) or a
failed check (doctor).

Examples:
  # What does the management cluster hold for two tenants?
  kubelb-syncctl lineage --management-context kubelb \
      --tenant tenant1=tenant-primary --tenant tenant2=tenant-secondary

  # Orphans older than an hour, as JSON, in a CI job (exit 3 when any)
  kubelb-syncctl orphans -o json --older-than 1h --tenant tenant1=tenant-primary

  # See the cleanup plan, then run it with a chosen backup and an audit log
  kubelb-syncctl cleanup --tenant tenant1=tenant-primary
  kubelb-syncctl cleanup --execute --tenant tenant1=tenant-primary \
      --backup-file before-cleanup.yaml --audit-log cleanup.jsonl

  # Undo a cleanup
  kubectl --context kubelb apply -f before-cleanup.yaml

  # Why is production/app-tls not in the management cluster?
  kubelb-syncctl doctor app-tls -n production --tenant tenant1=tenant-primary

Secret values are never printed: data appears as key names, sizes and SHA-256 fingerprints.
)";

const char* kDoctor = R"(Usage: kubelb-syncctl doctor NAME -n NAMESPACE --tenant CONTEXT=NAMESPACE [options]

Checks one tenant SyncSecret along its whole path and prints each finding (ok, warn, fail) with its remedy:
  Secret Not Appearing in Management Cluster: the tenant object, its finalizer, status and conditions;
  Secret Not Created from SyncSecret: the management copy (named by the tenant UID) and its status;
  Secret Not Updating: the Secret (named by the copy UID), its ownerReference, data fingerprints, immutable;
  Orphaned Secrets: stale copies and Secrets with the same origin;
  RBAC: SelfSubjectAccessReviews for the verbs the CCM and the Manager need, as the kubeconfig's identity
  (run with the controllers' kubeconfigs to check their permissions).

Exit code 3 when any check fails.

Example:
  kubelb-syncctl doctor app-tls -n production --tenant tenant1=tenant-primary --management-context kubelb
)";

} // namespace

QString usage(const QString& command)
{
    return QString::fromUtf8(command == u"doctor" ? kDoctor : kGeneral);
}

} // namespace syncctl
