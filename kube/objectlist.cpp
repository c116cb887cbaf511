#include "objectlist.h"

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const auto listMetaFields = [](auto& io, auto& m) {
    io.field("resourceVersion"_L1, m.resourceVersion);
    io.field("continue"_L1, m.continueToken);
    io.field("remainingItemCount"_L1, m.remainingItemCount);
};

} // namespace

Expected<ListMeta> ListMeta::fromJson(const QJsonObject& json)
{
    return json::decode<ListMeta>(json, listMetaFields);
}

QJsonObject ListMeta::toJson() const
{
    return json::encode(*this, listMetaFields);
}

} // namespace kube
