// doctor's RBAC section (SelfSubjectAccessReviews for the controllers' verbs) and the `doctor` command itself.
#include "syncctl_commands.h"
#include "syncctl_doctor.h"
#include "syncctl_output.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace syncctl {

void Doctor::review(kube::RestClient& client, const QString& who, const QString& ns, const QString& resource,
    const QString& subresource, const QStringList& verbs, const QString& remedy)
{
    const QString group = resource == u"secrets" ? QString() : u"kubelb.k8c.io"_s;
    const QString what = (subresource.isEmpty() ? resource : resource + u'/' + subresource) + u" in "_s + ns;
    QStringList denied;
    for (const QString& verb : verbs) {
        QJsonObject attributes { { u"namespace"_s, ns }, { u"verb"_s, verb }, { u"group"_s, group },
            { u"resource"_s, resource } };
        if (!subresource.isEmpty())
            attributes[u"subresource"_s] = subresource;
        const QJsonObject body { { u"apiVersion"_s, u"authorization.k8s.io/v1"_s },
            { u"kind"_s, u"SelfSubjectAccessReview"_s },
            { u"spec"_s, QJsonObject { { u"resourceAttributes"_s, attributes } } } };
        const auto answer
            = client.create({ u"authorization.k8s.io"_s, u"v1"_s, u"selfsubjectaccessreviews"_s, {}, {}, {} }, body);
        if (!answer)
            return add(u"warn"_s, who + u": "_s + what, u"access review failed: "_s + answer.error().message(),
                u"the API server must serve authorization.k8s.io/v1 SelfSubjectAccessReview"_s);
        if (!answer->value(u"status"_s).toObject().value(u"allowed"_s).toBool())
            denied.append(verb);
    }
    if (denied.isEmpty())
        add(u"ok"_s, who + u": "_s + what, u"allowed: "_s + verbs.join(u','));
    else
        add(u"warn"_s, who + u": "_s + what, u"denied to this identity: "_s + denied.join(u','), remedy);
}

void Doctor::checkRbac()
{
    // The verbs are those of the shipped roles (packaging/kubernetes; tst_rbac_exact proves each one is needed).
    const QString ccmRbac = u"apply packaging/kubernetes/ccm (tenant) and ccm/management (management cluster)"_s;
    const QString managerRbac = u"apply packaging/kubernetes/manager (its rbac.yaml)"_s;
    if (m_tenantClient) {
        const QString who = u"CCM in "_s + m_tenant.context;
        review(*m_tenantClient, who, m_options.ns, u"syncsecrets"_s, {},
            { u"get"_s, u"list"_s, u"watch"_s, u"update"_s }, ccmRbac);
        review(*m_tenantClient, who, m_options.ns, u"syncsecrets"_s, u"status"_s, { u"update"_s }, ccmRbac);
    }
    if (!m_mgmtClient || m_tenant.managementNamespace.isEmpty())
        return;
    const QString ns = m_tenant.managementNamespace;
    review(*m_mgmtClient, u"CCM in "_s + m_mgmtContext, ns, u"syncsecrets"_s, {},
        { u"create"_s, u"update"_s, u"get"_s, u"list"_s, u"delete"_s, u"watch"_s }, ccmRbac);
    review(*m_mgmtClient, u"Manager in "_s + m_mgmtContext, ns, u"secrets"_s, {},
        { u"create"_s, u"delete"_s, u"get"_s, u"list"_s, u"update"_s, u"watch"_s }, managerRbac);
    review(*m_mgmtClient, u"Manager in "_s + m_mgmtContext, ns, u"syncsecrets"_s, u"status"_s, { u"update"_s },
        managerRbac);
    add(u"ok"_s, u"identity"_s,
        u"access reviews answer for this kubeconfig's identity; run doctor with the controllers' kubeconfigs to "
        "check theirs"_s);
}

namespace {

QString doctorTable(const QList<Finding>& findings)
{
    QString out;
    QString section;
    for (const auto& f : findings) {
        if (f.section != section) {
            section = f.section;
            out += (out.isEmpty() ? QString() : u"\n"_s) + u"== "_s + section + u'\n';
        }
        out += u"[%1] %2: %3\n"_s.arg(f.level.toUpper().leftJustified(4), f.check, f.message);
        if (!f.remedy.isEmpty())
            out += u"       remedy: "_s + f.remedy + u'\n';
    }
    return out;
}

} // namespace

int runDoctor(const Options& o)
{
    Clusters clusters(o);
    Doctor doctor(clusters, o);
    const QList<Finding> findings = doctor.run();
    int fails = 0, warns = 0;
    for (const auto& f : findings) {
        fails += f.level == u"fail" ? 1 : 0;
        warns += f.level == u"warn" ? 1 : 0;
    }
    QTextStream out(stdout);
    if (o.format == Format::Table) {
        out << doctorTable(findings) << '\n' << fails << " failed, " << warns << " warnings\n";
    } else {
        QJsonArray items;
        for (const auto& f : findings)
            items.append(f.toJson());
        out << formatDocument(QJsonObject { { u"kind"_s, u"DoctorReport"_s },
                                  { u"object"_s, QJsonObject { { u"namespace"_s, o.ns }, { u"name"_s, o.name } } },
                                  { u"findings"_s, items }, { u"failed"_s, fails }, { u"warnings"_s, warns } },
            o.format);
    }
    return fails > 0 ? ExitFound : ExitOk;
}

} // namespace syncctl
