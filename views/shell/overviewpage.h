#pragma once

#include <QWidget>

class QGridLayout;
class QLabel;

namespace models {
class LineageModel;
}

namespace views {

/// The Overview section: chain counts by state per tenant and the oldest unsynced chain; every count is a link
/// that filters the lineage.
class OverviewPage : public QWidget {
    Q_OBJECT
public:
    explicit OverviewPage(models::LineageModel* model, QWidget* parent = nullptr);

    /// Rebuilds the counts from the model (unfiltered).
    void refresh();
    /// The Orphans section's latest count (-1: not scanned yet); shown as a link to that section.
    void setOrphanCount(int count);

Q_SIGNALS:
    /// The orphans count was clicked: show the Orphans section.
    void orphansRequested();
    /// A count was clicked: show the lineage with this filter.
    void filterRequested(const QString& filter);

private:
    models::LineageModel* m_model;
    QLabel* m_headline;
    QLabel* m_oldest;
    QLabel* m_orphans;
    QWidget* m_table = nullptr;
};

} // namespace views
