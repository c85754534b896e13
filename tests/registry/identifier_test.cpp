#include "registry/identifier.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

namespace mkt {
namespace {

struct Vector {
    std::string sha1, id, source;
};

std::vector<Vector> LoadVectors() {
    std::istringstream in(
        testing::ReadFile(testing::StratusLabFixtures() / "identifier-vectors.tsv"));
    std::vector<Vector> out;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        Vector v;
        std::getline(fields, v.sha1, '\t');
        std::getline(fields, v.id, '\t');
        std::getline(fields, v.source);
        out.push_back(v);
    }
    return out;
}

TEST(IdentifierTest, EncodesEveryFixtureVector) {
    const auto vectors = LoadVectors();
    ASSERT_GE(vectors.size(), 10u);
    for (const auto& v : vectors) {
        auto id = identifier::FromSha1Hex(v.sha1);
        ASSERT_TRUE(id.ok()) << v.sha1 << ": " << id.status().ToString();
        EXPECT_EQ(*id, v.id) << v.source;
    }
}

TEST(IdentifierTest, DecodesEveryFixtureVectorKeepingLeadingZeros) {
    for (const auto& v : LoadVectors()) {
        auto sha1 = identifier::ToSha1Hex(v.id);
        ASSERT_TRUE(sha1.ok()) << v.id;
        EXPECT_EQ(sha1->size(), 40u);
        EXPECT_TRUE(identifier::SameSha1Value(*sha1, v.sha1)) << v.id << " -> " << *sha1;
    }
    EXPECT_EQ(*identifier::ToSha1Hex("AJKhYHUP7922Wrj7FOyYLzd3a1G"),
              "024a8581d43fbf76d96ae3ec53b260bcddddad46");
}

TEST(IdentifierTest, IsNotStandardBase64url) {
    // reference 3: standard base64url pads on the right and differs.
    EXPECT_NE(*identifier::FromSha1Hex("c319bbd5afc0a22ba3eaed0507c39383ec28eeff"),
              "wxm71a_Aoiuj6u0FB8OTg-wo7v8");
}

TEST(IdentifierTest, RejectsMalformedSha1) {
    EXPECT_EQ(identifier::FromSha1Hex("xyz").status().message(),
              "xyz is not a valid SHA-1 checksum");
    EXPECT_FALSE(identifier::FromSha1Hex("").ok());
    EXPECT_FALSE(identifier::FromSha1Hex(std::string(41, 'f')).ok());  // > 160 bits
    EXPECT_TRUE(identifier::FromSha1Hex("0" + std::string(40, 'f')).ok());
}

TEST(IdentifierTest, RejectsMalformedIdentifiers) {
    EXPECT_FALSE(identifier::IsValid("MMZu9WvwKIro-rtBQfDk4PsKO7"));    // 26
    EXPECT_FALSE(identifier::IsValid("MMZu9WvwKIro-rtBQfDk4PsKO7__"));  // 28
    EXPECT_FALSE(identifier::IsValid("MMZu9WvwKIro+rtBQfDk4PsKO7_"));   // '+'
    EXPECT_FALSE(identifier::IsValid("QMZu9WvwKIro-rtBQfDk4PsKO7_"));   // > 160 bits
    auto status = identifier::ToSha1Hex("MMZu9WvwKIro/rtBQfDk4PsKO7_").status();
    EXPECT_NE(status.message().find("'/'"), std::string::npos) << status.message();
    EXPECT_TRUE(identifier::IsValid("P__________________________"));
}

TEST(IdentifierTest, ComparesSha1Numerically) {
    EXPECT_TRUE(identifier::SameSha1Value("0c319bbd5afc0a22ba3eaed0507c39383ec28eeff",
                                          "C319BBD5AFC0A22BA3EAED0507C39383EC28EEFF"));
    EXPECT_FALSE(identifier::SameSha1Value("c319bbd5afc0a22ba3eaed0507c39383ec28eefe",
                                           "c319bbd5afc0a22ba3eaed0507c39383ec28eeff"));
    EXPECT_FALSE(identifier::SameSha1Value("zz", "zz"));
}

}  // namespace
}  // namespace mkt
