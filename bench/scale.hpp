// What the benchmarks at scale (cimi_query, occi_discovery, web_browse) share:
// their options, a server on a database of generated entries, timed GETs.
//
// The database is DIR/entries-N.db (default <build>/bench-data) made by this
// build's generate_entries (bench/entry_generator.hpp), reused when it already
// holds N entries. The server runs as a child (bench::ServerSettings: strict
// trust on the test PKI, access log off) on that file, and measuring starts only
// once its SPARQL graph is built: the build takes every core for up to a minute
// at 100,000 entries and would otherwise be measured with the requests.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "client/http_client.hpp"
#include "registry/result.hpp"

namespace mkt::bench {

struct ScaleOptions {
    DriverOptions driver = DefaultDriverOptions();
    size_t count = 100000;
    std::string db;      // empty: <build>/bench-data/entries-<count>.db
    size_t samples = 0;  // each benchmark sets its default before parsing
};

/// Usage lines of the options ParseScaleOption knows (besides CommonUsage).
std::string ScaleUsage(size_t default_samples);

/// Consumes argv[i] (and its value) when it is a common option (driver.hpp) or
/// --count N, --db FILE, --samples S. Returns false when it is none of them.
/// Errors: kInvalidArgument for a missing or bad value.
Result<bool> ParseScaleOption(int argc, char** argv, int& i, ScaleOptions& options);

/// Generates (or reuses) the database and returns its path. `work_dir`
/// receives the generator's log. Errors: the generator's, naming it.
Result<std::filesystem::path> GenerateScaleDatabase(const ScaleOptions& options,
                                                const std::filesystem::path& work_dir);

/// Generates (or reuses) the database, starts the server on it, checks that it
/// holds `count` entries and waits until /query is ready. `work_dir` receives
/// the children's logs. Errors: those of each step, naming it.
Result<std::unique_ptr<ServerProcess>> StartOnGeneratedEntries(
    const ScaleOptions& options, const std::filesystem::path& work_dir);

/// Polls GET /query with a trivial ASK until it answers 200 (it answers 503
/// while the graph is built). Errors: kDeadlineExceeded after `timeout_seconds`,
/// kInternal for any answer but 200 or 503.
Status WaitUntilQueryReady(client::HttpClient& http, const ServerProcess& server,
                           int timeout_seconds = 900);

/// A GET of `url`, with `Accept: accept` when not empty.
client::HttpRequest GetRequest(const std::string& url, const std::string& accept = "");

/// Sends `request` and returns its latency in microseconds; the response goes
/// to `response` when given. Errors: transport, kInternal for a status other
/// than 200 (quoting the start of the body).
Result<double> TimedGet(client::HttpClient& http, const client::HttpRequest& request,
                        client::HttpResponse* response = nullptr);

}  // namespace mkt::bench
