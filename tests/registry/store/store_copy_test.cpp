// CopyEntries between two memory stores: every entry in seq order and byte for
// byte, a resumed copy, and destinations that are not an earlier copy (refused
// before anything is written).
#include "registry/store_copy.hpp"

#include <gtest/gtest.h>

#include "registry/store/memory_store.hpp"
#include "tests/registry/store/test_entries.hpp"

namespace mkt::testing {
namespace {

using store::MemoryEntryStore;

/// 30 entries: 20 images, 10 of them endorsed again later by another endorser.
void Fill(EntryStore& store) {
    for (uint64_t i = 0; i < 20; ++i) {
        Entry e = TestEntry(i, "a@example.org", kT0 + static_cast<int64_t>(i));
        ASSERT_TRUE(store.Put(e).ok());
    }
    for (uint64_t i = 0; i < 10; ++i) {
        Entry e = TestEntry(i, "b@example.org", kT0 + static_cast<int64_t>(100 + i));
        ASSERT_TRUE(store.Put(e).ok());
    }
}

std::vector<Entry> Feed(const EntryStore& store) {
    auto feed = store.ChangesSince(0, 1000);
    EXPECT_TRUE(feed.ok());
    return feed.ok() ? *feed : std::vector<Entry>{};
}

void ExpectSameFeed(const EntryStore& a, const EntryStore& b) {
    const std::vector<Entry> fa = Feed(a), fb = Feed(b);
    ASSERT_EQ(fa.size(), fb.size());
    for (size_t i = 0; i < fa.size(); ++i) {
        EXPECT_EQ(fa[i].key.ToPath(), fb[i].key.ToPath()) << i;
        EXPECT_EQ(fa[i].document, fb[i].document) << i;
        EXPECT_EQ(fb[i].seq, static_cast<int64_t>(i + 1));
    }
}

TEST(StoreCopyTest, CopiesEveryEntryInSeqOrderByteForByte) {
    MemoryEntryStore from, to;
    Fill(from);
    std::vector<uint64_t> progress;
    auto report = CopyEntries(from, to, [&](uint64_t done, uint64_t total) {
        EXPECT_EQ(total, 30u);
        progress.push_back(done);
    });
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->copied, 30u);
    EXPECT_EQ(report->already_there, 0u);
    EXPECT_EQ(report->source_last_seq, 30);
    EXPECT_EQ(progress.back(), 30u);
    ExpectSameFeed(from, to);
}

TEST(StoreCopyTest, AnInterruptedCopyResumesAfterWhatItCopied) {
    MemoryEntryStore from, to;
    Fill(from);
    std::vector<Entry> feed = Feed(from);
    for (size_t i = 0; i < 12; ++i) ASSERT_TRUE(to.Put(feed[i]).ok());  // the first run
    auto report = CopyEntries(from, to);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->already_there, 12u);
    EXPECT_EQ(report->copied, 18u);
    ExpectSameFeed(from, to);
    // Once more: nothing left to do.
    report = CopyEntries(from, to);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->copied, 0u);
    EXPECT_EQ(report->already_there, 30u);
}

TEST(StoreCopyTest, AStoreWithOtherEntriesIsRefusedBeforeAnyWrite) {
    MemoryEntryStore from, to;
    Fill(from);
    Entry foreign = TestEntry(99, "z@example.org", kT0);
    ASSERT_TRUE(to.Put(foreign).ok());
    auto report = CopyEntries(from, to);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(report.status().message().find("not an earlier copy"), std::string::npos)
        << report.status().message();
    EXPECT_NE(report.status().message().find(Feed(from)[0].key.ToPath()), std::string::npos);
    EXPECT_EQ(to.Stats()->entries, 1u);
}

TEST(StoreCopyTest, OtherBytesUnderACopiedKeyAreRefused) {
    MemoryEntryStore from, to;
    Fill(from);
    Entry changed = Feed(from)[0];
    changed.document += " tampered";
    ASSERT_TRUE(to.Put(changed).ok());
    auto report = CopyEntries(from, to);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.status().message().find("other bytes for " + changed.key.ToPath()),
              std::string::npos)
        << report.status().message();
    EXPECT_EQ(to.Stats()->entries, 1u);
}

TEST(StoreCopyTest, ADestinationLargerThanTheSourceIsRefused) {
    MemoryEntryStore from, to;
    Fill(from);
    for (Entry& e : Feed(from)) ASSERT_TRUE(to.Put(e).ok());
    Entry extra = TestEntry(50, "c@example.org", kT0);
    ASSERT_TRUE(to.Put(extra).ok());
    auto report = CopyEntries(from, to);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.status().message().find("31 entries, more than the source's 30"),
              std::string::npos)
        << report.status().message();
}

TEST(StoreCopyTest, AnEmptySourceCopiesNothing) {
    MemoryEntryStore from, to;
    auto report = CopyEntries(from, to);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->copied, 0u);
    EXPECT_EQ(report->source_last_seq, 0);
}

}  // namespace
}  // namespace mkt::testing
