#pragma once

#include <QWidget>

class QLabel;
class QTableWidget;

namespace views {

class AuditLog;

/// The Audit log section: every reveal and cleanup action recorded in the local audit file.
class AuditPage : public QWidget {
    Q_OBJECT
public:
    explicit AuditPage(AuditLog* log, QWidget* parent = nullptr);
    void reload();

protected:
    void showEvent(QShowEvent* event) override;

private:
    AuditLog* m_log;
    QLabel* m_path;
    QTableWidget* m_table;
};

} // namespace views
