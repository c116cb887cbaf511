#pragma once

#include "models/lineagemodel.h"
#include "views/badges.h"

#include <QStyledItemDelegate>

namespace views {

/// The badge of a whole chain's state.
Badge badgeForChain(models::ChainState state);

/// Paints the state column as a coloured dot plus the state text (never colour alone); other columns as usual.
class BadgeDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit BadgeDelegate(QObject* parent = nullptr);
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace views
