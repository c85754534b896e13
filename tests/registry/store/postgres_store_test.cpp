// PostgresEntryStore on the real PostgreSQL 15 cluster of the run (ctest fixture
// pg_cluster, tests/support/pg_cluster; its conninfo is compiled in as MKT_PG_TEST_CONNINFO,
// and MKT_PG_CONNINFO in the environment overrides it). Each test gets a
// fresh schema of its own. The conformance suite, then what only a shared
// database has: the schema version, foreign schemas, several stores (as several
// server processes) writing at once, and a reader of the feed while they write.
#include "registry/store/postgres/postgres_store.hpp"

#include <atomic>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <libpq-fe.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "registry/store/postgres/pg_confirmation_store.hpp"
#include "tests/registry/store/confirmation_store_conformance.hpp"
#include "tests/registry/store/entry_store_conformance.hpp"
#include "tests/support/pg_test.hpp"

namespace mkt::testing {
namespace {

using store::PostgresEntryStore;
using store::PostgresOptions;

std::string RawExec(const std::string& conninfo, const std::string& sql) {
    return PgExec(conninfo, sql);
}
std::string FreshSchema() { return FreshPgSchema(PgClusterConninfo()); }

Result<std::unique_ptr<PostgresEntryStore>> OpenOn(const std::string& conninfo) {
    PostgresOptions options;
    options.conninfo = conninfo;
    options.pool_size = 4;
    return PostgresEntryStore::Open(options);
}

struct PostgresStoreFactory {
    static std::unique_ptr<EntryStore> Make(const std::filesystem::path&) {
        Result<std::unique_ptr<PostgresEntryStore>> s = OpenOn(FreshSchema());
        if (!s.ok()) {
            ADD_FAILURE() << s.status().ToString();
            return nullptr;
        }
        return std::move(s).value();
    }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, EntryStoreConformance,
                               ::testing::Types<PostgresStoreFactory>);

struct PostgresConfirmationStoreFactory {
    static std::unique_ptr<ConfirmationStore> Make(const std::filesystem::path&) {
        auto s = store::PostgresConfirmationStore::Open(FreshSchema());
        if (!s.ok()) {
            ADD_FAILURE() << s.status().ToString();
            return nullptr;
        }
        return std::move(s).value();
    }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, ConfirmationStoreConformance,
                               ::testing::Types<PostgresConfirmationStoreFactory>);

TEST(PostgresStoreTest, AVersion1SchemaIsMigratedToTheConfirmationTablesKeepingItsEntries) {
    const std::string conninfo = FreshSchema();
    Entry e = TestEntry(1, "a@example.org", kT0);
    {
        auto s = OpenOn(conninfo);
        ASSERT_TRUE(s.ok()) << s.status().ToString();
        ASSERT_TRUE((*s)->Put(e).ok());
    }
    // What a version 1 deployment has: no confirmation tables.
    ASSERT_EQ(RawExec(conninfo,
                      "DROP TABLE pending_uploads, confirmation_tokens, confirmed_emails; "
                      "UPDATE schema_version SET version = 1"),
              "");
    auto confirmations = store::PostgresConfirmationStore::Open(conninfo);
    ASSERT_TRUE(confirmations.ok()) << confirmations.status().ToString();
    EXPECT_EQ(PgScalar(conninfo, "SELECT version FROM schema_version"), 2);
    EXPECT_EQ(*(*confirmations)->CountPending(), 0u);
    auto s = OpenOn(conninfo);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->Get(e.key)->document, e.document);
}

TEST(PostgresStoreTest, OpeningTwiceKeepsTheSchemaAndTheEntries) {
    const std::string conninfo = FreshSchema();
    Entry e = TestEntry(1, "a@example.org", kT0);
    {
        auto s = OpenOn(conninfo);
        ASSERT_TRUE(s.ok()) << s.status().ToString();
        ASSERT_TRUE((*s)->Put(e).ok());
    }
    auto s = OpenOn(conninfo);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Result<Entry> back = (*s)->Get(e.key);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->document, e.document);
    EXPECT_EQ(back->seq, 1);
}

TEST(PostgresStoreTest, DocumentBytesSurviveByteForByte) {
    auto s = OpenOn(FreshSchema());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Entry e = TestEntry(2, "a@example.org", kT0);
    e.document = std::string("<a>\r\n\x01\xff\xfe", 9) + std::string(1, '\0') + "</a>";
    ASSERT_TRUE((*s)->Put(e).ok());
    Result<Entry> back = (*s)->Get(e.key);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->document, e.document);
}

TEST(PostgresStoreTest, RefusesASchemaWithTablesButNoVersion) {
    const std::string conninfo = FreshSchema();
    ASSERT_EQ(RawExec(conninfo, "CREATE TABLE customers (id INTEGER)"), "");
    auto s = OpenOn(conninfo);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("not a Marketplace entry store"), std::string::npos)
        << s.status().ToString();
}

TEST(PostgresStoreTest, RefusesANewerSchemaVersion) {
    const std::string conninfo = FreshSchema();
    ASSERT_TRUE(OpenOn(conninfo).ok());
    ASSERT_EQ(RawExec(conninfo, "UPDATE schema_version SET version = 99"), "");
    auto s = OpenOn(conninfo);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("schema version 99"), std::string::npos)
        << s.status().ToString();
}

TEST(PostgresStoreTest, AnUnreachableDatabaseIsUnavailableWithTheReason) {
    auto s = OpenOn("host=/nonexistent-mkt-socket-dir port=5432 user=mkt dbname=postgres");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(s.status().message().find("database unavailable: cannot connect"), std::string::npos)
        << s.status().ToString();
}

TEST(PostgresStoreTest, AnEmptyConninfoIsRefused) {
    auto s = OpenOn("");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
}

// Two stores on one schema stand for two server replicas: they write at once,
// including pairs for the same image and endorser, while a third polls the feed.
TEST(PostgresStoreTest, ReplicasWritingAtOnceKeepOneFeedAndOneNewestPerImage) {
    const std::string conninfo = FreshSchema();
    auto a = OpenOn(conninfo);
    auto b = OpenOn(conninfo);
    auto reader = OpenOn(conninfo);
    ASSERT_TRUE(a.ok() && b.ok() && reader.ok());
    EntryStore* replicas[2] = {a->get(), b->get()};

    constexpr int kThreads = 8, kPerThread = 40, kImages = 5;
    std::atomic<int> inserted{0}, writers_done{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
        writers.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                // Threads t and t ^ 1 send the same keys in the same order to
                // different replicas: one inserts, the other finds it unchanged.
                // Each pair of threads is one endorser; all endorse the same images.
                Entry e = TestEntry(static_cast<uint64_t>(i % kImages),
                                    "e" + std::to_string(t / 2) + "@example.org",
                                    kT0 + static_cast<int64_t>(i));
                Result<PutOutcome> r = replicas[t % 2]->Put(e);
                if (!r.ok()) {
                    failed = true;
                    ADD_FAILURE() << r.status().ToString();
                } else if (*r == PutOutcome::kInserted) {
                    ++inserted;
                }
            }
            ++writers_done;
        });
    }
    // The reader follows the feed as a replica would: it must never see a seq
    // after a gap (a gap would be a seq committed later "behind" its cursor).
    int64_t cursor = 0;
    std::set<int64_t> seen;
    auto follow = [&] {
        Result<std::vector<Entry>> changes = (*reader)->ChangesSince(cursor, 50);
        ASSERT_TRUE(changes.ok()) << changes.status().ToString();
        for (const Entry& e : *changes) {
            EXPECT_EQ(e.seq, cursor + 1) << "the feed skipped a seq";
            cursor = e.seq;
            seen.insert(e.seq);
        }
    };
    while (writers_done.load() < kThreads) follow();
    for (auto& w : writers) w.join();
    follow();
    follow();
    ASSERT_FALSE(failed.load());

    EXPECT_EQ(inserted.load(), kThreads / 2 * kPerThread);  // each key inserted once
    Result<StoreStats> stats = (*reader)->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->entries, static_cast<uint64_t>(inserted.load()));
    EXPECT_EQ(stats->last_seq, inserted.load());
    EXPECT_EQ(cursor, inserted.load());

    EntryQuery images;
    images.newest_per_identifier = true;
    images.statuses = StatusSet::All();
    images.now = kT0;
    images.limit = 1000;
    Result<EntryPage> page = (*reader)->List(images);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->total, static_cast<uint64_t>(kImages));
    std::set<std::string> identifiers;
    for (const Entry& e : page->entries) identifiers.insert(e.key.identifier);
    EXPECT_EQ(identifiers.size(), static_cast<size_t>(kImages));
}

TEST(PostgresStoreTest, OlderThanLatestAndConflictHoldAcrossReplicas) {
    const std::string conninfo = FreshSchema();
    auto a = OpenOn(conninfo);
    auto b = OpenOn(conninfo);
    ASSERT_TRUE(a.ok() && b.ok());
    Entry newer = TestEntry(5, "a@example.org", kT0 + 100);
    ASSERT_TRUE((*a)->Put(newer).ok());

    Entry older = TestEntry(5, "a@example.org", kT0);
    Result<PutOutcome> r = (*b)->Put(older);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);

    Entry other_bytes = newer;
    other_bytes.document += "<!-- changed -->";
    r = (*b)->Put(other_bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);

    Entry same = newer;
    r = (*b)->Put(same);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, PutOutcome::kUnchanged);
}

}  // namespace
}  // namespace mkt::testing
