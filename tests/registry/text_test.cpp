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

TEST(TextTest, Utf8ValidityFollowsRfc3629) {
    EXPECT_TRUE(IsValidUtf8(""));
    EXPECT_TRUE(IsValidUtf8("plain ascii"));
    EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    EXPECT_FALSE(IsValidUtf8("\xE9"));              // Latin-1 byte
    EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
}

TEST(TextTest, Base64RoundTripsAndRefusesWhatIsNotBase64) {
    for (const std::string& bytes :
         {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
          std::string("foob"), std::string("\0\xFF\x10 binary", 10)}) {
        std::string back;
        ASSERT_TRUE(Base64Decode(Base64Encode(bytes), back)) << bytes;
        EXPECT_EQ(back, bytes);
    }
    EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
    std::string out;
    for (const char* bad : {"Zm9", "Zm9v=", "Z===", "Zm=v", "Zm9v\n", "Zm*v", "Zg==Zg=="})
        EXPECT_FALSE(Base64Decode(bad, out)) << bad;
}

}  // namespace
}  // namespace mkt::text
