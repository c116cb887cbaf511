#pragma once

#include "models/cleanup.h"
#include "models/lineage.h"
#include "models/orphans.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace syncctl {

/// JSON forms (-o json|yaml) of the models' results; data appears as key names, sizes and fingerprints only.
QJsonObject chainToJson(const models::LineageChain& chain);
QJsonObject orphanToJson(const models::Orphan& orphan);
QJsonObject actionToJson(const models::PlannedAction& action);
QJsonObject outcomeToJson(const models::ActionOutcome& outcome);
/// {context, reachable, error} of every scanned cluster.
QJsonArray clustersToJson(const models::Snapshot& snapshot);

/// kubectl-style tables of the same results.
QString lineageTable(const QList<models::LineageChain>& chains);
QString orphanTable(const QList<models::Orphan>& orphans);
QString planTable(const models::CleanupPlan& plan);
QString outcomeTable(const QList<models::ActionOutcome>& outcomes);

/// "ns/name" of a reference ("-" when invalid).
QString shortName(const models::ObjectRef& ref);

} // namespace syncctl
