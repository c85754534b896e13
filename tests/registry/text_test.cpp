// The shared string helpers (registry/text.hpp): each is the one copy in the
// tree, so each edge case is pinned here.
#include "registry/text.hpp"

#include <gtest/gtest.h>

namespace mkt::text {
namespace {

TEST(TextTest, TrimBlanksRemovesSpacesTabsAndATrailingCr) {
    EXPECT_EQ(TrimBlanks(" \t a b \t"), "a b");
    EXPECT_EQ(TrimBlanks("\na\n"), "\na\n");
    EXPECT_EQ(TrimBlanks("   "), "");
    EXPECT_EQ(TrimBlanks("key = value \r"), "key = value");
}

TEST(TextTest, TrimWhitespaceRemovesLineBreaksToo) {
    EXPECT_EQ(TrimWhitespace("\r\n\t a \v\f\n"), "a");
    EXPECT_EQ(TrimWhitespace(""), "");
}

TEST(TextTest, CaseFoldingIsAsciiOnly) {
    EXPECT_EQ(AsciiLower("ÀBc-Z"), "Àbc-z");
    EXPECT_EQ(AsciiUpper("àbC-z"), "àBC-Z");
    EXPECT_TRUE(EqualsIgnoreCase("Content-Type", "content-type"));
    EXPECT_FALSE(EqualsIgnoreCase("Content-Type", "content-typ"));
    EXPECT_TRUE(StartsWithIgnoreCase("Bearer xyz", "bearer "));
    EXPECT_FALSE(StartsWithIgnoreCase("Bear", "bearer"));
}

TEST(TextTest, HexDigitsBothWays) {
    EXPECT_EQ(HexValue('0'), 0);
    EXPECT_EQ(HexValue('f'), 15);
    EXPECT_EQ(HexValue('F'), 15);
    EXPECT_EQ(HexValue('g'), -1);
    EXPECT_EQ(HexLower(std::string("\x00\xab\xff", 3)), "00abff");
    EXPECT_EQ(HexByValue("00AbFf"), "abff");
    EXPECT_EQ(HexByValue("000"), "0");
}

TEST(TextTest, BackslashEscapesTheFiveCharactersAndNothingElse) {
    std::string out = "x";
    AppendBackslashEscaped(out, "a\"b\\c\nd\re\tf'g<");
    EXPECT_EQ(out, "xa\\\"b\\\\c\\nd\\re\\tf'g<");
}

}  // namespace
}  // namespace mkt::text
