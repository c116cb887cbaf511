#pragma once

#include "patch.h"
#include "validation.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace apiserver {

/// One extra column of Table output (a CRD's additionalPrinterColumns).
struct PrinterColumn {
    QString name;
    QString type; ///< string, integer, number, boolean, date
    QString jsonPath; ///< ".status.phase"
    QString description;
    int priority = 0;
};

/// Everything the server knows about one served resource (built-in or from a CRD).
struct ResourceInfo {
    QString group; ///< "" for core
    QStringList versions; ///< served versions; the first is the preferred one
    QString resource; ///< plural, e.g. "secrets"
    QString singular;
    QString kind;
    QString listKind;
    QStringList shortNames;
    QStringList categories;
    bool namespaced = true;
    bool hasStatus = false; ///< a /status subresource splits status from the rest
    bool hasGeneration = false; ///< metadata.generation is kept and bumped on non-metadata changes
    bool builtin = true; ///< built-in kinds take strategic merge patches
    NameRule nameRule = NameRule::Dns1123Subdomain;
    QJsonObject schema; ///< openAPIV3Schema for validation, pruning and strict field checks
    QList<PrinterColumn> printerColumns;
    PatchSchema patchSchema;
    QStringList fieldSelectors; ///< fields accepted in fieldSelector besides metadata.name/namespace
    QStringList verbs { QStringLiteral("create"), QStringLiteral("delete"), QStringLiteral("deletecollection"),
        QStringLiteral("get"), QStringLiteral("list"), QStringLiteral("patch"), QStringLiteral("update"),
        QStringLiteral("watch") }; ///< discovery verbs; a create-only review resource is never stored
    QStringList subresources; ///< besides status, e.g. "token" for serviceaccounts

    /// "secrets" or "syncsecrets.kubelb.k8c.io": the storage key and the wording of errors.
    QString groupResource() const { return group.isEmpty() ? resource : resource + u'.' + group; }
    /// "v1" or "kubelb.k8c.io/v1alpha1" for the given version (the preferred one when empty).
    QString apiVersion(const QString& version = {}) const;
};

/// The resources the server serves: the built-ins plus whatever established CRDs add.
class ResourceTable {
public:
    ResourceTable();

    /// Looks up by group, version and plural name (version must be served).
    const ResourceInfo* find(const QString& group, const QString& version, const QString& resource) const;
    /// Looks up by group-resource key ("syncsecrets.kubelb.k8c.io").
    const ResourceInfo* findGroupResource(const QString& groupResource) const;
    /// Looks up by apiVersion + kind (for owner references).
    const ResourceInfo* findKind(const QString& apiVersion, const QString& kind) const;
    const QList<ResourceInfo>& all() const { return m_resources; }
    /// Served group names in discovery order ("" first) and, per group, the versions.
    QStringList groups() const;
    QStringList versionsOf(const QString& group) const;

    /// Adds or replaces the resource a CRD defines; false with *error when the CRD cannot be served.
    bool registerCrd(const QJsonObject& crd, QString* error = nullptr);
    void unregisterCrd(const QString& crdName);

    /// The resource described by a CRD object, without registering it.
    static std::optional<ResourceInfo> fromCrd(const QJsonObject& crd, QString* error = nullptr);

private:
    QList<ResourceInfo> m_resources;
};

} // namespace apiserver
