// SigningKey loading from the test PKI's PEM and PKCS#12 files.
#include "registry/xmlsec/signing_key.hpp"

#include <string>

#include <gtest/gtest.h>

#include "tests/registry/xmlsec/xmlsec_test_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::xmlsec {
namespace {

using testing::Pki;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

std::string P12Password() { return mkt::testing::ReadFile(Pki("p12-password")); }

TEST(SigningKeyTest, LoadsPemKeyAndCertificate) {
    const auto key = SigningKey::FromPem(Pki("alice.key"), Pki("alice.pem"));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(key->algorithm(), KeyAlgorithm::kRsa);
    EXPECT_EQ(key->subject(), "CN=Alice Endorser,OU=Endorsers,O=Marketplace Test,C=EU");
    EXPECT_EQ(key->issuer(), "CN=Marketplace Test CA,O=Marketplace Test,C=EU");
    EXPECT_EQ(key->email(), "alice@example.org");
    EXPECT_TRUE(key->chain().empty());
    EXPECT_NE(key->private_key(), nullptr);
    EXPECT_NE(key->certificate(), nullptr);
}

TEST(SigningKeyTest, LoadsPkcs12WithItsChain) {
    const auto key = SigningKey::FromPkcs12(Pki("carol.p12"), P12Password());
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(key->subject(), "CN=Carol Endorser,OU=Endorsers,O=Marketplace Test,C=EU");
    ASSERT_EQ(key->chain().size(), 1u);
    const auto alice = SigningKey::FromPkcs12(Pki("alice.p12"), P12Password());
    ASSERT_TRUE(alice.ok()) << alice.status().ToString();
    EXPECT_TRUE(alice->chain().empty());
}

TEST(SigningKeyTest, LoadsEcKeysAndCertificatesWithoutEmail) {
    const auto erin = SigningKey::FromPkcs12(Pki("erin.p12"), P12Password());
    ASSERT_TRUE(erin.ok()) << erin.status().ToString();
    EXPECT_EQ(erin->algorithm(), KeyAlgorithm::kEc);
    const auto bob = SigningKey::FromPem(Pki("bob.key"), Pki("bob.pem"));
    ASSERT_TRUE(bob.ok()) << bob.status().ToString();
    EXPECT_EQ(bob->email(), std::nullopt);
}

TEST(SigningKeyTest, AddsChainFilesAfterTheCertificate) {
    const auto key =
        SigningKey::FromPem(Pki("carol.key"), Pki("carol.pem"), {Pki("intermediate.pem")});
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(key->chain().size(), 1u);
}

TEST(SigningKeyTest, RefusesAWrongPkcs12Password) {
    const auto key = SigningKey::FromPkcs12(Pki("alice.p12"), "not-the-password");
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(
        key.status().message().rfind(
            Pki("alice.p12").string() + ": wrong password or unsupported PKCS#12 encryption", 0),
        0u)
        << key.status().message();
}

TEST(SigningKeyTest, RefusesAKeyThatDoesNotMatchTheCertificate) {
    const auto key = SigningKey::FromPem(Pki("alice.key"), Pki("bob.pem"));
    EXPECT_EQ(key.status(), Status::InvalidArgument(
                                Pki("alice.key").string() +
                                ": the private key does not match certificate CN=Bob Endorser,"
                                "OU=Endorsers,O=Marketplace Test,C=EU"));
}

TEST(SigningKeyTest, NamesTheFileThatCannotBeRead) {
    mkt::testing::TempDir dir;
    EXPECT_EQ(SigningKey::FromPkcs12(dir / "none.p12", "x").status(),
              Status::InvalidArgument("cannot read " + (dir / "none.p12").string()));
    mkt::testing::WriteFile(dir / "junk.p12", "junk");
    EXPECT_EQ(SigningKey::FromPkcs12(dir / "junk.p12", "x").status(),
              Status::InvalidArgument((dir / "junk.p12").string() + " is not a PKCS#12 file"));
    EXPECT_EQ(SigningKey::FromPem(Pki("alice.pem"), Pki("alice.pem")).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(SigningKey::FromPem(Pki("alice.key"), Pki("alice.key")).status(),
              Status::InvalidArgument(Pki("alice.key").string() + " holds no PEM certificate"));
}

}  // namespace
}  // namespace mkt::xmlsec
