#include "condition.h"

#include "jsonfields.h"
#include "timestamps.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const auto conditionFields = [](auto& io, auto& c) {
    io.field("type"_L1, c.type);
    io.field("status"_L1, c.status);
    io.field("observedGeneration"_L1, c.observedGeneration);
    io.time("lastTransitionTime"_L1, c.lastTransitionTime);
    io.field("reason"_L1, c.reason);
    io.field("message"_L1, c.message);
};

// Copies `from` into `to`; true when they differed.
template <typename T> bool assign(T& to, const T& from)
{
    if (to == from)
        return false;
    to = from;
    return true;
}

} // namespace

Expected<Condition> Condition::fromJson(const QJsonObject& json)
{
    return json::decode<Condition>(json, conditionFields);
}

QJsonObject Condition::toJson() const
{
    return json::encode(*this, conditionFields);
}

const Condition* findCondition(const QList<Condition>& conditions, const QString& type)
{
    for (const Condition& condition : conditions) {
        if (condition.type == type)
            return &condition;
    }
    return nullptr;
}

bool isConditionTrue(const QList<Condition>& conditions, const QString& type)
{
    const Condition* condition = findCondition(conditions, type);
    return condition && condition->status == ConditionTrue;
}

bool setCondition(QList<Condition>& conditions, Condition condition, const QDateTime& now)
{
    auto existing = std::find_if(
        conditions.begin(), conditions.end(), [&](const Condition& c) { return c.type == condition.type; });
    if (existing == conditions.end()) {
        if (condition.lastTransitionTime.isEmpty())
            condition.lastTransitionTime = formatTime(now);
        conditions.append(std::move(condition));
        return true;
    }
    bool changed = false;
    if (assign(existing->status, condition.status)) {
        const bool given = !condition.lastTransitionTime.isEmpty();
        existing->lastTransitionTime = given ? condition.lastTransitionTime : formatTime(now);
        changed = true;
    }
    changed |= assign(existing->reason, condition.reason);
    changed |= assign(existing->message, condition.message);
    changed |= assign(existing->observedGeneration, condition.observedGeneration);
    return changed;
}

bool removeCondition(QList<Condition>& conditions, const QString& type)
{
    return conditions.removeIf([&](const Condition& c) { return c.type == type; }) > 0;
}

} // namespace kube
