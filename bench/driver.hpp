// What the two HTTP benchmark drivers (upload_throughput, read_throughput)
// share: their common options, the server configuration under test and the
// checks that what was measured is what was meant (every upload stored).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/process.hpp"
#include "registry/result.hpp"

namespace mkt::bench {

struct DriverOptions {
    std::filesystem::path server;          // marketplace-server binary
    std::filesystem::path pki;             // test PKI (scripts/make-test-pki)
    std::vector<std::string> server_sets;  // extra "key=value" settings, applied last
    unsigned connections = 16;             // concurrent upload connections
};

/// Defaults from the build tree: its marketplace-server and test-pki.
DriverOptions DefaultDriverOptions();

/// Usage text of the common options.
std::string CommonUsage();

/// Consumes argv[i] (and its value, advancing i) when it is a common option:
/// --server PATH, --pki DIR, --connections C, --server-set key=value.
/// Returns false when argv[i] is not one; an error for a missing or bad value.
Result<bool> ParseCommonOption(int argc, char** argv, int& i, DriverOptions& options);

/// Parses a positive count for `flag`. Errors: kInvalidArgument naming both.
Result<size_t> ParseCount(std::string_view flag, std::string_view text);

/// The server under test: loopback, port 0, access log off, SQLite in
/// `work_dir` with the given synchronous mode, strict trust on the test PKI
/// (its ca/ directory and endorser list), then `extra` (later keys win).
std::vector<std::string> ServerSettings(const std::filesystem::path& work_dir,
                                        const std::filesystem::path& pki,
                                        std::string_view synchronous, bool benchmark_routes,
                                        const std::vector<std::string>& extra);

/// How the store is configured once `extra` (the --server-set values) is
/// applied over the drivers' defaults: "SQLite synchronous=full", "memory store".
std::string StoreLabel(const std::vector<std::string>& extra);

/// Checks the setup a driver relies on: the binary exists and the PKI has
/// ca/ and the endorser list. Errors: kInvalidArgument naming what is missing
/// and how to make it.
Status CheckInputs(const DriverOptions& options);

/// Asks GET /health how many entries the server stores and compares.
/// Errors: kInternal "server stores N entries, expected M" (or the health answer).
Status CheckStoredEntries(const ServerProcess& server, size_t expected);

/// The path part of an absolute URL ("http://h:p/a/b" -> "/a/b").
std::string PathOfUrl(std::string_view url);

/// The main() of the HTTP drivers after argument parsing: ignores SIGPIPE,
/// initialises xmlsec and libcurl for the lifetime of `run`, and turns its
/// Status into the exit code (1 with the message on stderr when it failed).
int RunDriver(const char* program, const std::function<Status()>& run);

}  // namespace mkt::bench
