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
// The server runs on a database of generated entries (bench/scale.hpp). Every answer must be 200
// and the query must return 50 images with a count above 50, else the benchmark fails. Exit: 0 when
// measured, 1 when the benchmark failed, 2 for a usage error.
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/report.hpp"
#include "bench/scale.hpp"
#include "mappers/url.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr double kGoal = 5.0;
constexpr const char* kFilter = "property['os']='ubuntu' and created>2024-01-01";

struct Options {
    ScaleOptions scale;
    std::string duration = "10s";
    std::string wrk = "wrk";
};

constexpr size_t kDefaultSamples = 300;

std::string Usage() {
    return "usage: cimi_query [--count N] [--db FILE] [--samples S] [--duration D] [--wrk PATH]\n" +
           ScaleUsage(kDefaultSamples) +
           "  --duration D   wrk duration (default 10s)\n"
           "  --wrk PATH     wrk binary (default: wrk in PATH)\n";
}

Result<Options> ParseArgs(int argc, char** argv) {
    Options o;
    o.scale.samples = kDefaultSamples;
    for (int i = 1; i < argc; ++i) {
        MKT_ASSIGN_OR_RETURN(bool known, ParseScaleOption(argc, argv, i, o.scale));
        if (known) continue;
        const std::string flag = argv[i];
        if (i + 1 >= argc) return Status::InvalidArgument("unknown or incomplete option " + flag);
        const std::string value = argv[++i];
        if (flag == "--duration") {
            o.duration = value;
        } else if (flag == "--wrk") {
            o.wrk = value;
        } else {
            return Status::InvalidArgument("unknown option " + flag);
        }
    }
    return o;
}

Result<double> TimedGet(client::HttpClient& http, const std::string& url, std::string* body) {
    client::HttpResponse response;
    MKT_ASSIGN_OR_RETURN(double us, bench::TimedGet(http, GetRequest(url), &response));
    if (body) *body = std::move(response.body);
    return us;
}

Status Run(const Options& o) {
    testing::TempDir work;
    MKT_ASSIGN_OR_RETURN(auto server, StartOnGeneratedEntries(o.scale, work.path()));

    const std::string query_path =
        "/cimi/machineImages?%24filter=" + mappers::PercentEncode(kFilter, false) +
        "&%24first=1&%24last=50";
    client::HttpClient http;
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
    for (size_t i = 0; i < o.scale.samples + 20; ++i) {
        MKT_ASSIGN_OR_RETURN(double e, TimedGet(http, server->Url(entry_path), nullptr));
        MKT_ASSIGN_OR_RETURN(double q, TimedGet(http, server->Url(query_path), nullptr));
        if (i < 20) continue;  // warm-up
        entry_us.push_back(e);
        query_us.push_back(q);
    }
    const double q = Median(query_us), e = Median(entry_us);
    std::printf("cimi_query: %zu entries, %llu images match '%s'\n", o.scale.count,
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
                     mkt::bench::Usage().c_str(), mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("cimi_query", [&] { return mkt::bench::Run(*options); });
}
