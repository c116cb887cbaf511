#pragma once

#include "models/snapshot.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace views {

/// What the console connects to: one management context and any number of tenant contexts (kubeconfig names).
struct ConsoleConfig {
    QStringList kubeconfigFiles; ///< empty: $KUBECONFIG, else ~/.kube/config
    QString managementContext;
    QList<models::TenantContext> tenants; ///< context + its management namespace
    QHash<QString, QUrl> metricsUrls; ///< per context: a daemon's /metrics URL to scrape (optional)

    bool isEmpty() const { return managementContext.isEmpty() && tenants.isEmpty(); }
};

} // namespace views
