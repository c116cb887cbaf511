#pragma once

#include "models/orphans.h"

#include <QAbstractTableModel>

namespace models {

/// The orphans of the latest scan as a table: class, reason, age, context, object.
class OrphanModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ClassColumn, ObjectColumn, ContextColumn, AgeColumn, ReasonColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< class number, age in seconds, or the display text
        ClassRole, ///< int(OrphanClass)
    };

    explicit OrphanModel(QObject* parent = nullptr);

    /// Replaces the rows with the orphans of a new scan.
    void setOrphans(const QList<Orphan>& orphans);
    const QList<Orphan>& orphans() const { return m_orphans; }
    const Orphan& orphan(int row) const { return m_orphans.at(row); }

    /// "2d 3h", "14m", "40s".
    static QString formatAge(qint64 seconds);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Orphan> m_orphans;
};

} // namespace models
