#include "registry/timestamp.hpp"

#include <gtest/gtest.h>

namespace mkt {
namespace {

TEST(TimestampTest, RoundTripsTheMetadataForm) {
    for (const char* text :
         {"2011-01-24T09:59:42Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z",
          "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"}) {
        auto t = Timestamp::Parse(text);
        ASSERT_TRUE(t.ok()) << text;
        EXPECT_EQ(t->ToString(), text);
    }
    EXPECT_EQ(Timestamp::Parse("1970-01-02T00:00:01Z")->unix_seconds(), 86401);
}

TEST(TimestampTest, RejectsEverythingElse) {
    for (const char* text :
         {"", "2011-01-24", "2011-01-24T09:59:42", "2011-01-24T09:59:42.1Z", "2011-01-24 09:59:42Z",
          "2011-01-24T09:59:42+01:00", "2011-13-01T00:00:00Z", "2011-02-29T00:00:00Z",
          "2011-04-31T00:00:00Z", "2011-01-24T24:00:00Z", "2011-01-24T23:60:00Z",
          "2011-01-24T23:59:60Z", "0000-01-01T00:00:00Z", "2011-1-24T09:59:42Z",
          "2011-01-24t09:59:42Z", "２011-01-24T09:59:42Z"}) {
        auto t = Timestamp::Parse(text);
        ASSERT_FALSE(t.ok()) << text;
        EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    }
}

TEST(TimestampTest, OrdersAndDiffs) {
    auto a = *Timestamp::Parse("2014-03-08T14:10:40Z");
    auto b = *Timestamp::Parse("2014-03-08T14:15:40Z");
    EXPECT_LT(a, b);
    EXPECT_EQ(b - a, 300);
    EXPECT_EQ(a + 300, b);
}

}  // namespace
}  // namespace mkt
