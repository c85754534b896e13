// Interoperability with the xmlsec1 command-line tool, both ways: its
// signatures (from templates written here) verify with XmldsigVerifier, and
// SignDocument's output verifies with `xmlsec1 --verify --pubkey-cert-pem`.
// Also shows why the accepted SignedInfo shape is narrow: a signature that
// xmlsec1 accepts but that leaves content unsigned is refused here.
#include <string>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_signer.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/registry/xmlsec/xmlsec_test_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::xmlsec {
namespace {

using testing::Fixture;
using testing::Pki;
using testing::PkiKey;
using testing::RunCommand;
using testing::ShellQuote;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

constexpr const char* kAliceDn = "CN=Alice Endorser,OU=Endorsers,O=Marketplace Test,C=EU";
constexpr const char* kCaDn = "CN=Marketplace Test CA,O=Marketplace Test,C=EU";
constexpr const char* kEnveloped =
    "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";

struct Endorser {
    std::string email, subject, issuer;
};

// valid-full.xml with this endorsement and a Signature template for xmlsec1.
std::string Template(const Endorser& e, Timestamp created, const std::string& c14n,
                     const std::string& method, const std::string& digest,
                     const std::string& transforms) {
    std::string doc = Fixture("metadata-lib/valid-full.xml");
    const size_t b = doc.find("<slreq:endorsement");
    const size_t end = doc.find("</slreq:endorsement>") + 20;
    doc.replace(
        b, end - b,
        "<slreq:endorsement rdf:parseType=\"Resource\"><dcterms:created>" + created.ToString() +
            "</dcterms:created><slreq:endorser rdf:parseType=\"Resource\"><slreq:email>" + e.email +
            "</slreq:email><slreq:subject>" + e.subject + "</slreq:subject><slreq:issuer>" +
            e.issuer + "</slreq:issuer></slreq:endorser></slreq:endorsement>");
    const std::string signature =
        "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"
        "<CanonicalizationMethod Algorithm=\"" +
        c14n + "\"/><SignatureMethod Algorithm=\"" + method +
        "\"/><Reference URI=\"\"><Transforms>" + transforms +
        "</Transforms><DigestMethod Algorithm=\"" + digest +
        "\"/><DigestValue/></Reference></SignedInfo><SignatureValue/>"
        "<KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>";
    doc.replace(doc.rfind("</rdf:RDF>"), 10, signature + "</rdf:RDF>");
    return doc;
}

class InteropTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(RunCommand("xmlsec1 --version").exit_code, 0) << "the xmlsec1 tool is missing";
        TrustStoreOptions options;
        options.ca_dir = Pki("ca");
        auto store = TrustStore::Open(options);
        ASSERT_TRUE(store.ok()) << store.status().ToString();
        trust_ = std::move(store).value();
        strict_ =
            std::make_unique<XmldsigVerifier>(VerifierOptions{TrustMode::kStrict, trust_.get()});
    }

    // Signs `template_doc` with the xmlsec1 tool and the PKI key `name`.
    std::string ToolSign(const std::string& template_doc, const std::string& name) {
        mkt::testing::WriteFile(dir_ / "template.xml", template_doc);
        const auto out =
            RunCommand("xmlsec1 --sign --privkey-pem " +
                       ShellQuote(Pki(name + ".key").string() + "," + Pki(name + ".pem").string()) +
                       " --output " + ShellQuote((dir_ / "signed.xml").string()) + " " +
                       ShellQuote((dir_ / "template.xml").string()));
        EXPECT_EQ(out.exit_code, 0) << out.output;
        return mkt::testing::ReadFile(dir_ / "signed.xml");
    }

    testing::CommandResult ToolVerify(const std::string& document, const std::string& name) {
        mkt::testing::WriteFile(dir_ / "verify.xml", document);
        return RunCommand("xmlsec1 --verify --pubkey-cert-pem " +
                          ShellQuote(Pki(name + ".pem").string()) + " " +
                          ShellQuote((dir_ / "verify.xml").string()));
    }

    Result<SignerInfo> Verify(const XmldsigVerifier& verifier, const std::string& document) const {
        auto parsed = XmlMetadataParser().ParseMetadata(document);
        if (!parsed.ok()) return parsed.status();
        return verifier.VerifyMetadata(**parsed, now_);
    }

    const Timestamp now_ = SystemClock().Now();
    const Endorser alice_{"alice@example.org", kAliceDn, kCaDn};
    mkt::testing::TempDir dir_;
    std::unique_ptr<TrustStore> trust_;
    std::unique_ptr<XmldsigVerifier> strict_;
    XmldsigVerifier compat_{VerifierOptions{TrustMode::kCompat, nullptr}};
};

TEST_F(InteropTest, OurSignaturesVerifyWithTheXmlsec1Tool) {
    const struct {
        SignatureProfile profile;
        const char* key;
    } cases[] = {{SignatureProfile::kRsaSha256, "alice"},
                 {SignatureProfile::kRsaSha512, "alice"},
                 {SignatureProfile::kEcdsaSha256, "erin"},
                 {SignatureProfile::kLegacyStratusLab, "alice"}};
    for (const auto& c : cases) {
        SCOPED_TRACE(SignatureProfileName(c.profile));
        SignOptions options;
        options.profile = c.profile;
        options.created = now_;
        auto signed_doc =
            SignDocument(Fixture("metadata-lib/valid-full.xml"), PkiKey(c.key), options);
        ASSERT_TRUE(signed_doc.ok()) << signed_doc.status().ToString();
        const auto verified = ToolVerify(*signed_doc, c.key);
        EXPECT_EQ(verified.exit_code, 0) << verified.output;
        EXPECT_NE(verified.output.find("\nOK\n"), std::string::npos) << verified.output;
        // The tool is not lenient: one changed byte fails there too.
        const auto tampered = ToolVerify(
            testing::ReplaceOnce(*signed_doc, "linux-with-my-apps", "linux-with-my-appz"), c.key);
        EXPECT_NE(tampered.exit_code, 0) << tampered.output;
    }
}

TEST_F(InteropTest, Xmlsec1SignaturesVerifyWithOurVerifier) {
    const struct {
        const char* key;
        Endorser endorser;
        const char* c14n;
        const char* method;
        const char* digest;
        std::string transforms;
    } cases[] = {
        {"alice", alice_, "http://www.w3.org/2001/10/xml-exc-c14n#",
         "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
         "http://www.w3.org/2001/04/xmlenc#sha256",
         std::string(kEnveloped) +
             "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"},
        {"alice", alice_, "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
         "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1",
         kEnveloped},
        {"erin",
         {"erin@example.org", "CN=Erin Endorser,OU=Endorsers,O=Marketplace Test,C=EU", kCaDn},
         "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
         "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
         "http://www.w3.org/2001/04/xmlenc#sha512",
         kEnveloped},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.method);
        const std::string signed_doc = ToolSign(
            Template(c.endorser, now_ - 60, c.c14n, c.method, c.digest, c.transforms), c.key);
        const auto info = Verify(*strict_, signed_doc);
        ASSERT_TRUE(info.ok()) << info.status().ToString();
        EXPECT_EQ(info->signature_method, c.method);
        EXPECT_EQ(info->canonicalization, c.c14n);
        EXPECT_EQ(info->email_binding, "san");
    }
}

TEST_F(InteropTest, RefusesAnXPathTransformThatLeavesContentUnsigned) {
    // The reference excludes the description from the digest: xmlsec1 accepts a
    // changed description, which is a signature-wrapping hole.
    const std::string transforms =
        std::string(kEnveloped) +
        "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">"
        "<XPath xmlns:dcterms=\"http://purl.org/dc/terms/\">"
        "not(ancestor-or-self::dcterms:description)</XPath></Transform>";
    const std::string signed_doc =
        ToolSign(Template(alice_, now_ - 60, "http://www.w3.org/2001/10/xml-exc-c14n#",
                          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                          "http://www.w3.org/2001/04/xmlenc#sha256", transforms),
                 "alice");
    const std::string forged =
        testing::ReplaceOnce(signed_doc, "A 32-bit ttylinux...", "Now with a backdoor");
    const auto tool = ToolVerify(forged, "alice");
    EXPECT_EQ(tool.exit_code, 0) << "xmlsec1 was expected to accept it: " << tool.output;
    for (const XmldsigVerifier* verifier : {strict_.get(), &compat_}) {
        const auto ours = Verify(*verifier, forged);
        EXPECT_EQ(ours.status(),
                  Status::InvalidArgument(
                      "signature refused: Transform http://www.w3.org/TR/1999/REC-xpath-19991116 "
                      "is not accepted; the transforms must be enveloped-signature, optionally "
                      "followed by one canonicalization"));
    }
}

TEST_F(InteropTest, RefusesAValidSignatureWhoseSubjectIsNotTheCertificates) {
    Endorser other = alice_;
    other.subject = "CN=Alice Endorser,O=Somewhere Else,C=EU";
    const std::string doc =
        ToolSign(Template(other, now_ - 60, "http://www.w3.org/2001/10/xml-exc-c14n#",
                          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                          "http://www.w3.org/2001/04/xmlenc#sha256", kEnveloped),
                 "alice");
    const Status expected =
        Status::InvalidArgument("endorser inconsistency (subject): " + std::string(kAliceDn) +
                                " != CN=Alice Endorser,O=Somewhere Else,C=EU");
    EXPECT_EQ(Verify(*strict_, doc).status(), expected);
    EXPECT_EQ(Verify(compat_, doc).status(), expected);
}

TEST_F(InteropTest, RefusesAValidSignatureWhoseIssuerIsNotTheCertificates) {
    Endorser other = alice_;
    other.issuer = "CN=Some Other CA";
    const std::string doc =
        ToolSign(Template(other, now_ - 60, "http://www.w3.org/2001/10/xml-exc-c14n#",
                          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                          "http://www.w3.org/2001/04/xmlenc#sha256", kEnveloped),
                 "alice");
    EXPECT_EQ(Verify(*strict_, doc).status(),
              Status::InvalidArgument("endorser inconsistency (issuer): " + std::string(kCaDn) +
                                      " != CN=Some Other CA"));
}

TEST_F(InteropTest, RefusesAnEmailThatIsNotTheCertificatesSan) {
    Endorser other = alice_;
    other.email = "mallory@example.org";
    const std::string doc =
        ToolSign(Template(other, now_ - 60, "http://www.w3.org/2001/10/xml-exc-c14n#",
                          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                          "http://www.w3.org/2001/04/xmlenc#sha256", kEnveloped),
                 "alice");
    const Status expected = Status::InvalidArgument(
        "endorser inconsistency (email): alice@example.org != mallory@example.org");
    EXPECT_EQ(Verify(*strict_, doc).status(), expected);
    EXPECT_EQ(Verify(compat_, doc).status(), expected);
}

}  // namespace
}  // namespace mkt::xmlsec
