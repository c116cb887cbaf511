#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace views {

/// What the console shows instead of a secret value.
inline constexpr QStringView MaskedValue = u"••••••";

/// `object` with every data/stringData value replaced by the mask and the last-applied-configuration annotation
/// (which holds the data) masked too.
QJsonObject maskedObject(const QJsonObject& object);
/// maskedObject() as YAML.
QString maskedYaml(const QJsonObject& object);
/// kubectl commands (with --context) to look at the objects of a chain; never a value.
QString kubectlCommand(const QString& context, const QString& resource, const QString& ns, const QString& name);

} // namespace views
