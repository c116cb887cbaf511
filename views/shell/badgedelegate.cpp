#include "badgedelegate.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

namespace views {

Badge badgeForChain(models::ChainState state)
{
    switch (state) {
    case models::ChainState::Synced:
        return Badge::Synced;
    case models::ChainState::Pending:
        return Badge::Pending;
    case models::ChainState::Failed:
        return Badge::Failed;
    case models::ChainState::Drifted:
        return Badge::Drifted;
    case models::ChainState::Terminating:
        return Badge::Terminating;
    case models::ChainState::Orphan:
        return Badge::Orphan;
    case models::ChainState::Missing:
        return Badge::Missing;
    }
    return Badge::Missing;
}

BadgeDelegate::BadgeDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{
}

void BadgeDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const QVariant state = index.data(models::LineageModel::StateRole);
    if (index.column() != models::LineageModel::StateColumn || !state.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // Background and selection as the style draws them, then dot + text in the palette's text colour.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle* style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, option.widget);
    const QColor colour = badgeColor(badgeForChain(models::ChainState(state.toInt())));
    const int h = option.fontMetrics.height();
    const int d = h * 2 / 3;
    const QRect dot(option.rect.left() + h / 3, option.rect.center().y() - d / 2, d, d);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawEllipse(dot);
    painter->setPen(
        option.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    const QRect text = option.rect.adjusted(dot.right() + h / 3 - option.rect.left(), 0, 0, 0);
    painter->drawText(text, Qt::AlignVCenter | Qt::AlignLeft, index.data().toString());
    painter->restore();
}

} // namespace views
