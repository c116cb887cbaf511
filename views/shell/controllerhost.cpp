#include "controllerhost.h"

#include "controllers/runtime/logging.h"
#include "controllers/syncsecret/runtimes.h"
#include "kube/kubeconfig.h"

#include <QMetaObject>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace views {

namespace {

runtime::ManagerOptions loopbackEndpoints()
{
    runtime::ManagerOptions o;
    o.metricsBindAddress = u"127.0.0.1:0"_s;
    o.healthProbeBindAddress = u"127.0.0.1:0"_s;
    return o;
}

} // namespace

ControllerHost::ControllerHost(QObject* parent)
    : QObject(parent)
{
    // The live view's resolution: every kubeconfig file of the configuration plus the typed credentials.
    m_resolver = [this](const QString& context) { return resolveClientConfig(m_config, m_typed, context); };
}

ControllerHost::~ControllerHost()
{
    stop();
    runtime::logging::setSink({});
}

void ControllerHost::setConfig(const ConsoleConfig& config)
{
    m_config = config;
}

bool ControllerHost::start(QString* error)
{
    if (isRunning())
        return true;
    if (m_config.managementContext.isEmpty()) {
        *error = u"no management context configured"_s;
        return false;
    }
    // Controller logs go to the Controllers page (the redactor has already removed secret values).
    QPointer<ControllerHost> self(this);
    runtime::logging::install(runtime::logging::Format::Logfmt, runtime::logging::Level::Info);
    runtime::logging::setSink([self](const QByteArray& line) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, text = QString::fromUtf8(line).trimmed()] {
                if (self)
                    Q_EMIT self->logLine(text);
            },
            Qt::QueuedConnection);
    });
    const auto management = m_resolver(m_config.managementContext);
    if (!management) {
        *error = u"%1: %2"_s.arg(m_config.managementContext, management.error().message());
        return false;
    }
    syncsecret::ManagerSettings ms;
    ms.cluster = *management;
    ms.manager = loopbackEndpoints();
    m_manager = std::make_unique<syncsecret::ManagerRuntime>(ms);
    if (!m_manager->start(error)) {
        *error = u"manager: "_s + *error;
        stop();
        return false;
    }
    for (const auto& tenant : m_config.tenants) {
        const auto config = m_resolver(tenant.context);
        if (!config) {
            *error = u"%1: %2"_s.arg(tenant.context, config.error().message());
            stop();
            return false;
        }
        syncsecret::CcmSettings cs;
        cs.tenant = *config;
        cs.management = *management;
        cs.clusterName = tenant.managementNamespace;
        cs.secretConversion = true;
        cs.manager = loopbackEndpoints();
        m_ccms.push_back(std::make_unique<syncsecret::CcmRuntime>(cs));
        m_ccmContexts.append(tenant.context);
        if (!m_ccms.back()->start(error)) {
            *error = u"ccm %1: %2"_s.arg(tenant.context, *error);
            stop();
            return false;
        }
    }
    Q_EMIT stateChanged();
    return true;
}

void ControllerHost::stop()
{
    const bool was = isRunning() || !m_ccms.empty();
    for (auto& ccm : m_ccms)
        ccm->shutdown();
    if (m_manager)
        m_manager->shutdown();
    m_ccms.clear();
    m_ccmContexts.clear();
    m_manager.reset();
    if (was)
        Q_EMIT stateChanged();
}

QStringList ControllerHost::running() const
{
    QStringList out;
    if (m_manager)
        out.append(u"manager (%1)"_s.arg(m_config.managementContext));
    for (const QString& context : m_ccmContexts)
        out.append(u"ccm (%1)"_s.arg(context));
    return out;
}

QHash<QString, QUrl> ControllerHost::metricsUrls() const
{
    QHash<QString, QUrl> urls;
    if (m_manager)
        urls.insert(
            m_config.managementContext, QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(m_manager->manager().metricsPort())));
    for (size_t i = 0; i < m_ccms.size(); ++i)
        urls.insert(m_ccmContexts.at(qsizetype(i)),
            QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(m_ccms[i]->manager().metricsPort())));
    return urls;
}

QStringList ControllerHost::describe() const
{
    QStringList out;
    out.append(u"manager --context %1 --leader-elect=false"_s.arg(m_config.managementContext));
    for (const auto& tenant : m_config.tenants)
        out.append(u"ccm --context %1 --kubelb-context %2 --cluster-name %3 --enable-secret-conversion"_s.arg(
            tenant.context, m_config.managementContext, tenant.managementNamespace));
    return out;
}

} // namespace views
