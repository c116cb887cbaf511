#pragma once

#include "syncctl_snapshot.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace syncctl {

/// One result of `doctor`: a check of one troubleshooting section, its level and what to do about it.
struct Finding {
    QString section; ///< the seed's troubleshooting heading
    QString level; ///< "ok", "warn" or "fail"
    QString check;
    QString message; ///< names, UIDs, sizes and fingerprints only
    QString remedy; ///< empty for ok

    QJsonObject toJson() const;
};

/// Walks one tenant SyncSecret through the seed's troubleshooting sections.
class Doctor {
public:
    Doctor(Clusters& clusters, const Options& options);
    /// Runs every check that the objects found allow.
    QList<Finding> run();

private:
    void add(const QString& level, const QString& check, const QString& message, const QString& remedy = {});
    bool findTenant();
    void checkTenant();
    bool findCopy();
    void checkCopy();
    void checkSecret();
    void checkData();
    void checkStaleCopies();
    void checkRbac();
    void review(kube::RestClient& client, const QString& who, const QString& ns, const QString& resource,
        const QString& subresource, const QStringList& verbs, const QString& remedy);

    Clusters& m_clusters;
    const Options& m_options;
    QString m_section;
    QList<Finding> m_findings;
    models::TenantContext m_tenant;
    QString m_mgmtContext;
    kube::RestClient* m_tenantClient = nullptr;
    kube::RestClient* m_mgmtClient = nullptr;
    std::optional<QJsonObject> m_tenantObject;
    std::optional<QJsonObject> m_copy;
    std::optional<QJsonObject> m_secret;
};

} // namespace syncctl
