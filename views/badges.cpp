#include "views/badges.h"

using namespace Qt::StringLiterals;

namespace views {

Badge badgeFor(models::LinkState state)
{
    switch (state) {
    case models::LinkState::Synced:
        return Badge::Synced;
    case models::LinkState::Pending:
        return Badge::Pending;
    case models::LinkState::Failed:
        return Badge::Failed;
    case models::LinkState::Terminating:
        return Badge::Terminating;
    case models::LinkState::Drifted:
        return Badge::Drifted;
    case models::LinkState::Missing:
        return Badge::Missing;
    }
    return Badge::Missing;
}

QString badgeText(Badge badge)
{
    switch (badge) {
    case Badge::Synced:
        return u"Synced"_s;
    case Badge::Pending:
        return u"Pending"_s;
    case Badge::Failed:
        return u"Failed"_s;
    case Badge::Drifted:
        return u"Drifted"_s;
    case Badge::Terminating:
        return u"Terminating"_s;
    case Badge::Orphan:
        return u"Orphan"_s;
    case Badge::Missing:
        return u"Missing"_s;
    }
    return {};
}

QColor badgeColor(Badge badge)
{
    switch (badge) {
    case Badge::Synced:
        return QColor(0x2e, 0x9d, 0x4f);
    case Badge::Pending:
        return QColor(0x8a, 0x8f, 0x98);
    case Badge::Failed:
        return QColor(0xd9, 0x3f, 0x3f);
    case Badge::Drifted:
        return QColor(0xe0, 0x9b, 0x1a);
    case Badge::Terminating:
        return QColor(0x3b, 0x7d, 0xd8);
    case Badge::Orphan:
        return QColor(0x9b, 0x59, 0xd0);
    case Badge::Missing:
        return QColor(0x60, 0x64, 0x6b);
    }
    return {};
}

} // namespace views
