#pragma once

// Shared helpers of the libFuzzer targets: a property that does not hold is a crash libFuzzer records.
#include <QByteArray>
#include <cstdio>
#include <cstdlib>

/// Aborts with `what` when `condition` is false (the fuzzer saves the input as a crash artifact).
#define FUZZ_CHECK(condition, what)                                                                                    \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "fuzz property failed: %s (%s)\n", what, #condition);                                 \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

namespace fuzz {

/// The fuzzer's bytes as a QByteArray (copied: Qt may keep it).
inline QByteArray bytes(const uint8_t* data, size_t size)
{
    return QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));
}

} // namespace fuzz
