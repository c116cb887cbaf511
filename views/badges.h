#pragma once

#include "models/lineage.h"

#include <QColor>
#include <QString>

/// Qt Widgets parts of kubelb-console.
namespace views {

/// A state badge: the same colour for a state everywhere, always shown together with its text (colour-blind safe).
enum class Badge { Synced, Pending, Failed, Drifted, Terminating, Orphan, Missing };

/// The badge of a lineage link state.
Badge badgeFor(models::LinkState state);
/// "Synced", "Pending", ... (the text shown next to the colour).
QString badgeText(Badge badge);
/// Synced green, Pending grey, Failed red, Drifted amber, Terminating blue, Orphan purple, Missing dark grey; tuned
/// for contrast on both light and dark palettes.
QColor badgeColor(Badge badge);

} // namespace views
