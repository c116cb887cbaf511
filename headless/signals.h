#pragma once

#include <QObject>

/// Turns SIGINT and SIGTERM into a Qt signal through a self-pipe, so shutdown runs on the event loop.
class ShutdownSignals : public QObject {
    Q_OBJECT
public:
    explicit ShutdownSignals(QObject* parent = nullptr);

Q_SIGNALS:
    /// Emitted once per received SIGINT/SIGTERM.
    void requested(int signal);
};
