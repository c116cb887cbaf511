#pragma once

#include "expected.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLatin1StringView>
#include <QList>
#include <QString>

namespace kube {

/// Condition status "True".
inline constexpr QLatin1StringView ConditionTrue { "True" };
/// Condition status "False".
inline constexpr QLatin1StringView ConditionFalse { "False" };
/// Condition status "Unknown".
inline constexpr QLatin1StringView ConditionUnknown { "Unknown" };

/// A metav1.Condition: one aspect of an object's observed state.
struct Condition {
    QString type;
    QString status; ///< True, False or Unknown
    qint64 observedGeneration = 0; ///< the .metadata.generation the condition was computed from
    QString lastTransitionTime; ///< RFC 3339, set when status last changed
    QString reason; ///< CamelCase machine-readable cause
    QString message;
    QJsonObject unknownFields; ///< fields this version does not know, written back by toJson

    /// Decodes one conditions entry; the error names the field.
    static Expected<Condition> fromJson(const QJsonObject& json);
    /// Encodes the condition; toJson(fromJson(x)) == x.
    QJsonObject toJson() const;

    friend bool operator==(const Condition&, const Condition&) = default;
};

/// The condition of `type`, or nullptr (meta.FindStatusCondition).
const Condition* findCondition(const QList<Condition>& conditions, const QString& type);
/// True when the condition of `type` exists with status True (meta.IsStatusConditionTrue).
bool isConditionTrue(const QList<Condition>& conditions, const QString& type);
/// Adds or updates `condition` with meta.SetStatusCondition semantics: lastTransitionTime moves (to the
/// condition's own value, else `now`) only when status changes; reason, message and observedGeneration
/// always follow. Returns true when anything changed.
bool setCondition(QList<Condition>& conditions, Condition condition, const QDateTime& now);
/// Removes the condition of `type`; true when one was there (meta.RemoveStatusCondition).
bool removeCondition(QList<Condition>& conditions, const QString& type);

} // namespace kube
