#pragma once

#include "syncctl_options.h"

namespace syncctl {

/// `lineage`: every chain with its state; exit 1 when a cluster could not be read.
int runLineage(const Options& options);
/// `orphans`: the orphans and the undecidable lookalikes; exit 3 when any orphan is found.
int runOrphans(const Options& options);
/// `cleanup`: plan (dry run), or backup + guarded execution with --execute/--yes.
int runCleanup(const Options& options);
/// `doctor NAME -n NAMESPACE`: the troubleshooting checks for one tenant SyncSecret; exit 3 when one fails.
int runDoctor(const Options& options);

/// Runs the command `options` selects.
int run(const Options& options);

} // namespace syncctl
