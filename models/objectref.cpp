#include "objectref.h"

#include "models/jsonmeta.h"

using namespace Qt::StringLiterals;

namespace models {

QString ObjectRef::display() const
{
    return context + u'/' + kind + u'/' + (namespace_.isEmpty() ? u"-"_s : namespace_) + u'/' + name;
}

QJsonObject ObjectRef::toJson() const
{
    return QJsonObject { { "context"_L1, context }, { "kind"_L1, kind }, { "namespace"_L1, namespace_ },
        { "name"_L1, name }, { "uid"_L1, uid }, { "resourceVersion"_L1, resourceVersion } };
}

ObjectRef refOf(const QJsonObject& object, const QString& context, const QString& kind)
{
    const QString objectKind = object.value("kind"_L1).toString();
    return ObjectRef { context, objectKind.isEmpty() ? kind : objectKind, meta::namespaceOf(object), meta::name(object),
        meta::uid(object), meta::resourceVersion(object) };
}

} // namespace models
