#pragma once

#include <QString>
#include <functional>

class QWidget;

namespace views {
class MainWindow;
}

namespace app {

/// True once every chain is Synced (or Orphan, with `allowOrphans`) and every context is connected (what the docs
/// screenshots show).
bool dataSettled(const views::MainWindow& window, int minimumChains, bool allowOrphans = false);
/// Waits (event loop running, with a deadline) until dataSettled(), shows `section` ("details" selects the first
/// TLS chain), renders the window to `file`. False with *error when the data did not settle or writing failed; the
/// PNG is written anyway when the deadline passed.
/// `ready` (optional) must hold too before the section is shown (e.g. two metrics scrapes, an orphan scan);
/// `target` (optional) is called once the section is shown and returns the widget to render instead of the window
/// (the cleanup wizard), waiting for it with the deadline it is given.
struct ScreenshotHooks {
    std::function<bool()> ready;
    std::function<QWidget*(int remainingMs)> target;
    bool allowOrphans = false; ///< the demo's orphan shots: an Orphan chain is expected
};
bool takeScreenshot(views::MainWindow& window, const QString& section, const QString& file, int minimumChains,
    int settleSeconds, QString* error, const ScreenshotHooks& hooks = {});

} // namespace app
