#pragma once

#include "app/credentialstore.h"
#include "views/consoleconfig.h"

#include <QByteArray>
#include <QString>

class QSettings;

namespace app {

/// The console's remembered choices in QSettings: the ConsoleConfig, window geometry, and which contexts use a
/// typed token/password kept in the keychain. Only flags are stored for credentials, never a value.
class Settings {
public:
    /// Settings in `settings` (not owned; tests pass an INI file).
    explicit Settings(QSettings& settings);

    /// The remembered configuration (empty when none was saved).
    views::ConsoleConfig consoleConfig() const;
    /// Replaces the remembered configuration.
    void setConsoleConfig(const views::ConsoleConfig& config);

    /// A window's saved geometry (QWidget::saveGeometry()), empty when none.
    QByteArray windowGeometry(const QString& window) const;
    void setWindowGeometry(const QString& window, const QByteArray& geometry);
    /// A main window's saved dock/toolbar state (QMainWindow::saveState()), empty when none.
    QByteArray windowState(const QString& window) const;
    void setWindowState(const QString& window, const QByteArray& state);

    /// Whether `context` authenticates with a typed credential of `kind` that lives in the keychain.
    bool usesKeychain(const QString& context, CredentialKind kind) const;
    void setUsesKeychain(const QString& context, CredentialKind kind, bool uses);

    /// Writes pending changes to disk.
    void sync();

private:
    QSettings& m_settings;
};

} // namespace app
