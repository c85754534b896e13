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
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/report.hpp"
#include "bench/scale.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr double kGoal = 1.5;
constexpr size_t kRows = 50;

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

constexpr size_t kDefaultSamples = 300;

std::string Usage() {
    return "usage: web_browse [--count N] [--db FILE] [--samples S]\n" +
           ScaleUsage(kDefaultSamples);
}

Result<ScaleOptions> ParseArgs(int argc, char** argv) {
    ScaleOptions o;
    o.samples = kDefaultSamples;
    for (int i = 1; i < argc; ++i) {
        MKT_ASSIGN_OR_RETURN(bool known, ParseScaleOption(argc, argv, i, o));
        if (!known) return Status::InvalidArgument(std::string("unknown option ") + argv[i]);
    }
    return o;
}

Result<double> TimedGet(client::HttpClient& http, const std::string& url, const std::string& accept,
                        client::HttpResponse* response) {
    return bench::TimedGet(http, GetRequest(url, accept), response);
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

Status Run(const ScaleOptions& o) {
    testing::TempDir work;
    MKT_ASSIGN_OR_RETURN(auto server, StartOnGeneratedEntries(o, work.path()));
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
                     mkt::bench::Usage().c_str(), mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("web_browse", [&] { return mkt::bench::Run(*options); });
}
