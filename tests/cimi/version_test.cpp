// CIMI-Specification-Version negotiation: the StratusLab table (reference
// cimi.md 1.5) extended to the three versions served here.
#include "cimi/version.hpp"

#include <gtest/gtest.h>

namespace mkt::cimi {
namespace {

std::string Chosen(std::optional<std::string_view> header) {
    auto v = NegotiateVersion(header);
    return v.ok() ? v->full : "400: " + v.status().message();
}

TEST(CimiVersion, AbsentHeaderGivesThePreferredVersion) {
    EXPECT_EQ(Chosen(std::nullopt), "1.0.1");
    EXPECT_EQ(PreferredVersion().ns, "http://schemas.dmtf.org/cimi/1");
}

TEST(CimiVersion, MajorMinorPrefixesMatchAndTheFirstMatchingItemWins) {
    EXPECT_EQ(Chosen("1.0.1"), "1.0.1");
    EXPECT_EQ(Chosen("1.0"), "1.0.1");
    EXPECT_EQ(Chosen("1.1"), "1.1.0");
    EXPECT_EQ(Chosen("2.0"), "2.0.0");
    EXPECT_EQ(Chosen("2.3.4,1.0"), "1.0.1");
    EXPECT_EQ(Chosen("2.,1.0.1"), "1.0.1");
    EXPECT_EQ(Chosen(" 2.0 , 1.0 "), "2.0.0");
    EXPECT_EQ(Chosen("X-1, 1.1.0"), "1.1.0");
}

TEST(CimiVersion, NoMatchingItemIsRefusedNamingTheValueAndTheSupportedVersions) {
    for (const char* header : {"1.0.0.", "1.0.2", "1.0.0", "3.0", "1", "", " , "}) {
        auto v = NegotiateVersion(std::string_view(header));
        ASSERT_FALSE(v.ok()) << header;
        EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
        EXPECT_NE(v.status().message().find("'" + std::string(header) + "'"), std::string::npos);
        EXPECT_NE(v.status().message().find("1.0.1, 1.1.0, 2.0.0"), std::string::npos);
    }
}

TEST(CimiVersion, Version2UsesItsOwnNamespace) {
    EXPECT_EQ(NegotiateVersion(std::string_view("2.0"))->ns, "http://schemas.dmtf.org/cimi/2");
}

}  // namespace
}  // namespace mkt::cimi
