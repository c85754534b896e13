// Two real marketplace-server replicas on one PostgreSQL database (the cluster of
// ctest fixture pg_cluster, a fresh schema per test): uploads sent to both at
// once, some of the same document to both, are all readable from both, and both
// report the same store state.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt {
namespace {

/// A new, empty schema of the test cluster; returns the conninfo naming it.
std::string FreshSchema(const std::string& name) {
    const char* env = std::getenv("MKT_PG_CONNINFO");
    const std::string base = env ? env : MKT_PG_TEST_CONNINFO;
    const std::string schema = name + std::to_string(getpid());
    PGconn* conn = PQconnectdb(base.c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* r = PQexec(conn, ("CREATE SCHEMA " + schema).c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(conn);
    PQclear(r);
    PQfinish(conn);
    return base + " options='-csearch_path=" + schema + "'";
}

std::vector<std::string> ReplicaSettings(const std::string& conninfo) {
    const auto pki = testing::TestPki();
    return {"store.type=postgresql",
            "store.postgresql.conninfo=" + conninfo,
            "store.postgresql.pool_size=4",
            "trust.mode=strict",
            "trust.ca_dir=" + (pki / "ca").string(),
            "http.access_log=off",
            "http.threads=8"};
}

nlohmann::json Health(const testing::ServerProcess& server) {
    auto r = client::HttpClient().Get(server.url("health"));
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << r->body;
    return nlohmann::json::parse(r->body);
}

/// Entries in the replica's SPARQL graph, or -1 when /query does not answer.
int GraphEntries(const testing::ServerProcess& server) {
    client::HttpRequest request{
        "POST",
        server.url("query"),
        {{"Content-Type", "application/sparql-query"},
         {"Accept", "application/sparql-results+json"}},
        "SELECT (COUNT(?x) AS ?n) WHERE { ?x <http://purl.org/dc/terms/identifier> ?i }"};
    auto r = client::HttpClient().Send(request);
    if (!r.ok() || r->status != 200) return -1;
    return std::stoi(
        nlohmann::json::parse(r->body)["results"]["bindings"][0]["n"]["value"].get<std::string>());
}

/// Polls until the replica's graph holds `n` entries (deadline 20 s).
bool GraphReaches(const testing::ServerProcess& server, int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (GraphEntries(server) == n) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

TEST(ReplicasTest, UploadsToEitherReplicaAreReadableFromBoth) {
    const std::string conninfo = FreshSchema("replicas");
    testing::TempDir dir_a, dir_b;
    testing::ServerProcess a(dir_a.path(), ReplicaSettings(conninfo));
    testing::ServerProcess b(dir_b.path(), ReplicaSettings(conninfo));
    const testing::ServerProcess* replicas[2] = {&a, &b};

    // 120 documents; the clients of each pair send the same documents, one to A
    // and one to B, so each document reaches both replicas at about the same time.
    const Timestamp now = SystemClock().Now();
    std::vector<std::string> documents;
    for (int i = 0; i < 120; ++i) {
        documents.push_back(testing::SignedDocument(i % 2 ? "alice" : "erin",
                                                    {.image = "replica-" + std::to_string(i)},
                                                    now - static_cast<int64_t>(i % 3)));
    }
    std::mutex mu;
    std::vector<std::string> locations;
    std::atomic<int> created{0}, unchanged{0}, other{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
        clients.emplace_back([&, t] {
            client::HttpClient client;
            for (size_t i = static_cast<size_t>(t / 2); i < documents.size(); i += 4) {
                auto r = client.Post(replicas[t % 2]->url("metadata"), "application/rdf+xml",
                                     documents[i]);
                if (!r.ok()) {
                    ++other;
                    continue;
                }
                if (r->status == 201) {
                    ++created;
                    std::lock_guard lock(mu);
                    locations.push_back(r->Header("Location"));
                } else if (r->status == 200) {
                    ++unchanged;
                } else {
                    ++other;
                    ADD_FAILURE() << r->status << " " << r->body;
                }
            }
        });
    }
    for (auto& c : clients) c.join();
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(created.load(), 120);    // each document stored once...
    EXPECT_EQ(unchanged.load(), 120);  // ...and its copy on the other replica recognised

    client::HttpClient client;
    for (const std::string& location : locations) {
        const std::string path = location.substr(location.find("/metadata/") + 1);
        for (const testing::ServerProcess* replica : replicas) {
            auto r = client.Get(replica->url(path));
            ASSERT_TRUE(r.ok());
            EXPECT_EQ(r->status, 200) << path;
        }
    }
    const nlohmann::json health_a = Health(a), health_b = Health(b);
    EXPECT_EQ(health_a["store"], "postgresql");
    EXPECT_EQ(health_b["store"], "postgresql");
    EXPECT_EQ(health_a["entries"].get<int>(), 120);
    EXPECT_EQ(health_b["entries"].get<int>(), 120);
    EXPECT_EQ(health_a["last_seq"].get<int>(), 120);  // no seq lost to a refused upload
    EXPECT_EQ(health_b["last_seq"].get<int>(), 120);
    // The SPARQL graph of each replica follows the other's uploads too.
    EXPECT_TRUE(GraphReaches(a, 120)) << GraphEntries(a);
    EXPECT_TRUE(GraphReaches(b, 120)) << GraphEntries(b);
}

TEST(ReplicasTest, AnUnreachableDatabaseStopsTheServerWithTheReason) {
    testing::TempDir dir;
    // The server refuses to start: it names the failure instead of serving nothing.
    const std::string command =
        (testing::BinaryDir() / "server" / "marketplace-server").string() +
        " --set store.type=postgresql --set 'store.postgresql.conninfo=host=/nonexistent-mkt "
        "port=5432 connect_timeout=2' --set trust.mode=compat --set http.port=0 2>&1";
    FILE* out = popen(command.c_str(), "r");
    ASSERT_NE(out, nullptr);
    std::string text;
    char buffer[512];
    while (size_t n = fread(buffer, 1, sizeof buffer, out)) text.append(buffer, n);
    const int status = pclose(out);
    EXPECT_NE(status, 0);
    EXPECT_NE(text.find("database unavailable: cannot connect"), std::string::npos) << text;
}

}  // namespace
}  // namespace mkt
