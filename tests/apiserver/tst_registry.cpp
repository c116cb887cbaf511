#include "apiserver/registry.h"
#include "kube/yaml.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace apiserver;

namespace {

QJsonObject parse(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}
QJsonObject meta(const QJsonObject& o)
{
    return o.value(u"metadata"_s).toObject();
}
QString rvOf(const QJsonObject& o)
{
    return meta(o).value(u"resourceVersion"_s).toString();
}
QString uidOf(const QJsonObject& o)
{
    return meta(o).value(u"uid"_s).toString();
}

QJsonObject secret(const QString& name, const QJsonObject& extraMeta = {})
{
    QJsonObject m = extraMeta;
    m[u"name"_s] = name;
    return { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Secret"_s }, { u"metadata"_s, m },
        { u"data"_s, QJsonObject { { u"k"_s, u"dmFsdWU="_s } } } };
}

QJsonObject ownerRef(const QJsonObject& owner, bool block = false)
{
    return { { u"apiVersion"_s, owner.value(u"apiVersion"_s) }, { u"kind"_s, owner.value(u"kind"_s) },
        { u"name"_s, meta(owner).value(u"name"_s) }, { u"uid"_s, uidOf(owner) }, { u"blockOwnerDeletion"_s, block } };
}

} // namespace

class TestRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void testCreateAssignsServerFields();
    void testCreateInMissingNamespaceIsNotFound();
    void testCreateExistingIsAlreadyExists();
    void testGenerateNameAddsSuffix();
    void testStaleResourceVersionConflicts();
    void testUnconditionalUpdateWithoutResourceVersion();
    void testNoOpUpdateKeepsResourceVersion();
    void testSecretStringDataMergedAndNeverReturned();
    void testImmutableSecretRejectsDataChange();
    void testInvalidNameIsInvalidWithCause();
    void testStrictFieldValidationRejectsUnknownFields();
    void testWarnFieldValidationPrunesAndWarns();
    void testDryRunWritesNothing();
    void testPatchTypes_data();
    void testPatchTypes();
    void testStrategicPatchOnCustomResourceIsUnsupported();
    void testCrdServesResourceWithGenerationAndStatusSplit();
    void testCustomResourceSchemaValidation();
    void testSyncSecretImmutability();
    void testDeleteWithFinalizerMarksThenRemovesOnLastFinalizer();
    void testNoNewFinalizersWhileDeleting();
    void testDeletePreconditions();
    void testGarbageCollectionBackground();
    void testGarbageCollectionOrphan();
    void testGarbageCollectionForegroundWaitsForBlockingDependents();
    void testOwnerInOtherNamespaceIsTreatedAsAbsent();
    void testDependentKeepsLiveOwners();
    void testNamespaceDeletionRemovesContents();
    void testCreateInTerminatingNamespaceIsForbidden();
    void testProtectedNamespacesCannotBeDeleted();
    void testListSelectorsAndPaging();
    void testDeleteCrdRemovesInstancesAndStopsServing();

private:
    ResourceInfo res(const QString& gr) const { return *m_resources->findGroupResource(gr); }
    ResourceInfo secrets() const { return res(u"secrets"_s); }
    ResourceInfo syncSecrets() const { return res(u"syncsecrets.kubelb.k8c.io"_s); }
    void createNamespace(const QString& name);
    void installCrd();

    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<ResourceTable> m_resources;
    std::unique_ptr<Registry> m_registry;
};

void TestRegistry::init()
{
    m_store = std::make_unique<ObjectStore>();
    m_resources = std::make_unique<ResourceTable>();
    m_registry = std::make_unique<Registry>(*m_store, *m_resources);
    m_registry->bootstrap();
}

void TestRegistry::createNamespace(const QString& name)
{
    auto r = m_registry->create(
        res(u"namespaces"_s), {}, QJsonObject { { u"metadata"_s, QJsonObject { { u"name"_s, name } } } }, {});
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
}

void TestRegistry::installCrd()
{
    QFile file(QStringLiteral(KUBELB_SOURCE_DIR "/packaging/kubernetes/base/syncsecret-crd.yaml"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto crd = kube::yamlToJson(file.readAll());
    QVERIFY(crd);
    auto r = m_registry->create(res(u"customresourcedefinitions.apiextensions.k8s.io"_s), {}, crd->toObject(), {});
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QVERIFY(m_resources->findGroupResource(u"syncsecrets.kubelb.k8c.io"_s));
}

void TestRegistry::testCreateAssignsServerFields()
{
    auto created = m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {});
    QVERIFY(created);
    QVERIFY(!uidOf(*created).isEmpty());
    QVERIFY(!meta(*created).value(u"creationTimestamp"_s).toString().isEmpty());
    QVERIFY(rvOf(*created).toULongLong() > 0);
    QVERIFY(!meta(*created).contains(u"generation"_s)); // core Secrets carry no generation, as in kube
    QCOMPARE(created->value(u"type"_s).toString(), u"Opaque"_s);
    QCOMPARE(meta(*created).value(u"namespace"_s).toString(), u"default"_s);
}

void TestRegistry::testCreateInMissingNamespaceIsNotFound()
{
    auto r = m_registry->create(secrets(), u"nope"_s, secret(u"s1"_s), {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 404);
    QCOMPARE(r.error().message(), u"namespaces \"nope\" not found"_s);
}

void TestRegistry::testCreateExistingIsAlreadyExists()
{
    QVERIFY(m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {}));
    auto again = m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {});
    QVERIFY(!again);
    QCOMPARE(again.error().reason(), u"AlreadyExists"_s);
    QCOMPARE(again.error().message(), u"secrets \"s1\" already exists"_s);
}

void TestRegistry::testGenerateNameAddsSuffix()
{
    QJsonObject body = secret({});
    QJsonObject m = meta(body);
    m.remove(u"name"_s);
    m[u"generateName"_s] = u"gen-"_s;
    body[u"metadata"_s] = m;
    auto created = m_registry->create(secrets(), u"default"_s, body, {});
    QVERIFY(created);
    const QString name = meta(*created).value(u"name"_s).toString();
    QVERIFY(name.startsWith(u"gen-"_s));
    QCOMPARE(name.size(), 9);
}

void TestRegistry::testStaleResourceVersionConflicts()
{
    auto created = m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {});
    QJsonObject first = *created;
    first[u"data"_s] = QJsonObject { { u"k"_s, u"b25l"_s } };
    QVERIFY(m_registry->update(secrets(), u"default"_s, u"s1"_s, first, {}));
    QJsonObject stale = *created;
    stale[u"data"_s] = QJsonObject { { u"k"_s, u"dHdv"_s } };
    auto r = m_registry->update(secrets(), u"default"_s, u"s1"_s, stale, {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 409);
    QCOMPARE(r.error().message(),
        u"Operation cannot be fulfilled on secrets \"s1\": the object has been modified; "
        "please apply your changes to the latest version and try again"_s);
}

void TestRegistry::testUnconditionalUpdateWithoutResourceVersion()
{
    QVERIFY(m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {}));
    QJsonObject body = secret(u"s1"_s);
    body[u"data"_s] = QJsonObject { { u"k"_s, u"b25l"_s } };
    auto r = m_registry->update(secrets(), u"default"_s, u"s1"_s, body, {});
    QVERIFY(r);
    QCOMPARE(r->value(u"data"_s).toObject().value(u"k"_s).toString(), u"b25l"_s);
}

void TestRegistry::testNoOpUpdateKeepsResourceVersion()
{
    auto created = m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {});
    const quint64 before = m_store->resourceVersion();
    auto same = m_registry->update(secrets(), u"default"_s, u"s1"_s, *created, {});
    QVERIFY(same);
    QCOMPARE(rvOf(*same), rvOf(*created));
    QCOMPARE(m_store->resourceVersion(), before);
}

void TestRegistry::testSecretStringDataMergedAndNeverReturned()
{
    QJsonObject body = secret(u"s1"_s);
    body[u"stringData"_s] = QJsonObject { { u"user"_s, u"admin"_s }, { u"k"_s, u"override"_s } };
    auto created = m_registry->create(secrets(), u"default"_s, body, {});
    QVERIFY(created);
    QVERIFY(!created->contains(u"stringData"_s));
    const QJsonObject data = created->value(u"data"_s).toObject();
    QCOMPARE(data.value(u"user"_s).toString(), QString::fromLatin1(QByteArray("admin").toBase64()));
    QCOMPARE(data.value(u"k"_s).toString(), QString::fromLatin1(QByteArray("override").toBase64()));
}

void TestRegistry::testImmutableSecretRejectsDataChange()
{
    QJsonObject body = secret(u"s1"_s);
    body[u"immutable"_s] = true;
    auto created = m_registry->create(secrets(), u"default"_s, body, {});
    QVERIFY(created);
    QJsonObject changed = *created;
    changed[u"data"_s] = QJsonObject { { u"k"_s, u"b3RoZXI="_s } };
    auto r = m_registry->update(secrets(), u"default"_s, u"s1"_s, changed, {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 422);
    QVERIFY2(
        r.error().message().contains(u"field is immutable when `immutable` is set"_s), qPrintable(r.error().message()));
    QJsonObject unset = *created;
    unset[u"immutable"_s] = false;
    QVERIFY(!m_registry->update(secrets(), u"default"_s, u"s1"_s, unset, {}));
    QJsonObject relabel = *created;
    relabel[u"metadata"_s]
        = QJsonObject { { u"name"_s, u"s1"_s }, { u"labels"_s, QJsonObject { { u"a"_s, u"b"_s } } } };
    QVERIFY(m_registry->update(secrets(), u"default"_s, u"s1"_s, relabel, {}));
}

void TestRegistry::testInvalidNameIsInvalidWithCause()
{
    auto r = m_registry->create(secrets(), u"default"_s, secret(u"Bad_Name"_s), {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 422);
    QCOMPARE(r.error().causes().value(0).field, u"metadata.name"_s);
    QVERIFY(r.error().message().startsWith(u"Secret \"Bad_Name\" is invalid: metadata.name"_s));
}

void TestRegistry::testStrictFieldValidationRejectsUnknownFields()
{
    QJsonObject body = secret(u"s1"_s);
    body[u"bogus"_s] = 1;
    WriteOptions opts;
    opts.fieldValidation = FieldValidation::Strict;
    auto r = m_registry->create(secrets(), u"default"_s, body, opts);
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 400);
    // Create and update word it as kube-apiserver's transformDecodeError (kubectl prints it verbatim).
    QCOMPARE(r.error().message(),
        u"Secret in version \"v1\" cannot be handled as a Secret: strict decoding error: unknown field \"bogus\""_s);
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"s1"_s));
    QVERIFY(m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {}));
    auto updated = m_registry->update(secrets(), u"default"_s, u"s1"_s, body, opts);
    QVERIFY(!updated);
    QCOMPARE(updated.error().message(), r.error().message());
    // A patch reports the bare strict decoding error, as the real patch handler does.
    auto patched = m_registry->patch(secrets(), u"default"_s, u"s1"_s, PatchType::Merge, R"({"bogus":1})", opts);
    QVERIFY(!patched);
    QCOMPARE(patched.error().code(), 400);
    QCOMPARE(patched.error().message(), u"strict decoding error: unknown field \"bogus\""_s);
}

void TestRegistry::testWarnFieldValidationPrunesAndWarns()
{
    QJsonObject body = secret(u"s1"_s);
    body[u"bogus"_s] = 1;
    QStringList warnings;
    WriteOptions opts;
    opts.warnings = &warnings;
    auto r = m_registry->create(secrets(), u"default"_s, body, opts);
    QVERIFY(r);
    QVERIFY(!r->contains(u"bogus"_s));
    QCOMPARE(warnings, QStringList { u"unknown field \"bogus\""_s });
}

void TestRegistry::testDryRunWritesNothing()
{
    WriteOptions opts;
    opts.dryRun = true;
    const quint64 before = m_store->resourceVersion();
    QVERIFY(m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), opts));
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"s1"_s));
    QCOMPARE(m_store->resourceVersion(), before);
    QVERIFY(m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {}));
    DeleteOptions del;
    del.dryRun = true;
    QVERIFY(m_registry->remove(secrets(), u"default"_s, u"s1"_s, del));
    QVERIFY(m_store->get(u"secrets"_s, u"default"_s, u"s1"_s));
}

void TestRegistry::testPatchTypes_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<QString>("label");
    QTest::newRow("merge") << int(PatchType::Merge) << QByteArray(R"({"metadata":{"labels":{"a":"merge"}}})")
                           << u"merge"_s;
    QTest::newRow("json") << int(PatchType::Json)
                          << QByteArray(R"([{"op":"add","path":"/metadata/labels","value":{"a":"json"}}])")
                          << u"json"_s;
    QTest::newRow("strategic") << int(PatchType::Strategic) << QByteArray(R"({"metadata":{"labels":{"a":"smp"}}})")
                               << u"smp"_s;
}

void TestRegistry::testPatchTypes()
{
    QFETCH(int, type);
    QFETCH(QByteArray, patch);
    QFETCH(QString, label);
    QVERIFY(m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {}));
    auto r = m_registry->patch(secrets(), u"default"_s, u"s1"_s, PatchType(type), patch, {});
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(meta(*r).value(u"labels"_s).toObject().value(u"a"_s).toString(), label);
}

void TestRegistry::testStrategicPatchOnCustomResourceIsUnsupported()
{
    installCrd();
    QVERIFY(m_registry->create(syncSecrets(), u"default"_s, parse(R"({"metadata":{"name":"x"},"type":"Opaque"})"), {}));
    auto r = m_registry->patch(syncSecrets(), u"default"_s, u"x"_s, PatchType::Strategic, "{}", {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 415);
    // kubectl prints this message: it must list the patch types a custom resource does accept.
    QCOMPARE(r.error().message(),
        u"the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"_s);
}

void TestRegistry::testCrdServesResourceWithGenerationAndStatusSplit()
{
    installCrd();
    auto created = m_registry->create(syncSecrets(), u"default"_s,
        parse(R"({"metadata":{"name":"x"},"type":"Opaque","data":{"a":"YQ=="},"status":{"phase":"Synced"}})"), {});
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message()));
    QCOMPARE(meta(*created).value(u"generation"_s).toInt(), 1);
    QVERIFY(!created->contains(u"status"_s)); // status is dropped on create with a status subresource
    auto labelled = m_registry->patch(syncSecrets(), u"default"_s, u"x"_s, PatchType::Merge,
        R"({"metadata":{"labels":{"a":"b"}},"status":{"phase":"Failed"}})", {});
    QVERIFY(labelled);
    QCOMPARE(meta(*labelled).value(u"generation"_s).toInt(), 1);
    QVERIFY(!labelled->contains(u"status"_s));
    WriteOptions status;
    status.statusSubresource = true;
    auto withStatus = m_registry->patch(syncSecrets(), u"default"_s, u"x"_s, PatchType::Merge,
        R"({"status":{"phase":"Synced","observedGeneration":1},"data":{"a":"Yg=="}})", status);
    QVERIFY(withStatus);
    QCOMPARE(withStatus->value(u"status"_s).toObject().value(u"phase"_s).toString(), u"Synced"_s);
    QCOMPARE(withStatus->value(u"data"_s).toObject().value(u"a"_s).toString(), u"YQ=="_s);
    QCOMPARE(meta(*withStatus).value(u"generation"_s).toInt(), 1);
    auto changed
        = m_registry->patch(syncSecrets(), u"default"_s, u"x"_s, PatchType::Merge, R"({"data":{"a":"Yg=="}})", {});
    QVERIFY(changed);
    QCOMPARE(meta(*changed).value(u"generation"_s).toInt(), 2);
    QCOMPARE(changed->value(u"status"_s).toObject().value(u"phase"_s).toString(), u"Synced"_s);
}

void TestRegistry::testCustomResourceSchemaValidation()
{
    installCrd();
    auto r
        = m_registry->create(syncSecrets(), u"default"_s, parse(R"({"metadata":{"name":"x"},"immutable":"yes"})"), {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 422);
    QCOMPARE(r.error().causes().value(0).field, u"immutable"_s);
    auto badBase64
        = m_registry->create(syncSecrets(), u"default"_s, parse(R"({"metadata":{"name":"y"},"data":{"k":"!!"}})"), {});
    QVERIFY(!badBase64);
    QCOMPARE(badBase64.error().code(), 422);
}

void TestRegistry::testSyncSecretImmutability()
{
    installCrd();
    QVERIFY(m_registry->create(
        syncSecrets(), u"default"_s, parse(R"({"metadata":{"name":"x"},"immutable":true,"data":{"a":"YQ=="}})"), {}));
    auto r = m_registry->patch(syncSecrets(), u"default"_s, u"x"_s, PatchType::Merge, R"({"data":{"a":"Yg=="}})", {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 422);
    QVERIFY(r.error().message().contains(u"field is immutable when `immutable` is set"_s));
}

void TestRegistry::testDeleteWithFinalizerMarksThenRemovesOnLastFinalizer()
{
    QVERIFY(m_registry->create(secrets(), u"default"_s,
        secret(u"s1"_s, QJsonObject { { u"finalizers"_s, QJsonArray { u"example.com/a"_s, u"example.com/b"_s } } }),
        {}));
    auto marked = m_registry->remove(secrets(), u"default"_s, u"s1"_s, {});
    QVERIFY(marked);
    QVERIFY(meta(*marked).contains(u"deletionTimestamp"_s));
    QVERIFY(m_store->get(u"secrets"_s, u"default"_s, u"s1"_s));
    auto one = m_registry->patch(secrets(), u"default"_s, u"s1"_s, PatchType::Strategic,
        R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/a"]}})", {});
    QVERIFY2(one, qPrintable(one ? QString() : one.error().message()));
    QVERIFY(m_store->get(u"secrets"_s, u"default"_s, u"s1"_s));
    auto gone = m_registry->patch(
        secrets(), u"default"_s, u"s1"_s, PatchType::Merge, R"({"metadata":{"finalizers":null}})", {});
    QVERIFY(gone);
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"s1"_s));
}

void TestRegistry::testNoNewFinalizersWhileDeleting()
{
    QVERIFY(m_registry->create(secrets(), u"default"_s,
        secret(u"s1"_s, QJsonObject { { u"finalizers"_s, QJsonArray { u"example.com/a"_s } } }), {}));
    QVERIFY(m_registry->remove(secrets(), u"default"_s, u"s1"_s, {}));
    auto r = m_registry->patch(secrets(), u"default"_s, u"s1"_s, PatchType::Merge,
        R"({"metadata":{"finalizers":["example.com/a","example.com/new"]}})", {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 422);
}

void TestRegistry::testDeletePreconditions()
{
    auto created = m_registry->create(secrets(), u"default"_s, secret(u"s1"_s), {});
    DeleteOptions wrongUid;
    wrongUid.preconditionUid = u"other"_s;
    auto r = m_registry->remove(secrets(), u"default"_s, u"s1"_s, wrongUid);
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 409);
    DeleteOptions wrongRv;
    wrongRv.preconditionResourceVersion = u"1"_s;
    QVERIFY(!m_registry->remove(secrets(), u"default"_s, u"s1"_s, wrongRv));
    DeleteOptions right;
    right.preconditionUid = uidOf(*created);
    right.preconditionResourceVersion = rvOf(*created);
    QVERIFY(m_registry->remove(secrets(), u"default"_s, u"s1"_s, right));
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"s1"_s));
}

void TestRegistry::testGarbageCollectionBackground()
{
    auto owner = m_registry->create(secrets(), u"default"_s, secret(u"owner"_s), {});
    auto dependent = m_registry->create(secrets(), u"default"_s,
        secret(u"dep"_s, QJsonObject { { u"ownerReferences"_s, QJsonArray { ownerRef(*owner) } } }), {});
    QVERIFY(dependent);
    QVERIFY(m_registry->remove(secrets(), u"default"_s, u"owner"_s, {}));
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"dep"_s));
}

void TestRegistry::testGarbageCollectionOrphan()
{
    auto owner = m_registry->create(secrets(), u"default"_s, secret(u"owner"_s), {});
    QVERIFY(m_registry->create(secrets(), u"default"_s,
        secret(u"dep"_s, QJsonObject { { u"ownerReferences"_s, QJsonArray { ownerRef(*owner) } } }), {}));
    DeleteOptions orphan;
    orphan.propagation = DeleteOptions::Propagation::Orphan;
    QVERIFY(m_registry->remove(secrets(), u"default"_s, u"owner"_s, orphan));
    const auto dep = m_store->get(u"secrets"_s, u"default"_s, u"dep"_s);
    QVERIFY(dep);
    QVERIFY(!meta(*dep).contains(u"ownerReferences"_s));
}

void TestRegistry::testGarbageCollectionForegroundWaitsForBlockingDependents()
{
    auto owner = m_registry->create(secrets(), u"default"_s, secret(u"owner"_s), {});
    QVERIFY(m_registry->create(secrets(), u"default"_s,
        secret(u"dep"_s,
            QJsonObject { { u"ownerReferences"_s, QJsonArray { ownerRef(*owner, true) } },
                { u"finalizers"_s, QJsonArray { u"example.com/hold"_s } } }),
        {}));
    DeleteOptions fg;
    fg.propagation = DeleteOptions::Propagation::Foreground;
    auto r = m_registry->remove(secrets(), u"default"_s, u"owner"_s, fg);
    QVERIFY(r);
    auto held = m_store->get(u"secrets"_s, u"default"_s, u"owner"_s);
    QVERIFY(held);
    QVERIFY(meta(*held).value(u"finalizers"_s).toArray().contains(u"foregroundDeletion"_s));
    auto dep = m_store->get(u"secrets"_s, u"default"_s, u"dep"_s);
    QVERIFY(meta(*dep).contains(u"deletionTimestamp"_s));
    QVERIFY(m_registry->patch(
        secrets(), u"default"_s, u"dep"_s, PatchType::Merge, R"({"metadata":{"finalizers":null}})", {}));
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"dep"_s));
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"owner"_s));
}

void TestRegistry::testOwnerInOtherNamespaceIsTreatedAsAbsent()
{
    createNamespace(u"other"_s);
    auto owner = m_registry->create(secrets(), u"other"_s, secret(u"owner"_s), {});
    QVERIFY(m_registry->create(secrets(), u"default"_s,
        secret(u"dep"_s, QJsonObject { { u"ownerReferences"_s, QJsonArray { ownerRef(*owner) } } }), {}));
    QVERIFY(!m_store->get(u"secrets"_s, u"default"_s, u"dep"_s));
    m_registry->setGarbageCollectorEnabled(false);
    QVERIFY(m_registry->create(secrets(), u"default"_s,
        secret(u"dep2"_s, QJsonObject { { u"ownerReferences"_s, QJsonArray { ownerRef(*owner) } } }), {}));
    QVERIFY(m_store->get(u"secrets"_s, u"default"_s, u"dep2"_s));
}

void TestRegistry::testDependentKeepsLiveOwners()
{
    auto a = m_registry->create(secrets(), u"default"_s, secret(u"a"_s), {});
    auto b = m_registry->create(secrets(), u"default"_s, secret(u"b"_s), {});
    QVERIFY(m_registry->create(secrets(), u"default"_s,
        secret(u"dep"_s, QJsonObject { { u"ownerReferences"_s, QJsonArray { ownerRef(*a), ownerRef(*b) } } }), {}));
    QVERIFY(m_registry->remove(secrets(), u"default"_s, u"a"_s, {}));
    const auto dep = m_store->get(u"secrets"_s, u"default"_s, u"dep"_s);
    QVERIFY(dep);
    QCOMPARE(meta(*dep).value(u"ownerReferences"_s).toArray().size(), 1);
}

void TestRegistry::testNamespaceDeletionRemovesContents()
{
    createNamespace(u"doomed"_s);
    QVERIFY(m_registry->create(secrets(), u"doomed"_s, secret(u"plain"_s), {}));
    QVERIFY(m_registry->create(secrets(), u"doomed"_s,
        secret(u"held"_s, QJsonObject { { u"finalizers"_s, QJsonArray { u"example.com/hold"_s } } }), {}));
    auto r = m_registry->remove(res(u"namespaces"_s), {}, u"doomed"_s, {});
    QVERIFY(r);
    QCOMPARE(r->value(u"status"_s).toObject().value(u"phase"_s).toString(), u"Terminating"_s);
    QVERIFY(!m_store->get(u"secrets"_s, u"doomed"_s, u"plain"_s));
    QVERIFY(m_store->get(u"namespaces"_s, {}, u"doomed"_s));
    QVERIFY(m_registry->patch(
        secrets(), u"doomed"_s, u"held"_s, PatchType::Merge, R"({"metadata":{"finalizers":null}})", {}));
    QVERIFY(!m_store->get(u"namespaces"_s, {}, u"doomed"_s));
}

void TestRegistry::testCreateInTerminatingNamespaceIsForbidden()
{
    createNamespace(u"doomed"_s);
    QVERIFY(m_registry->create(secrets(), u"doomed"_s,
        secret(u"held"_s, QJsonObject { { u"finalizers"_s, QJsonArray { u"example.com/hold"_s } } }), {}));
    QVERIFY(m_registry->remove(res(u"namespaces"_s), {}, u"doomed"_s, {}));
    auto r = m_registry->create(secrets(), u"doomed"_s, secret(u"new"_s), {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 403);
    QVERIFY(r.error().message().contains(u"because it is being terminated"_s));
}

void TestRegistry::testProtectedNamespacesCannotBeDeleted()
{
    auto r = m_registry->remove(res(u"namespaces"_s), {}, u"default"_s, {});
    QVERIFY(!r);
    QCOMPARE(r.error().code(), 403);
}

void TestRegistry::testListSelectorsAndPaging()
{
    for (int i = 0; i < 5; ++i)
        QVERIFY(m_registry->create(secrets(), u"default"_s,
            secret(u"s%1"_s.arg(i),
                QJsonObject { { u"labels"_s, QJsonObject { { u"parity"_s, i % 2 ? u"odd"_s : u"even"_s } } } }),
            {}));
    ListOptions odd;
    odd.labelSelector = u"parity=odd"_s;
    QCOMPARE(m_registry->list(secrets(), u"default"_s, odd)->items.size(), 2);
    ListOptions byName;
    byName.fieldSelector = u"metadata.name=s3"_s;
    QCOMPARE(m_registry->list(secrets(), u"default"_s, byName)->items.size(), 1);
    ListOptions bad;
    bad.fieldSelector = u"spec.foo=bar"_s;
    QCOMPARE(m_registry->list(secrets(), u"default"_s, bad).error().code(), 400);
    ListOptions page;
    page.limit = 2;
    QStringList seen;
    for (int guard = 0; guard < 10; ++guard) {
        auto r = m_registry->list(secrets(), u"default"_s, page);
        QVERIFY(r);
        for (const auto& o : r->items)
            seen << meta(o).value(u"name"_s).toString();
        if (r->continueToken.isEmpty())
            break;
        page.continueToken = r->continueToken;
    }
    QCOMPARE(seen, (QStringList { u"s0"_s, u"s1"_s, u"s2"_s, u"s3"_s, u"s4"_s }));
}

void TestRegistry::testDeleteCrdRemovesInstancesAndStopsServing()
{
    installCrd();
    QVERIFY(m_registry->create(syncSecrets(), u"default"_s, parse(R"({"metadata":{"name":"x"}})"), {}));
    QVERIFY(m_registry->remove(
        res(u"customresourcedefinitions.apiextensions.k8s.io"_s), {}, u"syncsecrets.kubelb.k8c.io"_s, {}));
    QCOMPARE(m_store->count(u"syncsecrets.kubelb.k8c.io"_s), 0);
    QVERIFY(!m_resources->findGroupResource(u"syncsecrets.kubelb.k8c.io"_s));
    QVERIFY(!m_store->get(u"customresourcedefinitions.apiextensions.k8s.io"_s, {}, u"syncsecrets.kubelb.k8c.io"_s));
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
