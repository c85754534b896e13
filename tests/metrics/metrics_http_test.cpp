// /metrics over real HTTP against the real server (SQLite, strict trust, test
// PKI): mixed requests move the expected counters, the output passes
// Prometheus' own `promtool check metrics`, and metrics.enabled = false
// removes the route. Needs promtool (Debian package prometheus, installed by
// scripts/install-deps).
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

// Every sample line "name{labels} value" of a text-format body, keyed by
// "name{labels}" (or "name").
std::map<std::string, double> Samples(const std::string& body) {
    std::map<std::string, double> out;
    size_t at = 0;
    while (at < body.size()) {
        size_t end = body.find('\n', at);
        if (end == std::string::npos) end = body.size();
        const std::string line = body.substr(at, end - at);
        at = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const size_t space = line.rfind(' ');
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

double Value(const std::map<std::string, double>& samples, const std::string& key) {
    auto it = samples.find(key);
    return it == samples.end() ? 0 : it->second;
}

// Runs `promtool check metrics` on `body`; returns its exit status and output.
std::pair<int, std::string> PromtoolCheck(const std::string& body, const std::string& dir) {
    const std::string file = dir + "/metrics.txt";
    std::ofstream(file) << body;
    std::string output;
    FILE* pipe = popen(("promtool check metrics < '" + file + "' 2>&1").c_str(), "r");
    if (!pipe) return {-1, "cannot run promtool"};
    char buffer[512];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    return {pclose(pipe), output};
}

TEST(MetricsHttpTest, MixedRequestsMoveTheCountersAndPromtoolAcceptsTheOutput) {
    testing::TestServer server;
    const auto before = Samples(server.Get("metrics").body);

    const Timestamp now = server.clock().Now();
    ASSERT_EQ(server.Upload(testing::SignedDocument("alice", {.image = "metrics-1"}, now)).status,
              201);
    const auto created =
        server.Upload(testing::SignedDocument("alice", {.image = "metrics-2"}, now));
    ASSERT_EQ(created.status, 201);
    EXPECT_EQ(server.Upload("<not-rdf").status, 400);
    EXPECT_EQ(server.Get("health").status, 200);
    EXPECT_EQ(server.Get("no/such/path").status, 404);
    const std::string location = created.Header("Location");
    ASSERT_FALSE(location.empty());
    EXPECT_EQ(server.Get(location.substr(location.find("/metadata/") + 1)).status, 200);
    server.Get("query?query=SELECT");  // a syntax error: refused

    const auto response = server.Get("metrics");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    const auto after = Samples(response.body);
    auto moved = [&](const std::string& key) { return Value(after, key) - Value(before, key); };
    EXPECT_EQ(moved(R"(marketplace_uploads_accepted_total{origin="upload",result="created"})"), 2);
    EXPECT_EQ(
        moved(R"(marketplace_uploads_refused_total{origin="upload",reason="invalid_argument"})"),
        1);
    EXPECT_EQ(moved(R"(marketplace_http_requests_total{route="POST /metadata",code="201"})"), 2);
    EXPECT_EQ(moved(R"(marketplace_http_requests_total{route="POST /metadata",code="400"})"), 1);
    EXPECT_EQ(moved(R"(marketplace_http_requests_total{route="GET /health",code="200"})"), 1);
    EXPECT_EQ(moved(R"(marketplace_http_requests_total{route="unmatched",code="404"})"), 1);
    EXPECT_GE(moved(R"(marketplace_http_request_duration_seconds_count{route="POST /metadata"})"),
              3);
    EXPECT_EQ(moved(R"(marketplace_sparql_queries_total{outcome="refused"})"), 1);
    EXPECT_EQ(Value(after, "marketplace_store_entries"), 2);
    EXPECT_EQ(Value(after, "marketplace_store_last_seq"), 2);
    EXPECT_GT(Value(after, "process_resident_memory_bytes"), 0);
    EXPECT_GT(Value(after, "process_open_fds"), 0);
    EXPECT_GT(Value(after, "process_threads"), 1);
    EXPECT_GE(Value(after, "marketplace_uptime_seconds"), 0);

    const auto [status, output] = PromtoolCheck(response.body, server.dir().path().string());
    EXPECT_EQ(status, 0) << output;
}

TEST(MetricsHttpTest, DisabledMetricsHaveNoRoute) {
    testing::TestServer server({"metrics.enabled=false"});
    EXPECT_EQ(server.Get("metrics").status, 404);
}

TEST(MetricsHttpTest, AnotherPathServesThem) {
    testing::TestServer server({"metrics.path=/ops/metrics"});
    EXPECT_EQ(server.Get("ops/metrics").status, 200);
    EXPECT_EQ(server.Get("metrics").status, 404);
}

TEST(MetricsHttpTest, BadPathIsAClearConfigurationError) {
    auto config = conf::Load(std::nullopt, {}, {"metrics.path=metrics"});
    ASSERT_FALSE(config.ok());
    EXPECT_NE(config.status().message().find("metrics.path"), std::string::npos)
        << config.status().message();
}

}  // namespace
}  // namespace mkt
