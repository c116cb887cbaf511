#pragma once

#include "models/cleanup.h"

/// Re-verification of one orphan against fresh cluster state, right before cleanup acts (internal to models/).
namespace models::verify {

/// Empty when `fresh` (the re-read orphan) is still the same orphan and `action` is still safe; otherwise why
/// the action must be skipped. May read related objects through `cluster`.
QString reverify(
    const PlannedAction& action, const ReadResult& fresh, ClusterActions& cluster, const OrphanOptions& options);

} // namespace models::verify
