#include "manager.h"

#include "controller.h"
#include "kube/tsan.h"

#include <QDeadlineTimer>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QThread>
#include <QTimer>
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace Qt::StringLiterals;

namespace runtime {

Q_LOGGING_CATEGORY(lcManager, "kubelb.runtime.manager")

namespace {
constexpr int kMallocTrimIntervalMs = 5000; ///< how often free heap pages go back to the system
} // namespace

bool parseBindAddress(const QString& text, QHostAddress* host, quint16* port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0)
        return false;
    QString h = text.left(colon);
    if (h.startsWith(u'[') && h.endsWith(u']'))
        h = h.mid(1, h.size() - 2);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    if (h.isEmpty())
        *host = QHostAddress::Any;
    else if (h == u"localhost")
        *host = QHostAddress::LocalHost;
    else if (!host->setAddress(h))
        return false;
    *port = quint16(p);
    return true;
}

Manager::Manager(ManagerOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_io = new QThread(this);
    m_io->setObjectName(u"informers"_s);
}

Manager::~Manager()
{
    shutdown();
}

Informer* Manager::addInformer(kube::RestClient& client, const kube::ResourcePath& collection, InformerOptions options)
{
    auto* informer = new Informer(client, collection, std::move(options));
    informer->moveToThread(m_io);
    connect(informer, &Informer::synced, this, &Manager::maybeStartControllers, Qt::QueuedConnection);
    m_informers.append(informer);
    if (m_started && !m_shutdown)
        kubelbInvokeQueued(informer, [informer] { informer->start(); });
    return informer;
}

void Manager::addController(Controller* controller)
{
    m_controllers.append(controller);
    if (m_controllersStarted && !m_shutdown)
        controller->start();
}

bool Manager::listen(const QString& address, QHttpServer* server, quint16* port, QString* error)
{
    QHostAddress host;
    quint16 requested = 0;
    if (!parseBindAddress(address, &host, &requested)) {
        *error = u"\"%1\" is not HOST:PORT (for example :8080 or 127.0.0.1:8080; 0 disables)"_s.arg(address);
        return false;
    }
    *port = server->listen(host, requested);
    if (*port == 0) {
        *error = u"cannot listen on %1"_s.arg(address);
        return false;
    }
    return true;
}

bool Manager::start(QString* error)
{
    if (m_started || m_shutdown) {
        *error = u"the manager was already started"_s;
        return false;
    }
    if (m_options.leaderElection && !m_leaderClient) {
        *error = u"leader election needs a client for the Lease"_s;
        return false;
    }
    if (m_options.metricsBindAddress != u"0") {
        m_metricsServer = new QHttpServer(this);
        m_metricsServer->route(u"/metrics"_s,
            [this] { return QHttpServerResponse("text/plain; version=0.0.4; charset=utf-8", m_metrics.exposition()); });
        if (!listen(m_options.metricsBindAddress, m_metricsServer, &m_metricsPort, error))
            return false;
    }
    if (m_options.healthProbeBindAddress != u"0") {
        m_healthServer = new QHttpServer(this);
        m_healthServer->route(u"/healthz"_s, [] { return QHttpServerResponse("text/plain", "ok"); });
        m_healthServer->route(u"/readyz"_s, [this] {
            return cachesSynced() ? QHttpServerResponse("text/plain", "ok")
                                  : QHttpServerResponse("text/plain", "caches not synced",
                                      QHttpServerResponder::StatusCode::ServiceUnavailable);
        });
        if (!listen(m_options.healthProbeBindAddress, m_healthServer, &m_healthPort, error))
            return false;
    }
    m_started = true;
#ifdef __GLIBC__
    // glibc keeps memory freed by the informers' lists and the reconcilers' transient objects in its per-thread
    // arenas; returning the free pages now and then keeps the resident size near what the caches hold (Go's
    // scavenger does the same for client-go). A trim costs about a millisecond per 100 MiB of heap.
    auto* trim = new QTimer(this);
    connect(trim, &QTimer::timeout, this, [] { malloc_trim(0); });
    trim->start(kMallocTrimIntervalMs);
#endif
    m_io->start();
    for (Informer* informer : std::as_const(m_informers))
        kubelbInvokeQueued(informer, [informer] { informer->start(); });
    if (m_options.leaderElection) {
        m_elector = std::make_unique<LeaderElector>(*m_leaderClient, *m_options.leaderElection, &m_metrics);
        connect(m_elector.get(), &LeaderElector::startedLeading, this, &Manager::maybeStartControllers,
            Qt::QueuedConnection);
        connect(
            m_elector.get(), &LeaderElector::stoppedLeading, this, &Manager::onStoppedLeading, Qt::QueuedConnection);
        m_elector->start();
    }
    // Without informers nothing else would say that the (empty) set of caches is synced.
    QMetaObject::invokeMethod(this, &Manager::maybeStartControllers, Qt::QueuedConnection);
    return true;
}

bool Manager::cachesSynced() const
{
    for (const Informer* informer : m_informers)
        if (!informer->hasSynced())
            return false;
    return true;
}

bool Manager::isLeader() const
{
    return !m_options.leaderElection || (m_elector && m_elector->isLeader());
}

void Manager::maybeStartControllers()
{
    if (!m_started || m_shutdown || m_controllersStarted || !cachesSynced() || !isLeader())
        return;
    m_controllersStarted = true;
    qCInfo(lcManager) << "caches synced; starting" << m_controllers.size() << "controller(s)";
    for (Controller* c : std::as_const(m_controllers))
        c->start();
}

void Manager::onStoppedLeading()
{
    if (m_shutdown || !m_controllersStarted)
        return; // lost before any controller ran: keep campaigning
    qCWarning(lcManager) << "leader election lost; stopping controllers";
    for (Controller* c : std::as_const(m_controllers))
        c->stop(0);
    m_elector->stop(); // a lease re-acquired now would be held with no controller running
    Q_EMIT leadershipLost();
}

void Manager::shutdown()
{
    if (m_shutdown)
        return;
    m_shutdown = true;
    const QDeadlineTimer deadline(m_options.gracefulShutdownMs);
    bool reconcilesFinished = true;
    for (Controller* c : std::as_const(m_controllers))
        reconcilesFinished = c->stop(int(std::max<qint64>(0, deadline.remainingTime()))) && reconcilesFinished;
    // A reconcile still running reads the informers' caches: then they are stopped but left alive.
    if (!reconcilesFinished)
        qCWarning(lcManager) << "reconciles outlived the graceful shutdown deadline; informer caches stay allocated";
    if (m_io->isRunning()) {
        // Informers and their network objects belong to the I/O thread: stop them there, delete them as it ends.
        for (Informer* informer : std::as_const(m_informers)) {
            kubelbInvokeBlocking(informer, [informer] { informer->stop(); });
            if (reconcilesFinished)
                kubelbDeleteLater(informer); // deleted on the I/O thread
        }
        m_io->quit();
        m_io->wait();
    } else if (reconcilesFinished) {
        qDeleteAll(m_informers);
    }
    m_informers.clear();
    for (QHttpServer* server : { m_metricsServer, m_healthServer })
        if (server)
            for (QTcpServer* listener : server->servers())
                listener->close();
    if (m_elector)
        m_elector->stop(); // releases the Lease so a standby takes over at once
    Q_EMIT stopped();
}

} // namespace runtime
