// The EntryStore conformance suite: every sentence of registry/entry_store.hpp
// as a typed GoogleTest, run against each store.
//
// Instantiate it with a factory type:
//
//   struct MyStoreFactory {
//       // A fresh, empty store keeping its files (if any) under `dir`; on failure
//       // report with ADD_FAILURE() and return nullptr.
//       static std::unique_ptr<mkt::EntryStore> Make(const std::filesystem::path& dir);
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, EntryStoreConformance, ::testing::Types<MyStoreFactory>);
//
// Choices the interface leaves open are pinned here so all stores agree:
// text order is bytewise; an entry without dcterms:valid sorts after every date;
// an endorser's "most recent entry" is the greatest (created, seq); tags and
// endorsers cover history; a refused or unchanged Put consumes no seq (seqs are
// 1, 2, 3...); limit 0 gives the total only.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "registry/entry_store.hpp"
#include "tests/registry/store/test_entries.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {

template <typename Factory>
class EntryStoreConformance : public ::testing::Test {
  protected:
    void SetUp() override {
        store_ = Factory::Make(dir_.path());
        ASSERT_NE(store_, nullptr);
    }

    EntryStore& store() { return *store_; }

    /// Puts `e` expecting an insertion; returns it carrying its seq.
    Entry Insert(Entry e) {
        Result<PutOutcome> r = store_->Put(e);
        EXPECT_TRUE(r.ok()) << e.key.ToPath() << ": " << r.status().ToString();
        if (r.ok()) {
            EXPECT_EQ(*r, PutOutcome::kInserted) << e.key.ToPath();
        }
        return e;
    }

    /// Every entry, history and all statuses included, in `sort` order.
    static EntryQuery Everything(SortField sort = SortField::kSeq, bool descending = false) {
        EntryQuery q;
        q.latest_only = false;
        q.statuses = StatusSet::All();
        q.now = kT0;
        q.sort = sort;
        q.descending = descending;
        q.limit = 1000;
        return q;
    }

    /// Key paths of one page of `q`, in order (fails the test on error).
    std::vector<std::string> Paths(const EntryQuery& q) {
        Result<EntryPage> page = store_->List(q);
        EXPECT_TRUE(page.ok()) << page.status().ToString();
        return page.ok() ? PathsOf(page->entries) : std::vector<std::string>();
    }

    static std::vector<std::string> PathsOf(const std::vector<Entry>& entries) {
        std::vector<std::string> out;
        for (const auto& e : entries) out.push_back(e.key.ToPath());
        return out;
    }

    static std::set<std::string> SetOf(std::vector<std::string> v) { return {v.begin(), v.end()}; }

    /// Walks `q` page by page with cursors; `between` runs after each page.
    std::vector<std::string> WalkWithCursor(EntryQuery q,
                                            const std::function<void()>& between = {}) {
        std::vector<std::string> out;
        for (int pages = 0; pages < 1000; ++pages) {
            Result<EntryPage> page = store_->List(q);
            EXPECT_TRUE(page.ok()) << page.status().ToString();
            if (!page.ok()) break;
            EXPECT_LE(page->entries.size(), q.limit);
            for (const auto& p : PathsOf(page->entries)) out.push_back(p);
            if (!page->next_cursor) break;
            EXPECT_EQ(page->entries.size(), q.limit) << "a page before the last one is short";
            q.cursor = page->next_cursor;
            if (between) between();
        }
        return out;
    }

    /// 24 entries with ties in every sort field (see the pools), inserted in created order.
    std::vector<Entry> InsertSortFixture() {
        const std::vector<std::string> emails = {"c@example.org", "a@example.org", "b@example.org"};
        const std::vector<std::string> oses = {"Ubuntu", "centos", "Debian", ""};
        const std::vector<std::string> versions = {"10", "9", "10", "22.04", ""};
        const std::vector<std::string> arches = {"x86_64", "i686", "x86_64"};
        const std::vector<std::string> titles = {"b", "B", "a", "", "b"};
        const std::vector<std::optional<Timestamp>> valids = {std::nullopt, kT0 + 1000, kT0 + 500,
                                                              kT0 + 1000};
        std::vector<Entry> out;
        for (uint64_t i = 0; i < 24; ++i) {
            Entry e =
                TestEntry(i % 3, emails[(i / 3) % 3], kT0 + 100 * static_cast<int64_t>(i / 4));
            e.metadata.os = oses[i % oses.size()];
            e.metadata.os_version = versions[i % versions.size()];
            e.metadata.os_arch = arches[(i / 2) % arches.size()];
            e.metadata.title = titles[(i * 7) % titles.size()];
            e.metadata.valid = valids[(i / 3) % valids.size()];
            out.push_back(Insert(e));
        }
        return out;
    }

    TempDir dir_;  // outlives the store (members are destroyed in reverse order)
    std::unique_ptr<EntryStore> store_;
};

TYPED_TEST_SUITE_P(EntryStoreConformance);

// ---------------------------------------------------------------- Put and Get

TYPED_TEST_P(EntryStoreConformance, PutInsertsAndGetReturnsEveryFieldAndTheBytesUnchanged) {
    Entry original = FullyPopulatedEntry();
    Entry put = original;
    Result<PutOutcome> r = this->store().Put(put);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, PutOutcome::kInserted);
    EXPECT_EQ(put.seq, 1);

    Result<Entry> got = this->store().Get(original.key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->key, original.key);
    EXPECT_EQ(got->metadata, original.metadata);
    EXPECT_EQ(got->signer, original.signer);
    EXPECT_EQ(got->document, original.document);
    EXPECT_EQ(got->document.size(), original.document.size());
    EXPECT_EQ(got->seq, 1);
    EXPECT_EQ(got->received, original.received);
}

TYPED_TEST_P(EntryStoreConformance, IdenticalReuploadIsUnchangedAndConsumesNoSeq) {
    Entry first = this->Insert(TestEntry(1, "a@example.org", kT0));
    Entry again = TestEntry(1, "a@example.org", kT0);
    again.received = kT0 + 999;  // a later upload of the same bytes
    Result<PutOutcome> r = this->store().Put(again);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, PutOutcome::kUnchanged);
    EXPECT_EQ(this->store().Get(first.key)->received, first.received);
    EXPECT_EQ(this->store().Stats()->entries, 1u);
    EXPECT_EQ(this->Insert(TestEntry(2, "a@example.org", kT0)).seq, first.seq + 1);
}

TYPED_TEST_P(EntryStoreConformance, SameKeyWithOtherBytesIsAlreadyExistsAndKeepsTheStoredBytes) {
    Entry stored = this->Insert(TestEntry(1, "a@example.org", kT0));
    Entry other = TestEntry(1, "a@example.org", kT0);
    other.document += " tampered";
    Result<PutOutcome> r = this->store().Put(other);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
    EXPECT_NE(r.status().message().find(stored.key.ToPath()), std::string::npos)
        << r.status().message();
    EXPECT_EQ(this->store().Get(stored.key)->document, stored.document);
}

TYPED_TEST_P(EntryStoreConformance, EntryOlderThanLatestIsRefusedNamingTheLatestDate) {
    this->Insert(TestEntry(1, "a@example.org", kT0 + 100));
    Entry older = TestEntry(1, "a@example.org", kT0 + 50);
    Result<PutOutcome> r = this->store().Put(older);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("older than latest entry (" + (kT0 + 100).ToString() + ")"),
              std::string::npos)
        << r.status().message();
    EXPECT_EQ(this->store().Get(older.key).status().code(), StatusCode::kNotFound);
    // Other endorsers and other images have their own latest entry.
    this->Insert(TestEntry(1, "b@example.org", kT0 + 50));
    this->Insert(TestEntry(2, "a@example.org", kT0 + 50));
}

TYPED_TEST_P(EntryStoreConformance, SeqIncreasesByOneAndRefusedPutsConsumeNone) {
    std::vector<int64_t> seqs;
    seqs.push_back(this->Insert(TestEntry(1, "a@example.org", kT0 + 10)).seq);
    Entry conflict = TestEntry(1, "a@example.org", kT0 + 10);
    conflict.document = "other";
    EXPECT_FALSE(this->store().Put(conflict).ok());
    Entry older = TestEntry(1, "a@example.org", kT0);
    EXPECT_FALSE(this->store().Put(older).ok());
    Entry same = TestEntry(1, "a@example.org", kT0 + 10);
    EXPECT_TRUE(this->store().Put(same).ok());
    seqs.push_back(this->Insert(TestEntry(2, "a@example.org", kT0)).seq);
    seqs.push_back(this->Insert(TestEntry(1, "a@example.org", kT0 + 20)).seq);
    EXPECT_EQ(seqs, (std::vector<int64_t>{1, 2, 3}));
    const std::vector<Entry> feed = this->store().ChangesSince(0, 10).value();
    for (const auto& e : feed) {
        EXPECT_EQ(this->store().Get(e.key)->seq, e.seq);
    }
}

TYPED_TEST_P(EntryStoreConformance, GetOfAnUnknownKeyIsNotFoundNamingThePath) {
    this->Insert(TestEntry(1, "a@example.org", kT0));
    const EntryKey missing{TestIdentifier(1), "a@example.org", kT0 + 1};
    Result<Entry> r = this->store().Get(missing);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(r.status().message(), "metadata entry not found: " + missing.ToPath());
}

TYPED_TEST_P(EntryStoreConformance, CreatedOutsideTheFourDigitYearsIsRefused) {
    Entry e =
        TestEntry(1, "a@example.org", Timestamp::FromUnixSeconds(253402300800));  // 10000-01-01
    Result<PutOutcome> r = this->store().Put(e);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(this->store().Stats()->entries, 0u);
}

TYPED_TEST_P(EntryStoreConformance, TextFieldThatIsNotUtf8IsRefused) {
    Entry e = TestEntry(1, "a@example.org", kT0);
    e.metadata.title = "bad \xC3(";
    Result<PutOutcome> r = this->store().Put(e);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("title"), std::string::npos) << r.status().message();
}

// ---------------------------------------------------------------- latest and history

TYPED_TEST_P(EntryStoreConformance, LatestCreatedIsEmptyThenFollowsTheNewestEntry) {
    EXPECT_FALSE(this->store().LatestCreated(TestIdentifier(1), "a@example.org").value());
    this->Insert(TestEntry(1, "a@example.org", kT0));
    EXPECT_EQ(this->store().LatestCreated(TestIdentifier(1), "a@example.org").value(), kT0);
    this->Insert(TestEntry(1, "a@example.org", kT0 + 60));
    EXPECT_EQ(this->store().LatestCreated(TestIdentifier(1), "a@example.org").value(), kT0 + 60);
    EXPECT_FALSE(this->store().LatestCreated(TestIdentifier(1), "b@example.org").value());
    EXPECT_FALSE(this->store().LatestCreated(TestIdentifier(2), "a@example.org").value());
}

TYPED_TEST_P(EntryStoreConformance, NewerEntryBecomesLatestAndHistoryStaysReachableByCreated) {
    const Entry a1 = this->Insert(TestEntry(1, "a@example.org", kT0));
    const Entry a2 = this->Insert(TestEntry(1, "a@example.org", kT0 + 10));
    const Entry a3 = this->Insert(TestEntry(1, "a@example.org", kT0 + 20));
    const Entry b1 = this->Insert(TestEntry(1, "b@example.org", kT0));
    const Entry c1 = this->Insert(TestEntry(2, "a@example.org", kT0));

    EntryQuery q;  // defaults: latest only, valid only
    q.now = kT0;
    q.sort = SortField::kSeq;
    q.descending = false;
    EXPECT_EQ(this->Paths(q), (std::vector{a3.key.ToPath(), b1.key.ToPath(), c1.key.ToPath()}));

    q.created = kT0 + 10;  // an exact date reaches history, latest_only notwithstanding
    EXPECT_EQ(this->Paths(q), (std::vector{a2.key.ToPath()}));
    q.created = kT0;
    EXPECT_EQ(this->Paths(q), (std::vector{a1.key.ToPath(), b1.key.ToPath(), c1.key.ToPath()}));
    EXPECT_EQ(this->store().Get(a1.key)->document, a1.document);

    q.created.reset();
    q.latest_only = false;
    EXPECT_EQ(this->Paths(q).size(), 5u);
}

TYPED_TEST_P(EntryStoreConformance, DeprecatedLatestEntryHidesTheImageWithoutFallback) {
    this->Insert(TestEntry(1, "a@example.org", kT0));
    Entry deprecation = TestEntry(1, "a@example.org", kT0 + 10);
    deprecation.metadata.deprecated = "replaced by a newer image";
    deprecation = this->Insert(deprecation);

    EntryQuery q;
    q.now = kT0 + 20;
    EXPECT_TRUE(this->Paths(q).empty());
    q.statuses = StatusSet::Only(EntryStatus::kDeprecated);
    EXPECT_EQ(this->Paths(q), (std::vector{deprecation.key.ToPath()}));
}

// ---------------------------------------------------------------- statuses

TYPED_TEST_P(EntryStoreConformance, StatusesFollowNowAndEntriesWithoutValidNeverExpire) {
    const Timestamp now = kT0 + 1000;
    struct Case {
        const char* name;
        std::optional<Timestamp> valid;
        bool deprecated;
    };
    const std::vector<Case> cases = {
        {"valid", now + 10, false},
        {"expired", now - 10, false},
        {"expires-now", now, false},
        {"no-valid", std::nullopt, false},
        {"deprecated", now + 10, true},
        {"deprecated-expired", now - 10, true},
        {"deprecated-no-valid", std::nullopt, true},
    };
    std::map<std::string, std::string> name_of;  // path -> case name
    for (size_t i = 0; i < cases.size(); ++i) {
        Entry e = TestEntry(i, "a@example.org", kT0);
        e.metadata.valid = cases[i].valid;
        if (cases[i].deprecated) e.metadata.deprecated = "old";
        name_of[this->Insert(e).key.ToPath()] = cases[i].name;
    }
    auto names = [&](StatusSet statuses, Timestamp at) {
        EntryQuery q;
        q.statuses = statuses;
        q.now = at;
        std::set<std::string> out;
        for (const auto& p : this->Paths(q)) out.insert(name_of[p]);
        return out;
    };
    using S = std::set<std::string>;
    EXPECT_EQ(names(StatusSet::Only(EntryStatus::kValid), now), (S{"valid", "no-valid"}));
    EXPECT_EQ(names(StatusSet::Only(EntryStatus::kExpired), now), (S{"expired", "expires-now"}));
    EXPECT_EQ(names(StatusSet::Only(EntryStatus::kDeprecated), now),
              (S{"deprecated", "deprecated-expired", "deprecated-no-valid"}));
    EXPECT_EQ(names(StatusSet{true, true, false}, now),
              (S{"valid", "no-valid", "expired", "expires-now"}));
    EXPECT_EQ(names(StatusSet{true, false, true}, now),
              (S{"valid", "no-valid", "deprecated", "deprecated-expired", "deprecated-no-valid"}));
    EXPECT_EQ(
        names(StatusSet{false, true, true}, now),
        (S{"expired", "expires-now", "deprecated", "deprecated-expired", "deprecated-no-valid"}));
    EXPECT_EQ(names(StatusSet::All(), now).size(), cases.size());
    EXPECT_TRUE(names(StatusSet{false, false, false}, now).empty());
    // Later, the valid one has expired too; the one without dcterms:valid never does.
    EXPECT_EQ(names(StatusSet::Only(EntryStatus::kValid), now + 100000), (S{"no-valid"}));
    EXPECT_EQ(names(StatusSet::Only(EntryStatus::kValid), now - 20),
              (S{"valid", "no-valid", "expired", "expires-now"}));
}

// ---------------------------------------------------------------- filters

TYPED_TEST_P(EntryStoreConformance, IdentifierEmailAndTagFiltersAreExactAndCaseSensitive) {
    Entry jane = TestEntry(1, "Jane.Tester@Example.org", kT0);
    jane.metadata.tag = "ubuntu-lts";
    jane = this->Insert(jane);
    Entry bob = TestEntry(2, "bob@example.org", kT0);
    bob.metadata.tag = "ubuntu-lts-old";
    bob = this->Insert(bob);

    EntryQuery q;
    q.now = kT0;
    q.identifier = TestIdentifier(1);
    EXPECT_EQ(this->Paths(q), (std::vector{jane.key.ToPath()}));
    q.identifier = AsciiLowerForTest(TestIdentifier(1));
    EXPECT_TRUE(this->Paths(q).empty());
    q.identifier.reset();

    q.email = "Jane.Tester@Example.org";
    EXPECT_EQ(this->Paths(q), (std::vector{jane.key.ToPath()}));
    q.email = "jane.tester@example.org";
    EXPECT_TRUE(this->Paths(q).empty());
    q.email = "Jane";
    EXPECT_TRUE(this->Paths(q).empty());
    q.email.reset();

    q.tag = "ubuntu-lts";
    EXPECT_EQ(this->Paths(q), (std::vector{jane.key.ToPath()}));
    q.tag = "Ubuntu-LTS";
    EXPECT_TRUE(this->Paths(q).empty());
    q.tag = "ubuntu";
    EXPECT_TRUE(this->Paths(q).empty());
}

TYPED_TEST_P(EntryStoreConformance, OsFiltersAreExactButIgnoreAsciiCase) {
    Entry a = TestEntry(1, "a@example.org", kT0);
    a.metadata.os = "Ubuntu";
    a.metadata.os_version = "22.04 LTS";
    a.metadata.os_arch = "X86_64";
    a = this->Insert(a);
    Entry b = TestEntry(2, "a@example.org", kT0);
    b.metadata.os = "UbuntuCore";
    b.metadata.os_version = "22.04";
    b.metadata.os_arch = "aarch64";
    b = this->Insert(b);

    EntryQuery q;
    q.now = kT0;
    for (const char* os : {"Ubuntu", "ubuntu", "UBUNTU", "uBuNtU"}) {
        q.os = os;
        EXPECT_EQ(this->Paths(q), (std::vector{a.key.ToPath()})) << os;
    }
    q.os = "Ubunt";
    EXPECT_TRUE(this->Paths(q).empty());
    q.os.reset();
    q.os_version = "22.04 lts";
    EXPECT_EQ(this->Paths(q), (std::vector{a.key.ToPath()}));
    q.os_version = "22.04";
    EXPECT_EQ(this->Paths(q), (std::vector{b.key.ToPath()}));
    q.os_version.reset();
    q.os_arch = "x86_64";
    EXPECT_EQ(this->Paths(q), (std::vector{a.key.ToPath()}));
    q.os_arch = "AARCH64";
    EXPECT_EQ(this->Paths(q), (std::vector{b.key.ToPath()}));
    q.os_arch = "x86";
    EXPECT_TRUE(this->Paths(q).empty());
}

TYPED_TEST_P(EntryStoreConformance, EndorserFilterIsACaseInsensitiveSubstringOfEmailOrSubject) {
    Entry jane = TestEntry(1, "Jane.Tester@Example.org", kT0);
    jane.metadata.endorsement.subject = "CN=Jane Tester,O=Grid";
    jane = this->Insert(jane);
    Entry bob = TestEntry(2, "a_b@site.net", kT0);
    bob.metadata.endorsement.subject = "CN=Bob 100%,O=Other";
    bob = this->Insert(bob);
    Entry axb = TestEntry(3, "axb@site.net", kT0);
    axb.metadata.endorsement.subject = "CN=Axb 1000,O=Other";
    axb = this->Insert(axb);

    auto endorser = [&](const std::string& needle) {
        EntryQuery q;
        q.now = kT0;
        q.endorser = needle;
        return this->SetOf(this->Paths(q));
    };
    using S = std::set<std::string>;
    const std::string j = jane.key.ToPath(), b = bob.key.ToPath(), x = axb.key.ToPath();
    EXPECT_EQ(endorser("jane"), (S{j}));
    EXPECT_EQ(endorser("EXAMPLE.ORG"), (S{j}));
    EXPECT_EQ(endorser("jane tester"), (S{j}));  // in the subject only
    EXPECT_EQ(endorser("o=other"), (S{b, x}));
    EXPECT_EQ(endorser("a_b"), (S{b}));   // '_' is literal
    EXPECT_EQ(endorser("100%"), (S{b}));  // '%' is literal
    EXPECT_EQ(endorser("cn="), (S{j, b, x}));
    EXPECT_TRUE(endorser("carol").empty());
}

TYPED_TEST_P(EntryStoreConformance, FreeTextNeedsEveryTermInSomeFieldIgnoringCase) {
    Entry u = TestEntry(1, "jane@example.org", kT0);
    u.metadata.title = "Ubuntu Server";
    u.metadata.description = "Base image with SSH";
    u.metadata.locations = {"http://cdn.example.org/u.img", "pdisk:vm.example.org:8445/u"};
    u = this->Insert(u);
    Entry c = TestEntry(2, "bob@example.org", kT0);
    c.metadata.title = "CentOS minimal";
    c.metadata.description = "100% free";
    c.metadata.os = "CentOS";
    c.metadata.kind = "appliance";
    c.metadata.tag = "centos-7";
    c = this->Insert(c);
    Entry d = TestEntry(3, "bob@example.org", kT0);
    d.metadata.title = "Debian";
    d.metadata.description = "foo";
    d.metadata.os = "Debian";
    d.metadata.os_version = "bar";
    d.metadata.os_arch = "MIPS";
    d = this->Insert(d);

    auto text = [&](const std::string& t) {
        EntryQuery q;
        q.now = kT0;
        q.text = t;
        return this->SetOf(this->Paths(q));
    };
    using S = std::set<std::string>;
    const std::string U = u.key.ToPath(), C = c.key.ToPath(), D = d.key.ToPath();
    EXPECT_EQ(text("ubuntu ssh"), (S{U}));           // title + description
    EXPECT_TRUE(text("UBUNTU ssh centos").empty());  // every term must match
    EXPECT_EQ(text("cdn.example"), (S{U}));          // a location
    EXPECT_EQ(text("vm.example.org:8445"), (S{U}));  // the second location
    EXPECT_EQ(text("appliance"), (S{C}));            // kind
    EXPECT_EQ(text("Centos-7"), (S{C}));             // tag
    EXPECT_EQ(text("100%"), (S{C}));                 // '%' is literal
    EXPECT_TRUE(text("1_0").empty());                // '_' is literal
    EXPECT_EQ(text("foo bar mips"), (S{D}));         // description, os_version, os_arch
    EXPECT_TRUE(text("foobar").empty());             // no match across two fields
    EXPECT_EQ(text("jane"), (S{U}));                 // email
    EXPECT_EQ(text(" \t bob\n DEBIAN "), (S{D}));    // any whitespace separates terms
    EXPECT_EQ(text(AsciiLowerForTest(TestIdentifier(3))), (S{D}));  // identifier
    EXPECT_EQ(text(""), (S{U, C, D}));                              // no term: no condition
}

TYPED_TEST_P(EntryStoreConformance, CreatedIsExactAndCreatedAfterIsStrict) {
    const Entry a1 = this->Insert(TestEntry(1, "a@example.org", kT0));
    const Entry a2 = this->Insert(TestEntry(1, "a@example.org", kT0 + 10));
    const Entry b1 = this->Insert(TestEntry(2, "a@example.org", kT0 + 5));
    EntryQuery q = this->Everything();
    q.created = kT0 + 5;
    EXPECT_EQ(this->Paths(q), (std::vector{b1.key.ToPath()}));
    q.created.reset();
    q.created_after = kT0;
    EXPECT_EQ(this->Paths(q), (std::vector{a2.key.ToPath(), b1.key.ToPath()}));
    q.created_after = kT0 + 5;
    EXPECT_EQ(this->Paths(q), (std::vector{a2.key.ToPath()}));
    q.created_after = kT0 + 10;
    EXPECT_TRUE(this->Paths(q).empty());
    q.latest_only = true;  // history ranges combine with latest_only
    q.created_after = kT0 - 1;
    EXPECT_EQ(this->Paths(q), (std::vector{a2.key.ToPath(), b1.key.ToPath()}));
    (void)a1;
}

TYPED_TEST_P(EntryStoreConformance, NewestPerIdentifierKeepsOneEntryPerImageBeforeOtherFilters) {
    // Image 1: a's history (kT0, kT0+10) and b at kT0+20 (deprecated, the newest).
    this->Insert(TestEntry(1, "a@example.org", kT0));
    const Entry a1 = this->Insert(TestEntry(1, "a@example.org", kT0 + 10));
    Entry b1 = TestEntry(1, "b@example.org", kT0 + 20);
    b1.metadata.deprecated = "superseded";
    b1 = this->Insert(b1);
    // Image 2: a only. Image 3: a and b at the same time (seq breaks the tie).
    const Entry a2 = this->Insert(TestEntry(2, "a@example.org", kT0 + 5));
    this->Insert(TestEntry(3, "a@example.org", kT0 + 30));
    const Entry b3 = this->Insert(TestEntry(3, "b@example.org", kT0 + 30));
    EntryQuery q = this->Everything(SortField::kCreated, true);
    q.latest_only = false;
    q.newest_per_identifier = true;
    EXPECT_EQ(this->Paths(q), (std::vector{b3.key.ToPath(), b1.key.ToPath(), a2.key.ToPath()}));
    EXPECT_EQ(this->store().List(q)->total, 3u);
    // Other filters apply to the chosen entry: image 1 is deprecated, not replaced by a1.
    q.statuses = StatusSet::Only(EntryStatus::kValid);
    EXPECT_EQ(this->Paths(q), (std::vector{b3.key.ToPath(), a2.key.ToPath()}));
    q.email = "a@example.org";
    EXPECT_EQ(this->Paths(q), (std::vector{a2.key.ToPath()}));
    q.email.reset();
    q.created_after = kT0 + 5;
    EXPECT_EQ(this->Paths(q), (std::vector{b3.key.ToPath()}));
    q.created_after.reset();
    q.limit = 1;  // cursor pages walk one image at a time
    EXPECT_EQ(this->WalkWithCursor(q), (std::vector{b3.key.ToPath(), a2.key.ToPath()}));
    (void)a1;
}

// Every way a write can move the image's newest entry, checked after each step
// through the query shapes the stores plan differently (with and without an os,
// walked in created order, sorted by another column, counted).
TYPED_TEST_P(EntryStoreConformance, NewestPerIdentifierFollowsEveryEndorsementOfAnImage) {
    const Entry other = this->Insert(TestEntry(2, "z@example.org", kT0));
    auto expect_newest = [&](const Entry& newest, const std::string& step) {
        EntryQuery q = this->Everything(SortField::kCreated, true);
        q.newest_per_identifier = true;
        const std::vector<std::string> want = {newest.key.ToPath(), other.key.ToPath()};
        EXPECT_EQ(this->Paths(q), want) << step;
        EXPECT_EQ(this->store().List(q)->total, 2u) << step;
        q.os = "UBUNTU";
        EXPECT_EQ(this->Paths(q), want) << step << " (with an os)";
        EXPECT_EQ(this->store().List(q)->total, 2u) << step << " (with an os)";
        q.offset = 1;  // reaches far into the matches: the sorting plan
        EXPECT_EQ(this->Paths(q), (std::vector{other.key.ToPath()})) << step << " (offset)";
        q.offset = 0;
        q.sort = SortField::kTitle;
        q.descending = false;  // "Image 1" < "Image 2"
        EXPECT_EQ(this->Paths(q), want) << step << " (by title)";
    };
    const Entry a10 = this->Insert(TestEntry(1, "a@example.org", kT0 + 10));
    expect_newest(a10, "first entry of the image");
    this->Insert(TestEntry(1, "b@example.org", kT0 + 5));
    expect_newest(a10, "older entry by another endorser");
    const Entry c20 = this->Insert(TestEntry(1, "c@example.org", kT0 + 20));
    expect_newest(c20, "newer entry by another endorser");
    const Entry a30 = this->Insert(TestEntry(1, "a@example.org", kT0 + 30));
    expect_newest(a30, "re-endorsement by an endorser whose latest was not the newest");
    const Entry a50 = this->Insert(TestEntry(1, "a@example.org", kT0 + 50));
    expect_newest(a50, "re-endorsement of the newest entry by its endorser");
    const Entry b50 = this->Insert(TestEntry(1, "b@example.org", kT0 + 50));
    expect_newest(b50, "same created as the newest by another endorser (greater seq)");
    const Entry c40 = this->Insert(TestEntry(1, "c@example.org", kT0 + 40));
    expect_newest(b50, "re-endorsement older than the newest");
    (void)c40;
}

TYPED_TEST_P(EntryStoreConformance, FiltersCombineWithAnd) {
    for (uint64_t i = 0; i < 16; ++i) {
        Entry e = TestEntry(i, i % 2 ? "odd@example.org" : "even@example.org", kT0 + i);
        e.metadata.os = i % 4 < 2 ? "Ubuntu" : "CentOS";
        e.metadata.tag = i % 8 < 4 ? "stable" : "testing";
        if (i % 3 == 0) e.metadata.deprecated = "old";
        this->Insert(e);
    }
    EntryQuery q;
    q.now = kT0;
    q.sort = SortField::kSeq;
    q.descending = false;
    q.email = "odd@example.org";
    q.os = "ubuntu";
    q.tag = "stable";
    q.text = "image";
    // odd, Ubuntu (i%4 < 2), stable (i%8 < 4), not deprecated (i%3 != 0): only i = 1.
    std::vector<std::string> expected;
    for (uint64_t i = 0; i < 16; ++i) {
        if (i % 2 == 1 && i % 4 < 2 && i % 8 < 4 && i % 3 != 0) {
            expected.push_back(EntryKey{TestIdentifier(i), "odd@example.org", kT0 + i}.ToPath());
        }
    }
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(this->Paths(q), expected);
    q.created_after = kT0 + 1;
    EXPECT_TRUE(this->Paths(q).empty());
}

// ---------------------------------------------------------------- order and paging

/// The test's own statement of each order: field values, then seq.
inline std::variant<int64_t, std::string> ExpectedSortValue(const Entry& e, SortField field) {
    switch (field) {
        case SortField::kCreated:
            return e.key.created.unix_seconds();
        case SortField::kIdentifier:
            return e.key.identifier;
        case SortField::kEmail:
            return e.key.email;
        case SortField::kOs:
            return e.metadata.os;
        case SortField::kOsVersion:
            return e.metadata.os_version;
        case SortField::kOsArch:
            return e.metadata.os_arch;
        case SortField::kTitle:
            return e.metadata.title;
        case SortField::kValid:  // no dcterms:valid = never expires = after every date
            return e.metadata.valid ? e.metadata.valid->unix_seconds() : INT64_MAX;
        case SortField::kSeq:
            return e.seq;
    }
    return e.seq;
}

inline const std::vector<SortField> kAllSortFields = {
    SortField::kCreated, SortField::kIdentifier, SortField::kEmail,
    SortField::kOs,      SortField::kOsVersion,  SortField::kOsArch,
    SortField::kTitle,   SortField::kValid,      SortField::kSeq};

TYPED_TEST_P(EntryStoreConformance, EverySortFieldOrdersBothWaysWithSeqBreakingTies) {
    std::vector<Entry> entries = this->InsertSortFixture();
    for (SortField field : kAllSortFields) {
        for (bool descending : {false, true}) {
            std::vector<Entry> expected = entries;
            std::sort(expected.begin(), expected.end(), [&](const Entry& a, const Entry& b) {
                auto va = ExpectedSortValue(a, field), vb = ExpectedSortValue(b, field);
                if (va != vb) return descending ? vb < va : va < vb;
                return descending ? a.seq > b.seq : a.seq < b.seq;
            });
            EXPECT_EQ(this->Paths(this->Everything(field, descending)), this->PathsOf(expected))
                << "sort field " << static_cast<int>(field) << (descending ? " desc" : " asc");
        }
    }
}

TYPED_TEST_P(EntryStoreConformance, TextOrderIsBytewiseAndEntriesWithoutValidSortLast) {
    this->InsertSortFixture();
    Result<EntryPage> by_os = this->store().List(this->Everything(SortField::kOs, false));
    ASSERT_TRUE(by_os.ok());
    std::vector<std::string> oses;
    for (const auto& e : by_os->entries) {
        if (oses.empty() || oses.back() != e.metadata.os) oses.push_back(e.metadata.os);
    }
    EXPECT_EQ(oses, (std::vector<std::string>{"", "Debian", "Ubuntu", "centos"}));

    Result<EntryPage> by_valid = this->store().List(this->Everything(SortField::kValid, false));
    ASSERT_TRUE(by_valid.ok());
    EXPECT_FALSE(by_valid->entries.back().metadata.valid.has_value());
    EXPECT_TRUE(by_valid->entries.front().metadata.valid.has_value());
}

TYPED_TEST_P(EntryStoreConformance, OffsetPagesCoverTheResultOnceWithAConstantTotal) {
    this->InsertSortFixture();
    for (SortField field : {SortField::kCreated, SortField::kTitle, SortField::kValid}) {
        const std::vector<std::string> all = this->Paths(this->Everything(field, true));
        ASSERT_EQ(all.size(), 24u);
        std::vector<std::string> paged;
        EntryQuery q = this->Everything(field, true);
        q.limit = 5;
        for (q.offset = 0; q.offset < 30; q.offset += 5) {
            Result<EntryPage> page = this->store().List(q);
            ASSERT_TRUE(page.ok()) << page.status().ToString();
            EXPECT_EQ(page->total, 24u);
            EXPECT_EQ(page->next_cursor.has_value(), q.offset + 5 < 24) << q.offset;
            for (const auto& p : this->PathsOf(page->entries)) paged.push_back(p);
        }
        EXPECT_EQ(paged, all);
    }
}

TYPED_TEST_P(EntryStoreConformance, CursorPagesWalkTheWholeResultWithoutDuplicatesOrGaps) {
    this->InsertSortFixture();
    for (SortField field : kAllSortFields) {
        for (bool descending : {false, true}) {
            for (size_t limit : {1u, 5u, 7u, 24u}) {
                EntryQuery q = this->Everything(field, descending);
                const std::vector<std::string> all = this->Paths(q);
                q.limit = limit;
                EXPECT_EQ(this->WalkWithCursor(q), all)
                    << "field " << static_cast<int>(field) << " limit " << limit;
            }
        }
    }
}

TYPED_TEST_P(EntryStoreConformance, CursorPagesStayExactWhenEntriesAreAddedBetweenPages) {
    std::vector<std::string> originals;
    for (uint64_t i = 0; i < 20; ++i) {
        originals.push_back(
            this->Insert(TestEntry(i, "a@example.org", kT0 + 10 * static_cast<int64_t>(i % 7)))
                .key.ToPath());
    }
    EntryQuery q;
    q.now = kT0;
    q.sort = SortField::kCreated;
    q.descending = true;
    q.limit = 4;
    uint64_t next_image = 100;
    std::vector<std::string> added;
    auto add_some = [&] {
        // Newer than everything (already passed), older than everything (still ahead)
        // and tied with existing dates (placed by seq).
        for (int64_t created : {1000, -1000, 30, 0}) {
            added.push_back(
                this->Insert(TestEntry(next_image++, "b@example.org", kT0 + created)).key.ToPath());
        }
    };
    const std::vector<std::string> walked = this->WalkWithCursor(q, add_some);
    std::map<std::string, int> seen;
    for (const auto& p : walked) ++seen[p];
    for (const auto& [path, n] : seen) EXPECT_EQ(n, 1) << "listed twice: " << path;
    for (const auto& p : originals) EXPECT_EQ(seen.count(p), 1u) << "skipped: " << p;
    // Entries added behind the cursor are not shown; those ahead of it are.
    int ahead = 0;
    for (const auto& p : added) ahead += seen.count(p) ? 1 : 0;
    EXPECT_GT(ahead, 0);
    EXPECT_LT(static_cast<size_t>(ahead), added.size());
}

TYPED_TEST_P(EntryStoreConformance, CursorOfAnotherQueryOrGarbageIsRefused) {
    this->InsertSortFixture();
    EntryQuery q = this->Everything(SortField::kCreated, true);
    q.limit = 5;
    Result<EntryPage> first = this->store().List(q);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(first->next_cursor);

    std::vector<EntryQuery> others(6, q);
    others[0].descending = false;
    others[1].sort = SortField::kTitle;
    others[2].email = "a@example.org";
    others[3].statuses = StatusSet::Only(EntryStatus::kValid);
    others[4].text = "image";
    others[5].latest_only = true;
    for (EntryQuery& other : others) {
        other.cursor = first->next_cursor;
        Result<EntryPage> r = this->store().List(other);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
        EXPECT_NE(r.status().message().find("cursor"), std::string::npos);
    }
    const std::string& good = *first->next_cursor;
    for (std::string bad : {std::string("garbage!"), std::string(""),
                            good.substr(0, good.size() / 2), good + "A", std::string("AAAA")}) {
        EntryQuery with_bad = q;
        with_bad.cursor = bad;
        Result<EntryPage> r = this->store().List(with_bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    }
    // Neither `now`, the limit nor the offset belong to the query's identity.
    EntryQuery same = q;
    same.now = kT0 + 86400;
    same.limit = 3;
    same.offset = 17;  // ignored with a cursor
    same.cursor = first->next_cursor;
    Result<EntryPage> next = this->store().List(same);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EntryQuery by_offset = q;
    by_offset.offset = 5;
    by_offset.limit = 3;
    EXPECT_EQ(this->PathsOf(next->entries), this->Paths(by_offset));
}

TYPED_TEST_P(EntryStoreConformance, TotalCountsEveryMatchAndLimitZeroGivesOnlyTheTotal) {
    const std::vector<Entry> all = this->InsertSortFixture();
    const auto expected_total = static_cast<uint64_t>(std::count_if(
        all.begin(), all.end(), [](const Entry& e) { return e.key.email == "a@example.org"; }));
    ASSERT_GT(expected_total, 2u);
    EntryQuery q = this->Everything();
    q.email = "a@example.org";
    q.limit = 2;
    Result<EntryPage> page = this->store().List(q);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, expected_total);
    EXPECT_EQ(page->entries.size(), 2u);
    q.limit = 0;
    page = this->store().List(q);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, expected_total);
    EXPECT_TRUE(page->entries.empty());
    EXPECT_FALSE(page->next_cursor);
    q.email = "nobody@example.org";
    q.limit = 10;
    page = this->store().List(q);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, 0u);
    EXPECT_TRUE(page->entries.empty());
    EXPECT_FALSE(page->next_cursor);
}

// ---------------------------------------------------------------- endorsers, tags, changes, stats

TYPED_TEST_P(EntryStoreConformance, EndorsersSummariseHistoryWithTheMostRecentSubject) {
    EXPECT_TRUE(this->store().Endorsers()->empty());
    auto entry = [](uint64_t image, const char* email, Timestamp created, const char* subject,
                    const char* issuer) {
        Entry e = TestEntry(image, email, created);
        e.metadata.endorsement.subject = subject;
        e.metadata.endorsement.issuers = {issuer, "CN=Second,O=Test"};
        return e;
    };
    this->Insert(entry(1, "jane@example.org", kT0, "CN=Jane Old", "CN=CA1"));
    this->Insert(entry(2, "jane@example.org", kT0 + 30, "CN=Jane New", "CN=CA2"));
    this->Insert(entry(1, "jane@example.org", kT0 + 20, "CN=Jane Mid", "CN=CA1"));
    this->Insert(
        entry(3, "jane@example.org", kT0 + 30, "CN=Jane Tie", "CN=CA3"));  // tie: later seq
    this->Insert(entry(1, "bob@example.org", kT0 + 5, "CN=Bob", "CN=CA9"));

    Result<std::vector<EndorserSummary>> r = this->store().Endorsers();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const std::vector<EndorserSummary> expected = {
        {"bob@example.org", "CN=Bob", "CN=CA9", 1, kT0 + 5},
        {"jane@example.org", "CN=Jane Tie", "CN=CA3", 4, kT0 + 30},
    };
    EXPECT_EQ(*r, expected);
}

TYPED_TEST_P(EntryStoreConformance, TagsAreTheDistinctNonEmptyTagsOfOneEndorserSorted) {
    auto tagged = [](uint64_t image, const char* email, Timestamp created, const char* tag) {
        Entry e = TestEntry(image, email, created);
        e.metadata.tag = tag;
        return e;
    };
    this->Insert(tagged(1, "jane@example.org", kT0, "b"));
    this->Insert(tagged(1, "jane@example.org", kT0 + 1, "a"));  // history keeps "b"
    this->Insert(tagged(2, "jane@example.org", kT0, ""));
    this->Insert(tagged(3, "jane@example.org", kT0, "a"));
    this->Insert(tagged(4, "jane@example.org", kT0, "B"));
    this->Insert(tagged(1, "bob@example.org", kT0, "c"));
    EXPECT_EQ(this->store().Tags("jane@example.org").value(),
              (std::vector<std::string>{"B", "a", "b"}));
    EXPECT_EQ(this->store().Tags("bob@example.org").value(), (std::vector<std::string>{"c"}));
    EXPECT_TRUE(this->store().Tags("Jane@example.org").value().empty());
}

TYPED_TEST_P(EntryStoreConformance, ChangesSinceIsTheOrderedFeedOfInsertions) {
    std::vector<Entry> inserted;
    for (uint64_t i = 0; i < 5; ++i) {
        inserted.push_back(
            this->Insert(TestEntry(i % 2, "a@example.org", kT0 + static_cast<int64_t>(i))));
    }
    Result<std::vector<Entry>> all = this->store().ChangesSince(0, 100);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ((*all)[i].seq, static_cast<int64_t>(i) + 1);
        EXPECT_EQ((*all)[i].key, inserted[i].key);
        EXPECT_EQ((*all)[i].document, inserted[i].document);
        EXPECT_EQ((*all)[i].metadata, inserted[i].metadata);
    }
    Result<std::vector<Entry>> middle = this->store().ChangesSince(2, 2);
    ASSERT_TRUE(middle.ok());
    EXPECT_EQ(this->PathsOf(*middle),
              (std::vector{inserted[2].key.ToPath(), inserted[3].key.ToPath()}));
    EXPECT_TRUE(this->store().ChangesSince(5, 10)->empty());
    EXPECT_TRUE(this->store().ChangesSince(0, 0)->empty());
    EXPECT_EQ(this->store().ChangesSince(-7, 1)->front().seq, 1);
}

TYPED_TEST_P(EntryStoreConformance, StatsCountEntriesAndTheLastSeq) {
    Result<StoreStats> empty = this->store().Stats();
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->entries, 0u);
    EXPECT_EQ(empty->last_seq, 0);
    this->Insert(TestEntry(1, "a@example.org", kT0));
    this->Insert(TestEntry(1, "a@example.org", kT0 + 1));
    Entry refused = TestEntry(1, "a@example.org", kT0 - 1);
    EXPECT_FALSE(this->store().Put(refused).ok());
    this->Insert(TestEntry(2, "a@example.org", kT0));
    Result<StoreStats> stats = this->store().Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->entries, 3u);
    EXPECT_EQ(stats->last_seq, 3);
}

// ---------------------------------------------------------------- concurrency

TYPED_TEST_P(EntryStoreConformance, ConcurrentPutsHaveOneWinnerPerKeyAndDistinctSeqs) {
    constexpr int kThreads = 8;
    struct Outcome {
        std::string path, document;
        Result<PutOutcome> result;
        int64_t seq;
    };
    std::mutex mutex;
    std::vector<Outcome> outcomes;
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::vector<Entry> mine;
            for (uint64_t k = 0; k < 10; ++k) {
                mine.push_back(TestEntry(1000 + 10 * t + k, "distinct@example.org", kT0));
            }
            for (uint64_t j = 0; j < 5; ++j) {
                Entry conflicting = TestEntry(5000 + j, "shared@example.org", kT0);
                conflicting.document += " from thread " + std::to_string(t);
                mine.push_back(conflicting);
                mine.push_back(TestEntry(6000 + j, "same@example.org", kT0));
            }
            mine.push_back(TestEntry(7000, "race@example.org", kT0 + 10 * t));
            start.arrive_and_wait();
            for (Entry& e : mine) {
                Result<PutOutcome> r = this->store().Put(e);
                std::lock_guard lock(mutex);
                outcomes.push_back({e.key.ToPath(), e.document, r, e.seq});
            }
        });
    }
    for (auto& th : threads) th.join();

    std::map<std::string, std::vector<const Outcome*>> by_key;
    std::set<int64_t> seqs;
    size_t inserted = 0;
    for (const Outcome& o : outcomes) {
        by_key[o.path].push_back(&o);
        if (o.result.ok() && *o.result == PutOutcome::kInserted) {
            ++inserted;
            EXPECT_TRUE(seqs.insert(o.seq).second) << "seq " << o.seq << " given twice";
        }
    }
    for (const auto& [path, attempts] : by_key) {
        int winners = 0;
        std::string winner;
        for (const Outcome* o : attempts) {
            if (o->result.ok() && *o->result == PutOutcome::kInserted) {
                ++winners;
                winner = o->document;
            } else if (path.find("/shared@") != std::string::npos) {
                EXPECT_EQ(o->result.status().code(), StatusCode::kAlreadyExists) << path;
            } else if (path.find("/same@") != std::string::npos) {
                ASSERT_TRUE(o->result.ok()) << o->result.status().ToString();
                EXPECT_EQ(*o->result, PutOutcome::kUnchanged);
            } else if (path.find("/race@") != std::string::npos) {
                EXPECT_EQ(o->result.status().code(), StatusCode::kFailedPrecondition) << path;
            } else {
                ADD_FAILURE() << path << ": " << o->result.status().ToString();
            }
        }
        if (path.find("/race@") != std::string::npos && winners == 0) continue;  // came too late
        EXPECT_EQ(winners, 1) << path;
        if (path.find("/shared@") != std::string::npos) {
            const std::vector<Entry> feed = this->store().ChangesSince(0, 1000).value();
            for (const auto& e : feed) {
                if (e.key.ToPath() == path) {
                    EXPECT_EQ(e.document, winner);
                }
            }
        }
    }
    // The newest race entry can never be refused, so it is the latest.
    EXPECT_EQ(this->store().LatestCreated(TestIdentifier(7000), "race@example.org").value(),
              kT0 + 10 * (kThreads - 1));
    EXPECT_EQ(*seqs.begin(), 1);
    EXPECT_EQ(*seqs.rbegin(), static_cast<int64_t>(inserted));
    EXPECT_EQ(this->store().Stats()->entries, inserted);
    EXPECT_EQ(this->store().Stats()->last_seq, static_cast<int64_t>(inserted));
}

TYPED_TEST_P(EntryStoreConformance, ReadersDuringWritesSeeOnlyCompleteEntriesAndNoSeqGaps) {
    constexpr uint64_t kEntries = 120;
    std::atomic<bool> writing{true};
    std::thread writer([&] {
        for (uint64_t i = 0; i < kEntries; ++i) {
            Entry e = TestEntry(i % 40, "w@example.org", kT0 + static_cast<int64_t>(i));
            Result<PutOutcome> r = this->store().Put(e);
            EXPECT_TRUE(r.ok()) << r.status().ToString();
        }
        writing = false;
    });
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t) {
        readers.emplace_back([&] {
            while (writing) {
                std::vector<Entry> feed = this->store().ChangesSince(0, 1000).value();
                for (size_t i = 0; i < feed.size(); ++i) {
                    ASSERT_EQ(feed[i].seq, static_cast<int64_t>(i) + 1) << "gap in the feed";
                    const Entry& e = feed[i];
                    EXPECT_EQ(e.document, "<signed doc " + e.key.ToPath() + ">");
                }
                Result<EntryPage> page =
                    this->store().List(this->Everything(SortField::kCreated, true));
                ASSERT_TRUE(page.ok()) << page.status().ToString();
                EXPECT_EQ(page->total, page->entries.size());
                for (const Entry& e : page->entries) {
                    Result<Entry> got = this->store().Get(e.key);
                    ASSERT_TRUE(got.ok()) << got.status().ToString();
                    EXPECT_EQ(got->metadata, e.metadata);
                }
            }
        });
    }
    writer.join();
    for (auto& r : readers) r.join();
    EXPECT_EQ(this->store().Stats()->entries, kEntries);
}

REGISTER_TYPED_TEST_SUITE_P(
    EntryStoreConformance, PutInsertsAndGetReturnsEveryFieldAndTheBytesUnchanged,
    IdenticalReuploadIsUnchangedAndConsumesNoSeq,
    SameKeyWithOtherBytesIsAlreadyExistsAndKeepsTheStoredBytes,
    EntryOlderThanLatestIsRefusedNamingTheLatestDate, SeqIncreasesByOneAndRefusedPutsConsumeNone,
    GetOfAnUnknownKeyIsNotFoundNamingThePath, CreatedOutsideTheFourDigitYearsIsRefused,
    TextFieldThatIsNotUtf8IsRefused, LatestCreatedIsEmptyThenFollowsTheNewestEntry,
    NewerEntryBecomesLatestAndHistoryStaysReachableByCreated,
    DeprecatedLatestEntryHidesTheImageWithoutFallback,
    StatusesFollowNowAndEntriesWithoutValidNeverExpire,
    IdentifierEmailAndTagFiltersAreExactAndCaseSensitive, OsFiltersAreExactButIgnoreAsciiCase,
    EndorserFilterIsACaseInsensitiveSubstringOfEmailOrSubject,
    FreeTextNeedsEveryTermInSomeFieldIgnoringCase, CreatedIsExactAndCreatedAfterIsStrict,
    NewestPerIdentifierKeepsOneEntryPerImageBeforeOtherFilters,
    NewestPerIdentifierFollowsEveryEndorsementOfAnImage, FiltersCombineWithAnd,
    EverySortFieldOrdersBothWaysWithSeqBreakingTies,
    TextOrderIsBytewiseAndEntriesWithoutValidSortLast,
    OffsetPagesCoverTheResultOnceWithAConstantTotal,
    CursorPagesWalkTheWholeResultWithoutDuplicatesOrGaps,
    CursorPagesStayExactWhenEntriesAreAddedBetweenPages, CursorOfAnotherQueryOrGarbageIsRefused,
    TotalCountsEveryMatchAndLimitZeroGivesOnlyTheTotal,
    EndorsersSummariseHistoryWithTheMostRecentSubject,
    TagsAreTheDistinctNonEmptyTagsOfOneEndorserSorted, ChangesSinceIsTheOrderedFeedOfInsertions,
    StatsCountEntriesAndTheLastSeq, ConcurrentPutsHaveOneWinnerPerKeyAndDistinctSeqs,
    ReadersDuringWritesSeeOnlyCompleteEntriesAndNoSeqGaps);

}  // namespace mkt::testing
