#include "jsonmeta.h"

#include "models/objectref.h"

using namespace Qt::StringLiterals;

namespace models::meta {

QJsonObject metadata(const QJsonObject& object)
{
    return object.value("metadata"_L1).toObject();
}
QString name(const QJsonObject& object)
{
    return metadata(object).value("name"_L1).toString();
}
QString namespaceOf(const QJsonObject& object)
{
    return metadata(object).value("namespace"_L1).toString();
}
QString uid(const QJsonObject& object)
{
    return metadata(object).value("uid"_L1).toString();
}
QString resourceVersion(const QJsonObject& object)
{
    return metadata(object).value("resourceVersion"_L1).toString();
}

QString label(const QJsonObject& object, QLatin1StringView key)
{
    return metadata(object).value("labels"_L1).toObject().value(key).toString();
}

QString originName(const QJsonObject& object)
{
    return label(object, names::OriginNameLabel);
}

QString originNamespace(const QJsonObject& object)
{
    const QString ns = label(object, names::OriginNamespaceLabel);
    return ns.isEmpty() ? label(object, names::LegacyOriginNamespaceLabel) : ns;
}

bool isKubelbSecret(const QJsonObject& object)
{
    return !originName(object).isEmpty() || !originNamespace(object).isEmpty()
        || label(object, names::OwnedSecretLabel) == "true"_L1;
}

namespace {

/// Fast path for the API server's "YYYY-MM-DDTHH:MM:SSZ" (QDateTime::fromString dominates large scans).
QDateTime parseSimpleTime(const QString& text)
{
    if (text.size() != 20 || text[4] != u'-' || text[10] != u'T' || text[19] != u'Z')
        return {};
    // Plain digits only (anything else goes to the full parser); QStringView::toInt() per field was the cost.
    bool digits = true;
    const auto number = [&text, &digits](int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; ++i) {
            const char16_t c = text[i].unicode();
            digits = digits && c >= u'0' && c <= u'9';
            value = value * 10 + (c - u'0');
        }
        return value;
    };
    const int year = number(0, 4), month = number(5, 2), day = number(8, 2), hour = number(11, 2),
              minute = number(14, 2), second = number(17, 2);
    if (!digits)
        return {};
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second), Qt::UTC);
}

} // namespace

QDateTime parseTime(const QString& text)
{
    if (text.isEmpty())
        return {};
    if (const QDateTime simple = parseSimpleTime(text); simple.isValid())
        return simple;
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time.toUTC();
}

QDateTime creationTime(const QJsonObject& object)
{
    return parseTime(metadata(object).value("creationTimestamp"_L1).toString());
}

QDateTime deletionTime(const QJsonObject& object)
{
    return parseTime(metadata(object).value("deletionTimestamp"_L1).toString());
}

bool hasFinalizer(const QJsonObject& object, QLatin1StringView finalizer)
{
    const QJsonArray finalizers = metadata(object).value("finalizers"_L1).toArray();
    for (const QJsonValue& value : finalizers)
        if (value.toString() == finalizer)
            return true;
    return false;
}

QJsonArray ownerReferences(const QJsonObject& object)
{
    return metadata(object).value("ownerReferences"_L1).toArray();
}

QJsonObject syncSecretOwner(const QJsonObject& object)
{
    const QJsonArray refs = ownerReferences(object);
    for (const QJsonValue& value : refs) {
        const QJsonObject ref = value.toObject();
        if (ref.value("kind"_L1).toString() == names::SyncSecretKind
            && ref.value("apiVersion"_L1).toString().startsWith("kubelb.k8c.io/"_L1))
            return ref;
    }
    return {};
}

qint64 generation(const QJsonObject& object)
{
    return metadata(object).value("generation"_L1).toInteger();
}

qint64 observedGeneration(const QJsonObject& object)
{
    return object.value("status"_L1).toObject().value("observedGeneration"_L1).toInteger();
}

QString phase(const QJsonObject& object)
{
    return object.value("status"_L1).toObject().value("phase"_L1).toString();
}

QJsonObject condition(const QJsonObject& object, const QString& type)
{
    const QJsonArray conditions = object.value("status"_L1).toObject().value("conditions"_L1).toArray();
    for (const QJsonValue& value : conditions)
        if (value.toObject().value("type"_L1).toString() == type)
            return value.toObject();
    return {};
}

} // namespace models::meta
