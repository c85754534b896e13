// PeerSync against a scripted feed and the real upload pipeline (strict trust
// over the test PKI, memory store): what is stored, what is refused and why,
// where the cursor stops, and that a restart resumes.
#include "registry/federation/peer_sync.hpp"

#include <deque>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "registry/federation/cursor_file.hpp"
#include "registry/forwarding_store.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/store/memory_store.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/rdf_world.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_trust.hpp"

namespace mkt::federation {
namespace {

// Serves the changes it holds after the cursor; `failures` are answered first.
class ScriptedFeed final : public ChangeFeedSource {
  public:
    std::vector<FeedChange> changes;
    std::deque<Status> failures;
    int fetches = 0;

    void Add(std::string document) {
        const int64_t seq = changes.empty() ? 1 : changes.back().seq + 1;
        changes.push_back({seq, "id", "email", "created", std::move(document)});
    }
    Result<FeedPage> Fetch(int64_t after, size_t limit) override {
        ++fetches;
        if (!failures.empty()) {
            Status s = failures.front();
            failures.pop_front();
            return s;
        }
        FeedPage page;
        for (const FeedChange& c : changes) {
            if (c.seq > after && page.changes.size() < limit) page.changes.push_back(c);
        }
        page.last_seq = changes.empty() ? 0 : changes.back().seq;
        return page;
    }
};

// A memory store whose Put fails while `down` is set (this instance's database away).
class FlakyStore final : public ForwardingEntryStore {
  public:
    using ForwardingEntryStore::ForwardingEntryStore;
    bool down = false;
    Result<PutOutcome> Put(Entry& entry) override {
        if (down) return Status::Unavailable("database unreachable");
        return inner_.Put(entry);
    }
};

class PeerSyncTest : public ::testing::Test {
  protected:
    PeerSyncTest()
        : rdf_(testing::RdfWorld()),
          trust_(testing::OpenTestPkiTrust()),
          verifier_({TrustMode::kStrict, trust_.get()}),
          registry_({}, parser_, rdf_, verifier_, store_, clock_) {}

    std::string Signed(const std::string& who, const std::string& image, int64_t age = 60) {
        return testing::SignedDocument(who, {.image = image}, now_ - age);
    }

    PeerSync Make(CursorStore& cursor, size_t page_size = 2) {
        return PeerSync("peer-a", registry_, feed_, cursor, {page_size},
                        [this](const std::string& line) { log_.push_back(line); });
    }

    const Timestamp now_ = SystemClock().Now();
    xmlsec::XmlMetadataParser parser_;
    redland::RaptorRdfChecker rdf_;
    std::unique_ptr<xmlsec::TrustStore> trust_;
    xmlsec::XmldsigVerifier verifier_;
    store::MemoryEntryStore memory_;
    FlakyStore store_{memory_};
    SystemClock clock_;
    Registry registry_;
    ScriptedFeed feed_;
    std::vector<std::string> log_;
};

TEST_F(PeerSyncTest, StoresEveryTrustedEntryAndRefusesTheRestWithTheirReasons) {
    feed_.Add(Signed("alice", "one"));
    std::string tampered = Signed("alice", "two");
    tampered.replace(tampered.find("An image for tests"), 2, "A ");  // one changed byte
    feed_.Add(tampered);
    feed_.Add(Signed("mallory", "three"));  // issued by a CA this instance does not trust
    feed_.Add("<not a metadata document>");
    feed_.Add(Signed("erin", "four", 30 * 86400));  // 30 days old: not windowed for peers
    MemoryCursor cursor;
    PeerSync sync = Make(cursor);

    ASSERT_TRUE(sync.PullUntilCaughtUp().ok());

    const PeerState state = sync.Snapshot();
    EXPECT_EQ(state.totals.stored, 2u);
    EXPECT_EQ(state.totals.refused, 3u);
    EXPECT_EQ(state.cursor, 5);
    EXPECT_EQ(state.lag(), 0);
    EXPECT_TRUE(state.last_error.empty());
    EXPECT_EQ(store_.Stats()->entries, 2u);
    ASSERT_EQ(log_.size(), 3u);
    EXPECT_NE(log_[0].find("refused seq 2"), std::string::npos) << log_[0];
    EXPECT_NE(log_[1].find("refused seq 3"), std::string::npos) << log_[1];
    EXPECT_NE(log_[2].find("refused seq 4"), std::string::npos) << log_[2];
    uint64_t by_reason = 0;
    for (const auto& [reason, count] : state.totals.refused_by_reason) by_reason += count;
    EXPECT_EQ(by_reason, 3u);
    EXPECT_NE(SummaryLine(state.totals).find("stored 2, already present 0, refused 3 ("),
              std::string::npos)
        << SummaryLine(state.totals);
}

TEST_F(PeerSyncTest, AnEntryComingBackIsAlreadyPresentAndChangesNothing) {
    const std::string doc = Signed("alice", "ring");
    ASSERT_TRUE(registry_.Submit(doc).ok());
    feed_.Add(doc);
    MemoryCursor cursor;
    PeerSync sync = Make(cursor);
    ASSERT_TRUE(sync.PullUntilCaughtUp().ok());
    EXPECT_EQ(sync.Snapshot().totals.present, 1u);
    EXPECT_EQ(sync.Snapshot().totals.stored, 0u);
    EXPECT_EQ(store_.Stats()->last_seq, 1);
}

TEST_F(PeerSyncTest, APeerFailureStopsThePullAndTheNextPullResumes) {
    feed_.Add(Signed("alice", "a"));
    feed_.Add(Signed("alice", "b"));
    feed_.Add(Signed("alice", "c"));
    feed_.failures = {Status::Unavailable("cannot reach peer"),
                      Status::InvalidArgument("change feed page: the body is not JSON")};
    MemoryCursor cursor;
    PeerSync sync = Make(cursor);
    Status first = sync.PullUntilCaughtUp();
    EXPECT_EQ(first.code(), StatusCode::kUnavailable);
    EXPECT_NE(first.message().find("peer peer-a: cannot reach peer"), std::string::npos);
    EXPECT_EQ(sync.Snapshot().last_error, first.message());
    EXPECT_EQ(sync.PullUntilCaughtUp().code(), StatusCode::kInvalidArgument);
    ASSERT_TRUE(sync.PullUntilCaughtUp().ok());
    EXPECT_EQ(sync.Snapshot().totals.stored, 3u);
    EXPECT_TRUE(sync.Snapshot().last_error.empty());
    EXPECT_TRUE(sync.Snapshot().last_success.has_value());
}

TEST_F(PeerSyncTest, TheCursorNeverPassesAnEntryThisStoreCouldNotTake) {
    feed_.Add(Signed("alice", "x"));
    feed_.Add(Signed("alice", "y"));
    feed_.Add(Signed("alice", "z"));
    MemoryCursor cursor;
    PeerSync sync = Make(cursor, 10);
    // Store down from the start: nothing handled, cursor stays at 0.
    store_.down = true;
    Status s = sync.PullUntilCaughtUp();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_NE(s.message().find("seq 1 not stored yet"), std::string::npos) << s.message();
    EXPECT_EQ(sync.Snapshot().cursor, 0);
    EXPECT_EQ(*cursor.Load(), 0);
    EXPECT_EQ(sync.Snapshot().totals.refused, 0u);
    store_.down = false;
    ASSERT_TRUE(sync.PullUntilCaughtUp().ok());
    EXPECT_EQ(sync.Snapshot().totals.stored, 3u);
    EXPECT_EQ(*cursor.Load(), 3);
}

TEST_F(PeerSyncTest, ARestartResumesFromTheCursorFile) {
    testing::TempDir dir;
    const auto path = dir.path() / "peer-a.cursor";
    feed_.Add(Signed("alice", "p"));
    feed_.Add(Signed("alice", "q"));
    {
        CursorFile cursor(path);
        PeerSync sync = Make(cursor);
        ASSERT_TRUE(sync.PullUntilCaughtUp().ok());
    }
    EXPECT_EQ(testing::ReadFile(path), "2\n");
    feed_.Add(Signed("alice", "r"));
    CursorFile cursor(path);
    PeerSync again = Make(cursor);
    const int before = feed_.fetches;
    ASSERT_TRUE(again.PullUntilCaughtUp().ok());
    EXPECT_EQ(again.Snapshot().totals.stored, 1u);  // only the new one
    EXPECT_EQ(again.Snapshot().totals.present, 0u);
    EXPECT_EQ(feed_.fetches - before, 2);  // the new page, then the empty one
}

TEST(CursorFileTest, ADamagedCursorIsAnErrorNotARestartFromZero) {
    testing::TempDir dir;
    const auto path = dir.path() / "c.cursor";
    CursorFile cursor(path);
    EXPECT_EQ(*cursor.Load(), 0);  // no file yet
    std::ofstream(path) << "12x\n";
    Result<int64_t> loaded = cursor.Load();
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(loaded.status().message().find("is damaged"), std::string::npos);
    ASSERT_TRUE(cursor.Save(41).ok());
    EXPECT_EQ(*cursor.Load(), 41);
}

}  // namespace
}  // namespace mkt::federation
