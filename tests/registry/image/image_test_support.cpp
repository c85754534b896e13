#include "tests/registry/image/image_test_support.hpp"

#include <array>
#include <cstdio>
#include <string_view>

#include <sys/wait.h>

#include <gtest/gtest.h>

namespace mkt::testing {

std::string ImageBytes(size_t size, uint32_t seed) {
    static constexpr std::string_view kText =
        "StratusLab image block: the quick brown fox jumps over the lazy dog 0123456789\n";
    std::string out;
    out.reserve(size);
    uint64_t state = 0x9e3779b97f4a7c15ULL ^ seed;
    auto next = [&state] {  // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545f4914f6cdd1dULL;
    };
    while (out.size() < size) {
        const uint64_t r = next();
        const size_t run = std::min<size_t>(size - out.size(), 512 + r % 8192);
        if (r & 1) {
            for (size_t i = 0; i < run; i += 8) {
                const uint64_t v = next();
                for (size_t b = 0; b < 8 && i + b < run; ++b) {
                    out.push_back(static_cast<char>(v >> (8 * b)));
                }
            }
        } else {
            for (size_t i = 0; i < run; ++i) out.push_back(kText[(i + r) % kText.size()]);
        }
    }
    return out;
}

std::string ShellQuote(const std::filesystem::path& path) {
    std::string out = "'";
    for (char c : path.string()) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out.push_back(c);
        }
    }
    return out + "'";
}

std::string RunShell(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) {
        ADD_FAILURE() << "cannot run: " << command;
        return "";
    }
    std::string out;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = ::pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ADD_FAILURE() << "command failed (status " << status << "): " << command;
    }
    return out;
}

namespace {

std::string FirstField(const std::string& tool, const std::filesystem::path& file) {
    const std::string out = RunShell(tool + " " + ShellQuote(file));
    return out.substr(0, out.find(' '));
}

}  // namespace

ToolDigests DigestsByTools(const std::filesystem::path& file) {
    return {FirstField("md5sum", file), FirstField("sha1sum", file), FirstField("sha256sum", file),
            FirstField("sha512sum", file)};
}

std::string SuffixOf(const std::string& tool) {
    if (tool == "gzip") return ".gz";
    if (tool == "bzip2") return ".bz2";
    if (tool == "xz") return ".xz";
    ADD_FAILURE() << "no archive suffix known for " << tool;
    return ".unknown";
}

std::filesystem::path CompressWith(const std::string& tool, const std::filesystem::path& file,
                                   const std::string& options) {
    std::filesystem::path archive = file;
    archive += SuffixOf(tool);
    RunShell(tool + " " + options + " -c " + ShellQuote(file) + " > " + ShellQuote(archive));
    return archive;
}

}  // namespace mkt::testing
