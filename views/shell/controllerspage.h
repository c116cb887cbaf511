#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace views {

class ControllerHost;

/// The Controllers section: what runs in-process, start/stop, their flags and a live log tail (redacted).
class ControllersPage : public QWidget {
    Q_OBJECT
public:
    explicit ControllersPage(ControllerHost* host, QWidget* parent = nullptr);

    QPushButton* startButton() const { return m_start; }
    QPushButton* stopButton() const { return m_stop; }

private:
    void updateState();

    ControllerHost* m_host;
    QLabel* m_state;
    QLabel* m_flags;
    QLabel* m_error;
    QPushButton* m_start;
    QPushButton* m_stop;
    QPlainTextEdit* m_log;
};

} // namespace views
