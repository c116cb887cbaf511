#pragma once

#include "livestate.h"

#include <QHash>
#include <QMainWindow>

class QLabel;
class QLineEdit;
class QListWidget;
class QStackedWidget;
class QTreeView;

namespace models {
class LineageModel;
}

namespace views {

class AuditLog;
class ControllerHost;
class DetailPane;
class OverviewPage;

/// kubelb-console's main window: toolbar (Contexts…, filter, refresh, controllers), a sidebar with sections and
/// context health, the section stack (Lineage is a virtualised tree), the detail pane and a status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Section { Overview, Lineage, Orphans, Metrics, Controllers, AuditLog };

    /// The window shows `live`; `controllers` and `audit` back the Controllers and Audit log sections.
    MainWindow(LiveState* live, ControllerHost* controllers, AuditLog* audit, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Replaces a section's page (Orphans and Metrics come from other parts of the console); takes ownership.
    void setSectionWidget(Section section, QWidget* widget);
    QWidget* sectionWidget(Section section) const;
    /// Shows `count` next to the section's name in the sidebar (-1: none); Orphans also goes to the Overview.
    void setSectionCount(Section section, int count);
    void showSection(Section section);
    Section currentSection() const;
    /// "lineage", "overview", ... (as --screenshot --section takes them).
    static QString sectionName(Section section);

    models::LineageModel* lineageModel() const { return m_model; }
    QTreeView* lineageView() const { return m_tree; }
    QLineEdit* filterEdit() const { return m_filter; }
    DetailPane* detailPane() const { return m_details; }
    LiveState* liveState() const { return m_live; }
    /// Selects the chain with `key` (models::chainKey) in the lineage and shows its details; false if not shown.
    bool selectChain(const QString& key);

Q_SIGNALS:
    /// The user asked for the contexts dialog ("Contexts…").
    void contextsRequested();
    /// The empty state's "Open kubeconfig…".
    void openKubeconfigRequested();

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    QWidget* buildSidebar();
    QWidget* buildLineagePage();
    void buildToolbar();
    void applyFilter(const QString& text);
    void onChains(const QList<models::LineageChain>& chains);
    void onStatuses(const QList<ContextStatus>& statuses);
    void updateCounts();
    void updateStatusBar();
    void updateEmptyState();
    void showCurrentDetails();
    void backOut();

    LiveState* m_live;
    ControllerHost* m_controllers;
    AuditLog* m_audit;
    models::LineageModel* m_model;
    QLineEdit* m_filter = nullptr;
    QListWidget* m_sections = nullptr;
    QListWidget* m_contexts = nullptr;
    QStackedWidget* m_stack = nullptr;
    QStackedWidget* m_lineageStack = nullptr;
    QLabel* m_emptyState = nullptr;
    QTreeView* m_tree = nullptr;
    DetailPane* m_details = nullptr;
    OverviewPage* m_overview = nullptr;
    QLabel* m_status = nullptr;
    QAction* m_controllersAction = nullptr;
    QHash<Section, QWidget*> m_pages;
    QList<ContextStatus> m_statuses;
    QString m_selectedKey;
};

} // namespace views
