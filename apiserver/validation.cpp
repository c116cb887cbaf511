#include "validation.h"

#include "fielderror.h"
#include "kube/names.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace apiserver {

namespace {

constexpr qsizetype kTotalAnnotationSizeLimit = 256 * 1024;
const QString kMeta = u"metadata"_s;

QString metaPath(const QString& name)
{
    return field::child(kMeta, name);
}

/// apimachinery's maskTrailingDash: a generateName prefix may end in '-'.
QString maskTrailingDash(const QString& name)
{
    if (name.size() > 1 && name.endsWith(u'-'))
        return name.chopped(2) + u'a';
    return name;
}

QString checkName(const QString& name, NameRule rule, bool prefix)
{
    switch (rule) {
    case NameRule::Dns1123Subdomain:
        return kube::checkDns1123Subdomain(prefix ? maskTrailingDash(name) : name);
    case NameRule::Dns1123Label:
        return kube::checkDns1123Label(prefix ? maskTrailingDash(name) : name);
    case NameRule::PathSegment:
        if (prefix && (name == u"." || name == u".."))
            return {};
        return kube::checkPathSegmentName(name);
    }
    return {};
}

void validateNames(const QJsonObject& meta, NameRule rule, QList<StatusCause>& causes)
{
    const QString generateName = meta.value(u"generateName"_s).toString();
    if (!generateName.isEmpty()) {
        if (const QString why = checkName(generateName, rule, true); !why.isEmpty())
            causes.append(field::invalid(metaPath(u"generateName"_s), generateName, why));
    }
    const QString name = meta.value(u"name"_s).toString();
    if (name.isEmpty()) {
        // The server fills name from generateName before persisting; only both missing is an error.
        if (generateName.isEmpty())
            causes.append(field::required(metaPath(u"name"_s), u"name or generateName is required"_s));
    } else if (const QString why = checkName(name, rule, false); !why.isEmpty()) {
        causes.append(field::invalid(metaPath(u"name"_s), name, why));
    }
}

void validateNamespace(const QJsonObject& meta, bool namespaced, QList<StatusCause>& causes)
{
    const QString ns = meta.value(u"namespace"_s).toString();
    const QString path = metaPath(u"namespace"_s);
    if (!namespaced) {
        if (!ns.isEmpty())
            causes.append(field::forbidden(path, u"not allowed on this type"_s));
        return;
    }
    if (ns.isEmpty())
        causes.append(field::required(path));
    else if (const QString why = kube::checkDns1123Label(ns); !why.isEmpty())
        causes.append(field::invalid(path, ns, why));
}

void validateGeneration(const QJsonObject& meta, QList<StatusCause>& causes)
{
    const QJsonValue generation = meta.value(u"generation"_s);
    if (generation.isDouble() && generation.toDouble() < 0)
        causes.append(field::invalid(metaPath(u"generation"_s), generation, u"must be greater than or equal to 0"_s));
}

void validateLabels(const QJsonObject& labels, QList<StatusCause>& causes)
{
    const QString path = metaPath(u"labels"_s);
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (const QString why = kube::checkQualifiedName(it.key()); !why.isEmpty())
            causes.append(field::invalid(path, it.key(), why));
        const QString value = it.value().toString();
        if (const QString why = kube::checkLabelValue(value); !why.isEmpty())
            causes.append(field::invalid(path, value, why));
    }
}

void validateAnnotations(const QJsonObject& annotations, QList<StatusCause>& causes)
{
    const QString path = metaPath(u"annotations"_s);
    qsizetype total = 0;
    for (auto it = annotations.begin(); it != annotations.end(); ++it) {
        // Annotation keys are qualified names compared case-insensitively.
        if (const QString why = kube::checkQualifiedName(it.key().toLower()); !why.isEmpty())
            causes.append(field::invalid(path, it.key(), why));
        total += it.key().toUtf8().size() + it.value().toString().toUtf8().size();
    }
    if (total > kTotalAnnotationSizeLimit)
        causes.append(field::tooLong(path, u"may not be more than %1 bytes"_s.arg(kTotalAnnotationSizeLimit)));
}

void validateFinalizers(const QJsonArray& finalizers, QList<StatusCause>& causes)
{
    const QString path = metaPath(u"finalizers"_s);
    QSet<QString> seen;
    for (qsizetype i = 0; i < finalizers.size(); ++i) {
        const QString finalizer = finalizers.at(i).toString();
        if (const QString why = kube::checkQualifiedName(finalizer); !why.isEmpty())
            causes.append(field::invalid(path, finalizer, why));
        if (seen.contains(finalizer))
            causes.append(field::duplicate(field::index(path, i), finalizer));
        seen.insert(finalizer);
    }
    if (seen.contains(u"orphan"_s) && seen.contains(u"foregroundDeletion"_s))
        causes.append(
            field::invalid(path, finalizers, u"finalizer orphan and foregroundDeletion cannot be both set"_s));
}

/// schema.FromAPIVersionAndKind's version: "v1" → "v1", "apps/v1" → "v1", anything with two slashes → "".
QString versionOf(const QString& apiVersion)
{
    const QStringList parts = apiVersion.split(u'/');
    if (parts.size() == 1)
        return parts[0];
    return parts.size() == 2 ? parts[1] : QString();
}

void validateOwnerReference(const QJsonObject& ref, const QString& path, QList<StatusCause>& causes)
{
    const QString apiVersion = ref.value(u"apiVersion"_s).toString();
    if (versionOf(apiVersion).isEmpty())
        causes.append(field::invalid(field::child(path, u"apiVersion"_s), apiVersion, u"version must not be empty"_s));
    const struct {
        QString key;
        QString detail;
    } requiredFields[] = {
        { u"kind"_s, u"kind must not be empty"_s },
        { u"name"_s, u"name must not be empty"_s },
        { u"uid"_s, u"uid must not be empty"_s },
    };
    for (const auto& f : requiredFields) {
        const QString value = ref.value(f.key).toString();
        if (value.isEmpty())
            causes.append(field::invalid(field::child(path, f.key), value, f.detail));
    }
}

void validateOwnerReferences(const QJsonArray& refs, QList<StatusCause>& causes)
{
    const QString path = metaPath(u"ownerReferences"_s);
    QString firstController;
    for (const QJsonValue& v : refs) {
        const QJsonObject ref = v.toObject();
        validateOwnerReference(ref, path, causes);
        if (!ref.value(u"controller"_s).toBool())
            continue;
        const QString current = ref.value(u"kind"_s).toString() + u'/' + ref.value(u"name"_s).toString();
        if (firstController.isEmpty()) {
            firstController = current;
            continue;
        }
        causes.append(field::invalid(path, refs,
            u"Only one reference can have Controller set to true. Found \"true\" in references for %1 and %2"_s.arg(
                firstController, current)));
    }
}

/// metav1.Time's String(), which is what ErrorBody prints for a timestamp.
QString renderTime(const QJsonValue& value)
{
    QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC);
    return t.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s) + u" +0000 UTC"_s;
}

void validateImmutable(const QJsonObject& newMeta, const QJsonObject& oldMeta, QList<StatusCause>& causes)
{
    static const QString kImmutable = u"field is immutable"_s;
    for (const QString& key : { u"name"_s, u"namespace"_s, u"uid"_s }) {
        const QString now = newMeta.value(key).toString();
        if (now != oldMeta.value(key).toString())
            causes.append(field::invalid(metaPath(key), now, kImmutable));
    }
    const QString ts = u"creationTimestamp"_s;
    if (newMeta.value(ts) == oldMeta.value(ts)) // the usual case; identical text renders identically
        return;
    const QString newTime = renderTime(newMeta.value(ts));
    if (newTime != renderTime(oldMeta.value(ts)))
        causes.append(field::invalidRendered(metaPath(ts), newTime, kImmutable));
}

QStringList stringList(const QJsonArray& array)
{
    QStringList out;
    for (const QJsonValue& v : array)
        out.append(v.toString());
    return out;
}

void validateNoNewFinalizers(const QJsonObject& newMeta, const QJsonObject& oldMeta, QList<StatusCause>& causes)
{
    const QStringList old = stringList(oldMeta.value(u"finalizers"_s).toArray());
    QStringList added;
    for (const QString& f : stringList(newMeta.value(u"finalizers"_s).toArray())) {
        if (!old.contains(f) && !added.contains(f))
            added.append(f);
    }
    if (added.isEmpty())
        return;
    std::sort(added.begin(), added.end());
    QStringList quoted;
    for (const QString& f : std::as_const(added))
        quoted.append(field::quote(f));
    causes.append(field::forbidden(metaPath(u"finalizers"_s),
        u"no new finalizers can be added if the object is being deleted, found new finalizers ["_s + quoted.join(u' ')
            + u']'));
}

} // namespace

QList<StatusCause> validateObjectMetaCreate(const QJsonObject& meta, bool namespaced, NameRule rule)
{
    QList<StatusCause> causes;
    validateNames(meta, rule, causes);
    validateNamespace(meta, namespaced, causes);
    validateGeneration(meta, causes);
    validateLabels(meta.value(u"labels"_s).toObject(), causes);
    validateAnnotations(meta.value(u"annotations"_s).toObject(), causes);
    validateOwnerReferences(meta.value(u"ownerReferences"_s).toArray(), causes);
    validateFinalizers(meta.value(u"finalizers"_s).toArray(), causes);
    return causes;
}

QList<StatusCause> validateObjectMetaUpdate(
    const QJsonObject& newMeta, const QJsonObject& oldMeta, bool namespaced, NameRule rule)
{
    QList<StatusCause> causes;
    if (oldMeta.contains(u"deletionTimestamp"_s) && !oldMeta.value(u"deletionTimestamp"_s).isNull())
        validateNoNewFinalizers(newMeta, oldMeta, causes);
    validateImmutable(newMeta, oldMeta, causes);
    causes.append(validateObjectMetaCreate(newMeta, namespaced, rule));
    return causes;
}

} // namespace apiserver
