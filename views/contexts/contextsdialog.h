#pragma once

#include "app/credentialstore.h"
#include "app/settings.h"
#include "kube/kubeconfig.h"
#include "views/consoleconfig.h"
#include "views/contexts/connectioncheck.h"

#include <QDialog>
#include <QHash>
#include <QList>
#include <QString>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace views {

/// Picks what the console connects to: kubeconfig file(s), one management context (radio), any number of tenant
/// contexts each with its management namespace, optional metrics URLs; tests each context's connection and lets
/// the user type a token or password for contexts without credentials (kept in the keychain, never in settings).
class ContextsDialog : public QDialog {
    Q_OBJECT
public:
    /// `store` keeps typed credentials (nullptr: typing one is still possible but it is not remembered).
    explicit ContextsDialog(app::CredentialStore* store = nullptr, QWidget* parent = nullptr);
    ~ContextsDialog() override;

    /// Loads `files` (empty: $KUBECONFIG, else ~/.kube/config) and lists their contexts; false when nothing loaded.
    bool loadKubeconfigs(const QStringList& files);
    /// Preselects a configuration (loads its kubeconfig files first).
    void setConsoleConfig(const views::ConsoleConfig& config);
    /// The configuration chosen (valid after accept()).
    views::ConsoleConfig consoleConfig() const;
    /// What is wrong with the current choice, or "" when it can be accepted.
    QString validationError() const;
    /// Remembers choices in `settings` (not owned): accept() saves the configuration, a stored typed credential sets
    /// the context's keychain flag, and flagged contexts get their credential from the keychain when listed.
    void setSettings(app::Settings* settings) { m_settings = settings; }
    /// Uses a typed credential for `context` (e.g. one loaded from the keychain) in its connection checks.
    void setTypedCredential(const QString& context, app::CredentialKind kind, const QString& secret);
    /// Whether a typed credential (typed now or loaded from the keychain) is known for `context`.
    bool hasTypedCredential(const QString& context) const { return m_typed.contains(context); }
    /// Every typed credential (typed now or loaded from the keychain) by context (memory only).
    QHash<QString, QPair<app::CredentialKind, QString>> typedCredentials() const { return m_typed; }
    /// Starts a connection check of `context` (the row's Test button does the same).
    void testContext(const QString& context);
    /// The latest connection report of `context`.
    ConnectionReport report(const QString& context) const;

    void accept() override;

Q_SIGNALS:
    /// A typed credential was stored in the keychain (the app records the flag in its settings).
    void credentialStored(const QString& context, app::CredentialKind kind);
    /// A context's connection state changed.
    void connectionStateChanged(const QString& context, views::ConnectionState state, const QString& message);

private:
    struct Row;
    void openFiles();
    void populate();
    void addRow(const kube::ContextInfo& info);
    void tenantToggled(const QString& context, bool on);
    void promptCredential(const QString& context, app::CredentialKind kind);
    void loadKeychainCredentials();
    void showNotice(const QString& text);
    void showMessage(int row);
    int rowOf(const QString& context) const;

    app::CredentialStore* m_store;
    app::Settings* m_settings = nullptr;
    QStringList m_files;
    kube::Kubeconfig m_kubeconfig;
    QList<Row*> m_rows;
    QHash<QString, QPair<app::CredentialKind, QString>> m_typed; ///< context → typed credential (memory only)
    QLineEdit* m_filesEdit;
    QTableWidget* m_table;
    QButtonGroup* m_management;
    QLabel* m_loadLabel;
    QLabel* m_messageLabel;
    QLabel* m_validationLabel;
};

} // namespace views
