// kubelb-console: the Qt Widgets admin console for SyncSecret propagation.
#include "consoleoptions.h"
#include "demohost.h"
#include "kube/kubeconfig.h"
#include "kube/restclient.h"
#include "screenshot.h"
#include "views/shell/auditlog.h"
#include "views/shell/controllerhost.h"
#include "views/shell/livestate.h"
#include "views/shell/mainwindow.h"

#include <QApplication>
#include <QFileDialog>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTextStream>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// Without the contexts dialog: the kubeconfig's current context becomes the management context.
void openKubeconfig(views::MainWindow& window, views::LiveState& live, views::ControllerHost& host)
{
    const QString file = QFileDialog::getOpenFileName(&window, QObject::tr("Open kubeconfig"));
    if (file.isEmpty())
        return;
    const auto config = kube::loadKubeconfigFile(file);
    if (!config) {
        QMessageBox::warning(&window, QObject::tr("Open kubeconfig"), config.error().message());
        return;
    }
    views::ConsoleConfig c;
    c.kubeconfigFiles = { file };
    c.managementContext = config->currentContext;
    live.setConfig(c);
    host.setConfig(c);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"kubelb-console"_s);
    QApplication::setOrganizationName(u"kubelb-sync"_s);
    QApplication::setApplicationVersion(QStringLiteral(KUBELB_VERSION));
    app::ConsoleOptions options;
    QString error, help;
    if (!app::parseConsoleOptions(QApplication::arguments(), &options, &error, &help)) {
        if (!help.isEmpty()) {
            QTextStream(stdout) << help;
            return 0;
        }
        QTextStream(stderr) << "kubelb-console: " << error << "\nRun 'kubelb-console --help' for the options.\n";
        return 2;
    }
    std::unique_ptr<QTemporaryDir> tempDir;
    std::unique_ptr<app::DemoHost> demo;
    views::ControllerHost host;
    if (options.demo) {
        if (options.demoDir.isEmpty()) {
            tempDir = std::make_unique<QTemporaryDir>();
            options.demoDir = tempDir->path();
        }
        demo = std::make_unique<app::DemoHost>(options.demoDir);
        if (!demo->start(&error)) {
            QTextStream(stderr) << "kubelb-console: demo: " << error << '\n';
            return 1;
        }
        options.config = demo->config();
        host.setResolver([d = demo.get()](const QString& context) { return d->resolve(context); });
    }
    host.setConfig(options.config);
    if (options.demo) {
        if (!host.start(&error)) {
            QTextStream(stderr) << "kubelb-console: controllers: " << error << '\n';
            return 1;
        }
        options.config.metricsUrls = host.metricsUrls();
        host.setConfig(options.config);
    }
    views::LiveState live;
    live.setConfig(options.config);
    views::AuditLog audit(options.auditLog);
    int code = 0;
    {
        views::MainWindow window(&live, &host, &audit);
        QObject::connect(&window, &views::MainWindow::contextsRequested, &window, [&window] {
            QMessageBox::information(&window, QObject::tr("Contexts"),
                QObject::tr("Choose contexts on the command line for now:\n\nkubelb-console --kubeconfig FILE "
                            "--management-context NAME --tenant CONTEXT=NAMESPACE …"));
        });
        QObject::connect(
            &window, &views::MainWindow::openKubeconfigRequested, &window, [&] { openKubeconfig(window, live, host); });
        if (!options.screenshot.isEmpty()) {
            window.resize(1600, 900);
            window.show();
            const int minimumChains = options.demo ? 5 : 0;
            if (!app::takeScreenshot(
                    window, options.section, options.screenshot, minimumChains, options.settleSeconds, &error)) {
                QTextStream(stderr) << "kubelb-console: " << error << '\n';
                code = 1;
            }
        } else {
            window.show();
            code = QApplication::exec();
        }
        host.stop();
    }
    kube::releaseThreadNetwork();
    return code;
}
