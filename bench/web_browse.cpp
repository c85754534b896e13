// web_browse: the web UI's browse page at scale. For N generated entries
// (bench/entry_generator.hpp, default 100,000) and each scenario below it prints
// the median latency of the HTML browse page with 50 rows divided by the median
// latency of the same page as JSON from the native API (same URL, same query,
// Accept text/html vs application/json), the two measured alternately on one
// keep-alive loopback connection in the same run. Goal: <= 1.5 for every scenario.
// Both answers come from one Registry::Search (the store's paging), so the ratio
// is the cost of rendering HTML against that of writing the native JSON.
//
//   web_browse [--count N] [--db FILE] [--samples S]
//              [--server PATH] [--pki DIR] [--server-set key=value]...
//
// The database comes from the generate_entries binary of this build (reused when
// FILE already holds N entries: copy a ready one rather than generating again).
// The server runs as a child with strict trust on the test PKI, access log off,
// SQLite on FILE. Every answer must be 200 and each page must hold 50 rows out of
// more than 50 matches, else the benchmark fails.
// Exit: 0 when measured, 1 when the benchmark failed, 2 for a usage error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "client/http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr double kGoal = 1.5;
constexpr size_t kRows = 50;

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    size_t count = 100000;
    std::string db;
    size_t samples = 300;
};

// The browse page as a browser first sees it, a filtered one, a sorted one, a later page.
struct Scenario {
    const char* name;
    const char* path;
};
constexpr Scenario kScenarios[] = {
    {"first page", "/metadata?limit=50"},
    {"os filter", "/metadata?os=ubuntu&limit=50"},
    {"text search, title sort", "/metadata?q=server&sort=title&order=asc&limit=50"},
    {"all statuses, offset 500", "/metadata?status=all&limit=50&offset=500"},
};

const char* kUsage =
    "usage: web_browse [--count N] [--db FILE] [--samples S]\n"
    "  --count N      generated entries (default 100000)\n"
    "  --db FILE      SQLite file (default <build>/bench-data/entries-N.db)\n"
    "  --samples S    alternating latency samples of each page (default 300)\n";

Result<Options> ParseArgs(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        MKT_ASSIGN_OR_RETURN(bool common, ParseCommonOption(argc, argv, i, o.driver));
        if (common) continue;
        if (i + 1 >= argc) return Status::InvalidArgument("unknown or incomplete option " + flag);
        const std::string value = argv[++i];
        if (flag == "--count") {
            MKT_ASSIGN_OR_RETURN(o.count, ParseCount(flag, value));
        } else if (flag == "--samples") {
            MKT_ASSIGN_OR_RETURN(o.samples, ParseCount(flag, value));
        } else if (flag == "--db") {
            o.db = value;
        } else {
            return Status::InvalidArgument("unknown option " + flag);
        }
    }
    if (o.db.empty()) {
        o.db = std::string(MKT_BENCH_DATA_DIR) + "/entries-" + std::to_string(o.count) + ".db";
    }
    return o;
}

double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// One GET; its latency in microseconds. Errors: transport, non-200.
Result<double> TimedGet(client::HttpClient& http, const std::string& url, const std::string& accept,
                        client::HttpResponse* response) {
    const auto start = std::chrono::steady_clock::now();
    MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get(url, accept));
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (r.status != 200) {
        return Status::Internal("GET " + url + " (" + accept + ") answered " +
                                std::to_string(r.status) + ": " + r.body.substr(0, 300));
    }
    if (response) *response = std::move(r);
    return us;
}

// Both representations hold the same 50 rows out of more than 50 matches.
Status CheckPages(const std::string& path, const client::HttpResponse& html,
                  const client::HttpResponse& json) {
    const auto page = nlohmann::json::parse(json.body, nullptr, false);
    if (page.is_discarded() || page["entries"].size() != kRows ||
        page["total"].get<uint64_t>() <= kRows) {
        return Status::Internal(path + ": the JSON page does not hold 50 of more than 50 entries");
    }
    size_t rows = 0;
    for (size_t at = html.body.find("<a class=\"entry\""); at != std::string::npos;
         at = html.body.find("<a class=\"entry\"", at + 1)) {
        ++rows;
    }
    if (rows != kRows ||
        html.Header("X-Total-Count") != std::to_string(page["total"].get<uint64_t>()))
        return Status::Internal(path + ": the HTML page does not hold the same 50 rows");
    for (const auto& entry : page["entries"]) {
        if (html.body.find(entry["identifier"].get<std::string>()) == std::string::npos)
            return Status::Internal(path + ": the HTML page misses an entry of the JSON page");
    }
    return Status::Ok();
}

Status Measure(client::HttpClient& http, const ServerProcess& server, const Scenario& s,
               size_t samples, bool* met) {
    const std::string url = server.Url(s.path);
    client::HttpResponse html, json;
    MKT_RETURN_IF_ERROR(TimedGet(http, url, "text/html", &html).status());
    MKT_RETURN_IF_ERROR(TimedGet(http, url, "application/json", &json).status());
    MKT_RETURN_IF_ERROR(CheckPages(s.path, html, json));
    std::vector<double> html_us, json_us;
    for (size_t i = 0; i < samples + 20; ++i) {
        MKT_ASSIGN_OR_RETURN(double j, TimedGet(http, url, "application/json", nullptr));
        MKT_ASSIGN_OR_RETURN(double h, TimedGet(http, url, "text/html", nullptr));
        if (i < 20) continue;  // warm-up
        json_us.push_back(j);
        html_us.push_back(h);
    }
    const double h = Median(html_us), j = Median(json_us);
    *met = *met && h / j <= kGoal;
    std::printf(
        "web_browse %-26s median HTML %6.0f us (%6zu B) / median JSON %6.0f us (%6zu B) = %.2f "
        "(goal <= %.1f: %s)\n",
        (std::string(s.name) + ":").c_str(), h, html.body.size(), j, json.body.size(), h / j, kGoal,
        h / j <= kGoal ? "met" : "NOT met");
    return Status::Ok();
}

Status Run(const Options& o) {
    MKT_RETURN_IF_ERROR(CheckInputs(o.driver));
    testing::TempDir work;
    std::filesystem::create_directories(std::filesystem::path(o.db).parent_path());
    MKT_ASSIGN_OR_RETURN(CommandOutput gen,
                         RunCommand({MKT_BENCH_GENERATE_BINARY, "--count", std::to_string(o.count),
                                     "--output", o.db, "--pki", o.driver.pki.string()},
                                    work.path(), "generate_entries"));
    if (gen.exit_code != 0) return Status::Internal("generate_entries failed:\n" + gen.err);
    std::printf("%s", gen.out.c_str());

    std::vector<std::string> extra = {"store.sqlite.path=" + o.db};
    extra.insert(extra.end(), o.driver.server_sets.begin(), o.driver.server_sets.end());
    MKT_ASSIGN_OR_RETURN(
        auto server,
        ServerProcess::Start({o.driver.server, work.path(),
                              ServerSettings(work.path(), o.driver.pki, "normal", false, extra)}));
    MKT_RETURN_IF_ERROR(CheckStoredEntries(*server, o.count));
    client::HttpClient http;
    bool met = true;
    for (const Scenario& s : kScenarios)
        MKT_RETURN_IF_ERROR(Measure(http, *server, s, o.samples, &met));
    std::printf("web_browse: %zu entries, %zu rows per page: goal <= %.1f %s\n", o.count, kRows,
                kGoal, met ? "met on every page" : "NOT met");
    return server->Stop();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    auto options = mkt::bench::ParseArgs(argc, argv);
    if (!options.ok()) {
        std::fprintf(stderr, "web_browse: %s\n%s%s", options.status().message().c_str(),
                     mkt::bench::kUsage, mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("web_browse", [&] { return mkt::bench::Run(*options); });
}
