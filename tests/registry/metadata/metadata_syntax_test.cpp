#include "registry/xmlsec/metadata_syntax.hpp"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace mkt::xmlsec {
namespace {

TEST(MetadataSyntaxTest, TrimsOnlyXmlWhiteSpaceAtBothEnds) {
    EXPECT_EQ(TrimXmlSpace(" \t\r\n a b \n"), "a b");
    EXPECT_EQ(TrimXmlSpace("\n\t "), "");
    EXPECT_EQ(TrimXmlSpace("\va\v"), "\va\v");  // vertical tab is not XML white space
}

TEST(MetadataSyntaxTest, ParsesBoundedUnsignedDecimalsOnly) {
    EXPECT_EQ(ParseBoundedUnsigned("0", 10), 0u);
    EXPECT_EQ(ParseBoundedUnsigned("007", 10), 7u);
    EXPECT_EQ(ParseBoundedUnsigned("65535", 65535), 65535u);
    EXPECT_EQ(ParseBoundedUnsigned("65536", 65535), std::nullopt);
    EXPECT_EQ(ParseBoundedUnsigned("18446744073709551615", UINT64_MAX), UINT64_MAX);
    EXPECT_EQ(ParseBoundedUnsigned("18446744073709551616", UINT64_MAX), std::nullopt);
    EXPECT_EQ(ParseBoundedUnsigned("", 10), std::nullopt);
    EXPECT_EQ(ParseBoundedUnsigned("-1", 10), std::nullopt);
    EXPECT_EQ(ParseBoundedUnsigned("+1", 10), std::nullopt);
    EXPECT_EQ(ParseBoundedUnsigned("1 ", 10), std::nullopt);
    EXPECT_EQ(ParseBoundedUnsigned("X", 10), std::nullopt);
}

TEST(MetadataSyntaxTest, AcceptsEmailsOfTheSchemaPatternOnly) {
    EXPECT_TRUE(IsEndorserEmail("jane.tester@example.org"));
    EXPECT_TRUE(IsEndorserEmail("Konstantin.Skaburskas@cern.ch"));
    EXPECT_TRUE(IsEndorserEmail("a+b%c_d-e@host-1.example"));
    EXPECT_FALSE(IsEndorserEmail("jane.tester_at_example.org"));
    EXPECT_FALSE(IsEndorserEmail("@example.org"));
    EXPECT_FALSE(IsEndorserEmail("jane@"));
    EXPECT_FALSE(IsEndorserEmail("jane@exa@mple.org"));
    EXPECT_FALSE(IsEndorserEmail("jane doe@example.org"));
    EXPECT_FALSE(IsEndorserEmail("jane@example_org"));
}

TEST(MetadataSyntaxTest, MatchesTheIdentifierPatternOnTwentySevenCharacters) {
    EXPECT_TRUE(MatchesIdentifierPattern("MMZu9WvwKIro-rtBQfDk4PsKO7_"));
    EXPECT_TRUE(
        MatchesIdentifierPattern("ZZZZZZZZZZZZZZZZZZZZZZZZZZZ"));  // range is not the pattern's job
    EXPECT_FALSE(MatchesIdentifierPattern("MMZu9WvwKIro-rtBQ"));
    EXPECT_FALSE(MatchesIdentifierPattern("MMZu9WvwKIro-rtBQfDk4PsKO7_A"));
    EXPECT_FALSE(MatchesIdentifierPattern("MMZu9WvwKIro+rtBQfDk4PsKO7_"));
}

TEST(MetadataSyntaxTest, RecognisesAbsoluteUris) {
    EXPECT_TRUE(IsAbsoluteUri("http://example.org/..."));
    EXPECT_TRUE(IsAbsoluteUri("pdisk:10.0.0.1:8445:1234"));
    EXPECT_TRUE(IsAbsoluteUri("urn:x-a.b+c:d"));
    EXPECT_FALSE(IsAbsoluteUri("example.org/image.img"));
    EXPECT_FALSE(IsAbsoluteUri("/images/ttylinux.img"));
    EXPECT_FALSE(IsAbsoluteUri("http:"));
    EXPECT_FALSE(IsAbsoluteUri("1http://example.org/"));
    EXPECT_FALSE(IsAbsoluteUri("http://example.org/a b"));
    EXPECT_FALSE(IsAbsoluteUri("http://example.org/<x>"));
}

TEST(MetadataSyntaxTest, ConvertsHexToDecimalOfAnyLength) {
    EXPECT_EQ(HexToDecimal("0"), "0");
    EXPECT_EQ(HexToDecimal("ff"), "255");
    EXPECT_EQ(HexToDecimal("3B9ACA00"), "1000000000");
    EXPECT_EQ(HexToDecimal("c319bbd5afc0a22ba3eaed0507c39383ec28eeff"),
              "1113827081651840475597112894378558741689028636415");
    EXPECT_EQ(HexToDecimal("0c319bbd5afc0a22ba3eaed0507c39383ec28eeff"),
              "1113827081651840475597112894378558741689028636415");
    EXPECT_EQ(HexToDecimal("XYZ"), std::nullopt);
    EXPECT_EQ(HexToDecimal(""), std::nullopt);
}

TEST(MetadataSyntaxTest, KnowsTheDigestLengthsOfTheFourAllowedAlgorithms) {
    EXPECT_EQ(DigestHexLength("MD5"), 32u);
    EXPECT_EQ(DigestHexLength("SHA-1"), 40u);
    EXPECT_EQ(DigestHexLength("SHA-256"), 64u);
    EXPECT_EQ(DigestHexLength("SHA-512"), 128u);
    EXPECT_EQ(DigestHexLength("SHA1"), 0u);
    EXPECT_EQ(DigestHexLength("sha-1"), 0u);
}

TEST(MetadataSyntaxTest, AbbreviatesLongValuesWithoutSplittingUtf8) {
    EXPECT_EQ(Abbreviate("short", 10), "short");
    EXPECT_EQ(Abbreviate("0123456789abc", 10), "0123456789...");
    // "é" is two bytes; a cut between them backs up to before the character.
    EXPECT_EQ(Abbreviate("abcdefghi\xc3\xa9xyz", 10), "abcdefghi...");
}

}  // namespace
}  // namespace mkt::xmlsec
