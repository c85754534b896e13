// SqliteEntryStore at 100,000 entries: upload throughput with group commit and
// the time of the listings the web UI and the API issue. A benchmark program
// (bench/run --scale), not part of the test suite: it prints a table and reports
// an operation far slower than the design allows (loose bounds).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "registry/store/sqlite_store.hpp"
#include "tests/registry/store/test_entries.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

using store::SqliteEntryStore;
using store::SqliteOptions;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kEntries = 100000;
constexpr uint64_t kEndorsers = 50;
const char* const kOses[] = {"Ubuntu", "CentOS", "Debian", "Fedora", "SL", "Windows"};

double MillisSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Email(uint64_t n) {
    return "endorser" + std::to_string(n % kEndorsers) + "@example.org";
}

// Entry i: 4 in 5 are a new image; the 5th is a newer endorsement of an earlier
// image (history). About 10% deprecated, 20% expired at kT0 + 200 days, 5% with
// no dcterms:valid. Documents of realistic size (4-6 KB).
Entry ScaleEntry(uint64_t i) {
    const uint64_t image = i % 5 == 4 ? i / 5 : i;
    Entry e = TestEntry(image, Email(image), kT0 + static_cast<int64_t>(i * 60));
    EntryMetadata& m = e.metadata;
    m.os = kOses[image % 6];
    m.os_version = std::to_string(10 + image % 12) + ".04";
    m.os_arch = image % 3 ? "x86_64" : "i686";
    m.title = m.os + " " + m.os_version + (image % 5 < 2 ? " server" : " desktop") + " #" +
              std::to_string(image);
    m.description = "Image " + std::to_string(image) + " built by the scale test";
    m.tag = "series-" + std::to_string(image % 200);
    if (i % 10 == 3) m.deprecated = "superseded";
    if (i % 5 == 1) m.valid = kT0 + 86400 * 100;
    if (i % 20 == 7) m.valid.reset();
    e.document = std::string(4000 + i % 2000, static_cast<char>('a' + i % 26));
    return e;
}

class SqliteStoreScaleTest : public ::testing::Test {
  protected:
    // MKT_SCALE_DB=<file> keeps the filled database there and reuses it on the
    // next run (to study query plans with the sqlite3 shell).
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        const char* keep = std::getenv("MKT_SCALE_DB");
        auto s = SqliteEntryStore::Open(keep && *keep ? keep : *dir_ / "scale.db");
        ASSERT_TRUE(s.ok()) << s.status().ToString();
        store_ = std::move(s).value().release();
        if (store_->Stats()->entries < kEntries * 9 / 10) Fill();
    }
    static void TearDownTestSuite() {
        delete store_;
        delete dir_;
    }

    // Many uploader threads, as behind the HTTP server; synchronous = FULL.
    static void Fill() {
        constexpr int kThreads = 16;
        const auto start = Clock::now();
        std::latch go(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([t, &go] {
                go.arrive_and_wait();
                // Each thread owns the entries i = t (mod kThreads), in order, so the
                // history entries of an image are uploaded after it.
                for (uint64_t i = static_cast<uint64_t>(t); i < kEntries; i += kThreads) {
                    Entry e = ScaleEntry(i);
                    Result<PutOutcome> r = store_->Put(e);
                    if (!r.ok() && r.status().code() != StatusCode::kInvalidArgument) {
                        ADD_FAILURE() << r.status().ToString();
                        return;
                    }
                }
            });
        }
        for (auto& th : threads) th.join();
        const double ms = MillisSince(start);
        const auto w = store_->write_stats();
        std::printf(
            "fill: %llu entries inserted in %.0f ms = %.0f puts/s, %llu transactions "
            "(%.1f entries per commit)\n",
            static_cast<unsigned long long>(w.inserted), ms, w.inserted * 1000.0 / ms,
            static_cast<unsigned long long>(w.transactions),
            static_cast<double>(w.inserted) / static_cast<double>(w.transactions));
    }

    /// Runs `op` a few times, prints and returns the best time in ms.
    static double Time(const char* name, const std::function<void()>& op, int runs = 5) {
        double best = 1e18;
        for (int i = 0; i < runs; ++i) {
            const auto start = Clock::now();
            op();
            best = std::min(best, MillisSince(start));
        }
        std::printf("%-58s %8.2f ms\n", name, best);
        return best;
    }

    static EntryQuery FirstPage() {
        EntryQuery q;
        q.now = kT0 + 86400 * 200;
        q.limit = 100;
        return q;
    }

    static Result<EntryPage> ListOk(const EntryQuery& q) {
        Result<EntryPage> page = store_->List(q);
        EXPECT_TRUE(page.ok()) << page.status().ToString();
        return page;
    }

    static TempDir* dir_;
    static SqliteEntryStore* store_;

    // The checks of the one test case below, each timing one kind of read.
    static void HoldsOneHundredThousandEntries();
    static void DefaultFirstPageWithTotalIsFast();
    static void CursorPagesAreAsFastAsTheFirst();
    static void EverySortFieldListsQuickly();
    static void FilteredListingsAreQuick();
    static void GetByKeyTakesMicroseconds();
    static void EndorsersTagsChangesAndStatsAreQuick();
};

TempDir* SqliteStoreScaleTest::dir_ = nullptr;
SqliteEntryStore* SqliteStoreScaleTest::store_ = nullptr;

void SqliteStoreScaleTest::HoldsOneHundredThousandEntries() {
    // Entries whose newer endorsement raced ahead of them are refused as older.
    EXPECT_GT(store_->Stats()->entries, kEntries * 9 / 10);
}

void SqliteStoreScaleTest::DefaultFirstPageWithTotalIsFast() {
    uint64_t total = 0;
    const double ms = Time("first page: latest, valid, created desc, total", [&] {
        Result<EntryPage> page = ListOk(FirstPage());
        ASSERT_EQ(page->entries.size(), 100u);
        total = page->total;
    });
    EXPECT_GT(total, 30000u);
    EXPECT_LT(ms, 250.0);
}

void SqliteStoreScaleTest::CursorPagesAreAsFastAsTheFirst() {
    EntryQuery q = FirstPage();
    for (int i = 0; i < 50; ++i) q.cursor = ListOk(q)->next_cursor;  // page 51
    ASSERT_TRUE(q.cursor);
    const double ms = Time("page 52 by cursor (created desc)", [&] { (void)ListOk(q); });
    EXPECT_LT(ms, 250.0);
}

void SqliteStoreScaleTest::EverySortFieldListsQuickly() {
    const std::pair<SortField, const char*> fields[] = {{SortField::kCreated, "created"},
                                                        {SortField::kIdentifier, "identifier"},
                                                        {SortField::kEmail, "email"},
                                                        {SortField::kOs, "os"},
                                                        {SortField::kOsVersion, "os_version"},
                                                        {SortField::kOsArch, "os_arch"},
                                                        {SortField::kTitle, "title"},
                                                        {SortField::kValid, "valid"},
                                                        {SortField::kSeq, "seq"}};
    for (const auto& [field, name] : fields) {
        for (bool descending : {false, true}) {
            EntryQuery q = FirstPage();
            q.sort = field;
            q.descending = descending;
            const std::string label =
                std::string("first page sorted by ") + name + (descending ? " desc" : " asc");
            EXPECT_LT(Time(
                          label.c_str(), [&] { (void)ListOk(q); }, 3),
                      500.0)
                << label;
        }
    }
}

void SqliteStoreScaleTest::FilteredListingsAreQuick() {
    struct Case {
        const char* name;
        std::function<void(EntryQuery&)> set;
    };
    const Case cases[] = {
        {"os = ubuntu", [](EntryQuery& q) { q.os = "ubuntu"; }},
        {"email = endorser7", [](EntryQuery& q) { q.email = Email(7); }},
        {"identifier (one image)", [](EntryQuery& q) { q.identifier = TestIdentifier(500); }},
        {"tag = series-5", [](EntryQuery& q) { q.tag = "series-5"; }},
        {"endorser ~ 'endorser1'", [](EntryQuery& q) { q.endorser = "endorser1"; }},
        {"text 'ubuntu server'", [](EntryQuery& q) { q.text = "ubuntu server"; }},
        {"text 'no-such-term'", [](EntryQuery& q) { q.text = "no-such-term"; }},
        {"all statuses, history included",
         [](EntryQuery& q) {
             q.statuses = StatusSet::All();
             q.latest_only = false;
         }},
        {"expired only",
         [](EntryQuery& q) { q.statuses = StatusSet::Only(EntryStatus::kExpired); }},
        {"created_after (last day)",
         [](EntryQuery& q) {
             q.created_after = kT0 + static_cast<int64_t>(kEntries * 60 - 86400);
         }},
    };
    for (const auto& c : cases) {
        EntryQuery q = FirstPage();
        c.set(q);
        EXPECT_LT(Time(
                      c.name, [&] { (void)ListOk(q); }, 3),
                  500.0)
            << c.name;
    }
}

void SqliteStoreScaleTest::GetByKeyTakesMicroseconds() {
    std::vector<EntryKey> keys;
    for (uint64_t i = 0; i < 1000; ++i) keys.push_back(ScaleEntry(i * 97).key);
    const double ms = Time("1000 x Get by key", [&] {
        for (const auto& k : keys) {
            Result<Entry> e = store_->Get(k);
            if (!e.ok() && e.status().code() != StatusCode::kNotFound) ADD_FAILURE();
        }
    });
    std::printf("%-58s %8.1f us\n", "  = per Get", ms);
    EXPECT_LT(ms, 200.0);  // 200 us per Get
}

void SqliteStoreScaleTest::EndorsersTagsChangesAndStatsAreQuick() {
    EXPECT_LT(Time(
                  "Endorsers()", [] { ASSERT_EQ(store_->Endorsers()->size(), kEndorsers); }, 3),
              1000.0);
    EXPECT_LT(Time("Tags(endorser7)", [] { ASSERT_FALSE(store_->Tags(Email(7))->empty()); }),
              100.0);
    EXPECT_LT(Time("ChangesSince(50000, 1000)",
                   [] { ASSERT_EQ(store_->ChangesSince(50000, 1000)->size(), 1000u); }),
              200.0);
    EXPECT_LT(Time("Stats()", [] { ASSERT_TRUE(store_->Stats().ok()); }), 100.0);
}

// One test case, so that ctest (one process per case) fills the store once.
TEST_F(SqliteStoreScaleTest, HundredThousandEntriesListAndReadQuickly) {
    HoldsOneHundredThousandEntries();
    DefaultFirstPageWithTotalIsFast();
    CursorPagesAreAsFastAsTheFirst();
    EverySortFieldListsQuickly();
    FilteredListingsAreQuick();
    GetByKeyTakesMicroseconds();
    EndorsersTagsChangesAndStatsAreQuick();
}

}  // namespace
}  // namespace mkt::testing
