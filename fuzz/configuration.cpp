// The server's configuration file. Invariant: a configuration that parses and
// validates dumps to text that parses to the same dump (nothing lost, nothing
// invented).
#include "conf/config.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    mkt::conf::Config config;
    const mkt::Status parsed = mkt::conf::ParseInto(config, mkt::fuzz::AsText(data, size), "fuzz");
    if (!parsed.ok()) {
        FUZZ_CHECK(parsed.message().rfind("fuzz", 0) == 0);
        return 0;
    }
    if (!mkt::conf::Validate(config).ok()) return 0;
    const std::string dump = mkt::conf::Dump(config);
    mkt::conf::Config again;
    FUZZ_CHECK(mkt::conf::ParseInto(again, dump, "dump").ok());
    FUZZ_CHECK(mkt::conf::Dump(again) == dump);
    return 0;
}
