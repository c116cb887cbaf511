#pragma once

#include "headless/demo.h"
#include "kube/expected.h"
#include "views/consoleconfig.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace app {

/// `kubelb-console --demo`: the demo's three embedded API servers on their own thread (so the UI thread never
/// serves HTTP), seeded with the spec's examples; the controllers run in the console's ControllerHost.
class DemoHost {
public:
    explicit DemoHost(const QString& dataDir);
    ~DemoHost();

    bool start(QString* error);
    /// The contexts to connect to (kubeconfig written by the demo).
    views::ConsoleConfig config() const;
    /// The admin ClientConfig of a demo context (for the in-process controllers).
    kube::Expected<kube::ClientConfig> resolve(const QString& context) const;

private:
    QThread m_thread;
    QObject m_context; ///< lives in m_thread: the demo starts and stops there
    std::unique_ptr<demo::Demo> m_demo;
    QString m_dataDir;
};

} // namespace app
