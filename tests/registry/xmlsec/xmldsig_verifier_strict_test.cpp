// XmldsigVerifier in strict mode: chain, dates, CRLs and email binding, with
// documents signed by the test PKI's endorsers.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_signer.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/registry/xmlsec/xmlsec_test_support.hpp"
#include "tests/support/paths.hpp"

namespace mkt::xmlsec {
namespace {

using testing::Fixture;
using testing::Pki;
using testing::PkiKey;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

constexpr const char* kBobDn = "CN=Bob Endorser,OU=Endorsers,O=Marketplace Test,C=EU";

std::unique_ptr<TrustStore> OpenTrust(bool with_endorsers) {
    TrustStoreOptions options;
    options.ca_dir = Pki("ca");
    if (with_endorsers) options.endorsers_file = Pki("endorsers");
    auto store = TrustStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
}

class StrictVerifierTest : public ::testing::Test {
  protected:
    // `name` signs valid-full.xml; created defaults to a minute ago.
    std::string SignedBy(const std::string& name, std::optional<std::string> email = std::nullopt,
                         std::optional<Timestamp> created = std::nullopt) const {
        const SigningKey key = PkiKey(name);
        SignOptions options;
        options.profile = DefaultProfileFor(key);
        options.email = std::move(email);
        options.created = created.value_or(now_ - 60);
        auto signed_doc = SignDocument(Fixture("metadata-lib/valid-full.xml"), key, options);
        EXPECT_TRUE(signed_doc.ok()) << signed_doc.status().ToString();
        return signed_doc.ok() ? *signed_doc : std::string();
    }

    Result<SignerInfo> Verify(const XmldsigVerifier& verifier, const std::string& document) const {
        auto parsed = parser_.ParseMetadata(document);
        if (!parsed.ok()) return parsed.status();
        return verifier.VerifyMetadata(**parsed, now_);
    }

    const Timestamp now_ = SystemClock().Now();
    XmlMetadataParser parser_;
    std::unique_ptr<TrustStore> trust_ = OpenTrust(true);
    std::unique_ptr<TrustStore> trust_without_list_ = OpenTrust(false);
    XmldsigVerifier strict_{VerifierOptions{TrustMode::kStrict, trust_.get()}};
    XmldsigVerifier strict_without_list_{
        VerifierOptions{TrustMode::kStrict, trust_without_list_.get()}};
    XmldsigVerifier compat_{VerifierOptions{TrustMode::kCompat, nullptr}};
};

TEST_F(StrictVerifierTest, AcceptsAnEndorserWithEmailSan) {
    const auto info = Verify(strict_, SignedBy("alice"));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->trust_mode, TrustMode::kStrict);
    EXPECT_EQ(info->email_binding, "san");
    EXPECT_EQ(info->subject, "CN=Alice Endorser,OU=Endorsers,O=Marketplace Test,C=EU");
    ASSERT_TRUE(info->not_before && info->not_after);
    EXPECT_LE(*info->not_before, now_);
    EXPECT_GT(*info->not_after, now_);
    EXPECT_EQ(info->certificate_sha256.size(), 64u);
    EXPECT_FALSE(info->serial.empty());
}

TEST_F(StrictVerifierTest, AcceptsAnEndorserWithoutSanThroughTheEndorserList) {
    const std::string doc = SignedBy("bob", "bob@example.org");
    const auto info = Verify(strict_, doc);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->email_binding, "endorser-list");
    EXPECT_EQ(Verify(strict_without_list_, doc).status(),
              Status::PermissionDenied("email bob@example.org is not bound to certificate " +
                                       std::string(kBobDn) +
                                       ": no email SAN and not in the endorser list"));
    // Compat mode says the email is not bound rather than refusing.
    const auto compat = Verify(compat_, doc);
    ASSERT_TRUE(compat.ok()) << compat.status().ToString();
    EXPECT_EQ(compat->email_binding, "unbound");
    EXPECT_EQ(compat->trust_mode, TrustMode::kCompat);
}

TEST_F(StrictVerifierTest, RefusesAnEmailTheListBindsToAnotherCertificate) {
    const auto result = Verify(strict_, SignedBy("bob", "alice@example.org"));
    EXPECT_EQ(result.status(),
              Status::PermissionDenied("email alice@example.org is not bound to certificate " +
                                       std::string(kBobDn) +
                                       ": no email SAN and not in the endorser list"));
}

TEST_F(StrictVerifierTest, AcceptsAnEcdsaEndorser) {
    const auto info = Verify(strict_, SignedBy("erin"));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->signature_method, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
}

TEST_F(StrictVerifierTest, RefusesAnExpiredCertificateThatCompatModeAccepts) {
    const std::string doc =
        SignedBy("expired", std::nullopt, Timestamp::Parse("2020-06-01T00:00:00Z").value());
    EXPECT_EQ(Verify(strict_, doc).status(),
              Status::PermissionDenied("certificate CN=Expired Endorser,OU=Endorsers,"
                                       "O=Marketplace Test,C=EU has expired (notAfter "
                                       "2021-01-01T00:00:00Z)"));
    EXPECT_TRUE(Verify(compat_, doc).ok());
}

TEST_F(StrictVerifierTest, RefusesARevokedCertificate) {
    const auto result = Verify(strict_, SignedBy("revoked"));
    EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(result.status().message().find("is revoked (CRL of CN=Marketplace Test CA"),
              std::string::npos)
        << result.status().message();
}

TEST_F(StrictVerifierTest, RefusesACertificateOfAnUntrustedCa) {
    const std::string doc = SignedBy("mallory");
    EXPECT_EQ(Verify(strict_, doc).status(),
              Status::PermissionDenied("certificate CN=Mallory,O=Nobody,C=EU is not issued by a "
                                       "trusted CA (issuer CN=Untrusted CA,O=Nobody,C=EU)"));
    EXPECT_TRUE(Verify(compat_, doc).ok());
}

TEST_F(StrictVerifierTest, RefusesAnEndorsementCreatedOutsideTheCertificateValidity) {
    const auto result = Verify(
        strict_, SignedBy("alice", std::nullopt, Timestamp::Parse("2001-01-01T00:00:00Z").value()));
    EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(result.status().message().rfind(
                  "endorsement created 2001-01-01T00:00:00Z is outside the validity of certificate "
                  "CN=Alice Endorser,OU=Endorsers,O=Marketplace Test,C=EU (notBefore ",
                  0),
              0u)
        << result.status().message();
}

TEST_F(StrictVerifierTest, RefusesTheProductionEntryWhoseCaIsNotConfigured) {
    auto parsed = XmlMetadataParser().ParseMetadata(
        Fixture("production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml"));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    const auto result =
        strict_.VerifyMetadata(**parsed, Timestamp::Parse("2016-05-17T07:00:00Z").value());
    EXPECT_EQ(
        result.status(),
        Status::PermissionDenied("certificate CN=Jerome Pansanel,OU=IPHC,O=CNRS,C=FR,O=GRID-FR "
                                 "is not issued by a trusted CA (issuer CN=GRID2-FR,O=CNRS,C=FR)"));
}

TEST_F(StrictVerifierTest, VerifiesConcurrentlyFromManyThreads) {
    const std::vector<std::string> good = {SignedBy("alice"), SignedBy("erin"),
                                           SignedBy("bob", "bob@example.org")};
    const std::string revoked = SignedBy("revoked");
    const std::string tampered =
        testing::ReplaceOnce(good[0], "linux-with-my-apps", "linux-with-my-app5");
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 40; ++i) {
                if (!Verify(strict_, good[static_cast<size_t>(i + t) % good.size()]).ok()) ++wrong;
                if (Verify(strict_, revoked).ok()) ++wrong;
                if (Verify(strict_, tampered).status().code() != StatusCode::kInvalidArgument) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace mkt::xmlsec
