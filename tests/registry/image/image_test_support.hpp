// Test inputs for image digests: deterministic image bytes, archives made by the
// real gzip, bzip2 and xz commands, and the digests the coreutils tools print
// (md5sum, sha1sum, sha256sum, sha512sum), which the tests take as the truth.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mkt::testing {

/// `size` deterministic bytes mixing pseudo-random runs (incompressible) and
/// repeated text (compressible), so archives are neither trivial nor stored.
std::string ImageBytes(size_t size, uint32_t seed = 1);

/// Runs `/bin/sh -c command`; returns its standard output. A non-zero exit
/// status is a test failure (ADD_FAILURE naming the command).
std::string RunShell(const std::string& command);

/// `path` quoted for /bin/sh.
std::string ShellQuote(const std::filesystem::path& path);

struct ToolDigests {
    std::string md5, sha1, sha256, sha512;
};
/// The first field of `md5sum FILE`, `sha1sum FILE`, `sha256sum FILE`, `sha512sum FILE`.
ToolDigests DigestsByTools(const std::filesystem::path& file);

/// `tool -c FILE > FILE<suffix>` for tool gzip (".gz"), bzip2 (".bz2") or xz
/// (".xz"), extra options passed through (e.g. "-1"); returns the archive's path.
std::filesystem::path CompressWith(const std::string& tool, const std::filesystem::path& file,
                                   const std::string& options = "");

/// The suffix of `tool`'s archives: ".gz", ".bz2", ".xz".
std::string SuffixOf(const std::string& tool);

}  // namespace mkt::testing
