#pragma once

#include "apiserver/apiserver.h"
#include "kube/clientconfig.h"

#include <QByteArray>
#include <QString>
#include <QThread>
#include <memory>

namespace testsupport {

/// An embedded API server on its own thread, so that blocking clients in the test thread cannot stall it.
class ServerThread {
public:
    explicit ServerThread(apiserver::ApiServerConfig config = {});
    ~ServerThread();

    bool start(QString* error);
    QString url() const { return m_url; }
    QByteArray caPem() const { return m_ca; }
    QByteArray adminToken() const { return m_token; }
    /// A ClientConfig for the admin user (token, CA).
    kube::ClientConfig adminConfig() const;
    /// PUT /debug/faults with `json`; true on 200.
    bool setFaults(const QByteArray& json);

private:
    apiserver::ApiServerConfig m_config;
    QThread m_thread;
    QObject m_context; ///< lives in m_thread: queued calls run there
    apiserver::ApiServer* m_server = nullptr;
    QString m_url;
    QByteArray m_ca;
    QByteArray m_token;
};

} // namespace testsupport
