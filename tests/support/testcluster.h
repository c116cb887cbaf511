#pragma once

#include "kube/kubeconfig.h"
#include "support/apiclient.h"
#include "support/apiserverprocess.h"
#include "support/kubectl.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
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
    /// The status code of one admin request.
    int send(const QByteArray& verb, const QString& path, const QJsonObject& body = {},
        const QByteArray& contentType = "application/json") const
    {
        return api
            ->request(verb, path, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact),
                contentType)
            .code;
    }
    /// A ServiceAccount token (TokenRequest through `kubectl create token`), or empty when that failed.
    QString createToken(const QString& ns, const QString& serviceAccount) const
    {
        using namespace Qt::StringLiterals;
        const auto r = run({ u"create"_s, u"token"_s, serviceAccount, u"-n"_s, ns, u"--duration=2h"_s });
        return r.exitCode == 0 ? r.out.trimmed() : QString();
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

/// What the e2e suites install before starting the controllers, as a user following docs/deploy.md would: the
/// SyncSecret CRD on every cluster; on the management cluster the `kubelb` namespace, one labelled namespace per
/// tenant (plus `extraNamespaces`), the Manager's RBAC and the CCM's management RBAC for each tenant namespace; on
/// each tenant cluster `tenantNamespace` and the CCM's tenant RBAC. All from packaging/kubernetes.
struct ShippedSetup {
    struct Tenant {
        TestCluster* cluster;
        QString managementNamespace; ///< "tenant-primary"
        QString label; ///< value of kubelb.k8c.io/tenant ("primary")
    };
    TestCluster* management = nullptr;
    QList<Tenant> tenants;
    QString tenantNamespace; ///< the namespace the tests use in each tenant cluster ("production")
    QStringList extraNamespaces; ///< more management namespaces (no tenant label)

    /// Empty on success, else what failed (kubectl's output included).
    QString install() const
    {
        using namespace Qt::StringLiterals;
        const auto failed
            = [](const KubectlResult& r) { return r.exitCode == 0 ? QString() : QString::fromUtf8(r.describe()); };
        const QString packaging = QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/");
        QList<TestCluster*> all { management };
        for (const Tenant& t : tenants)
            all.append(t.cluster);
        for (TestCluster* c : all) {
            for (const QStringList& args :
                { QStringList { u"apply"_s, u"-f"_s, packaging + u"base/syncsecret-crd.yaml"_s },
                    QStringList { u"wait"_s, u"--for=condition=Established"_s, u"--timeout=30s"_s,
                        u"crd/syncsecrets.kubelb.k8c.io"_s } })
                if (const QString error = failed(c->run(args)); !error.isEmpty())
                    return c->name + u": "_s + error;
        }
        QByteArray namespaces = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kubelb\n";
        for (const Tenant& t : tenants)
            namespaces += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + t.managementNamespace.toUtf8()
                + "\n  labels: {kubelb.k8c.io/tenant: " + t.label.toUtf8() + "}\n";
        for (const QString& ns : extraNamespaces)
            namespaces += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns.toUtf8() + "\n";
        if (const QString error = failed(management->run({ u"apply"_s, u"-f"_s, u"-"_s }, namespaces));
            !error.isEmpty())
            return error;
        if (const QString error = failed(management->run({ u"apply"_s, u"-f"_s, packaging + u"manager/rbac.yaml"_s }));
            !error.isEmpty())
            return error;
        QFile ccmManagementRbac(packaging + u"ccm/management/rbac.yaml"_s);
        if (!ccmManagementRbac.open(QIODevice::ReadOnly))
            return ccmManagementRbac.fileName() + u": "_s + ccmManagementRbac.errorString();
        const QString template_ = QString::fromUtf8(ccmManagementRbac.readAll());
        if (!template_.contains(u"namespace: tenant-primary"_s))
            return u"ccm/management/rbac.yaml no longer names namespace tenant-primary"_s;
        for (const Tenant& t : tenants) {
            QString yaml = template_;
            yaml.replace(u"namespace: tenant-primary"_s, u"namespace: "_s + t.managementNamespace);
            if (const QString error = failed(management->run({ u"apply"_s, u"-f"_s, u"-"_s }, yaml.toUtf8()));
                !error.isEmpty())
                return error;
            if (const QString error = failed(t.cluster->run({ u"create"_s, u"namespace"_s, tenantNamespace }));
                !error.isEmpty())
                return t.cluster->name + u": "_s + error;
            if (const QString error
                = failed(t.cluster->run({ u"apply"_s, u"-f"_s, packaging + u"ccm/tenant-rbac.yaml"_s }));
                !error.isEmpty())
                return t.cluster->name + u": "_s + error;
        }
        return {};
    }
};

} // namespace testsupport
