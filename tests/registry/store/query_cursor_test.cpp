// Cursors and listing order (their behaviour through real stores is in the
// conformance suite, entry_store_conformance.hpp).
#include "registry/store/query_cursor.hpp"

#include <set>

#include <gtest/gtest.h>

#include "registry/store/entry_columns.hpp"
#include "tests/registry/store/test_entries.hpp"

namespace mkt::store {
namespace {

using testing::kT0;

EntryQuery SomeQuery() {
    EntryQuery q;
    q.email = "jane@example.org";
    q.sort = SortField::kTitle;
    q.descending = false;
    return q;
}

TEST(QueryCursorTest, CursorRoundTripsTextAndIntegerPositions) {
    EntryQuery q = SomeQuery();
    for (const std::string& text : {std::string(""), std::string("Ubuntu \xC3\xA9"),
                                    std::string("with\x1fseparators\x1f"), std::string(300, 'x')}) {
        const SortPosition p{text, 42};
        Result<SortPosition> back = DecodeCursor(q, EncodeCursor(q, p));
        ASSERT_TRUE(back.ok()) << back.status().ToString();
        EXPECT_EQ(*back, p);
    }
    q.sort = SortField::kValid;
    for (int64_t v : {INT64_MIN, int64_t{-5}, int64_t{0}, kNeverExpires}) {
        const SortPosition p{v, 7};
        Result<SortPosition> back = DecodeCursor(q, EncodeCursor(q, p));
        ASSERT_TRUE(back.ok()) << back.status().ToString();
        EXPECT_EQ(*back, p);
    }
}

TEST(QueryCursorTest, CursorIsUrlSafeText) {
    const std::string c = EncodeCursor(SomeQuery(), {std::string("a/b+c?d=e&f"), 1});
    EXPECT_EQ(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_"),
              std::string::npos)
        << c;
}

TEST(QueryCursorTest, FingerprintIgnoresNowLimitOffsetAndCursor) {
    EntryQuery a = SomeQuery();
    EntryQuery b = a;
    b.now = kT0 + 12345;
    b.limit = 3;
    b.offset = 99;
    b.cursor = "whatever";
    EXPECT_EQ(QueryFingerprint(a), QueryFingerprint(b));
}

TEST(QueryCursorTest, FingerprintChangesWithEveryFilterAndTheOrder) {
    std::vector<EntryQuery> variants(16, EntryQuery{});
    variants[1].identifier = "x";
    variants[2].email = "x";
    variants[3].created = kT0;
    variants[4].created_after = kT0;
    variants[5].latest_only = false;
    variants[6].statuses = StatusSet::All();
    variants[7].os = "x";
    variants[8].os_version = "x";
    variants[9].os_arch = "x";
    variants[10].endorser = "x";
    variants[11].tag = "x";
    variants[12].text = "x";
    variants[13].sort = SortField::kTitle;
    variants[14].descending = false;
    variants[15].identifier = "";  // present but empty differs from absent
    std::set<uint64_t> seen;
    for (const auto& v : variants) EXPECT_TRUE(seen.insert(QueryFingerprint(v)).second);
    EntryQuery os_a, os_b;  // values are length-delimited: no ambiguity between fields
    os_a.os = "ab";
    os_a.os_version = "c";
    os_b.os = "a";
    os_b.os_version = "bc";
    EXPECT_NE(QueryFingerprint(os_a), QueryFingerprint(os_b));
}

TEST(QueryCursorTest, CursorOfAnotherQueryIsRefusedAsSuch) {
    EntryQuery q = SomeQuery();
    const std::string c = EncodeCursor(q, {std::string("t"), 1});
    q.email = "bob@example.org";
    Result<SortPosition> r = DecodeCursor(q, c);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("does not belong to this query"), std::string::npos);
}

TEST(QueryCursorTest, MalformedCursorsAreRefused) {
    EntryQuery q = SomeQuery();
    q.sort = SortField::kSeq;
    const std::string good = EncodeCursor(q, {int64_t{5}, 5});
    ASSERT_TRUE(DecodeCursor(q, good).ok());
    for (const std::string& bad :
         {std::string(""), std::string("%%%"), std::string("A"), good + "B", good.substr(1),
          std::string("MQ"), good.substr(0, good.size() - 1) + "=",
          EncodeCursor(q, {std::string("x"), 5})}) {
        Result<SortPosition> r = DecodeCursor(q, bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    }
}

TEST(QueryCursorTest, PrecedesOrdersByValueThenSeqInTheDirection) {
    const SortPosition a{std::string("a"), 2}, b{std::string("b"), 1}, a3{std::string("a"), 3};
    EXPECT_TRUE(Precedes(a, b, false));
    EXPECT_TRUE(Precedes(b, a, true));
    EXPECT_TRUE(Precedes(a, a3, false));
    EXPECT_TRUE(Precedes(a3, a, true));
    EXPECT_FALSE(Precedes(a, a, false));
    EXPECT_FALSE(Precedes(a, a, true));
}

}  // namespace
}  // namespace mkt::store
