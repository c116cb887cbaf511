// Merge, JSON and strategic merge patches. Input: one letter choosing the patch type (M, J or S) followed by a JSON
// array [target, patch]. Patching never crashes, fails with a reason, and a merge patch is idempotent.
#include "apiserver/patch.h"
#include "fuzzcheck.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

const apiserver::PatchSchema& schema()
{
    static const apiserver::PatchSchema s = [] {
        apiserver::PatchSchema schema = apiserver::objectMetaPatchSchema();
        using Kind = apiserver::ListStrategy::Kind;
        schema.insert(u"spec.template.spec.containers"_s, { Kind::MergeByKey, u"name"_s });
        schema.insert(u"spec.finalizers"_s, { Kind::MergePrimitive, {} });
        schema.insert(u"status.conditions"_s, { Kind::MergeByKey, u"type"_s });
        return schema;
    }();
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const char kind = char(data[0]);
    const QJsonDocument doc = QJsonDocument::fromJson(fuzz::bytes(data + 1, size - 1));
    if (!doc.isArray() || doc.array().size() != 2)
        return 0;
    const QJsonValue target = doc.array().at(0);
    const QJsonValue patch = doc.array().at(1);
    QString error;
    if (kind == 'M') {
        const QJsonValue once = apiserver::applyMergePatch(target, patch);
        FUZZ_CHECK(apiserver::applyMergePatch(once, patch) == once, "a merge patch is idempotent");
    } else if (kind == 'J') {
        if (!apiserver::applyJsonPatch(target, patch.toArray(), &error))
            FUZZ_CHECK(!error.isEmpty(), "a JSON patch error says which operation failed");
    } else if (kind == 'S') {
        if (!apiserver::applyStrategicMergePatch(target.toObject(), patch.toObject(), schema(), &error))
            FUZZ_CHECK(!error.isEmpty(), "a strategic merge patch error says what is wrong");
    }
    return 0;
}
