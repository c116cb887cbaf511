#include "demohost.h"

#include "kube/apierror.h"

using namespace Qt::StringLiterals;

namespace app {

DemoHost::DemoHost(const QString& dataDir)
    : m_dataDir(dataDir)
{
    m_thread.setObjectName(u"kubelb-console-demo"_s);
    m_context.moveToThread(&m_thread);
    m_thread.start();
}

DemoHost::~DemoHost()
{
    QMetaObject::invokeMethod(
        &m_context, [this] { m_demo.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

bool DemoHost::start(QString* error)
{
    bool ok = false;
    QMetaObject::invokeMethod(
        &m_context,
        [this, error, &ok] {
            demo::DemoOptions options;
            options.dataDir = m_dataDir;
            options.inMemory = true;
            options.controllers = false; // the console's ControllerHost runs them (start/stop from the UI)
            m_demo = std::make_unique<demo::Demo>(options);
            ok = m_demo->start(error);
        },
        Qt::BlockingQueuedConnection);
    return ok;
}

views::ConsoleConfig DemoHost::config() const
{
    views::ConsoleConfig config;
    config.kubeconfigFiles = { m_demo->kubeconfigPath() };
    for (const auto& c : m_demo->contexts()) {
        if (c.role == u"management")
            config.managementContext = c.name;
        else
            config.tenants.append({ c.name, c.managementNamespace });
    }
    return config;
}

kube::Expected<kube::ClientConfig> DemoHost::resolve(const QString& context) const
{
    const kube::ClientConfig config = m_demo->adminConfig(context);
    if (config.server.isEmpty())
        return kube::ApiError(404, u"NotFound"_s, u"no demo context %1"_s.arg(context));
    return config;
}

} // namespace app
