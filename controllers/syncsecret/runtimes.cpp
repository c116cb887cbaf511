#include "runtimes.h"

#include "ccm.h"
#include "common.h"
#include "conversion.h"
#include "desired.h"
#include "syncmetrics.h"

using namespace Qt::StringLiterals;

namespace syncsecret {

namespace {

runtime::InformerOptions informerOptions(int resyncPeriodMs, const QString& labelSelector = {})
{
    runtime::InformerOptions o;
    if (!labelSelector.isEmpty())
        o.selector.addQueryItem(u"labelSelector"_s, labelSelector);
    o.resyncPeriodMs = resyncPeriodMs;
    return o;
}

runtime::ControllerOptions controllerOptions(const QString& name, int concurrency, runtime::MetricsRegistry& metrics)
{
    runtime::ControllerOptions o;
    o.name = name;
    o.concurrency = concurrency;
    o.metrics = &metrics;
    return o;
}

// Every object the controllers see may carry secret values: register them with the log redactor.
void redactValues(runtime::Informer* informer)
{
    runtime::EventHandler h;
    h.onAdd = [](const QJsonObject& o) { runtime::Redactor::instance().addObjectValues(o); };
    // Most updates (status, finalizers, labels, resyncs) keep the values registered with the previous version.
    h.onUpdate = [](const QJsonObject& old, const QJsonObject& o) {
        if (old.value(u"data"_s) != o.value(u"data"_s) || old.value(u"stringData"_s) != o.value(u"stringData"_s))
            runtime::Redactor::instance().addObjectValues(o);
    };
    informer->addEventHandler(h);
}

} // namespace

CcmRuntime::CcmRuntime(CcmSettings settings)
    : m_settings(std::move(settings))
{
}

CcmRuntime::~CcmRuntime()
{
    shutdown();
}

bool CcmRuntime::start(QString* error)
{
    if (m_settings.clusterName.isEmpty()) {
        *error = u"--cluster-name (the tenant's namespace in the management cluster) is required"_s;
        return false;
    }
    m_tenant = std::make_unique<kube::RestClient>(m_settings.tenant, m_settings.rest);
    m_management = std::make_unique<kube::RestClient>(m_settings.management, m_settings.rest);
    m_manager = std::make_unique<runtime::Manager>(m_settings.manager);
    m_manager->setLeaderElectionClient(m_tenant.get());
    auto* tenantSyncSecrets
        = m_manager->addInformer(*m_tenant, syncSecretPath({}), informerOptions(m_settings.resyncPeriodMs));
    auto* copies = m_manager->addInformer(
        *m_management, syncSecretPath(m_settings.clusterName), informerOptions(m_settings.resyncPeriodMs));
    copies->cache().addLabelIndex(QString(kube::kubelb::OriginNameLabel));
    redactValues(tenantSyncSecrets);
    redactValues(copies);
    m_metrics = std::make_unique<SyncMetrics>(m_manager->metrics(), u"kubelb_ccm"_s, tenantSyncSecrets->cache());
    m_reconciler = std::make_unique<CcmReconciler>(
        *m_tenant, *m_management, tenantSyncSecrets->cache(), copies->cache(), m_settings.clusterName, m_metrics.get());
    m_controller = std::make_unique<runtime::Controller>(
        controllerOptions(CcmReconciler::name(), m_settings.concurrency, m_manager->metrics()), *m_reconciler);
    m_controller->watch(*tenantSyncSecrets);
    m_controller->watch(*copies, &CcmReconciler::tenantOf);
    m_manager->addController(m_controller.get());
    if (m_settings.secretConversion) {
        auto* secrets = m_manager->addInformer(
            *m_tenant, secretPath({}), informerOptions(m_settings.resyncPeriodMs, ConversionReconciler::selector()));
        redactValues(secrets);
        m_conversion = std::make_unique<ConversionReconciler>(*m_tenant, secrets->cache(), tenantSyncSecrets->cache());
        m_conversionController = std::make_unique<runtime::Controller>(
            controllerOptions(ConversionReconciler::name(), m_settings.concurrency, m_manager->metrics()),
            *m_conversion);
        m_conversionController->watch(*secrets);
        m_conversionController->watch(*tenantSyncSecrets);
        m_manager->addController(m_conversionController.get());
    }
    return m_manager->start(error);
}

void CcmRuntime::shutdown()
{
    if (m_manager)
        m_manager->shutdown();
}

ManagerRuntime::ManagerRuntime(ManagerSettings settings)
    : m_settings(std::move(settings))
{
}

ManagerRuntime::~ManagerRuntime()
{
    shutdown();
}

bool ManagerRuntime::start(QString* error)
{
    m_client = std::make_unique<kube::RestClient>(m_settings.cluster, m_settings.rest);
    m_manager = std::make_unique<runtime::Manager>(m_settings.manager);
    m_manager->setLeaderElectionClient(m_client.get());
    auto* syncSecrets
        = m_manager->addInformer(*m_client, syncSecretPath({}), informerOptions(m_settings.resyncPeriodMs));
    auto* secrets = m_manager->addInformer(
        *m_client, secretPath({}), informerOptions(m_settings.resyncPeriodMs, QString(OwnedSecretLabel)));
    auto* namespaces = m_manager->addInformer(
        *m_client, { {}, u"v1"_s, u"namespaces"_s, {}, {}, {} }, informerOptions(m_settings.resyncPeriodMs));
    redactValues(syncSecrets);
    redactValues(secrets);
    m_metrics = std::make_unique<SyncMetrics>(m_manager->metrics(), u"kubelb_manager"_s, syncSecrets->cache());
    m_reconciler = std::make_unique<ManagerReconciler>(
        *m_client, syncSecrets->cache(), secrets->cache(), namespaces->cache(), m_settings.tenants, m_metrics.get());
    m_controller = std::make_unique<runtime::Controller>(
        controllerOptions(ManagerReconciler::name(), m_settings.concurrency, m_manager->metrics()), *m_reconciler);
    m_controller->watch(*syncSecrets);
    m_controller->watch(*secrets, &ManagerReconciler::ownerOf);
    // A namespace that becomes (or stops being) a tenant namespace changes the verdict for its SyncSecrets.
    const runtime::Cache* syncCache = &syncSecrets->cache();
    m_controller->watch(*namespaces, [syncCache](const QJsonObject& ns) {
        QList<runtime::Request> requests;
        const QString name = ns.value(u"metadata"_s).toObject().value(u"name"_s).toString();
        for (const auto& key : syncCache->keysByIndex(QString::fromLatin1(runtime::Cache::ByNamespace), name))
            requests.append(runtime::Request::fromKey(key)); // keys only: no object of the namespace is parsed
        return requests;
    });
    m_manager->addController(m_controller.get());
    return m_manager->start(error);
}

void ManagerRuntime::shutdown()
{
    if (m_manager)
        m_manager->shutdown();
}

} // namespace syncsecret
