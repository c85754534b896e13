#include "tests/support/paths.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mkt::testing {
namespace {

std::filesystem::path FromEnvOr(const char* name, const std::filesystem::path& fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::filesystem::path(value) : fallback;
}

}  // namespace

std::filesystem::path SourceDir() {
    // tests/support/paths.cpp -> repository root
    return FromEnvOr("MKT_SOURCE_DIR",
                     std::filesystem::path(__FILE__).parent_path().parent_path().parent_path());
}

std::filesystem::path BinaryDir() {
    return FromEnvOr("MKT_BINARY_DIR", std::filesystem::current_path());
}

std::filesystem::path StratusLabFixtures() {
    const auto in_repo_parent = SourceDir().parent_path() / "shared/fixtures/stratuslab";
    return FromEnvOr("MKT_FIXTURES_DIR", in_repo_parent);
}

std::filesystem::path TestPki() { return FromEnvOr("MKT_TEST_PKI", BinaryDir() / "test-pki"); }

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "test support: cannot read %s\n", path.c_str());
        std::abort();
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        std::fprintf(stderr, "test support: cannot write %s\n", path.c_str());
        std::abort();
    }
}

}  // namespace mkt::testing
