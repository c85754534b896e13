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
// The server runs on a database of generated entries (bench/scale.hpp). Every answer must be 200
// and the full listing must hold one os_tpl mixin per image, else the benchmark fails. Exit: 0 when
// measured, 1 when the benchmark failed, 2 for a usage error.
#include <cstdio>
#include <string>
#include <vector>

#include "bench/report.hpp"
#include "bench/scale.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr size_t kDefaultSamples = 5;

std::string Usage() {
    return "usage: occi_discovery [--count N] [--db FILE] [--samples S]\n" +
           ScaleUsage(kDefaultSamples) +
           "                 (the paged and filtered requests and the reference take 20 x S)\n";
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

struct Request {
    std::string label, path, accept;
    std::vector<std::pair<std::string, std::string>> headers = {};
    size_t repeat = 1;  // samples multiplier
    std::vector<double> us = {};
    size_t bytes = 0;
};

// One GET of `r`; its latency in microseconds; records the response size.
Result<double> TimedGet(client::HttpClient& http, const ServerProcess& server, Request& r,
                        std::string* body = nullptr) {
    client::HttpRequest request = GetRequest(server.Url(r.path), r.accept);
    request.headers.insert(request.headers.end(), r.headers.begin(), r.headers.end());
    client::HttpResponse response;
    MKT_ASSIGN_OR_RETURN(double us, bench::TimedGet(http, request, &response));
    r.bytes = response.body.size();
    if (body) *body = std::move(response.body);
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

Status Run(const ScaleOptions& o) {
    testing::TempDir work;
    MKT_ASSIGN_OR_RETURN(auto server, StartOnGeneratedEntries(o, work.path()));

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
                     mkt::bench::Usage().c_str(), mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("occi_discovery", [&] { return mkt::bench::Run(*options); });
}
