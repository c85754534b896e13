// SqliteEntryStore: the conformance suite on a real file, then what only a file
// store has: reopening, foreign and corrupt files, schema versions, WAL, group
// commit and crash safety.
#include "registry/store/sqlite_store.hpp"

#include <cstdio>
#include <latch>
#include <map>
#include <set>
#include <thread>
#include <variant>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "registry/store/sql_list_query.hpp"
#include "registry/store/sqlite_confirmation_store.hpp"
#include "tests/registry/store/confirmation_store_conformance.hpp"
#include "tests/registry/store/entry_store_conformance.hpp"
#include "tests/support/paths.hpp"

namespace mkt::testing {
namespace {

using store::SqliteEntryStore;
using store::SqliteOptions;

struct SqliteStoreFactory {
    static std::unique_ptr<EntryStore> Make(const std::filesystem::path& dir) {
        Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(dir / "entries.db");
        if (!s.ok()) {
            ADD_FAILURE() << s.status().ToString();
            return nullptr;
        }
        return std::move(s).value();
    }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, EntryStoreConformance, ::testing::Types<SqliteStoreFactory>);

// In the entry store's file, as the server keeps them.
struct SqliteConfirmationStoreFactory {
    static std::unique_ptr<ConfirmationStore> Make(const std::filesystem::path& dir) {
        auto entries = SqliteEntryStore::Open(dir / "entries.db");
        if (!entries.ok()) ADD_FAILURE() << entries.status().ToString();
        auto s = store::SqliteConfirmationStore::Open(dir / "entries.db");
        if (!s.ok()) {
            ADD_FAILURE() << s.status().ToString();
            return nullptr;
        }
        return std::move(s).value();
    }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, ConfirmationStoreConformance,
                               ::testing::Types<SqliteConfirmationStoreFactory>);

/// Runs SQL on the file through a connection of the test's own.
void RawExec(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
}

std::string RawQueryText(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    std::string out = "<error>";
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

// How many rows break the `newest` invariant: the flag is 1 exactly on the
// greatest (created, seq) among the is_latest rows of each identifier.
constexpr const char* kWrongNewestRows =
    "SELECT COUNT(*) FROM entries e WHERE newest != (is_latest = 1 AND NOT EXISTS ("
    "SELECT 1 FROM entries g WHERE g.identifier = e.identifier AND g.is_latest = 1 AND "
    "(g.created > e.created OR (g.created = e.created AND g.seq > e.seq))))";

/// The images (newest entries) of every status, newest first.
EntryQuery Images() {
    EntryQuery q;
    q.newest_per_identifier = true;
    q.statuses = StatusSet::All();
    q.now = kT0;
    q.sort = SortField::kCreated;
    q.descending = true;
    q.limit = 1000;
    return q;
}

std::vector<std::string> PathsOf(const Result<EntryPage>& page) {
    std::vector<std::string> out;
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
        for (const Entry& e : page->entries) out.push_back(e.key.ToPath());
    }
    return out;
}

/// Rows of EXPLAIN QUERY PLAN for `sql` on the file, one detail per line.
std::string QueryPlan(const std::filesystem::path& path, const store::SqlStatement& sql) {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    const std::string text = "EXPLAIN QUERY PLAN " + sql.text;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, text.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
        int i = 0;
        for (const store::SqlParam& p : sql.params) {
            if (const auto* n = std::get_if<int64_t>(&p)) {
                sqlite3_bind_int64(stmt, ++i, *n);
            } else {
                const std::string& t = std::get<std::string>(p);
                sqlite3_bind_text(stmt, ++i, t.data(), static_cast<int>(t.size()),
                                  SQLITE_TRANSIENT);
            }
        }
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
            out += "\n";
        }
    } else {
        out = std::string("<error: ") + sqlite3_errmsg(db) + ">";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

class SqliteStoreTest : public ::testing::Test {
  protected:
    std::unique_ptr<SqliteEntryStore> OpenStore(SqliteOptions options = {}) {
        Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_, options);
        EXPECT_TRUE(s.ok()) << s.status().ToString();
        return s.ok() ? std::move(s).value() : nullptr;
    }

    TempDir dir_;
    std::filesystem::path path_ = dir_ / "entries.db";
};

TEST_F(SqliteStoreTest, ReopenedStoreKeepsEveryEntryByteForByteAndContinuesTheSequence) {
    std::vector<Entry> written = {FullyPopulatedEntry(), TestEntry(1, "a@example.org", kT0),
                                  TestEntry(1, "a@example.org", kT0 + 60)};
    {
        auto store = OpenStore();
        ASSERT_NE(store, nullptr);
        for (Entry& e : written) ASSERT_TRUE(store->Put(e).ok());
    }
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    for (const Entry& e : written) {
        Result<Entry> got = store->Get(e.key);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        EXPECT_EQ(got->document, e.document);
        EXPECT_EQ(got->metadata, e.metadata);
        EXPECT_EQ(got->signer, e.signer);
        EXPECT_EQ(got->seq, e.seq);
        EXPECT_EQ(got->received, e.received);
    }
    EXPECT_EQ(store->LatestCreated(TestIdentifier(1), "a@example.org").value(), kT0 + 60);
    Entry older = TestEntry(1, "a@example.org", kT0 + 30);
    EXPECT_EQ(store->Put(older).status().code(), StatusCode::kFailedPrecondition);
    Entry next = TestEntry(2, "a@example.org", kT0);
    ASSERT_TRUE(store->Put(next).ok());
    EXPECT_EQ(next.seq, 4);
}

TEST_F(SqliteStoreTest, FileIsInWalModeAndRecordsItsSchemaVersion) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    Entry e = TestEntry(1, "a@example.org", kT0);
    ASSERT_TRUE(store->Put(e).ok());
    EXPECT_EQ(RawQueryText(path_, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(RawQueryText(path_, "SELECT version FROM schema_version"), "3");
    EXPECT_TRUE(std::filesystem::exists(path_.string() + "-wal"));
}

TEST_F(SqliteStoreTest, PutIsCommittedWhenItReturns) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    for (int64_t i = 0; i < 3; ++i) {
        Entry e = TestEntry(1, "a@example.org", kT0 + i);
        ASSERT_TRUE(store->Put(e).ok());
        // Another connection (another process could do the same) sees it at once.
        EXPECT_EQ(RawQueryText(path_, "SELECT COUNT(*) FROM entries"), std::to_string(i + 1));
        EXPECT_EQ(RawQueryText(path_, "SELECT created FROM entries WHERE is_latest = 1"),
                  (kT0 + i).ToString());
    }
}

TEST_F(SqliteStoreTest, OpeningAFileThatIsNotADatabaseFailsNamingIt) {
    WriteFile(path_, std::string(8192, 'x'));
    Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(path_.string()), std::string::npos) << s.status().message();
    EXPECT_NE(s.status().message().find("is not a SQLite database"), std::string::npos)
        << s.status().message();
}

TEST_F(SqliteStoreTest, OpeningAnotherProgramsDatabaseFails) {
    RawExec(path_, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)");
    Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("not a Marketplace entry store"), std::string::npos)
        << s.status().message();
    EXPECT_EQ(RawQueryText(path_, "SELECT COUNT(*) FROM sqlite_master"), "1") << "left untouched";
}

TEST_F(SqliteStoreTest, OpeningANewerSchemaFailsNamingBothVersions) {
    { ASSERT_NE(OpenStore(), nullptr); }
    RawExec(path_, "UPDATE schema_version SET version = 7");
    Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("schema version 7, newer than this program supports (3)"),
              std::string::npos)
        << s.status().message();
}

TEST_F(SqliteStoreTest, OpeningAMissingFileWithoutCreateFails) {
    SqliteOptions options;
    options.create_if_missing = false;
    Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_, options);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(path_.string()), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteStoreTest, CorruptedPagesGiveACorruptionErrorNotWrongEntries) {
    {
        auto store = OpenStore();
        ASSERT_NE(store, nullptr);
        for (uint64_t i = 0; i < 200; ++i) {
            Entry e = TestEntry(i, "a@example.org", kT0);
            e.document = std::string(3000, static_cast<char>('a' + i % 26));
            ASSERT_TRUE(store->Put(e).ok());
        }
    }  // closing checkpoints the WAL into the main file
    const std::string bytes = ReadFile(path_);
    ASSERT_GT(bytes.size(), 16u * 4096);
    std::string damaged = bytes.substr(0, 4096);  // keep page 1 (header and schema)
    damaged += std::string(bytes.size() - 4096, '\xA5');
    WriteFile(path_, damaged);

    Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_);
    Status error = s.status();
    if (s.ok()) error = (*s)->ChangesSince(0, 1000).status();
    ASSERT_FALSE(error.ok());
    EXPECT_EQ(error.code(), StatusCode::kInternal);
    EXPECT_NE(error.message().find("corrupt"), std::string::npos) << error.message();
    EXPECT_NE(error.message().find(path_.string()), std::string::npos) << error.message();
}

TEST_F(SqliteStoreTest, ConcurrentPutsShareTransactions) {
    SqliteOptions options;
    options.group_commit_window = std::chrono::milliseconds(20);
    auto store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    constexpr int kThreads = 8, kPerThread = 5;
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < kPerThread; ++i) {
                Entry e = TestEntry(static_cast<uint64_t>(t * 100 + i), "a@example.org", kT0);
                Result<PutOutcome> r = store->Put(e);
                EXPECT_TRUE(r.ok()) << r.status().ToString();
            }
        });
    }
    for (auto& th : threads) th.join();
    const SqliteEntryStore::WriteStats w = store->write_stats();
    EXPECT_EQ(w.inserted, static_cast<uint64_t>(kThreads * kPerThread));
    EXPECT_LT(w.transactions, w.inserted) << "no Puts were committed together";
    EXPECT_EQ(store->Stats()->entries, w.inserted);
}

TEST_F(SqliteStoreTest, RefusedPutsInABatchLeaveTheOthersCommitted) {
    SqliteOptions options;
    options.group_commit_window = std::chrono::milliseconds(200);
    auto store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    Entry base = TestEntry(1, "a@example.org", kT0 + 100);
    ASSERT_TRUE(store->Put(base).ok());
    const uint64_t transactions_before = store->write_stats().transactions;

    Entry conflict = TestEntry(1, "a@example.org", kT0 + 100);
    conflict.document = "different bytes";
    std::vector<Entry> puts = {
        TestEntry(2, "a@example.org", kT0),        // new
        conflict,                                  // same key, other bytes
        TestEntry(1, "a@example.org", kT0 + 50),   // older than latest
        TestEntry(1, "a@example.org", kT0 + 100),  // identical re-upload
        TestEntry(3, "a@example.org", kT0),        // new
        TestEntry(1, "a@example.org", kT0 + 200),  // newer: becomes latest
    };
    std::vector<Result<PutOutcome>> results(puts.size(), Status::Internal("not run"));
    std::latch start(static_cast<ptrdiff_t>(puts.size()));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < puts.size(); ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            results[i] = store->Put(puts[i]);
        });
    }
    for (auto& th : threads) th.join();

    EXPECT_EQ(*results[0], PutOutcome::kInserted);
    EXPECT_EQ(results[1].status().code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(results[2].status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(*results[3], PutOutcome::kUnchanged);
    EXPECT_EQ(*results[4], PutOutcome::kInserted);
    ASSERT_TRUE(results[5].ok()) << results[5].status().ToString();
    EXPECT_EQ(*results[5], PutOutcome::kInserted);
    EXPECT_LT(store->write_stats().transactions - transactions_before, puts.size());
    EXPECT_EQ(store->Stats()->entries, 4u);
    EXPECT_EQ(store->LatestCreated(TestIdentifier(1), "a@example.org").value(), kT0 + 200);
    std::set<int64_t> seqs = {puts[0].seq, puts[4].seq, puts[5].seq};
    EXPECT_EQ(seqs, (std::set<int64_t>{2, 3, 4}));
}

// Version 1 as released (registry/store/sqlite_schema.cpp), frozen here: the
// migration tests start from a file this DDL created.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY, identifier TEXT NOT NULL, email TEXT NOT NULL,
    created TEXT NOT NULL, received INTEGER NOT NULL, valid_until INTEGER NOT NULL,
    deprecated INTEGER NOT NULL, is_latest INTEGER NOT NULL, os TEXT NOT NULL,
    os_version TEXT NOT NULL, os_arch TEXT NOT NULL, title TEXT NOT NULL, tag TEXT NOT NULL,
    os_lc TEXT NOT NULL, os_version_lc TEXT NOT NULL, os_arch_lc TEXT NOT NULL,
    email_lc TEXT NOT NULL, subject TEXT NOT NULL, subject_lc TEXT NOT NULL,
    issuer TEXT NOT NULL, search_text TEXT NOT NULL, UNIQUE (identifier, email, created));
CREATE TABLE entry_payloads (seq INTEGER PRIMARY KEY REFERENCES entries (seq),
    codec TEXT NOT NULL, document BLOB NOT NULL);
CREATE UNIQUE INDEX entries_latest ON entries (identifier, email) WHERE is_latest = 1;
CREATE INDEX entries_by_status     ON entries (is_latest, deprecated, valid_until);
CREATE INDEX entries_by_created    ON entries (created, seq);
CREATE INDEX entries_by_email      ON entries (email, created, seq);
CREATE INDEX entries_by_os         ON entries (os, seq);
CREATE INDEX entries_by_os_version ON entries (os_version, seq);
CREATE INDEX entries_by_os_arch    ON entries (os_arch, seq);
CREATE INDEX entries_by_title      ON entries (title, seq);
CREATE INDEX entries_by_valid      ON entries (valid_until, seq);
CREATE INDEX entries_by_os_lc      ON entries (os_lc, os_version_lc, os_arch_lc, is_latest,
                                            deprecated, valid_until);
CREATE INDEX entries_by_tag        ON entries (tag, email);
INSERT INTO schema_version (version) VALUES (1);
)sql";

// Copies every row of the store at `source` into a new version-1 file at `target`
// (the rows a version-1 program wrote are the same, less the newest column).
void WriteVersion1Copy(const std::filesystem::path& source, const std::filesystem::path& target) {
    RawExec(target, kSchemaV1);
    RawExec(target, "ATTACH DATABASE '" + source.string() +
                        "' AS src; BEGIN;"
                        "INSERT INTO entries SELECT seq, identifier, email, created, received, "
                        "valid_until, deprecated, is_latest, os, os_version, os_arch, title, tag, "
                        "os_lc, os_version_lc, os_arch_lc, email_lc, subject, subject_lc, issuer, "
                        "search_text FROM src.entries;"
                        "INSERT INTO entry_payloads SELECT seq, codec, document FROM "
                        "src.entry_payloads; COMMIT; DETACH DATABASE src;");
}

TEST_F(SqliteStoreTest, OpeningAVersion1FileMigratesItInPlaceKeepingEveryEntry) {
    const std::filesystem::path source = dir_ / "source.db";
    std::vector<Entry> written;
    {
        Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(source);
        ASSERT_TRUE(s.ok()) << s.status().ToString();
        auto put = [&](Entry e) {
            ASSERT_TRUE((*s)->Put(e).ok()) << e.key.ToPath();
            written.push_back(e);
        };
        put(TestEntry(1, "a@example.org", kT0));                     // image 1: a's history,
        put(TestEntry(1, "a@example.org", kT0 + 30));                // newest of image 1
        put(TestEntry(1, "b@example.org", kT0 + 20));                // older endorser
        put(TestEntry(2, "a@example.org", kT0 + 10));                // image 2: a tie on created,
        put(TestEntry(2, "b@example.org", kT0 + 10));                // greater seq: newest
        Entry deprecated = TestEntry(3, "c@example.org", kT0 + 40);  // image 3: deprecated
        deprecated.metadata.deprecated = "withdrawn";
        put(deprecated);
    }
    WriteVersion1Copy(source, path_);
    ASSERT_EQ(RawQueryText(path_,
                           "SELECT COUNT(*) FROM pragma_table_info('entries') WHERE "
                           "name = 'newest'"),
              "0");

    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(RawQueryText(path_, "SELECT version FROM schema_version"), "3");
    EXPECT_EQ(RawQueryText(path_, "SELECT COUNT(*) FROM entries"), std::to_string(written.size()));
    EXPECT_EQ(RawQueryText(path_,
                           "SELECT group_concat(seq) FROM (SELECT seq FROM entries WHERE "
                           "newest = 1 ORDER BY seq)"),
              "2,5,6");
    EXPECT_EQ(RawQueryText(path_, kWrongNewestRows), "0");
    for (const Entry& e : written) {
        Result<Entry> got = store->Get(e.key);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        EXPECT_EQ(got->document, e.document);
        EXPECT_EQ(got->seq, e.seq);
        EXPECT_EQ(got->metadata.title, e.metadata.title);
    }
    EntryQuery images = Images();
    EXPECT_EQ(
        PathsOf(store->List(images)),
        (std::vector{written[5].key.ToPath(), written[1].key.ToPath(), written[4].key.ToPath()}));
    images.statuses = StatusSet::Only(EntryStatus::kValid);
    images.os = "ubuntu";
    EXPECT_EQ(PathsOf(store->List(images)),
              (std::vector{written[1].key.ToPath(), written[4].key.ToPath()}));
    EXPECT_EQ(store->List(images)->total, 2u);

    // The migrated file takes new entries like a new one, and opens again as is.
    Entry newer = TestEntry(1, "b@example.org", kT0 + 50);
    ASSERT_TRUE(store->Put(newer).ok());
    EXPECT_EQ(PathsOf(store->List(images)),
              (std::vector{newer.key.ToPath(), written[4].key.ToPath()}));
    store.reset();
    store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(RawQueryText(path_, kWrongNewestRows), "0");
    EXPECT_EQ(store->Stats()->entries, written.size() + 1);
}

TEST_F(SqliteStoreTest, FailedMigrationLeavesTheVersion1FileUnchanged) {
    RawExec(path_, kSchemaV1);
    // A column named like the one version 2 adds makes the migration fail.
    RawExec(path_, "ALTER TABLE entries ADD COLUMN newest TEXT");
    Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("from schema version 1 to 2"), std::string::npos)
        << s.status().message();
    EXPECT_EQ(RawQueryText(path_, "SELECT version FROM schema_version"), "1");
    EXPECT_EQ(RawQueryText(path_,
                           "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE "
                           "'entries_newest%'"),
              "0");
}

// Several entries of one image in one group-commit batch, in whatever order the
// threads queue them: each sees the ones before it in the transaction.
TEST_F(SqliteStoreTest, EntriesOfOneImageInOneBatchLeaveOneNewestEntry) {
    SqliteOptions options;
    options.group_commit_window = std::chrono::milliseconds(100);
    auto store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    constexpr int kEndorsers = 8;
    for (int round = 0; round < 3; ++round) {
        std::vector<Entry> puts;
        for (int i = 0; i < kEndorsers; ++i) {
            // Created values repeat across endorsers: ties are broken by seq.
            puts.push_back(TestEntry(1, "e" + std::to_string(i) + "@example.org",
                                     kT0 + 100 * round + (i * 37) % 5));
        }
        std::latch start(kEndorsers);
        std::vector<std::thread> threads;
        for (int i = 0; i < kEndorsers; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                Result<PutOutcome> r = store->Put(puts[static_cast<size_t>(i)]);
                EXPECT_TRUE(r.ok()) << r.status().ToString();
            });
        }
        for (auto& th : threads) th.join();
        const Entry* want = &puts[0];
        for (const Entry& e : puts) {
            if (std::pair(e.key.created, e.seq) > std::pair(want->key.created, want->seq))
                want = &e;
        }
        EXPECT_EQ(PathsOf(store->List(Images())), (std::vector{want->key.ToPath()}))
            << "round " << round;
        EXPECT_EQ(RawQueryText(path_, kWrongNewestRows), "0") << "round " << round;
    }
    const SqliteEntryStore::WriteStats w = store->write_stats();
    EXPECT_EQ(w.inserted, 3u * kEndorsers);
    EXPECT_LT(w.transactions, w.inserted) << "no Puts were committed together";
}

// The CIMI query (bench/cimi_query): counted from the covering index alone and its
// page walked in created order, without a sort and without reading other oses.
TEST_F(SqliteStoreTest, ImageQueryWithAnOsIsAnsweredByTheNewestIndexWithoutSorting) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    Entry e = TestEntry(1, "a@example.org", kT0);
    ASSERT_TRUE(store->Put(e).ok());
    EntryQuery q = Images();
    q.statuses = StatusSet::Only(EntryStatus::kValid);
    q.os = "ubuntu";
    q.created_after = kT0 - 86400;
    q.limit = 50;
    const auto style = store::SqlPlaceholders::kQuestionMark;
    const std::string count = QueryPlan(path_, store::BuildCountStatement(q, style));
    EXPECT_NE(count.find("COVERING INDEX entries_newest_by_os"), std::string::npos) << count;
    for (store::PagePlan plan : {store::PagePlan::kWalkSortIndex, store::PagePlan::kSortMatches}) {
        const std::string page =
            QueryPlan(path_, store::BuildPageStatement(q, std::nullopt, plan, style));
        EXPECT_NE(page.find("INDEX entries_newest_by_os"), std::string::npos) << page;
        if (plan == store::PagePlan::kWalkSortIndex) {
            EXPECT_EQ(page.find("TEMP B-TREE"), std::string::npos) << page;
        }
    }
    // Without an os, the count of the default image listing stays in an index.
    q.os.reset();
    q.created_after.reset();
    const std::string status = QueryPlan(path_, store::BuildCountStatement(q, style));
    EXPECT_NE(status.find("COVERING INDEX entries_newest_by_status"), std::string::npos) << status;
}

// A child process writes in a loop and reports each Put that returned OK; it is
// killed with SIGKILL mid-write. Every acknowledged entry must be there, complete,
// and nothing half-written (entry without latest, latest without entry) may show.
TEST_F(SqliteStoreTest, KilledWriterLeavesOnlyCompleteEntries) {
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(pipe_fds[0]);
        Result<std::unique_ptr<SqliteEntryStore>> s = SqliteEntryStore::Open(path_);
        if (!s.ok()) _exit(2);
        for (uint64_t i = 0;; ++i) {
            Entry e = TestEntry(i % 10, "crash@example.org", kT0 + static_cast<int64_t>(i));
            e.document = std::string(2000 + i % 500, static_cast<char>('a' + i % 26));
            if (!(*s)->Put(e).ok()) _exit(3);
            const char byte = 1;
            if (write(pipe_fds[1], &byte, 1) != 1) _exit(4);
        }
    }
    close(pipe_fds[1]);
    int acknowledged = 0;
    char byte;
    while (acknowledged < 150 && read(pipe_fds[0], &byte, 1) == 1) ++acknowledged;
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    close(pipe_fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself, status " << status;
    ASSERT_EQ(acknowledged, 150);

    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    std::vector<Entry> feed = store->ChangesSince(0, 100000).value();
    ASSERT_GE(feed.size(), 150u);
    std::map<std::string, Timestamp> newest;
    for (size_t i = 0; i < feed.size(); ++i) {
        const Entry& e = feed[i];
        EXPECT_EQ(e.seq, static_cast<int64_t>(i) + 1);
        const uint64_t n = static_cast<uint64_t>(e.key.created - kT0);
        EXPECT_EQ(e.key.identifier, TestIdentifier(n % 10));
        EXPECT_EQ(e.document, std::string(2000 + n % 500, static_cast<char>('a' + n % 26)));
        newest[e.key.identifier] = std::max(newest[e.key.identifier], e.key.created);
    }
    for (const auto& [id, created] : newest) {
        EXPECT_EQ(store->LatestCreated(id, "crash@example.org").value(), created) << id;
    }
    EntryQuery latest;
    latest.latest_only = true;
    latest.statuses = StatusSet::All();
    EXPECT_EQ(store->List(latest)->total, newest.size());
}

}  // namespace
}  // namespace mkt::testing
