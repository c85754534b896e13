// occi_discovery: the OCCI query interface at scale. For N generated entries
// (bench/entry_generator.hpp, default 100,000) it prints the median latency of
//   GET /-/ in text/plain and in application/occi+json (every image mixin),
//   GET /-/?page=1&number=100 (text/plain) and GET /-/ filtered by one image's
//   Category (what a client sends once it knows the image),
// each divided by the median latency of GET /metadata?limit=100 measured
// alternately on the same keep-alive connection in the same run, and the
// response sizes. Discovery at this scale stays usable through pagination and
// Category filtering (docs/api/occi.md, "Scale"); the full listing is the cost
// of asking for everything.
//
//   occi_discovery [--count N] [--db FILE] [--samples S]
//                  [--server PATH] [--pki DIR] [--server-set key=value]...
//
// The database comes from the generate_entries binary of this build (reused when
// FILE already holds N entries). The server runs as a child with strict trust on
// the test PKI, access log off, SQLite on FILE. Every answer must be 200 and the
// full listing must hold one os_tpl mixin per image, else the benchmark fails.
// Exit: 0 when measured, 1 when the benchmark failed, 2 for a usage error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "client/http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    size_t count = 100000;
    std::string db;
    size_t samples = 5;
};

const char* kUsage =
    "usage: occi_discovery [--count N] [--db FILE] [--samples S]\n"
    "  --count N      generated entries (default 100000)\n"
    "  --db FILE      SQLite file (default <build>/bench-data/entries-N.db)\n"
    "  --samples S    latency samples of each request (default 5; the paged and\n"
    "                 filtered requests and the reference take 20 x S)\n";

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

struct Request {
    std::string label, path, accept;
    std::vector<std::pair<std::string, std::string>> headers = {};
    size_t repeat = 1;  // samples multiplier
    std::vector<double> us = {};
    size_t bytes = 0;
};

// One GET; its latency in microseconds. Errors: transport, non-200.
Result<double> TimedGet(client::HttpClient& http, const ServerProcess& server, Request& r,
                        std::string* body = nullptr) {
    auto headers = r.headers;
    if (!r.accept.empty()) headers.emplace_back("Accept", r.accept);
    const auto start = std::chrono::steady_clock::now();
    MKT_ASSIGN_OR_RETURN(client::HttpResponse resp,
                         http.Send({"GET", server.Url(r.path), headers, ""}));
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (resp.status != 200) {
        return Status::Internal("GET " + r.path + " answered " + std::to_string(resp.status) +
                                ": " + resp.body.substr(0, 300));
    }
    r.bytes = resp.body.size();
    if (body) *body = std::move(resp.body);
    return us;
}

size_t CountLines(const std::string& body, std::string_view needle) {
    size_t n = 0;
    for (size_t at = body.find(needle); at != std::string::npos; at = body.find(needle, at + 1))
        ++n;
    return n;
}

// The Category line of the first image mixin of a text/plain query interface.
std::string FirstImageCategory(const std::string& body) {
    const size_t rel = body.find("rel=\"http://schemas.ogf.org/occi/infrastructure#os_tpl\"");
    if (rel == std::string::npos) return {};
    const size_t start = body.rfind("Category: ", rel) + 10;
    const size_t end = body.find("; title=", start);
    return body.substr(start, end - start);
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
    Request reference{"GET /metadata?limit=100", "/metadata?limit=100", "", {}, 20};
    Request plain{"GET /-/ text/plain", "/-/", "text/plain"};
    Request json{"GET /-/ application/occi+json", "/-/", "application/occi+json"};
    Request paged{
        "GET /-/?page=1&number=100 text/plain", "/-/?page=1&number=100", "text/plain", {}, 20};
    std::string body;
    MKT_RETURN_IF_ERROR(TimedGet(http, *server, plain, &body).status());
    const size_t mixins =
        CountLines(body, "rel=\"http://schemas.ogf.org/occi/infrastructure#os_tpl\"");
    const std::string image = FirstImageCategory(body);
    if (mixins == 0 || image.empty()) {
        return Status::Internal("GET /-/ listed no image mixin: " + body.substr(0, 300));
    }
    Request filtered{"GET /-/ Category: <one image mixin>",
                     "/-/",
                     "text/plain",
                     {{"Category", image + "; class=\"mixin\""}},
                     20};
    std::vector<Request*> all = {&reference, &plain, &json, &paged, &filtered};
    for (size_t i = 0; i < o.samples + 1; ++i) {
        for (Request* r : all) {
            for (size_t k = 0; k < r->repeat; ++k) {
                MKT_ASSIGN_OR_RETURN(double us, TimedGet(http, *server, *r));
                if (i > 0) r->us.push_back(us);  // the first round warms up
            }
        }
    }
    const double ref = Median(reference.us);
    std::printf("occi_discovery: %zu entries, %zu os_tpl image mixins in /-/\n", o.count, mixins);
    for (Request* r : all) {
        const double m = Median(r->us);
        std::printf("occi_discovery: %-42s median %10.0f us  %10zu bytes  ratio %8.1f\n",
                    r->label.c_str(), m, r->bytes, m / ref);
    }
    return server->Stop();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    auto options = mkt::bench::ParseArgs(argc, argv);
    if (!options.ok()) {
        std::fprintf(stderr, "occi_discovery: %s\n%s%s", options.status().message().c_str(),
                     mkt::bench::kUsage, mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("occi_discovery", [&] { return mkt::bench::Run(*options); });
}
