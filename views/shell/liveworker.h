#pragma once

#include "livestate.h"

#include <QMutex>
#include <QTimer>
#include <memory>
#include <vector>

namespace runtime {
class Informer;
}

namespace views {

/// LiveState's worker-thread half: clients, informers, health and the coalesced lineage rebuild.
class LiveWorker : public QObject {
    Q_OBJECT
public:
    explicit LiveWorker(QObject* parent = nullptr);
    ~LiveWorker() override;

    /// (Re)connects; runs in the worker thread.
    void configure(const ConsoleConfig& config, int coalesceMs, const QHash<QString, TypedCredential>& typed = {});
    void stopAll();
    void refresh();

    /// Thread-safe readers.
    models::Snapshot snapshot() const;
    std::optional<QJsonObject> object(const models::ObjectRef& ref) const;
    kube::RestClient* client(const QString& context) const;
    /// The result of the last rebuild.
    QList<models::LineageChain> chains() const;
    QList<ContextStatus> statuses() const;

Q_SIGNALS:
    /// chains() and statuses() have new values.
    void built();

private:
    struct Watch;
    struct Source;

    void addSource(const QString& context, const QString& role, const ConsoleConfig& config,
        const QHash<QString, TypedCredential>& typed);
    Watch* addWatch(Source& source, const QString& group, const QString& version, const QString& resource);
    void changed();
    void rebuild();
    QList<ContextStatus> computeStatuses() const;

    mutable QMutex m_mutex; ///< guards m_sources' structure and the results
    std::vector<std::unique_ptr<Source>> m_sources;
    QList<models::TenantContext> m_tenants;
    QString m_management;
    models::LineageCache m_lineageCache; ///< only objects whose resourceVersion changed are decoded again
    QList<models::LineageChain> m_chains;
    QList<ContextStatus> m_statuses;
    QTimer m_coalesce;
    QTimer m_health;
};

} // namespace views
