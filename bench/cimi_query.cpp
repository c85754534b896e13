// cimi_query: the CIMI collection query at scale. For N generated entries
// (bench/entry_generator.hpp, default 100,000) it prints
//   (a) the median latency of
//       GET /cimi/machineImages?$filter=property['os']='ubuntu' and
//       created>2024-01-01&$first=1&$last=50 divided by the median latency of GET
//       /metadata/{id}/{email}/{created}, the two measured alternately on one keep-alive connection
//       in the same run (goal <= 5);
//   (b) requests per second of that query under wrk -c 16.
//
//   cimi_query [--count N] [--db FILE] [--samples S] [--duration D] [--wrk PATH]
//              [--server PATH] [--pki DIR] [--server-set key=value]...
//
// The database comes from the generate_entries binary of this build (reused when
// FILE already holds N entries). The server runs as a child with strict trust on
// the test PKI, access log off, SQLite on FILE. Every answer must be 200 and the
// query must return 50 images with a count above 50, else the benchmark fails.
// Exit: 0 when measured, 1 when the benchmark failed, 2 for a usage error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "client/http_client.hpp"
#include "mappers/url.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr double kGoal = 5.0;
constexpr const char* kFilter = "property['os']='ubuntu' and created>2024-01-01";

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    size_t count = 100000;
    std::string db;
    size_t samples = 300;
    std::string duration = "10s";
    std::string wrk = "wrk";
};

const char* kUsage =
    "usage: cimi_query [--count N] [--db FILE] [--samples S] [--duration D] [--wrk PATH]\n"
    "  --count N      generated entries (default 100000)\n"
    "  --db FILE      SQLite file (default <build>/bench-data/entries-N.db)\n"
    "  --samples S    alternating latency samples of each request (default 300)\n"
    "  --duration D   wrk duration (default 10s)\n"
    "  --wrk PATH     wrk binary (default: wrk in PATH)\n";

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
        } else if (flag == "--duration") {
            o.duration = value;
        } else if (flag == "--wrk") {
            o.wrk = value;
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
Result<double> TimedGet(client::HttpClient& http, const std::string& url, std::string* body,
                        const std::string& accept = "") {
    const auto start = std::chrono::steady_clock::now();
    MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get(url, accept));
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (r.status != 200) {
        return Status::Internal("GET " + url + " answered " + std::to_string(r.status) + ": " +
                                r.body.substr(0, 300));
    }
    if (body) *body = std::move(r.body);
    return us;
}

// The server builds its SPARQL graph from the whole store after it starts (all
// cores, about a minute at 100,000 entries); measuring meanwhile measures the
// build. Waits while GET /sparql answers 503 (graph not ready), up to 15 minutes.
Status WaitForSparqlGraph(client::HttpClient& http, const ServerProcess& server) {
    const std::string url = server.Url("/sparql?query=" + mappers::PercentEncode("ASK {}", false));
    for (int second = 0; second < 900; ++second) {
        MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get(url));
        if (r.status != 503) return Status::Ok();
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    return Status::Internal("the SPARQL graph was still not ready after 15 minutes");
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

    const std::string query_path =
        "/cimi/machineImages?%24filter=" + mappers::PercentEncode(kFilter, false) +
        "&%24first=1&%24last=50";
    client::HttpClient http;
    MKT_RETURN_IF_ERROR(WaitForSparqlGraph(http, *server));
    std::string body;
    MKT_RETURN_IF_ERROR(TimedGet(http, server->Url(query_path), &body).status());
    const auto page = nlohmann::json::parse(body, nullptr, false);
    if (!page.contains("machineImages") || page["machineImages"].size() != 50 ||
        page["count"].get<uint64_t>() <= 50) {
        return Status::Internal("the query did not return 50 of more than 50 images: " +
                                body.substr(0, 300));
    }
    const std::string entry_path =
        PathOfUrl(page["machineImages"][0]["properties"]["metadata"].get<std::string>());

    std::vector<double> query_us, entry_us;
    for (size_t i = 0; i < o.samples + 20; ++i) {
        MKT_ASSIGN_OR_RETURN(double e, TimedGet(http, server->Url(entry_path), nullptr));
        MKT_ASSIGN_OR_RETURN(double q, TimedGet(http, server->Url(query_path), nullptr));
        if (i < 20) continue;  // warm-up
        entry_us.push_back(e);
        query_us.push_back(q);
    }
    const double q = Median(query_us), e = Median(entry_us);
    std::printf("cimi_query: %zu entries, %llu images match '%s'\n", o.count,
                static_cast<unsigned long long>(page["count"].get<uint64_t>()), kFilter);
    std::printf(
        "cimi_query (a): median query %.0f us / median entry GET %.0f us = %.2f "
        "(goal <= %.1f: %s)\n",
        q, e, q / e, kGoal, q / e <= kGoal ? "met" : "NOT met");

    MKT_ASSIGN_OR_RETURN(CommandOutput wrk,
                         RunCommand({o.wrk, "-t", "2", "-c", "16", "-d", o.duration, "--latency",
                                     server->Url(query_path)},
                                    work.path(), "wrk"));
    std::smatch m;
    if (wrk.exit_code != 0 ||
        !std::regex_search(wrk.out, m, std::regex(R"(Requests/sec:\s*([0-9.]+))"))) {
        return Status::Internal("wrk failed:\n" + wrk.out + wrk.err);
    }
    if (std::regex_search(wrk.out, std::regex(R"(Non-2xx or 3xx responses)"))) {
        return Status::Internal("wrk saw non-2xx answers:\n" + wrk.out);
    }
    std::printf("cimi_query (b): %s req/s under wrk -t 2 -c 16 -d %s\n", m[1].str().c_str(),
                o.duration.c_str());
    return server->Stop();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    auto options = mkt::bench::ParseArgs(argc, argv);
    if (!options.ok()) {
        std::fprintf(stderr, "cimi_query: %s\n%s%s", options.status().message().c_str(),
                     mkt::bench::kUsage, mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("cimi_query", [&] { return mkt::bench::Run(*options); });
}
