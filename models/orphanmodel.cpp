#include "orphanmodel.h"

using namespace Qt::StringLiterals;

namespace models {

OrphanModel::OrphanModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void OrphanModel::setOrphans(const QList<Orphan>& orphans)
{
    beginResetModel();
    m_orphans = orphans;
    endResetModel();
}

QString OrphanModel::formatAge(qint64 seconds)
{
    if (seconds >= 86400)
        return u"%1d %2h"_s.arg(seconds / 86400).arg(seconds % 86400 / 3600);
    if (seconds >= 3600)
        return u"%1h %2m"_s.arg(seconds / 3600).arg(seconds % 3600 / 60);
    if (seconds >= 60)
        return u"%1m"_s.arg(seconds / 60);
    return u"%1s"_s.arg(qMax<qint64>(0, seconds));
}

int OrphanModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_orphans.size());
}

int OrphanModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OrphanModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Orphan& o = m_orphans.at(index.row());
    if (role == ClassRole)
        return int(o.cls);
    if (role == SortRole && index.column() == ClassColumn)
        return int(o.cls);
    if (role == SortRole && index.column() == AgeColumn)
        return o.ageSeconds;
    if (role == Qt::ToolTipRole && index.column() == ReasonColumn)
        return o.likelyCause.isEmpty() ? o.reason : o.reason + u"\nLikely cause: "_s + o.likelyCause;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case ClassColumn:
        return u"%1 %2"_s.arg(int(o.cls)).arg(orphanClassName(o.cls));
    case ObjectColumn:
        return u"%1 %2/%3"_s.arg(o.object.kind, o.object.namespace_, o.object.name);
    case ContextColumn:
        return o.object.context;
    case AgeColumn:
        return formatAge(o.ageSeconds);
    case ReasonColumn:
        return o.reason;
    }
    return {};
}

QVariant OrphanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList headers = { u"Class"_s, u"Object"_s, u"Context"_s, u"Age"_s, u"Reason"_s };
    return headers.value(section);
}

} // namespace models
