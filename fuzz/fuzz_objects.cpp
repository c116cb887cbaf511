// JSON decoding of the typed objects: any bytes either fail with an error or decode into an object whose encoding
// decodes to the same object (toJson(fromJson(x)) == x for the lossless codecs).
#include "fuzzcheck.h"
#include "kube/objects.h"
#include "kube/yaml.h"

#include <QJsonDocument>

namespace {

template <typename T> void roundTrip(const QJsonObject& input)
{
    const kube::Expected<T> decoded = T::fromJson(input);
    if (!decoded) {
        FUZZ_CHECK(!decoded.error().message().isEmpty(), "a decoding error says what is wrong");
        return;
    }
    const QJsonObject encoded = decoded->toJson();
    FUZZ_CHECK(encoded == input, "toJson(fromJson(x)) == x");
    const kube::Expected<T> again = T::fromJson(encoded);
    FUZZ_CHECK(again.ok() && *again == *decoded, "fromJson(toJson(o)) == o");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    kube::ParseError error;
    const auto object = kube::parseJsonObject(fuzz::bytes(data, size), &error);
    if (!object)
        return 0;
    roundTrip<kube::ObjectMeta>(*object);
    roundTrip<kube::Secret>(*object);
    roundTrip<kube::SyncSecret>(*object);
    roundTrip<kube::SyncSecretStatus>(*object);
    roundTrip<kube::Condition>(*object);
    roundTrip<kube::Namespace>(*object);
    roundTrip<kube::Lease>(*object);
    roundTrip<kube::Event>(*object);
    roundTrip<kube::ObjectList<kube::Secret>>(*object);
    roundTrip<kube::ObjectList<kube::SyncSecret>>(*object);
    return 0;
}
