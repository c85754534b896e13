// Shared by the fuzz targets (docs/security.md "Fuzzing"). Each target defines
// LLVMFuzzerTestOneInput: built with libFuzzer by scripts/fuzz (its own clang
// build tree, -fsanitize=fuzzer,address,undefined), and built again with
// tests/fuzz/replay_main.cpp in the normal suite, which feeds it the seeds and
// every kept regression input (tests/fuzz/regressions/<target>/).
//
// A target checks invariants as well as "does not crash": FUZZ_CHECK aborts
// with the failed condition, which libFuzzer reports as a crash and keeps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(condition)                                                          \
    do {                                                                               \
        if (!(condition)) {                                                            \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                         #condition);                                                  \
            std::abort();                                                              \
        }                                                                              \
    } while (false)

namespace mkt::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Splits the input at its first newline: a small "header" and the rest.
inline std::pair<std::string_view, std::string_view> SplitFirstLine(std::string_view input) {
    const size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return {input, {}};
    return {input.substr(0, nl), input.substr(nl + 1)};
}

}  // namespace mkt::fuzz
