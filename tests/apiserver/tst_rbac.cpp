#include "apiserver/rbac.h"
#include "apiserver/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace apiserver;

Q_DECLARE_METATYPE(AuthzAttributes)

namespace {

const QString kRoles = u"roles.rbac.authorization.k8s.io"_s;
const QString kClusterRoles = u"clusterroles.rbac.authorization.k8s.io"_s;
const QString kRoleBindings = u"rolebindings.rbac.authorization.k8s.io"_s;
const QString kClusterRoleBindings = u"clusterrolebindings.rbac.authorization.k8s.io"_s;

QJsonObject parse(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object();
}

void put(ObjectStore& store, const QString& gr, const QByteArray& json)
{
    QString error;
    QVERIFY(store.put(gr, parse(json), {}, &error));
}

AuthzAttributes res(const QString& verb, const QString& group, const QString& resource, const QString& ns,
    const QString& name = {}, const QString& sub = {})
{
    AuthzAttributes a;
    a.verb = verb;
    a.group = group;
    a.resource = resource;
    a.ns = ns;
    a.name = name;
    a.subresource = sub;
    return a;
}

AuthzAttributes path(const QString& verb, const QString& p)
{
    AuthzAttributes a;
    a.resourceRequest = false;
    a.verb = verb;
    a.path = p;
    return a;
}

} // namespace

class TestRbac : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testRules_data();
    void testRules();
    void testForbiddenMessageWording_data();
    void testForbiddenMessageWording();

private:
    ObjectStore m_store;
};

void TestRbac::initTestCase()
{
    // alice: Role "secret-reader" in team-a (get/list/watch secrets, update on syncsecrets/status, one named
    // configmap). bob (via group "devs"): ClusterRole "ssec-admin" bound in team-b only. ServiceAccount
    // kubelb/manager: ClusterRole "manager" cluster-wide with wildcards. carol: ClusterRole with nonResourceURLs.
    put(m_store, kRoles, R"({"metadata":{"name":"secret-reader","namespace":"team-a"},"rules":[
        {"apiGroups":[""],"resources":["secrets"],"verbs":["get","list","watch"]},
        {"apiGroups":["kubelb.k8c.io"],"resources":["syncsecrets/status"],"verbs":["update"]},
        {"apiGroups":[""],"resources":["configmaps"],"resourceNames":["only-this"],"verbs":["get","create"]}]})");
    put(m_store, kRoleBindings, R"({"metadata":{"name":"alice-reads","namespace":"team-a"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"secret-reader"},
        "subjects":[{"kind":"User","name":"alice"}]})");
    put(m_store, kClusterRoles, R"({"metadata":{"name":"ssec-admin"},"rules":[
        {"apiGroups":["kubelb.k8c.io"],"resources":["syncsecrets","syncsecrets/*"],"verbs":["*"]}]})");
    put(m_store, kRoleBindings, R"({"metadata":{"name":"devs-ssec","namespace":"team-b"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"ssec-admin"},
        "subjects":[{"kind":"Group","name":"devs"}]})");
    put(m_store, kClusterRoles, R"({"metadata":{"name":"manager"},"rules":[
        {"apiGroups":["*"],"resources":["*/status"],"verbs":["patch"]},
        {"apiGroups":[""],"resources":["secrets"],"verbs":["*"]}]})");
    put(m_store, kClusterRoleBindings, R"({"metadata":{"name":"manager"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"manager"},
        "subjects":[{"kind":"ServiceAccount","name":"manager","namespace":"kubelb"}]})");
    put(m_store, kClusterRoles, R"({"metadata":{"name":"metrics-reader"},"rules":[
        {"nonResourceURLs":["/metrics","/debug/*"],"verbs":["get"]}]})");
    put(m_store, kClusterRoleBindings, R"({"metadata":{"name":"carol-metrics"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"metrics-reader"},
        "subjects":[{"kind":"User","name":"carol"}]})");
    // A RoleBinding to a ClusterRole with nonResourceURLs grants nothing for paths.
    put(m_store, kRoleBindings, R"({"metadata":{"name":"dave-metrics","namespace":"team-a"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"metrics-reader"},
        "subjects":[{"kind":"User","name":"dave"}]})");
    // A binding to a missing role grants nothing.
    put(m_store, kClusterRoleBindings, R"({"metadata":{"name":"dangling"},
        "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"does-not-exist"},
        "subjects":[{"kind":"User","name":"erin"}]})");
}

void TestRbac::testRules_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QStringList>("groups");
    QTest::addColumn<AuthzAttributes>("attrs");
    QTest::addColumn<bool>("allowed");
    const QStringList none;
    const QString sa = u"system:serviceaccount:kubelb:manager"_s;
    QTest::newRow("verb listed") << u"alice"_s << none << res(u"get"_s, {}, u"secrets"_s, u"team-a"_s, u"s"_s) << true;
    QTest::newRow("verb not listed") << u"alice"_s << none << res(u"delete"_s, {}, u"secrets"_s, u"team-a"_s, u"s"_s)
                                     << false;
    QTest::newRow("role only in its namespace")
        << u"alice"_s << none << res(u"get"_s, {}, u"secrets"_s, u"team-b"_s, u"s"_s) << false;
    QTest::newRow("role binding never cluster scope")
        << u"alice"_s << none << res(u"list"_s, {}, u"secrets"_s, {}) << false;
    QTest::newRow("api group must match")
        << u"alice"_s << none << res(u"get"_s, u"kubelb.k8c.io"_s, u"secrets"_s, u"team-a"_s) << false;
    QTest::newRow("subresource exact") << u"alice"_s << none
                                       << res(u"update"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"team-a"_s, u"x"_s,
                                              u"status"_s)
                                       << true;
    QTest::newRow("subresource rule not parent")
        << u"alice"_s << none << res(u"update"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"team-a"_s, u"x"_s) << false;
    QTest::newRow("parent rule not subresource")
        << u"alice"_s << none << res(u"get"_s, {}, u"secrets"_s, u"team-a"_s, u"x"_s, u"status"_s) << false;
    QTest::newRow("resourceNames match") << u"alice"_s << none
                                         << res(u"get"_s, {}, u"configmaps"_s, u"team-a"_s, u"only-this"_s) << true;
    QTest::newRow("resourceNames other") << u"alice"_s << none
                                         << res(u"get"_s, {}, u"configmaps"_s, u"team-a"_s, u"other"_s) << false;
    QTest::newRow("resourceNames never for unnamed create")
        << u"alice"_s << none << res(u"create"_s, {}, u"configmaps"_s, u"team-a"_s) << false;
    QTest::newRow("group subject") << u"bob"_s << QStringList { u"devs"_s }
                                   << res(u"delete"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"team-b"_s, u"x"_s)
                                   << true;
    QTest::newRow("group without membership")
        << u"bob"_s << none << res(u"delete"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"team-b"_s, u"x"_s) << false;
    QTest::newRow("resource/* wildcard") << u"bob"_s << QStringList { u"devs"_s }
                                         << res(u"patch"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"team-b"_s, u"x"_s,
                                                u"status"_s)
                                         << true;
    QTest::newRow("clusterrole via rolebinding stays in ns")
        << u"bob"_s << QStringList { u"devs"_s } << res(u"get"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"team-a"_s)
        << false;
    QTest::newRow("serviceaccount subject cluster-wide")
        << sa << none << res(u"create"_s, {}, u"secrets"_s, u"tenant-x"_s) << true;
    QTest::newRow("serviceaccount cluster scope list") << sa << none << res(u"list"_s, {}, u"secrets"_s, {}) << true;
    QTest::newRow("*/status wildcard") << sa << none
                                       << res(u"patch"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"t"_s, u"x"_s,
                                              u"status"_s)
                                       << true;
    QTest::newRow("*/status not parent") << sa << none
                                         << res(u"patch"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"t"_s, u"x"_s)
                                         << false;
    QTest::newRow("other serviceaccount")
        << u"system:serviceaccount:other:manager"_s << none << res(u"create"_s, {}, u"secrets"_s, u"t"_s) << false;
    QTest::newRow("nonResourceURL exact") << u"carol"_s << none << path(u"get"_s, u"/metrics"_s) << true;
    QTest::newRow("nonResourceURL prefix*") << u"carol"_s << none << path(u"get"_s, u"/debug/pprof"_s) << true;
    QTest::newRow("nonResourceURL verb") << u"carol"_s << none << path(u"post"_s, u"/metrics"_s) << false;
    QTest::newRow("nonResourceURL other") << u"carol"_s << none << path(u"get"_s, u"/api"_s) << false;
    QTest::newRow("nonResourceURL not via rolebinding") << u"dave"_s << none << path(u"get"_s, u"/metrics"_s) << false;
    QTest::newRow("dangling roleRef") << u"erin"_s << none << res(u"get"_s, {}, u"secrets"_s, u"team-a"_s) << false;
    QTest::newRow("system:masters bypass")
        << u"root"_s << QStringList { u"system:masters"_s } << res(u"delete"_s, u"x.io"_s, u"things"_s, {}) << true;
    QTest::newRow("unknown user") << u"mallory"_s << none << res(u"get"_s, {}, u"secrets"_s, u"team-a"_s) << false;
}

void TestRbac::testRules()
{
    QFETCH(QString, user);
    QFETCH(QStringList, groups);
    QFETCH(AuthzAttributes, attrs);
    QFETCH(bool, allowed);
    RbacAuthorizer authorizer(m_store);
    const AuthzDecision d = authorizer.authorize(UserInfo { user, {}, groups }, attrs);
    QCOMPARE(d.allowed, allowed);
    if (allowed)
        QVERIFY(!d.reason.isEmpty());
}

void TestRbac::testForbiddenMessageWording_data()
{
    QTest::addColumn<AuthzAttributes>("attrs");
    QTest::addColumn<QString>("message");
    QTest::newRow("named in namespace")
        << res(u"get"_s, {}, u"secrets"_s, u"default"_s, u"nope"_s)
        << u"secrets \"nope\" is forbidden: User \"alice\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\""_s;
    QTest::newRow("list in namespace")
        << res(u"list"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"team-b"_s)
        << u"syncsecrets.kubelb.k8c.io is forbidden: User \"alice\" cannot list resource \"syncsecrets\" in API group \"kubelb.k8c.io\" in the namespace \"team-b\""_s;
    QTest::newRow("cluster scope")
        << res(u"list"_s, {}, u"namespaces"_s, {})
        << u"namespaces is forbidden: User \"alice\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"_s;
    QTest::newRow("subresource")
        << res(u"update"_s, u"kubelb.k8c.io"_s, u"syncsecrets"_s, u"t"_s, u"x"_s, u"status"_s)
        << u"syncsecrets.kubelb.k8c.io \"x\" is forbidden: User \"alice\" cannot update resource \"syncsecrets/status\" in API group \"kubelb.k8c.io\" in the namespace \"t\""_s;
    QTest::newRow("path") << path(u"get"_s, u"/metrics"_s)
                          << u"forbidden: User \"alice\" cannot get path \"/metrics\""_s;
}

void TestRbac::testForbiddenMessageWording()
{
    QFETCH(AuthzAttributes, attrs);
    QFETCH(QString, message);
    QCOMPARE(forbiddenMessage(UserInfo { u"alice"_s, {}, {} }, attrs), message);
}

QTEST_GUILESS_MAIN(TestRbac)
#include "tst_rbac.moc"
