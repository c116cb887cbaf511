#include "controllerspage.h"

#include "controllerhost.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

ControllersPage::ControllersPage(ControllerHost* host, QWidget* parent)
    : QWidget(parent)
    , m_host(host)
    , m_state(new QLabel(this))
    , m_flags(new QLabel(this))
    , m_error(new QLabel(this))
    , m_start(new QPushButton(tr("Start controllers"), this))
    , m_stop(new QPushButton(tr("Stop controllers"), this))
    , m_log(new QPlainTextEdit(this))
{
    auto* title = new QLabel(tr("<h2>Embedded controllers</h2>"
                                "<p>The Manager (management side) and one CCM per tenant run inside the console, "
                                "against the configured contexts — as <code>kubelb-syncd manager</code> and "
                                "<code>kubelb-syncd ccm</code> would. Stop them before running the real ones.</p>"),
        this);
    title->setWordWrap(true);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_flags->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setPlaceholderText(tr("Controller log lines appear here (secret values are redacted)."));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_state);
    layout->addWidget(m_flags);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addWidget(new QLabel(tr("Log"), this));
    layout->addWidget(m_log, 1);
    connect(m_start, &QPushButton::clicked, this, [this] {
        QString error;
        m_error->setText(m_host->start(&error) ? QString() : tr("Could not start: %1").arg(error));
    });
    connect(m_stop, &QPushButton::clicked, m_host, &ControllerHost::stop);
    connect(m_host, &ControllerHost::stateChanged, this, &ControllersPage::updateState);
    connect(m_host, &ControllerHost::logLine, m_log, &QPlainTextEdit::appendPlainText);
    updateState();
}

void ControllersPage::updateState()
{
    const QStringList running = m_host->running();
    m_state->setText(running.isEmpty() ? tr("Stopped.") : tr("Running: %1").arg(running.join(u", "_s)));
    m_flags->setText(u"<pre>"_s + m_host->describe().join(u'\n').toHtmlEscaped() + u"</pre>"_s);
    m_start->setEnabled(running.isEmpty());
    m_stop->setEnabled(!running.isEmpty());
}

} // namespace views
