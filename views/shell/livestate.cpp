#include "livestate.h"

#include "kube/kubeconfig.h"
#include "liveworker.h"

#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace views {

kube::Expected<kube::ClientConfig> resolveClientConfig(
    const ConsoleConfig& config, const QHash<QString, TypedCredential>& typed, const QString& context)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!config.kubeconfigFiles.isEmpty())
        env.insert(u"KUBECONFIG"_s, config.kubeconfigFiles.join(u':'));
    auto clientConfig = kube::KubeconfigLoader(env).load(context);
    if (clientConfig && typed.contains(context)) {
        const TypedCredential& credential = typed[context];
        (credential.password ? clientConfig->password : clientConfig->token) = credential.secret;
    }
    return clientConfig;
}

LiveState::LiveState(QObject* parent)
    : QObject(parent)
{
    m_thread.setObjectName(u"kubelb-console-watch"_s);
    m_worker = new LiveWorker;
    m_worker->moveToThread(&m_thread);
    connect(
        m_worker, &LiveWorker::built, this,
        [this] {
            m_statuses = m_worker->statuses();
            QList<models::LineageChain> chains = m_worker->chains();
            Q_EMIT statusesChanged(m_statuses);
            m_chains = std::move(chains);
            Q_EMIT chainsChanged(m_chains);
        },
        Qt::QueuedConnection);
    m_thread.start();
}

LiveState::~LiveState()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { delete w; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void LiveState::setConfig(const ConsoleConfig& config)
{
    m_config = config;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, config, ms = m_coalesceMs, typed = m_credentials] { w->configure(config, ms, typed); },
        Qt::QueuedConnection);
}

void LiveState::setCoalesceMs(int ms)
{
    m_coalesceMs = ms;
}

models::Snapshot LiveState::snapshot() const
{
    return m_worker->snapshot();
}

std::optional<QJsonObject> LiveState::object(const models::ObjectRef& ref) const
{
    return m_worker->object(ref);
}

kube::RestClient* LiveState::client(const QString& context) const
{
    return m_worker->client(context);
}

void LiveState::refresh()
{
    QMetaObject::invokeMethod(m_worker, &LiveWorker::refresh, Qt::QueuedConnection);
}

} // namespace views
