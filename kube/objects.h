#pragma once

/// The typed Kubernetes API objects with lossless JSON round trips: include this for all of them.
/// Each type has `static Expected<T> fromJson(const QJsonObject&)` and `QJsonObject toJson() const` with
/// toJson(fromJson(x)) == x for every valid x; see jsonfields.h for how presence is preserved.

#include "condition.h"
#include "coreobjects.h"
#include "objectlist.h"
#include "objectmeta.h"
#include "secret.h"
#include "syncsecret.h"
#include "timestamps.h"
