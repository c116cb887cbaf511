#pragma once

#include <QString>

namespace views {
class MainWindow;
}

namespace app {

/// True once every chain is Synced and every context is connected (what the docs screenshots show).
bool dataSettled(const views::MainWindow& window, int minimumChains);
/// Waits (event loop running, with a deadline) until dataSettled(), shows `section` ("details" selects the first
/// TLS chain), renders the window to `file`. False with *error when the data did not settle or writing failed; the
/// PNG is written anyway when the deadline passed.
bool takeScreenshot(views::MainWindow& window, const QString& section, const QString& file, int minimumChains,
    int settleSeconds, QString* error);

} // namespace app
