#pragma once

#include "models/cleanup.h"
#include "models/orphans.h"
#include "models/snapshot.h"

#include <QPointer>
#include <QThreadPool>
#include <QWidget>
#include <functional>
#include <memory>

class QLabel;
class QPushButton;
class QTableView;
class QSortFilterProxyModel;

namespace models {
class OrphanModel;
}

namespace views {

class CleanupWizard;

/// Where the orphans page scans and acts, and what its audit and backups need.
struct OrphanEnvironment {
    std::function<models::Snapshot()> scan; ///< called on a worker thread
    std::function<std::unique_ptr<models::ClusterActions>()> makeActions; ///< created and used on a worker thread
    QString managementContext; ///< the name the admin must type to confirm
    QString auditLogPath; ///< JSON lines, appended
    QString who; ///< user@host for the audit
    QString backupDirectory; ///< default folder offered for the backup file
    models::OrphanOptions classifier; ///< age threshold and excluded namespaces (default: older than 10 min)
};

/// The Orphans section: the orphans of the latest scan (class, object, context, age, reason) and the cleanup wizard
/// ("Clean up…" or Del), the only destructive path of the console.
class OrphansPage : public QWidget {
    Q_OBJECT
public:
    explicit OrphansPage(OrphanEnvironment environment, QWidget* parent = nullptr);
    ~OrphansPage() override;

    /// Scans on a worker thread; the table follows when it finishes (a scan already running is not repeated).
    void rescan();
    /// Opens the cleanup wizard with the selected orphans checked (all when nothing is selected); nullptr when
    /// there is nothing to clean up.
    CleanupWizard* openCleanupWizard();

    models::OrphanModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    /// Whether a scan is running.
    bool scanning() const { return m_scanning; }

Q_SIGNALS:
    void orphanCountChanged(int count);
    /// A scan finished (after the table was updated).
    void scanFinished();

private:
    void applyScan(const models::Snapshot& snapshot, const models::OrphanScan& scan);
    QString reachabilityText(const models::Snapshot& snapshot) const;

    OrphanEnvironment m_env;
    models::OrphanModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_status;
    QLabel* m_empty;
    QPushButton* m_cleanup;
    QDateTime m_scannedAt;
    bool m_scanning = false;
    QPointer<CleanupWizard> m_wizard;
    QThreadPool m_pool;
};

} // namespace views
