#include "contextsdialog.h"

#include "views/badges.h"

#include <QAction>
#include <QButtonGroup>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

namespace {

enum Column {
    ColContext,
    ColServer,
    ColUser,
    ColAuth,
    ColManagement,
    ColTenant,
    ColNamespace,
    ColMetrics,
    ColState,
    ColActions,
    ColumnCount
};

/// How a kubeconfig user authenticates, for the Auth column; `needs` says which credential the user must type.
QString authText(const kube::KubeconfigUser* user, std::optional<app::CredentialKind>* needs)
{
    *needs = std::nullopt;
    if (!user) {
        *needs = app::CredentialKind::Token;
        return u"none (user missing)"_s;
    }
    if (user->exec)
        return u"exec: "_s + user->exec->command;
    if (!user->authProvider.isEmpty())
        return u"auth-provider %1 (unsupported)"_s.arg(user->authProvider);
    if (!user->token.isEmpty())
        return u"token"_s;
    if (!user->tokenFile.isEmpty())
        return u"token file"_s;
    if (!user->clientCertificate.isEmpty() || !user->clientCertificateData.isEmpty())
        return u"client certificate"_s;
    if (!user->username.isEmpty()) {
        if (user->password.isEmpty())
            *needs = app::CredentialKind::Password;
        return u"basic auth"_s;
    }
    *needs = app::CredentialKind::Token;
    return u"none"_s;
}

bool isNamespaceName(const QString& name)
{
    static const QRegularExpression label(u"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"_s);
    return label.match(name).hasMatch();
}

} // namespace

struct ContextsDialog::Row {
    QString context;
    std::optional<app::CredentialKind> needs;
    QRadioButton* management = nullptr;
    QCheckBox* tenant = nullptr;
    QLineEdit* ns = nullptr;
    QLineEdit* metrics = nullptr;
    QTableWidgetItem* state = nullptr;
    ConnectionCheck* check = nullptr; ///< owned: a late report of a deleted row goes nowhere

    ~Row() { delete check; }
};

ContextsDialog::ContextsDialog(app::CredentialStore* store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_filesEdit(new QLineEdit(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_management(new QButtonGroup(this))
    , m_loadLabel(new QLabel(this))
    , m_messageLabel(new QLabel(this))
    , m_validationLabel(new QLabel(this))
{
    setWindowTitle(tr("Contexts"));
    m_filesEdit->setReadOnly(true);
    m_filesEdit->setObjectName(u"kubeconfigFiles"_s);
    auto* open = new QPushButton(tr("&Open kubeconfig…"), this);
    connect(open, &QPushButton::clicked, this, &ContextsDialog::openFiles);
    auto* reload = new QPushButton(tr("&Default"), this);
    reload->setToolTip(tr("$KUBECONFIG, else ~/.kube/config"));
    connect(reload, &QPushButton::clicked, this, [this] { loadKubeconfigs({}); });
    auto* filesRow = new QHBoxLayout;
    auto* filesLabel = new QLabel(tr("&Kubeconfig:"), this);
    filesLabel->setBuddy(m_filesEdit);
    filesRow->addWidget(filesLabel);
    filesRow->addWidget(m_filesEdit, 1);
    filesRow->addWidget(open);
    filesRow->addWidget(reload);

    m_table->setObjectName(u"contextsTable"_s);
    m_table->setHorizontalHeaderLabels({ tr("Context"), tr("Server"), tr("User"), tr("Auth"), tr("Management"),
        tr("Tenant"), tr("Management namespace"), tr("Metrics URL"), tr("State"), QString() });
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false); // Tab walks the radio, check box, fields and buttons of each row
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ColNamespace, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ColMetrics, QHeaderView::Stretch);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { showMessage(row); });

    m_loadLabel->setObjectName(u"loadNotice"_s);
    m_loadLabel->setWordWrap(true);
    m_messageLabel->setObjectName(u"connectionMessage"_s);
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_validationLabel->setObjectName(u"validationLabel"_s);
    m_validationLabel->setWordWrap(true);
    m_validationLabel->hide();

    auto* testCurrent = new QAction(tr("Test the selected context"), this);
    testCurrent->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(testCurrent, &QAction::triggered, this, [this] {
        if (const Row* row = m_rows.value(m_table->currentRow()))
            testContext(row->context);
    });
    addAction(testCurrent);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* testAll = buttons->addButton(tr("&Test all"), QDialogButtonBox::ActionRole);
    connect(testAll, &QPushButton::clicked, this, [this] {
        for (const Row* row : std::as_const(m_rows))
            testContext(row->context);
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &ContextsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ContextsDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filesRow);
    layout->addWidget(m_loadLabel);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_messageLabel);
    layout->addWidget(m_validationLabel);
    layout->addWidget(buttons);
}

ContextsDialog::~ContextsDialog()
{
    qDeleteAll(m_rows);
}

bool ContextsDialog::loadKubeconfigs(const QStringList& files)
{
    m_files = files;
    const QStringList paths = files.isEmpty() ? kube::KubeconfigLoader().precedence() : files;
    QList<kube::Kubeconfig> configs;
    QStringList problems;
    for (const QString& path : paths) {
        if (files.isEmpty() && !QFileInfo::exists(path))
            continue; // a missing default file is normal
        const kube::Expected<kube::Kubeconfig> config = kube::loadKubeconfigFile(path);
        if (config)
            configs.append(*config);
        else
            problems.append(config.error().message());
    }
    m_kubeconfig = kube::mergeKubeconfigs(configs);
    m_filesEdit->setText(QDir::toNativeSeparators(paths.join(QDir::listSeparator())));
    if (configs.isEmpty() && problems.isEmpty())
        problems.append(tr("No kubeconfig found at %1: open one with \"Open kubeconfig…\".")
                            .arg(paths.join(QDir::listSeparator())));
    m_loadLabel->setText(problems.join(u'\n'));
    m_loadLabel->setVisible(!problems.isEmpty());
    populate();
    loadKeychainCredentials();
    return !configs.isEmpty();
}

void ContextsDialog::openFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open kubeconfig"),
        m_files.isEmpty() ? QDir::homePath() + u"/.kube"_s : QFileInfo(m_files.constFirst()).path());
    if (!files.isEmpty())
        loadKubeconfigs(files);
}

void ContextsDialog::populate()
{
    const views::ConsoleConfig previous = consoleConfig();
    qDeleteAll(m_rows);
    m_rows.clear();
    m_table->setRowCount(0);
    for (const kube::ContextInfo& info : kube::contextInfos(m_kubeconfig))
        addRow(info);
    for (Row* row : std::as_const(m_rows)) {
        row->management->setChecked(row->context == previous.managementContext);
        for (const models::TenantContext& tenant : previous.tenants) {
            if (tenant.context == row->context) {
                row->ns->setText(tenant.managementNamespace);
                row->tenant->setChecked(true);
            }
        }
        row->metrics->setText(previous.metricsUrls.value(row->context).toString());
    }
}

void ContextsDialog::addRow(const kube::ContextInfo& info)
{
    auto* row = new Row;
    row->context = info.name;
    const int index = m_table->rowCount();
    m_table->insertRow(index);
    const QString auth = authText(m_kubeconfig.user(info.user), &row->needs);
    const QStringList texts { info.name,
        info.server.isEmpty() ? tr("(cluster %1 missing)").arg(info.cluster) : info.server, info.user, auth };
    for (int column = 0; column < texts.size(); ++column)
        m_table->setItem(index, column, new QTableWidgetItem(texts[column]));
    row->management = new QRadioButton(m_table);
    row->management->setObjectName(u"management:"_s + info.name);
    row->management->setAccessibleName(tr("Management context %1").arg(info.name));
    m_management->addButton(row->management);
    m_table->setCellWidget(index, ColManagement, row->management);
    row->tenant = new QCheckBox(m_table);
    row->tenant->setObjectName(u"tenant:"_s + info.name);
    row->tenant->setAccessibleName(tr("Tenant context %1").arg(info.name));
    m_table->setCellWidget(index, ColTenant, row->tenant);
    row->ns = new QLineEdit(m_table);
    row->ns->setObjectName(u"namespace:"_s + info.name);
    row->ns->setPlaceholderText(tr("required for a tenant"));
    row->ns->setEnabled(false);
    m_table->setCellWidget(index, ColNamespace, row->ns);
    row->metrics = new QLineEdit(m_table);
    row->metrics->setObjectName(u"metrics:"_s + info.name);
    row->metrics->setPlaceholderText(tr("optional, http://host:8080/metrics"));
    m_table->setCellWidget(index, ColMetrics, row->metrics);
    row->state = new QTableWidgetItem(connectionStateText(ConnectionState::Unknown));
    m_table->setItem(index, ColState, row->state);
    connect(row->tenant, &QCheckBox::toggled, this, [this, name = info.name](bool on) { tenantToggled(name, on); });

    auto* actions = new QWidget(m_table);
    auto* actionsLayout = new QHBoxLayout(actions);
    actionsLayout->setContentsMargins(0, 0, 0, 0);
    auto* test = new QPushButton(tr("Test"), actions);
    test->setObjectName(u"test:"_s + info.name);
    connect(test, &QPushButton::clicked, this, [this, name = info.name] { testContext(name); });
    actionsLayout->addWidget(test);
    if (row->needs) {
        const app::CredentialKind kind = *row->needs;
        auto* enter
            = new QPushButton(kind == app::CredentialKind::Token ? tr("Enter token…") : tr("Enter password…"), actions);
        enter->setObjectName(u"credential:"_s + info.name);
        connect(enter, &QPushButton::clicked, this, [this, name = info.name, kind] { promptCredential(name, kind); });
        actionsLayout->addWidget(enter);
    }
    m_table->setCellWidget(index, ColActions, actions);
    m_rows.append(row);
}

void ContextsDialog::tenantToggled(const QString& context, bool on)
{
    Row* row = m_rows.value(rowOf(context));
    if (!row)
        return;
    row->ns->setEnabled(on);
    // The specification's convention: a tenant's copies live in "tenant-<name>" of the management cluster.
    if (on && row->ns->text().isEmpty())
        row->ns->setText(u"tenant-"_s + context);
}

void ContextsDialog::setConsoleConfig(const views::ConsoleConfig& config)
{
    loadKubeconfigs(config.kubeconfigFiles);
    for (Row* row : std::as_const(m_rows)) {
        row->management->setChecked(row->context == config.managementContext);
        row->tenant->setChecked(false);
        row->ns->clear();
        for (const models::TenantContext& tenant : config.tenants) {
            if (tenant.context == row->context) {
                row->tenant->setChecked(true);
                row->ns->setText(tenant.managementNamespace);
            }
        }
        row->metrics->setText(config.metricsUrls.value(row->context).toString());
    }
}

views::ConsoleConfig ContextsDialog::consoleConfig() const
{
    views::ConsoleConfig config;
    config.kubeconfigFiles = m_files;
    for (const Row* row : m_rows) {
        if (row->management->isChecked())
            config.managementContext = row->context;
        if (row->tenant->isChecked())
            config.tenants.append({ row->context, row->ns->text().trimmed() });
        const QString url = row->metrics->text().trimmed();
        if (!url.isEmpty())
            config.metricsUrls.insert(row->context, QUrl(url));
    }
    return config;
}

QString ContextsDialog::validationError() const
{
    const views::ConsoleConfig config = consoleConfig();
    if (config.managementContext.isEmpty())
        return tr("Choose the management context (the cluster running the KubeLB Manager).");
    QHash<QString, QString> owners; // namespace → tenant context
    for (const models::TenantContext& tenant : config.tenants) {
        if (tenant.managementNamespace.isEmpty())
            return tr("Tenant context \"%1\" needs its management namespace (where its copies live in the "
                      "management cluster, e.g. tenant-%1).")
                .arg(tenant.context);
        if (!isNamespaceName(tenant.managementNamespace))
            return tr("\"%1\" (tenant context \"%2\") is not a valid namespace name: lowercase letters, digits and "
                      "'-', at most 63 characters.")
                .arg(tenant.managementNamespace, tenant.context);
        if (owners.contains(tenant.managementNamespace))
            return tr("Tenant contexts \"%1\" and \"%2\" both use management namespace \"%3\": each tenant needs "
                      "its own.")
                .arg(owners.value(tenant.managementNamespace), tenant.context, tenant.managementNamespace);
        owners.insert(tenant.managementNamespace, tenant.context);
    }
    for (auto it = config.metricsUrls.cbegin(); it != config.metricsUrls.cend(); ++it) {
        const QUrl& url = it.value();
        if (!url.isValid() || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1) || url.host().isEmpty())
            return tr("The metrics URL of context \"%1\" is not an http(s) URL.").arg(it.key());
    }
    return {};
}

void ContextsDialog::accept()
{
    const QString error = validationError();
    m_validationLabel->setText(error);
    m_validationLabel->setVisible(!error.isEmpty());
    if (!error.isEmpty()) {
        for (const Row* row : std::as_const(m_rows)) {
            if (row->tenant->isChecked() && error.contains(u'"' + row->context + u'"')) {
                row->ns->setFocus();
                break;
            }
        }
        return;
    }
    if (m_settings) {
        m_settings->setConsoleConfig(consoleConfig());
        m_settings->sync();
    }
    QDialog::accept();
}

void ContextsDialog::setTypedCredential(const QString& context, app::CredentialKind kind, const QString& secret)
{
    m_typed.insert(context, { kind, secret });
}

void ContextsDialog::testContext(const QString& context)
{
    Row* row = m_rows.value(rowOf(context));
    if (!row)
        return;
    delete row->check;
    row->check = new ConnectionCheck(m_kubeconfig, context, this);
    if (m_typed.contains(context)) {
        const auto& [kind, secret] = m_typed[context];
        if (kind == app::CredentialKind::Token)
            row->check->setTokenOverride(secret);
        else
            row->check->setPasswordOverride(secret);
    }
    connect(
        row->check, &ConnectionCheck::stateChanged, this, [this, row](ConnectionState state, const QString& message) {
            row->state->setText(connectionStateText(state));
            row->state->setToolTip(message);
            // The console's badge colours, always next to the text.
            const Badge badge = state == ConnectionState::Connected ? Badge::Synced
                : state == ConnectionState::Failed                  ? Badge::Failed
                                                                    : Badge::Pending;
            row->state->setForeground(badgeColor(badge));
            if (m_table->currentRow() == m_rows.indexOf(row))
                showMessage(m_table->currentRow());
            Q_EMIT connectionStateChanged(row->context, state, message);
        });
    m_table->setCurrentCell(rowOf(context), ColState);
    row->check->start();
}

ConnectionReport ContextsDialog::report(const QString& context) const
{
    const Row* row = m_rows.value(rowOf(context));
    return row && row->check ? row->check->report() : ConnectionReport {};
}

void ContextsDialog::promptCredential(const QString& context, app::CredentialKind kind)
{
    bool ok = false;
    const QString label = kind == app::CredentialKind::Token
        ? tr("Bearer token for context \"%1\" (kept in the system keychain):").arg(context)
        : tr("Password for context \"%1\" (kept in the system keychain):").arg(context);
    const QString secret = QInputDialog::getText(this, tr("Credentials"), label, QLineEdit::Password, {}, &ok);
    if (!ok || secret.isEmpty())
        return;
    setTypedCredential(context, kind, secret);
    if (!m_store) {
        testContext(context);
        return;
    }
    app::CredentialJob* job = m_store->store(context, kind, secret);
    connect(job, &app::CredentialJob::finished, this, [this](app::CredentialJob* done) {
        if (done->error() == app::CredentialJob::Error::NoError) {
            if (m_settings)
                m_settings->setUsesKeychain(done->context(), done->kind(), true);
            Q_EMIT credentialStored(done->context(), done->kind());
        } else {
            showNotice(tr("Not remembered: %1").arg(done->errorString()));
        }
        testContext(done->context());
    });
    job->start();
}

void ContextsDialog::loadKeychainCredentials()
{
    if (!m_settings || !m_store)
        return;
    for (const Row* row : std::as_const(m_rows)) {
        for (const app::CredentialKind kind : { app::CredentialKind::Token, app::CredentialKind::Password }) {
            if (!m_settings->usesKeychain(row->context, kind) || m_typed.contains(row->context))
                continue;
            app::CredentialJob* job = m_store->load(row->context, kind);
            connect(job, &app::CredentialJob::finished, this, [this](app::CredentialJob* done) {
                if (done->error() == app::CredentialJob::Error::NoError)
                    setTypedCredential(done->context(), done->kind(), done->secret());
                else
                    showNotice(tr("Not loaded from the keychain: %1").arg(done->errorString()));
            });
            job->start();
        }
    }
}

void ContextsDialog::showNotice(const QString& text)
{
    const QString current = m_loadLabel->isHidden() ? QString() : m_loadLabel->text();
    m_loadLabel->setText(current.isEmpty() ? text : current + u'\n' + text);
    m_loadLabel->setVisible(true);
}

void ContextsDialog::showMessage(int row)
{
    const Row* r = m_rows.value(row);
    m_messageLabel->setText(r && r->check ? r->check->report().message : QString());
}

int ContextsDialog::rowOf(const QString& context) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i]->context == context)
            return i;
    return -1;
}

} // namespace views
