// XmlSecLibrary: nesting guards and keeping xmlsec's errors off stderr.
#include "registry/xmlsec/library.hpp"

#include <string>

#include <gtest/gtest.h>

#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/registry/xmlsec/xmlsec_test_support.hpp"

namespace mkt::xmlsec {
namespace {

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

constexpr const char* kProduction = "production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml";

Result<SignerInfo> VerifyCompat(const std::string& bytes) {
    auto doc = testing::LooseDocument(bytes);
    if (!doc.ok()) return doc.status();
    return XmldsigVerifier(VerifierOptions{TrustMode::kCompat, nullptr})
        .Verify(**doc, Timestamp::FromUnixSeconds(0));
}

TEST(XmlSecLibraryTest, NestedGuardsLeaveTheLibraryUsableWhenTheInnerOneEnds) {
    {
        XmlSecLibrary inner;
        EXPECT_TRUE(inner.ok()) << inner.status().ToString();
        EXPECT_TRUE(VerifyCompat(testing::Fixture(kProduction)).ok());
    }
    const auto after = VerifyCompat(testing::Fixture(kProduction));
    EXPECT_TRUE(after.ok()) << after.status().ToString();
}

TEST(XmlSecLibraryTest, KeepsXmlsecErrorsOffStderr) {
    const std::string tampered = testing::ReplaceOnce(testing::Fixture(kProduction),
                                                      "FG-Cloud Official", "FG-Cloud Unofficial");
    ::testing::internal::CaptureStderr();
    const auto result = VerifyCompat(tampered);
    const std::string printed = ::testing::internal::GetCapturedStderr();
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(printed, "");
}

TEST(XmlSecLibraryTest, ClearsTheLastErrorOfThisThread) {
    ClearXmlSecError();
    EXPECT_EQ(FirstXmlSecError(), "");
}

}  // namespace
}  // namespace mkt::xmlsec
