// XmldsigVerifier on real StratusLab documents (compat mode) and on every
// SignedInfo shape the profile refuses (dsig_profile.hpp).
#include "registry/xmlsec/xmldsig_verifier.hpp"

#include <string>

#include <libxml/tree.h>

#include <gtest/gtest.h>

#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/xml_document.hpp"
#include "tests/registry/xmlsec/xmlsec_test_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::xmlsec {
namespace {

using testing::Fixture;
using testing::LooseDocument;
using testing::ReplaceOnce;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

constexpr const char* kProduction = "production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml";
const Timestamp kAnyTime = Timestamp::FromUnixSeconds(0);  // compat mode ignores time

// Every signed document among the fixtures (listings are tested separately).
const char* const kSignedFixtures[] = {
    "metadata-lib/valid-full-signature.xml",
    "metadata-lib/valid-ca-signed.xml",
    "marketplace-server/valid-ca-signed.xml",
    "marketplace-server/valid-alternative.xml",
    "marketplace-server/valid-alternative-newid.xml",
    "marketplace-server/valid-alternative-deprecated-signed.xml",
    "marketplace-server/valid-expired-signature.xml",
    "marketplace-server/valid-indate-signature.xml",
    "marketplace-server/valid-indate-newer-signature.xml",
    "marketplace-server/valid-indate-older-signature.xml",
    "marketplace-server/valid-indate-deprecated-signature.xml",
    "marketplace-server/valid-two-locations.xml",
    "marketplace-server/invalid-special-characters-signature.xml",
    "client/manifest-invalid-sha1.xml",
    kProduction,
};

class VerifierTest : public ::testing::Test {
  protected:
    Result<SignerInfo> VerifyBytes(const std::string& bytes) const {
        auto doc = LooseDocument(bytes);
        if (!doc.ok()) return doc.status();
        return compat_.Verify(**doc, kAnyTime);
    }
    // The production entry with `from` replaced by `to`; must be refused with `message`.
    void ExpectRefused(std::string_view from, std::string_view to, std::string_view message) const {
        const auto result = VerifyBytes(ReplaceOnce(Fixture(kProduction), from, to));
        ASSERT_FALSE(result.ok()) << "accepted after replacing " << from;
        EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
        EXPECT_NE(result.status().message().find(message), std::string::npos)
            << result.status().message();
    }

    XmldsigVerifier compat_{VerifierOptions{TrustMode::kCompat, nullptr}};
};

TEST_F(VerifierTest, VerifiesEverySignedStratusLabFixtureInCompatMode) {
    for (const char* file : kSignedFixtures) {
        SCOPED_TRACE(file);
        const auto info = VerifyBytes(Fixture(file));
        ASSERT_TRUE(info.ok()) << info.status().ToString();
        EXPECT_EQ(info->trust_mode, TrustMode::kCompat);
        EXPECT_EQ(info->signature_method, "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
        EXPECT_EQ(info->canonicalization,
                  "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments");
    }
}

// The name is misleading: the Java server test (MDataResourceTest.testCreatesValidJson)
// uploads this document, whose description holds quotes, parentheses and URLs,
// to check that the DataTables JSON listing stays valid. Its signature is valid.
TEST_F(VerifierTest, AcceptsTheSpecialCharactersFixtureBecauseOnlyItsJsonWasTheIssue) {
    const auto info =
        VerifyBytes(Fixture("marketplace-server/invalid-special-characters-signature.xml"));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->subject, "CN=Jane Tester,OU=Testing Department,O=StratusLab Project,C=EU");
}

TEST_F(VerifierTest, ReportsTheSignerOfTheProductionEntry) {
    const auto info = VerifyBytes(Fixture(kProduction));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->subject, "CN=Jerome Pansanel,OU=IPHC,O=CNRS,C=FR,O=GRID-FR");
    EXPECT_EQ(info->issuer, "CN=GRID2-FR,O=CNRS,C=FR");
    EXPECT_EQ(info->email_binding, "san");
    EXPECT_EQ(info->not_before, Timestamp::Parse("2015-11-05T08:45:09Z").value());
    EXPECT_EQ(info->not_after, Timestamp::Parse("2016-11-04T08:45:09Z").value());
    // Serial and fingerprint as the openssl command-line tool computes them.
    mkt::testing::TempDir dir;
    mkt::testing::WriteFile(dir / "cert.pem", testing::CertificatePem(Fixture(kProduction)));
    const auto out = testing::RunCommand("openssl x509 -noout -serial -fingerprint -sha256 -in " +
                                         testing::ShellQuote((dir / "cert.pem").string()));
    ASSERT_EQ(out.exit_code, 0) << out.output;
    std::string expected_fp;
    const size_t eq = out.output.find("Fingerprint=");
    for (char c : out.output.substr(eq + 12)) {
        if (std::isxdigit(static_cast<unsigned char>(c))) {
            expected_fp += static_cast<char>(std::tolower(c));
        }
        if (c == '\n') break;
    }
    EXPECT_EQ(info->certificate_sha256, expected_fp);
    std::string serial = out.output.substr(out.output.find("serial=") + 7);
    serial = serial.substr(0, serial.find('\n'));
    for (char& c : serial) c = static_cast<char>(std::tolower(c));
    EXPECT_EQ(info->serial, serial.substr(serial.find_first_not_of('0')));
}

TEST_F(VerifierTest, VerifiesThroughTheParsedDocumentInterfaceOfXmlMetadataParser) {
    const XmlMetadataParser parser;
    const SignatureVerifier& verifier = compat_;
    for (const char* file : {kProduction, "metadata-lib/valid-full-signature.xml"}) {
        SCOPED_TRACE(file);
        auto parsed = parser.Parse(Fixture(file));
        ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
        const auto info = verifier.Verify(**parsed, kAnyTime);
        EXPECT_TRUE(info.ok()) << info.status().ToString();
    }
}

class NotAMetadataDocument : public ParsedDocument {
  public:
    const EntryMetadata& metadata() const override { return metadata_; }
    bool HasSignature() const override { return true; }
    std::string UnsignedXml() const override { return {}; }

  private:
    EntryMetadata metadata_;
};

TEST_F(VerifierTest, RefusesDocumentsOfAnotherParserAsInternalError) {
    const auto result = compat_.Verify(NotAMetadataDocument{}, kAnyTime);
    EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

TEST_F(VerifierTest, RefusesAnUnsignedDocumentWithNoSignature) {
    const auto result = VerifyBytes(Fixture("metadata-lib/valid-minimal.xml"));
    EXPECT_EQ(result.status(), Status::InvalidArgument("no signature"));
}

TEST_F(VerifierTest, RefusesAnEmptySignatureElement) {
    const auto result = VerifyBytes(Fixture("metadata-lib/valid-minimal-signature.xml"));
    EXPECT_EQ(result.status(),
              Status::InvalidArgument("signature refused: ds:Signature has no ds:SignedInfo"));
}

TEST_F(VerifierTest, FailsWhenOneByteOfTheDescriptionChanged) {
    const auto result = VerifyBytes(
        ReplaceOnce(Fixture(kProduction), "FG-Cloud Official Ubuntu", "FG-Cloud Officiel Ubuntu"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find("signature does not match: the digest"),
              std::string::npos)
        << result.status().message();
}

TEST_F(VerifierTest, FailsWhenTheSignatureValueChanged) {
    const std::string doc = Fixture(kProduction);
    const size_t at = doc.find("<SignatureValue>") + 20;
    std::string tampered = doc;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    const auto result = VerifyBytes(tampered);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find("the SignatureValue does not verify"),
              std::string::npos)
        << result.status().message();
}

TEST_F(VerifierTest, ReportsWhatXmlsecCouldNotRead) {
    const std::string doc = Fixture(kProduction);
    const size_t b = doc.find("<SignatureValue>") + 16;
    const size_t e = doc.find("</SignatureValue>");
    const auto result = VerifyBytes(doc.substr(0, b) + "@@not base64@@" + doc.substr(e));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(result.status().message().rfind("signature cannot be verified: ", 0), 0u)
        << result.status().message();
    // The root cause, not the unwinding of xmlsec's call stack.
    EXPECT_NE(result.status().message().find("base64"), std::string::npos)
        << result.status().message();
}

TEST_F(VerifierTest, UsesExactlyTheKeyOfTheFirstCertificate) {
    // Another signer's certificate in KeyInfo: the signature no longer verifies.
    const std::string doc = Fixture(kProduction);
    const std::string other =
        testing::CertificatePem(Fixture("metadata-lib/valid-full-signature.xml"));
    std::string other_base64;
    for (const auto& line : {other}) {
        size_t b = line.find('\n') + 1, e = line.find("-----END");
        other_base64 = line.substr(b, e - b);
    }
    const size_t start = doc.find("<X509Certificate>") + 17;
    const size_t end = doc.find("</X509Certificate>");
    const std::string swapped = doc.substr(0, start) + other_base64 + doc.substr(end);
    const auto result = VerifyBytes(swapped);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find(
                  "the SignatureValue does not verify with the key of certificate CN=Jane Tester"),
              std::string::npos)
        << result.status().message();
}

TEST_F(VerifierTest, VerifiesAnEntryOnlyWhenExtractedFromItsListing) {
    auto listing = XmlDocument::ParseSafely(
        Fixture("production/KqU_1EZFVGCDEhX9Kos9ckOaNjB.listing.xml"), DocumentLimits{});
    ASSERT_TRUE(listing.ok());
    // Inside the <metadata> wrapper: the signature is not the document's.
    auto wrapped = LooseDocument(listing->Serialize());
    ASSERT_TRUE(wrapped.ok());
    const auto refused = compat_.Verify(**wrapped, kAnyTime);
    EXPECT_EQ(refused.status(),
              Status::InvalidArgument("signature refused: the document element must be rdf:RDF "
                                      "(verify entries standalone, not inside a listing)"));
    // Standalone, as the original verifies it.
    xmlNode* rdf = nullptr;
    for (xmlNode* c = listing->root()->children; c && !rdf; c = c->next) {
        if (IsElement(c, kRdfNs, "RDF")) rdf = c;
    }
    ASSERT_NE(rdf, nullptr);
    xmlDoc* standalone = xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0"));
    xmlDocSetRootElement(standalone, xmlDocCopyNode(rdf, standalone, 1));
    xmlChar* mem = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(standalone, &mem, &size, "UTF-8");
    const std::string bytes(reinterpret_cast<char*>(mem), static_cast<size_t>(size));
    xmlFree(mem);
    xmlFreeDoc(standalone);
    const auto info = VerifyBytes(bytes);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->subject, "CN=Cecile Cavet,OU=APC,O=CNRS,C=FR,O=GRID-FR");
}

// ---- refused shapes (each checked before any key is used) ----

TEST_F(VerifierTest, RefusesAReferenceToAnythingButTheWholeDocument) {
    ExpectRefused("<Reference URI=\"\">", "<Reference URI=\"#LHfKVPoHcv4oMirHU0KuOQc-TvI\">",
                  "Reference URI=\"#LHfKVPoHcv4oMirHU0KuOQc-TvI\" is not accepted");
    ExpectRefused("<Reference URI=\"\">", "<Reference>", "a Reference without URI is not accepted");
    ExpectRefused("<Reference URI=\"\">",
                  "<Reference URI=\"\" Type=\"http://www.w3.org/2000/09/xmldsig#Object\">",
                  "a Reference with a Type is not accepted");
}

TEST_F(VerifierTest, RefusesASecondReference) {
    const std::string doc = Fixture(kProduction);
    const size_t b = doc.find("<Reference URI=\"\">");
    const size_t e = doc.find("</Reference>") + 12;
    const std::string reference = doc.substr(b, e - b);
    ExpectRefused(reference, reference + ReplaceOnce(reference, "URI=\"\"", "URI=\"#x\""),
                  "SignedInfo has 2 ds:Reference elements; exactly one (URI=\"\") is accepted");
}

TEST_F(VerifierTest, RefusesXPathAndXsltTransforms) {
    const std::string enveloped =
        "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
    ExpectRefused(enveloped,
                  enveloped +
                      "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">"
                      "<XPath>not(ancestor-or-self::dcterms:description)</XPath></Transform>",
                  "Transform http://www.w3.org/TR/1999/REC-xpath-19991116 is not accepted");
    ExpectRefused(enveloped,
                  "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>",
                  "Transform http://www.w3.org/TR/1999/REC-xslt-19991116 is not accepted");
    ExpectRefused(enveloped, "", "ds:Transforms without the enveloped-signature transform");
}

TEST_F(VerifierTest, RefusesMoreThanOneCanonicalizationTransform) {
    const std::string enveloped =
        "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
    const std::string c14n = "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>";
    ExpectRefused(enveloped, enveloped + c14n + c14n,
                  "Transform http://www.w3.org/2001/10/xml-exc-c14n# is not accepted");
    ExpectRefused(enveloped, c14n + enveloped,
                  "Transform http://www.w3.org/2001/10/xml-exc-c14n# is not accepted");
}

TEST_F(VerifierTest, RefusesTransformParameters) {
    const std::string enveloped =
        "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
    ExpectRefused(
        enveloped,
        enveloped +
            "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">"
            "<InclusiveNamespaces xmlns=\"http://www.w3.org/2001/10/xml-exc-c14n#\" "
            "PrefixList=\"rdf\"/></Transform>",
        "{http://www.w3.org/2001/10/xml-exc-c14n#}InclusiveNamespaces inside ds:Transform "
        "is not accepted");
}

TEST_F(VerifierTest, RefusesUnknownAlgorithms) {
    ExpectRefused("http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                  "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
                  "ds:SignatureMethod http://www.w3.org/2000/09/xmldsig#hmac-sha1 is not accepted "
                  "(accepted: http://www.w3.org/2000/09/xmldsig#rsa-sha1, ");
    ExpectRefused("http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                  "http://www.w3.org/2000/09/xmldsig#dsa-sha1", "dsa-sha1 is not accepted");
    ExpectRefused("<DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>",
                  "<DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#md5\"/>",
                  "ds:DigestMethod http://www.w3.org/2001/04/xmldsig-more#md5 is not accepted");
    ExpectRefused("Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"",
                  "Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\"",
                  "ds:CanonicalizationMethod http://www.w3.org/2006/12/xml-c14n11 is not accepted");
}

TEST_F(VerifierTest, RefusesAMethodThatDoesNotFitTheCertificateKey) {
    ExpectRefused(
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "SignatureMethod http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256 needs an EC "
        "key but certificate CN=Jerome Pansanel,OU=IPHC,O=CNRS,C=FR,O=GRID-FR has an RSA key");
}

TEST_F(VerifierTest, RefusesKeysThatDoNotComeFromAnX509Certificate) {
    const std::string doc = Fixture(kProduction);
    const size_t b = doc.find("<X509Data>");
    const size_t e = doc.find("</KeyInfo>");
    const std::string x509 = doc.substr(b, e - b);
    ExpectRefused(x509,
                  "<KeyValue><RSAKeyValue><Modulus>AQAB</Modulus><Exponent>AQAB</Exponent>"
                  "</RSAKeyValue></KeyValue>",
                  "ds:KeyValue in ds:KeyInfo is not accepted; the key must come from "
                  "ds:X509Data/ds:X509Certificate");
    ExpectRefused("<KeyInfo>", "<KeyInfo><KeyName>jerome</KeyName>",
                  "ds:KeyName in ds:KeyInfo is not accepted");
    ExpectRefused("<KeyInfo>", "<KeyInfo><RetrievalMethod URI=\"http://example.org/key\"/>",
                  "ds:RetrievalMethod in ds:KeyInfo is not accepted");
    ExpectRefused("<X509Data>", "<X509Data><X509SubjectName>CN=x</X509SubjectName>",
                  "ds:X509SubjectName in ds:X509Data is not accepted");
    ExpectRefused("<X509Certificate>MII", "<X509Certificate>!!",
                  "X509Certificate 1 is not valid base64");
}

TEST_F(VerifierTest, RefusesObjectsAndForeignElementsInTheSignature) {
    ExpectRefused("</KeyInfo>", "</KeyInfo><Object><Manifest/></Object>",
                  "ds:Object is not accepted");
    ExpectRefused("<SignedInfo>", "<SignedInfo><x:extra xmlns:x=\"urn:x\"/>",
                  "{urn:x}extra inside ds:SignedInfo is not accepted");
    ExpectRefused("<SignedInfo>", "<SignedInfo>text", "text inside ds:SignedInfo is not accepted");
}

TEST_F(VerifierTest, RefusesASignatureThatIsNotTheLastElementOfRdf) {
    ExpectRefused("</Signature></rdf:RDF>",
                  "</Signature><rdf:Description rdf:about=\"#x\"/></rdf:RDF>",
                  "signature refused: ds:Signature must be the last element of rdf:RDF");
}

TEST_F(VerifierTest, RefusesTwoSignatures) {
    const std::string doc = Fixture(kProduction);
    const size_t b = doc.find("<Signature ");
    const size_t e = doc.find("</Signature>") + 12;
    const std::string signature = doc.substr(b, e - b);
    ExpectRefused(signature, signature + signature,
                  "the document has 2 ds:Signature elements; exactly one, the last child of "
                  "rdf:RDF, is accepted");
    const auto four = VerifyBytes(Fixture("metadata-lib/partial-multiple-signatures.xml"));
    EXPECT_NE(four.status().message().find("the document has 4 ds:Signature elements"),
              std::string::npos)
        << four.status().message();
}

TEST_F(VerifierTest, RefusesASignatureWrappedInsideTheDescription) {
    const std::string doc = Fixture(kProduction);
    const size_t b = doc.find("<Signature ");
    const size_t e = doc.find("</Signature>") + 12;
    const std::string signature = doc.substr(b, e - b);
    std::string moved = ReplaceOnce(doc, signature, "");
    moved = ReplaceOnce(moved, "</rdf:Description>", signature + "</rdf:Description>");
    const auto result = VerifyBytes(moved);
    EXPECT_EQ(result.status(), Status::InvalidArgument(
                                   "signature refused: ds:Signature must be a child of rdf:RDF"));
}

TEST_F(VerifierTest, BindsTheCertificateToTheEndorsementInCompatMode) {
    // Subject and issuer strings are compared exactly, as StratusLab does.
    const std::string doc = Fixture(kProduction);
    auto loose = LooseDocument(doc);
    ASSERT_TRUE(loose.ok());
    // Keep the signed bytes, change only what the parser reported.
    EntryMetadata metadata = (*loose)->metadata();
    metadata.endorsement.subject = "CN=Jerome Pansanel,OU=IPHC,O=CNRS,C=FR";
    auto xml = XmlDocument::ParseSafely(doc, DocumentLimits{});
    ASSERT_TRUE(xml.ok());
    xmlNode* signature = nullptr;
    for (xmlNode* c = xml->root()->children; c; c = c->next) {
        if (IsElement(c, kDsigNs, "Signature")) signature = c;
    }
    const MetadataDocument wrong_subject(std::move(*xml), metadata, signature);
    EXPECT_EQ(compat_.Verify(wrong_subject, kAnyTime).status(),
              Status::InvalidArgument(
                  "endorser inconsistency (subject): CN=Jerome Pansanel,OU=IPHC,O=CNRS,C=FR,"
                  "O=GRID-FR != CN=Jerome Pansanel,OU=IPHC,O=CNRS,C=FR"));
}

TEST_F(VerifierTest, StrictModeWithoutTrustStoreIsAnInternalError) {
    const XmldsigVerifier strict(VerifierOptions{TrustMode::kStrict, nullptr});
    auto doc = LooseDocument(Fixture(kProduction));
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(strict.Verify(**doc, kAnyTime).status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace mkt::xmlsec
