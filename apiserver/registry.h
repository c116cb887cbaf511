#pragma once

#include "kube/expected.h"
#include "resources.h"
#include "store.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <functional>

namespace apiserver {

using kube::ApiError;
using kube::Expected;

/// How unknown fields in a request body are treated (the `fieldValidation` query parameter).
enum class FieldValidation { Ignore, Warn, Strict };

/// Options shared by create, update and patch.
struct WriteOptions {
    bool dryRun = false;
    FieldValidation fieldValidation = FieldValidation::Warn;
    bool statusSubresource = false; ///< the request targets `/status`
    QStringList* warnings = nullptr; ///< receives `Warning` header texts
    /// Admission run on the final object before it is stored (`old` is null on create); an error rejects it.
    std::function<std::optional<ApiError>(const QJsonObject& object, const QJsonObject* old)> admission;
};

/// The body of a DELETE (metav1.DeleteOptions) plus dryRun.
struct DeleteOptions {
    enum class Propagation { Default, Orphan, Background, Foreground };
    Propagation propagation = Propagation::Default;
    QString preconditionUid;
    QString preconditionResourceVersion;
    bool dryRun = false;
};

/// Query options of a list.
struct ListOptions {
    QString labelSelector;
    QString fieldSelector;
    int limit = 0;
    QString continueToken;
};

/// One page of a list.
struct ListResult {
    QList<QJsonObject> items;
    quint64 resourceVersion = 0;
    QString continueToken;
};

/// The patch formats the server accepts.
enum class PatchType { Merge, Json, Strategic, Apply };

/// The REST semantics of kube-apiserver over the object store: defaulting, validation, optimistic concurrency,
/// generation, status split, finalizers, garbage collection and namespace/CRD cleanup. No HTTP here.
class Registry {
public:
    Registry(ObjectStore& store, ResourceTable& resources);

    /// Creates the default namespaces and serves the CRDs already stored (after ObjectStore::open).
    void bootstrap();
    /// Turns the owner-reference garbage collector on or off (kube-controller-manager's --enable-garbage-collector).
    void setGarbageCollectorEnabled(bool enabled) { m_gcEnabled = enabled; }

    Expected<QJsonObject> get(const ResourceInfo& r, const QString& ns, const QString& name) const;
    Expected<ListResult> list(const ResourceInfo& r, const QString& ns, const ListOptions& options) const;
    Expected<QJsonObject> create(const ResourceInfo& r, const QString& ns, QJsonObject body, const WriteOptions& opts);
    Expected<QJsonObject> update(
        const ResourceInfo& r, const QString& ns, const QString& name, QJsonObject body, const WriteOptions& opts);
    Expected<QJsonObject> patch(const ResourceInfo& r, const QString& ns, const QString& name, PatchType type,
        const QByteArray& body, const WriteOptions& opts);
    Expected<QJsonObject> remove(
        const ResourceInfo& r, const QString& ns, const QString& name, const DeleteOptions& opts);
    Expected<QList<QJsonObject>> removeCollection(
        const ResourceInfo& r, const QString& ns, const ListOptions& selection, const DeleteOptions& opts);

    /// Current timestamp in the RFC 3339 form Kubernetes writes ("2026-11-28T09:05:26Z").
    static QString now();

private:
    Expected<QJsonObject> admit(const ResourceInfo& r, const QString& ns, QJsonObject body, const WriteOptions& opts);
    Expected<QJsonObject> commitUpdate(
        const ResourceInfo& r, QJsonObject object, const QJsonObject& old, const WriteOptions& opts);
    std::optional<ApiError> checkNamespace(const ResourceInfo& r, const QString& ns, const QString& name) const;
    void prepareForCreate(const ResourceInfo& r, QJsonObject& object) const;
    void prepareForUpdate(const ResourceInfo& r, QJsonObject& object, const QJsonObject& old, bool status) const;
    QList<StatusCause> validate(const ResourceInfo& r, const QJsonObject& object, const QJsonObject* old) const;

    // Lifecycle (lifecycle.cpp): storage writes without admission, deletion, GC and cleanup controllers.
    Expected<QJsonObject> store(const ResourceInfo& r, const QJsonObject& object, const QJsonObject& old);
    Expected<QJsonObject> destroy(const ResourceInfo& r, const QJsonObject& object);
    Expected<QJsonObject> deleteObject(const ResourceInfo& r, const QJsonObject& object, DeleteOptions::Propagation p);
    void afterWrite(const ResourceInfo& r, const QJsonObject& object);
    void afterRemove(const ResourceInfo& r, const QJsonObject& object);
    QList<std::pair<QString, QJsonObject>> dependentsOf(const QJsonObject& owner) const;
    bool ownerExists(const QJsonObject& dependent, const QJsonObject& ownerRef) const;
    void collectIfOrphaned(const ResourceInfo& r, const QJsonObject& object);
    void releaseForegroundOwners(const QJsonObject& dependent);
    void releaseForegroundOwner(const ResourceInfo& r, const QJsonObject& owner);
    void cleanupNamespace(const QString& ns);
    void finishNamespaceIfEmpty(const QString& ns);
    void cleanupCrd(const QJsonObject& crd);
    void finishCrdIfEmpty(const QString& crdName);
    void indexOwners(const WatchEvent& event);

    ObjectStore& m_store;
    ResourceTable& m_resources;
    bool m_gcEnabled = true;
    QHash<QString, QSet<QString>> m_dependents; ///< owner uid → "groupResource|ns|name" of dependents
};

} // namespace apiserver
