#pragma once

#include "kube/kubeconfig.h"
#include "support/apiclient.h"
#include "support/apiserverprocess.h"
#include "support/kubectl.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace testsupport {

/// One cluster of an e2e suite: the real API server process, its admin kubectl and an admin HTTPS client.
struct TestCluster {
    explicit TestCluster(QString n)
        : name(std::move(n))
    {
    }
    QString name;
    ApiServerProcess server;
    std::optional<Kubectl> kubectl;
    std::unique_ptr<ApiClient> api;
    kube::ClientConfig admin; ///< the admin kubeconfig as loaded (server, CA, token)

    bool start(QString* error)
    {
        if (!server.start(error))
            return false;
        kubectl.emplace(server.kubeconfigPath());
        kube::KubeconfigLoader loader;
        loader.setExplicitPath(server.kubeconfigPath());
        const auto config = loader.load();
        if (!config) {
            *error = config.error().message();
            return false;
        }
        admin = *config;
        api = std::make_unique<ApiClient>(config->server, config->caPem, config->token.toUtf8());
        return true;
    }
    KubectlResult run(const QStringList& args, const QByteArray& stdinData = {}) const
    {
        return kubectl->run(args, stdinData, 60000);
    }
    /// The object at `path`, or nullopt when the server does not answer 200 (`code` keeps what it answered).
    std::optional<QJsonObject> get(const QString& path, int* code = nullptr) const
    {
        const auto r = api->get(path);
        if (code)
            *code = r.code;
        return r.code == 200 ? std::optional<QJsonObject>(r.json) : std::nullopt;
    }
    QList<QJsonObject> list(const QString& path, const QString& labelSelector = {}) const
    {
        using namespace Qt::StringLiterals;
        const auto r = api->get(path + (labelSelector.isEmpty() ? QString() : u"?labelSelector="_s + labelSelector));
        QList<QJsonObject> items;
        for (const auto& i : r.json.value(u"items"_s).toArray())
            items.append(i.toObject());
        return items;
    }
};

} // namespace testsupport
