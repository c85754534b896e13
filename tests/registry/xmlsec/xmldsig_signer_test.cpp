// SignDocument: endorsement handling as the Java signer, the four profiles,
// and refusals. Interop with the xmlsec1 tool is in xmldsig_interop_test.cpp.
#include "registry/xmlsec/xmldsig_signer.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xml_document.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/registry/xmlsec/xmlsec_test_support.hpp"
#include "tests/support/paths.hpp"

namespace mkt::xmlsec {
namespace {

using testing::Fixture;
using testing::LooseDocument;
using testing::Pki;
using testing::PkiKey;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

constexpr const char* kAliceDn = "CN=Alice Endorser,OU=Endorsers,O=Marketplace Test,C=EU";
constexpr const char* kCaDn = "CN=Marketplace Test CA,O=Marketplace Test,C=EU";

size_t Count(const std::string& document, const char* ns, const char* local) {
    auto xml = XmlDocument::ParseSafely(document, DocumentLimits{});
    EXPECT_TRUE(xml.ok());
    if (!xml.ok()) return 0;
    size_t n = 0;
    std::vector<xmlNode*> stack{xml->root()};
    while (!stack.empty()) {
        xmlNode* node = stack.back();
        stack.pop_back();
        if (IsElement(node, ns, local)) ++n;
        for (xmlNode* c = node->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) stack.push_back(c);
        }
    }
    return n;
}

class SignerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        TrustStoreOptions options;
        options.ca_dir = Pki("ca");
        options.endorsers_file = Pki("endorsers");
        auto store = TrustStore::Open(options);
        ASSERT_TRUE(store.ok()) << store.status().ToString();
        trust_ = std::move(store).value();
        strict_ =
            std::make_unique<XmldsigVerifier>(VerifierOptions{TrustMode::kStrict, trust_.get()});
    }

    SignOptions Options(SignatureProfile profile = SignatureProfile::kRsaSha256) const {
        SignOptions options;
        options.profile = profile;
        options.created = now_ - 60;
        return options;
    }

    std::string Sign(const std::string& document, const SigningKey& key,
                     const SignOptions& options) {
        auto signed_doc = SignDocument(document, key, options);
        EXPECT_TRUE(signed_doc.ok()) << signed_doc.status().ToString();
        return signed_doc.ok() ? *signed_doc : std::string();
    }

    Result<SignerInfo> VerifyStrict(const std::string& document) const {
        auto parsed = parser_.ParseMetadata(document);
        if (!parsed.ok()) return parsed.status();
        return strict_->VerifyMetadata(**parsed, now_);
    }

    Result<SignerInfo> VerifyCompatLoose(const std::string& document) const {
        auto doc = LooseDocument(document);
        if (!doc.ok()) return doc.status();
        return compat_.VerifyMetadata(**doc, now_);
    }

    const Timestamp now_ = SystemClock().Now();
    const std::string unsigned_ = Fixture("metadata-lib/valid-full.xml");
    XmlMetadataParser parser_;
    std::unique_ptr<TrustStore> trust_;
    std::unique_ptr<XmldsigVerifier> strict_;
    XmldsigVerifier compat_{VerifierOptions{TrustMode::kCompat, nullptr}};
};

struct ProfileCase {
    SignatureProfile profile;
    const char* key;
    const char* signature_method;
    const char* canonicalization;
    const char* digest;
};

TEST_F(SignerTest, EveryProfileRoundTripsThroughTheParserAndTheStrictVerifier) {
    const ProfileCase cases[] = {
        {SignatureProfile::kRsaSha256, "alice", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
         "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/04/xmlenc#sha256"},
        {SignatureProfile::kRsaSha512, "alice", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
         "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/04/xmlenc#sha512"},
        {SignatureProfile::kEcdsaSha256, "erin",
         "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
         "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/04/xmlenc#sha256"},
        {SignatureProfile::kLegacyStratusLab, "alice", "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
         "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
         "http://www.w3.org/2000/09/xmldsig#sha1"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(SignatureProfileName(c.profile));
        const std::string signed_doc = Sign(unsigned_, PkiKey(c.key), Options(c.profile));
        EXPECT_NE(signed_doc.find(c.digest), std::string::npos);
        const auto info = VerifyStrict(signed_doc);
        ASSERT_TRUE(info.ok()) << info.status().ToString();
        EXPECT_EQ(info->trust_mode, TrustMode::kStrict);
        EXPECT_EQ(info->signature_method, c.signature_method);
        EXPECT_EQ(info->canonicalization, c.canonicalization);
        EXPECT_EQ(info->email_binding, "san");
        EXPECT_EQ(info->issuer, kCaDn);
    }
}

TEST_F(SignerTest, FillsTheEndorsementFromTheCertificate) {
    SignOptions options = Options();
    options.email = "ignored@example.org";  // the certificate's SAN wins, as in Java
    const std::string signed_doc = Sign(unsigned_, PkiKey("alice"), options);
    auto doc = LooseDocument(signed_doc);
    ASSERT_TRUE(doc.ok());
    const Endorsement& e = (*doc)->metadata().endorsement;
    EXPECT_EQ(e.created, options.created);
    EXPECT_EQ(e.email, "alice@example.org");
    EXPECT_EQ(e.subject, kAliceDn);
    EXPECT_EQ(e.issuers, std::vector<std::string>{kCaDn});
    EXPECT_EQ(Count(signed_doc, kSlreqNs, "endorsement"), 1u);
    EXPECT_EQ(Count(signed_doc, kSlreqNs, "endorser"), 1u);
    EXPECT_EQ(Count(signed_doc, kDsigNs, "Signature"), 1u);
    EXPECT_EQ(Count(signed_doc, kDsigNs, "X509Certificate"), 1u);
    // The old endorser is gone.
    EXPECT_EQ(signed_doc.find("jane.tester@example.org"), std::string::npos);
}

TEST_F(SignerTest, WritesSubjectsWithEmailAddressInJavaForm) {
    const std::string signed_doc = Sign(unsigned_, PkiKey("eve"), Options());
    EXPECT_NE(
        signed_doc.find("<slreq:subject>1.2.840.113549.1.9.1=#160f657665406578616d706c652e6f7267,"
                        "CN=Eve Endorser,OU=Endorsers,O=Marketplace Test,C=EU</slreq:subject>"),
        std::string::npos);
    const auto info = VerifyStrict(signed_doc);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
}

TEST_F(SignerTest, UsesTheEmailOptionWhenTheCertificateHasNone) {
    SignOptions options = Options();
    options.email = "bob@example.org";
    const std::string signed_doc = Sign(unsigned_, PkiKey("bob"), options);
    const auto info = VerifyStrict(signed_doc);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->email_binding, "endorser-list");
}

TEST_F(SignerTest, RefusesToEndorseWithoutAValidEmail) {
    EXPECT_EQ(SignDocument(unsigned_, PkiKey("bob"), Options()).status(),
              Status::InvalidArgument(
                  "cannot generate slreq:endorsement; email address not in cert or not provided"));
    SignOptions options = Options();
    options.email = "bob at example.org";
    EXPECT_EQ(SignDocument(unsigned_, PkiKey("bob"), options).status(),
              Status::InvalidArgument("invalid email address: bob at example.org"));
}

TEST_F(SignerTest, ResigningReplacesTheEndorsementAndTheSignature) {
    const std::string production = Fixture("production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml");
    const std::string resigned = Sign(production, PkiKey("alice"), Options());
    EXPECT_EQ(Count(resigned, kDsigNs, "Signature"), 1u);
    EXPECT_EQ(resigned.find("Jerome Pansanel"), std::string::npos);
    const auto info = VerifyStrict(resigned);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->subject, kAliceDn);
    // And once more, with another key and profile.
    const std::string twice =
        Sign(resigned, PkiKey("erin"), Options(SignatureProfile::kEcdsaSha256));
    EXPECT_EQ(Count(twice, kDsigNs, "Signature"), 1u);
    EXPECT_TRUE(VerifyStrict(twice).ok());
}

TEST_F(SignerTest, KeepsOnlyTheLastEndorsementAndDropsEverySignature) {
    for (const char* file : {"metadata-lib/partial-multiple-endorsements.xml",
                             "metadata-lib/partial-multiple-signatures.xml"}) {
        SCOPED_TRACE(file);
        const std::string signed_doc = Sign(Fixture(file), PkiKey("alice"), Options());
        EXPECT_EQ(Count(signed_doc, kSlreqNs, "endorsement"), 1u);
        EXPECT_EQ(Count(signed_doc, kDsigNs, "Signature"), 1u);
        const auto info = VerifyCompatLoose(signed_doc);
        EXPECT_TRUE(info.ok()) << info.status().ToString();
    }
}

TEST_F(SignerTest, DeclaresTheNamespacesTheDocumentLacksAsJavaDoes) {
    const std::string signed_doc =
        Sign(Fixture("metadata-lib/autogen-endorsement-not-done.xml"), PkiKey("alice"), Options());
    EXPECT_NE(signed_doc.find("<created xmlns=\"http://purl.org/dc/terms/\">"), std::string::npos)
        << signed_doc;
    EXPECT_NE(signed_doc.find("<slreq:email>alice@example.org</slreq:email>"), std::string::npos);
    const auto info = VerifyCompatLoose(signed_doc);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
}

TEST_F(SignerTest, RefusesADocumentWithoutEndorsement) {
    std::string no_endorsement = unsigned_;
    const size_t b = no_endorsement.find("<slreq:endorsement");
    const size_t e = no_endorsement.find("</slreq:endorsement>") + 20;
    no_endorsement.erase(b, e - b);
    EXPECT_EQ(SignDocument(no_endorsement, PkiKey("alice"), Options()).status(),
              Status::InvalidArgument("document must contain exactly 1 slreq:endorsement element"));
}

TEST_F(SignerTest, RefusesProfilesThatDoNotFitTheKey) {
    EXPECT_EQ(
        SignDocument(unsigned_, PkiKey("erin"), Options(SignatureProfile::kRsaSha256)).status(),
        Status::InvalidArgument("profile rsa-sha256 needs an RSA key; the key of CN=Erin "
                                "Endorser,OU=Endorsers,O=Marketplace Test,C=EU is EC (use "
                                "ecdsa-sha256)"));
    EXPECT_EQ(
        SignDocument(unsigned_, PkiKey("alice"), Options(SignatureProfile::kEcdsaSha256)).status(),
        Status::InvalidArgument("profile ecdsa-sha256 needs an EC key; the key of " +
                                std::string(kAliceDn) +
                                " is RSA (use rsa-sha256, rsa-sha512 or stratuslab)"));
}

TEST_F(SignerTest, RefusesWhatIsNotAnRdfDocument) {
    EXPECT_EQ(SignDocument("<metadata/>", PkiKey("alice"), Options()).status(),
              Status::InvalidArgument("document element must be rdf:RDF, found metadata"));
    const auto doctype =
        SignDocument("<!DOCTYPE x [<!ENTITY e \"v\">]><x/>", PkiKey("alice"), Options());
    EXPECT_EQ(doctype.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(doctype.status().message().find("DOCTYPE"), std::string::npos);
}

TEST_F(SignerTest, SendsTheChainOfTheKeyInKeyInfo) {
    auto carol =
        SigningKey::FromPkcs12(Pki("carol.p12"), mkt::testing::ReadFile(Pki("p12-password")));
    ASSERT_TRUE(carol.ok()) << carol.status().ToString();
    const std::string signed_doc = Sign(unsigned_, *carol, Options());
    EXPECT_EQ(Count(signed_doc, kDsigNs, "X509Certificate"), 2u);
    const auto info = VerifyStrict(signed_doc);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->issuer, "CN=Marketplace Test Intermediate CA,O=Marketplace Test,C=EU");
}

TEST_F(SignerTest, NamesProfilesAndPicksOneForTheKey) {
    for (auto p : {SignatureProfile::kRsaSha256, SignatureProfile::kRsaSha512,
                   SignatureProfile::kEcdsaSha256, SignatureProfile::kLegacyStratusLab}) {
        EXPECT_EQ(ParseSignatureProfile(SignatureProfileName(p)).value(), p);
    }
    EXPECT_EQ(ParseSignatureProfile("dsa").status(),
              Status::InvalidArgument("unknown signature profile 'dsa' (known: rsa-sha256, "
                                      "rsa-sha512, ecdsa-sha256, stratuslab)"));
    EXPECT_EQ(DefaultProfileFor(PkiKey("erin")), SignatureProfile::kEcdsaSha256);
    EXPECT_EQ(DefaultProfileFor(PkiKey("alice")), SignatureProfile::kRsaSha256);
}

}  // namespace
}  // namespace mkt::xmlsec
