// Two real marketplace-server replicas on one PostgreSQL database (the cluster of
// ctest fixture pg_cluster, a fresh schema per test): 2,000 uploads from 8
// clients to both at once, pairs of them racing for the same image, all
// readable from both; one newest entry per image; a feed without gaps, also for
// a reader that polls it while the writers run; each replica's SPARQL graph
// follows the other's uploads.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/store/postgres/postgres_store.hpp"
#include "tests/server/replica_support.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

/// Two documents sent at the same moment, `first` to one replica and `second`
/// to the other. Either the same bytes (one 201, one 200 "unchanged") or two
/// endorsements of one image by one endorser, `second` the newer (it is
/// always accepted; `first` is accepted or refused as older than the latest).
struct RacingPair {
    std::string identifier;
    std::string first, second;
    bool same_bytes;
    Timestamp newest_created;
};

std::vector<RacingPair> MakePairs(int count) {
    const Timestamp now = SystemClock().Now();
    std::vector<RacingPair> pairs;
    for (int i = 0; i < count; ++i) {
        const std::string image = "replica-" + std::to_string(i);
        const std::string endorser = i % 2 ? "alice" : "erin";
        const bool same = i % 2 == 0;
        const Timestamp older = now - int64_t{2}, newer = now - int64_t{1};
        RacingPair p{IdentifierOf(image), SignedDocument(endorser, {.image = image}, older), "",
                     same, same ? older : newer};
        p.second = same ? p.first : SignedDocument(endorser, {.image = image}, newer);
        pairs.push_back(std::move(p));
    }
    return pairs;
}

struct Tally {
    std::mutex mu;
    std::vector<std::string> locations;  // of every 201
    int created = 0, unchanged = 0, older_refused = 0, other = 0;

    void Count(const Result<client::HttpResponse>& r, bool may_be_older) {
        std::lock_guard lock(mu);
        if (!r.ok()) {
            ++other;
            ADD_FAILURE() << r.status().ToString();
        } else if (r->status == 201) {
            ++created;
            locations.push_back(r->Header("Location"));
        } else if (r->status == 200) {
            ++unchanged;
        } else if (may_be_older && r->status == 400 &&
                   r->body.find("older than") != std::string::npos) {
            ++older_refused;
        } else {
            ++other;
            ADD_FAILURE() << r->status << " " << r->body;
        }
    }
};

/// Polls ChangesSince while the writers run; records every way the feed could
/// mislead a follower (a seq skipped, repeated or out of order).
class FeedReader {
  public:
    explicit FeedReader(const store::PostgresEntryStore& store)
        : store_(store), thread_([this] { Run(); }) {}
    ~FeedReader() { Stop(); }
    void Stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    int64_t cursor() const { return cursor_; }
    int violations() const { return violations_; }
    int polls() const { return polls_; }

  private:
    void Run() {
        while (!stop_) Poll();
        Poll();  // everything committed before Stop
    }
    void Poll() {
        for (;;) {
            auto changes = store_.ChangesSince(cursor_, 100);
            ++polls_;
            if (!changes.ok()) {
                ADD_FAILURE() << changes.status().ToString();
                return;
            }
            for (const Entry& e : *changes) {
                if (e.seq != cursor_ + 1) {
                    ++violations_;
                    ADD_FAILURE() << "feed gave seq " << e.seq << " after " << cursor_;
                }
                cursor_ = e.seq;
            }
            if (changes->size() < 100) return;
        }
    }
    const store::PostgresEntryStore& store_;
    std::atomic<bool> stop_{false};
    std::atomic<int64_t> cursor_{0};
    std::atomic<int> violations_{0}, polls_{0};
    std::thread thread_;
};

TEST(ReplicasTest, TwoThousandRacingUploadsThroughTwoReplicas) {
    const std::string conninfo = FreshPgSchema(PgClusterConninfo(), "replicas");
    TempDir dir_a, dir_b;
    ServerProcess a(dir_a.path(), ReplicaSettings(conninfo));
    ServerProcess b(dir_b.path(), ReplicaSettings(conninfo));
    const ServerProcess* replicas[2] = {&a, &b};
    auto reader_store = store::PostgresEntryStore::Open({.conninfo = conninfo, .pool_size = 1});
    ASSERT_TRUE(reader_store.ok()) << reader_store.status().ToString();
    FeedReader reader(**reader_store);

    // 1,000 pairs = 2,000 uploads. Clients t and t + 4 walk the same pairs in
    // the same order, one sending `first` and the other `second` (who sends
    // which, and which replica gets which, alternate from pair to pair, so
    // either document of a pair may arrive first).
    const std::vector<RacingPair> pairs = MakePairs(1000);
    Tally tally;
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
        clients.emplace_back([&, t] {
            client::HttpClient client;
            for (size_t i = static_cast<size_t>(t % 4); i < pairs.size(); i += 4) {
                const bool sends_first = (t < 4) == ((i / 4) % 2 == 0);
                const RacingPair& p = pairs[i];
                const ServerProcess& target = *replicas[(i + (sends_first ? 0 : 1)) % 2];
                tally.Count(Upload(client, target, sends_first ? p.first : p.second),
                            sends_first && !p.same_bytes);
            }
        });
    }
    for (auto& c : clients) c.join();
    reader.Stop();

    // Same bytes: one 201 and one 200 per pair. Two versions: the newer is
    // always stored; the older too unless the newer committed first.
    EXPECT_EQ(tally.other, 0);
    EXPECT_EQ(tally.unchanged, 500);
    EXPECT_EQ(tally.created + tally.older_refused, 1500);
    std::cout << "uploads: " << tally.created << " created, " << tally.unchanged << " unchanged, "
              << tally.older_refused << " refused as older than the latest\n";

    client::HttpClient client;
    for (const std::string& location : tally.locations) {
        for (const ServerProcess* replica : replicas) {
            auto r = client.Get(replica->url(PathOf(location)));
            ASSERT_TRUE(r.ok());
            EXPECT_EQ(r->status, 200) << PathOf(location);
        }
    }
    const auto health_a = Health(a), health_b = Health(b);
    ASSERT_TRUE(health_a && health_b);
    EXPECT_EQ((*health_a)["store"], "postgresql");
    EXPECT_EQ((*health_a)["entries"].get<int>(), tally.created);
    EXPECT_EQ((*health_b)["entries"].get<int>(), tally.created);
    EXPECT_EQ((*health_a)["last_seq"].get<int>(), tally.created);  // no seq lost to a refusal
    EXPECT_EQ((*health_b)["last_seq"].get<int>(), tally.created);

    // Exactly one newest entry per image, and it is the newest endorsement.
    EXPECT_EQ(PgScalar(conninfo, "SELECT count(*) FROM entries WHERE newest = 1"), 1000);
    EXPECT_EQ(PgScalar(conninfo, "SELECT count(DISTINCT identifier) FROM entries"), 1000);
    std::map<std::string, Timestamp> newest;
    for (const RacingPair& p : pairs) newest[p.identifier] = p.newest_created;
    EntryQuery images;
    images.newest_per_identifier = true;
    images.limit = 1000;
    images.now = SystemClock().Now();
    auto page = (*reader_store)->List(images);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->total, 1000u);
    for (const Entry& e : page->entries) EXPECT_EQ(e.key.created, newest[e.key.identifier]);

    // The whole feed is 1..N in order, and the reader that polled it during the
    // run (many times) saw every seq once, in order.
    auto feed = (*reader_store)->ChangesSince(0, 5000);
    ASSERT_TRUE(feed.ok());
    ASSERT_EQ(static_cast<int>(feed->size()), tally.created);
    for (size_t i = 0; i < feed->size(); ++i)
        EXPECT_EQ((*feed)[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(reader.violations(), 0);
    EXPECT_EQ(reader.cursor(), tally.created);
    std::cout << "feed reader: " << reader.polls() << " polls during the run, no gap\n";

    // Each replica's graph follows the other's uploads; /health says so.
    for (const ServerProcess* replica : replicas) {
        EXPECT_TRUE(Eventually([&] { return GraphEntries(*replica) == tally.created; }))
            << GraphEntries(*replica);
        EXPECT_TRUE(Eventually([&] {
            auto h = Health(*replica);
            return h && (*h)["applied_seq"] == tally.created;
        }));
    }
}

TEST(ReplicasTest, SparqlOnOneReplicaAnswersForAnUploadThroughTheOther) {
    const std::string conninfo = FreshPgSchema(PgClusterConninfo(), "sparql");
    TempDir dir_a, dir_b;
    ServerProcess a(dir_a.path(), ReplicaSettings(conninfo));
    ServerProcess b(dir_b.path(), ReplicaSettings(conninfo));
    ASSERT_TRUE(Eventually([&] {  // B's graph is built
        auto h = Health(b);
        return h && (*h)["applied_seq"].is_number();
    }));
    client::HttpClient client;
    for (int i = 0; i < 5; ++i) {
        const std::string image = "through-a-" + std::to_string(i);
        auto r = Upload(client, a, SignedDocument("alice", {.image = image}, SystemClock().Now()));
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r->status, 201) << r->body;
        const auto uploaded = std::chrono::steady_clock::now();
        EXPECT_TRUE(Eventually([&] { return GraphKnows(b, IdentifierOf(image)); }));
        // Printed, not asserted (benchmarks are not tests): bench/replica_catchup measures it.
        std::cout << "B's SPARQL knew the entry uploaded through A after "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - uploaded)
                         .count()
                  << " ms\n";
    }
}

TEST(ReplicasTest, AnUnreachableDatabaseStopsTheServerWithTheReason) {
    TempDir dir;
    // The server refuses to start: it names the failure instead of serving nothing.
    const std::string command =
        (BinaryDir() / "server" / "marketplace-server").string() +
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
}  // namespace mkt::testing
