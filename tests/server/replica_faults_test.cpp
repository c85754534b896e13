// Faults under real replicas: the PostgreSQL server stops dead during uploads and
// comes back (a private cluster the test halts and resumes), and a replica is
// killed with SIGKILL mid-upload. Nothing acknowledged is lost, the outage is a
// clear 503 with Retry-After, and the replicas serve again without a restart.
#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "tests/server/replica_support.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

std::vector<std::string> UniqueDocuments(const std::string& prefix, int count) {
    const Timestamp now = SystemClock().Now();
    std::vector<std::string> documents;
    for (int i = 0; i < count; ++i) {
        documents.push_back(
            SignedDocument(i % 2 ? "alice" : "erin", {.image = prefix + std::to_string(i)}, now));
    }
    return documents;
}

/// What the clients saw, shared between their threads.
struct Outcomes {
    std::mutex mu;
    std::vector<std::string> acknowledged;  // Location of every 201
    std::atomic<int> answered{0};           // 201 or 200
    std::atomic<int> unavailable{0};        // 503s (then the client retries)
    std::vector<std::string> bad;           // anything else
};

/// Sends `document` until it is stored (201, or 200 when a retry finds that
/// the lost answer had committed); each 503 must name the database and carry
/// Retry-After. The client's pause before a retry is its back-off.
void UploadUntilStored(client::HttpClient& client, const ServerProcess& server,
                       const std::string& document, Outcomes& out) {
    for (int attempt = 0; attempt < 2000; ++attempt) {
        auto r = Upload(client, server, document);
        if (r.ok() && (r->status == 201 || r->status == 200)) {
            std::lock_guard lock(out.mu);
            if (r->status == 201) out.acknowledged.push_back(r->Header("Location"));
            ++out.answered;
            return;
        }
        if (!r.ok() || r->status != 503 || r->Header("Retry-After").empty() ||
            r->body.find("database unavailable") == std::string::npos) {
            std::lock_guard lock(out.mu);
            out.bad.push_back(r.ok() ? std::to_string(r->status) + " " + r->body
                                     : r.status().ToString());
            return;
        }
        ++out.unavailable;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    std::lock_guard lock(out.mu);
    out.bad.push_back("still 503 after 2000 attempts");
}

/// Every acknowledged entry answers 200 on `server`.
void ExpectAllReadable(const ServerProcess& server, const std::vector<std::string>& locations) {
    client::HttpClient client;
    for (const std::string& location : locations) {
        auto r = client.Get(server.url(PathOf(location)));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->status, 200) << PathOf(location);
    }
}

TEST(ReplicaFaultsTest, DatabaseStoppedDeadAndRestartedDuringUploads) {
    PrivatePgCluster cluster;
    TempDir dir_a, dir_b;
    ServerProcess a(dir_a.path(), ReplicaSettings(cluster.conninfo()));
    ServerProcess b(dir_b.path(), ReplicaSettings(cluster.conninfo()));
    const ServerProcess* replicas[2] = {&a, &b};
    const std::vector<std::string> documents = UniqueDocuments("outage-", 240);

    Outcomes out;
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&, t] {
            client::HttpClient client;
            for (size_t i = static_cast<size_t>(t); i < documents.size(); i += 4) {
                UploadUntilStored(client, *replicas[i % 2], documents[i], out);
            }
        });
    }
    ASSERT_TRUE(Eventually([&] { return out.answered >= 40; }));
    cluster.Halt();
    // While the database is down: uploads are 503 (the clients check the
    // message and Retry-After), /health is 503 for the load balancer, and an
    // entry read before the outage still comes from the entry cache.
    EXPECT_TRUE(Eventually([&] { return out.unavailable >= 8; }));
    for (const ServerProcess* replica : replicas) {
        auto health = client::HttpClient().Get(replica->url("health"));
        ASSERT_TRUE(health.ok());
        EXPECT_EQ(health->status, 503) << health->body;
        EXPECT_NE(health->body.find("database unavailable"), std::string::npos) << health->body;
        EXPECT_FALSE(health->Header("Retry-After").empty());
    }
    const int answered_during_outage = out.answered;
    cluster.Resume();
    for (auto& c : clients) c.join();

    EXPECT_TRUE(out.bad.empty()) << out.bad.front();
    EXPECT_EQ(out.answered, 240);
    std::cout << out.unavailable << " answers 503 during the outage (" << answered_during_outage
              << " uploads stored before it), " << out.acknowledged.size() << " answers 201\n";
    // Both replicas serve again, without a restart, with every entry.
    for (const ServerProcess* replica : replicas) {
        ExpectAllReadable(*replica, out.acknowledged);
        auto health = Health(*replica);
        ASSERT_TRUE(health);
        EXPECT_EQ((*health)["entries"].get<int>(), 240);
        EXPECT_TRUE(Eventually([&] { return GraphEntries(*replica) == 240; }))
            << GraphEntries(*replica);
    }
}

TEST(ReplicaFaultsTest, AReplicaKilledMidUploadLosesNothingAcknowledged) {
    const std::string conninfo = FreshPgSchema(PgClusterConninfo(), "killed");
    TempDir dir_a, dir_b;
    auto a = std::make_unique<ServerProcess>(dir_a.path(), ReplicaSettings(conninfo));
    ServerProcess b(dir_b.path(), ReplicaSettings(conninfo));
    const std::vector<std::string> documents = UniqueDocuments("killed-", 400);

    // Four clients upload to A until A stops answering.
    std::mutex mu;
    std::vector<std::string> acknowledged;
    std::atomic<int> refused{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&, t] {
            client::HttpClient client;
            for (size_t i = static_cast<size_t>(t); i < documents.size(); i += 4) {
                auto r = Upload(client, *a, documents[i]);
                if (!r.ok()) return;  // A is gone
                if (r->status != 201) {
                    ++refused;
                    ADD_FAILURE() << r->status << " " << r->body;
                    continue;
                }
                std::lock_guard lock(mu);
                acknowledged.push_back(r->Header("Location"));
            }
        });
    }
    ASSERT_TRUE(Eventually([&] {
        std::lock_guard lock(mu);
        return acknowledged.size() >= 60;
    }));
    a->Signal(SIGKILL);
    for (auto& c : clients) c.join();
    EXPECT_EQ(refused, 0);
    EXPECT_LT(acknowledged.size(), documents.size()) << "A was killed after the last upload";

    // Every 201 of A is readable from B.
    ExpectAllReadable(b, acknowledged);
    // A started again on the same database serves all of it. The counts are read
    // only now: a COMMIT that A sent just before the kill is still finished by
    // its (orphaned) database backend a moment later, and such an entry counts
    // (it is stored; A just never answered for it).
    a = std::make_unique<ServerProcess>(dir_a.path(), ReplicaSettings(conninfo));
    ExpectAllReadable(*a, acknowledged);
    auto health_b = Health(b);
    ASSERT_TRUE(health_b);
    const int stored = (*health_b)["entries"].get<int>();
    EXPECT_GE(stored, static_cast<int>(acknowledged.size()));
    std::cout << acknowledged.size() << " uploads acknowledged by A before SIGKILL, " << stored
              << " stored\n";
    auto health_a = Health(*a);
    ASSERT_TRUE(health_a);
    EXPECT_EQ((*health_a)["entries"].get<int>(), stored);
    EXPECT_EQ((*health_a)["last_seq"].get<int>(), stored);  // the feed has no gap
}

}  // namespace
}  // namespace mkt::testing
