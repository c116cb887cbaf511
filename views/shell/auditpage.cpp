#include "auditpage.h"

#include "auditlog.h"

#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

AuditPage::AuditPage(AuditLog* log, QWidget* parent)
    : QWidget(parent)
    , m_log(log)
    , m_path(new QLabel(this))
    , m_table(new QTableWidget(this))
{
    m_path->setWordWrap(true);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setColumnCount(6);
    m_table->setHorizontalHeaderLabels(
        { tr("Time"), tr("User"), tr("Action"), tr("Context"), tr("Object"), tr("Key / details") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<h2>Audit log</h2>"), this));
    layout->addWidget(m_path);
    layout->addWidget(m_table, 1);
    connect(m_log, &AuditLog::appended, this, &AuditPage::reload);
    reload();
}

void AuditPage::reload()
{
    const QList<QJsonObject> records = m_log->records();
    m_path->setText(tr("Every value reveal and every cleanup action, from <code>%1</code> (newest first). Values "
                       "are never recorded.")
                        .arg(m_log->path().toHtmlEscaped()));
    m_table->setRowCount(int(records.size()));
    for (int i = 0; i < records.size(); ++i) {
        const QJsonObject& r = records.at(records.size() - 1 - i);
        const QString object = u"%1/%2/%3"_s.arg(
            r.value(u"kind"_s).toString(), r.value(u"namespace"_s).toString(), r.value(u"name"_s).toString());
        const QString action = r.value(u"action"_s).toString(r.value(u"verb"_s).toString());
        const QStringList cells { r.value(u"time"_s).toString(), r.value(u"user"_s).toString(), action,
            r.value(u"context"_s).toString(), object,
            r.contains(u"key"_s) ? r.value(u"key"_s).toString() : r.value(u"result"_s).toString() };
        for (int c = 0; c < cells.size(); ++c)
            m_table->setItem(i, c, new QTableWidgetItem(cells.at(c)));
    }
    m_table->resizeColumnsToContents();
}

void AuditPage::showEvent(QShowEvent* event)
{
    reload();
    QWidget::showEvent(event);
}

} // namespace views
