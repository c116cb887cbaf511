#include "serverthread.h"

#include "apiclient.h"
#include "kube/tsan.h"

namespace testsupport {

ServerThread::ServerThread(apiserver::ApiServerConfig config)
    : m_config(std::move(config))
{
}

ServerThread::~ServerThread()
{
    if (m_thread.isRunning())
        kubelbInvokeBlocking(&m_context, [this] {
            delete m_server;
            m_context.moveToThread(nullptr);
        });
    m_thread.quit();
    m_thread.wait();
}

bool ServerThread::start(QString* error)
{
    m_context.moveToThread(&m_thread);
    m_thread.start();
    bool ok = false;
    kubelbInvokeBlocking(&m_context, [&] {
        m_server = new apiserver::ApiServer(m_config);
        ok = m_server->start(error);
        m_url = m_server->url();
        m_ca = m_server->caCertificatePem();
        m_token = m_server->adminToken().toLatin1();
    });
    return ok;
}

kube::ClientConfig ServerThread::adminConfig() const
{
    kube::ClientConfig c;
    c.server = m_url;
    c.caPem = m_ca;
    c.token = QString::fromLatin1(m_token);
    c.source = QStringLiteral("test");
    return c;
}

bool ServerThread::setFaults(const QByteArray& json)
{
    ApiClient client(m_url, m_ca, m_token);
    return client.request("PUT", QStringLiteral("/debug/faults"), json).code == 200;
}

} // namespace testsupport
