// Protobuf request bodies (runtime.Unknown envelopes): decoding never crashes and fails with a reason.
#include "apiserver/protobuf.h"
#include "fuzzcheck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QString error;
    const auto object = apiserver::protobuf::decodeRequest(fuzz::bytes(data, size), &error);
    FUZZ_CHECK(object.has_value() || !error.isEmpty(), "a protobuf error says what is wrong");
    return 0;
}
