#include "masking.h"

#include "kube/yaml.h"

using namespace Qt::StringLiterals;

namespace views {

namespace {

const QString kLastApplied = u"kubectl.kubernetes.io/last-applied-configuration"_s;

QJsonObject maskValues(const QJsonObject& values)
{
    QJsonObject out;
    for (auto it = values.begin(); it != values.end(); ++it)
        out.insert(it.key(), MaskedValue.toString());
    return out;
}

} // namespace

QJsonObject maskedObject(const QJsonObject& object)
{
    QJsonObject out = object;
    for (const QString& field : { u"data"_s, u"stringData"_s })
        if (out.contains(field))
            out.insert(field, maskValues(out.value(field).toObject()));
    QJsonObject metadata = out.value(u"metadata"_s).toObject();
    QJsonObject annotations = metadata.value(u"annotations"_s).toObject();
    if (annotations.contains(kLastApplied)) {
        annotations.insert(kLastApplied, MaskedValue.toString());
        metadata.insert(u"annotations"_s, annotations);
    }
    // managedFields only name fields, but they are noise in a detail view.
    metadata.remove(u"managedFields"_s);
    out.insert(u"metadata"_s, metadata);
    return out;
}

QString maskedYaml(const QJsonObject& object)
{
    return QString::fromUtf8(kube::jsonToYaml(maskedObject(object)));
}

QString kubectlCommand(const QString& context, const QString& resource, const QString& ns, const QString& name)
{
    return u"kubectl --context %1 -n %2 get %3 %4 -o yaml"_s.arg(context, ns, resource, name);
}

} // namespace views
