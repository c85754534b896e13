// XmlMetadataParser: typed fields of the reference documents, the document
// structure (signature-wrapping defence), hostile input, and each XSD rule and
// StratusLab constraint with its message. The data-driven pass over every
// metadata-lib fixture is metadata_fixtures_test.cpp.
#include "registry/xmlsec/metadata_parser.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "tests/registry/metadata/metadata_test_util.hpp"

namespace mkt::xmlsec {
namespace {

using testing::MetadataLibFile;
using testing::ReplaceOnce;

constexpr const char* kJane = "CN=Jane Tester,OU=Testing Department,O=StratusLab Project,C=EU";
constexpr const char* kMinimalSha1 = "c319bbd5afc0a22ba3eaed0507c39383ec28eeff";
constexpr const char* kMinimalId = "MMZu9WvwKIro-rtBQfDk4PsKO7_";
constexpr const char* kMinimalType = "<dcterms:type>machine</dcterms:type>";

Timestamp At(const char* text) { return Timestamp::Parse(text).value(); }

Result<std::unique_ptr<MetadataDocument>> ParseText(const std::string& text,
                                                    DocumentLimits limits = {}) {
    return XmlMetadataParser(limits).ParseMetadata(text);
}

EntryMetadata ParseOk(const std::string& text) {
    auto parsed = ParseText(text);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    return parsed.ok() ? parsed.value()->metadata() : EntryMetadata{};
}

/// The parse fails with kInvalidArgument and exactly `message`.
void ExpectRejected(const std::string& text, const std::string& message) {
    auto parsed = ParseText(text);
    ASSERT_FALSE(parsed.ok()) << "accepted, expected: " << message;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), message);
}

/// valid-minimal.xml with `extra` added after dcterms:type.
std::string MinimalWith(const std::string& extra) {
    return ReplaceOnce(MetadataLibFile("valid-minimal.xml"), kMinimalType,
                       std::string(kMinimalType) + "\n" + extra);
}

// --- reference documents, field by field -------------------------------------------------

TEST(MetadataParserTest, ReadsEveryFieldOfTheMinimalDocument) {
    const EntryMetadata m = ParseOk(MetadataLibFile("valid-minimal.xml"));
    EXPECT_EQ(m.identifier, kMinimalId);
    EXPECT_EQ(m.bytes, 100u);
    ASSERT_EQ(m.checksums.size(), 1u);
    EXPECT_EQ(m.checksums[0], (Checksum{"SHA-1", kMinimalSha1}));
    EXPECT_EQ(m.endorsement.created, At("2011-01-24T09:59:42Z"));
    EXPECT_EQ(m.endorsement.email, "jane.tester@example.org");
    EXPECT_EQ(m.endorsement.subject, kJane);
    EXPECT_EQ(m.endorsement.issuers, std::vector<std::string>{kJane});
    EXPECT_EQ(m.type, "machine");
    // Everything optional is absent.
    EntryMetadata expected;
    expected.identifier = kMinimalId;
    expected.bytes = 100;
    expected.checksums = {{"SHA-1", kMinimalSha1}};
    expected.endorsement = {At("2011-01-24T09:59:42Z"), "jane.tester@example.org", kJane, {kJane}};
    expected.type = "machine";
    EXPECT_EQ(m, expected);
}

EntryMetadata ExpectedFull() {
    EntryMetadata e;
    e.identifier = kMinimalId;
    e.bytes = 100;
    e.checksums = {{"SHA-1", kMinimalSha1}};
    e.endorsement = {At("2011-01-24T09:59:42Z"), "jane.tester@example.org", kJane, {kJane}};
    e.type = "machine";
    e.valid = At("2011-07-23T10:59:42Z");
    e.publisher = "StratusLab";
    e.title = "linux-with-my-apps";
    e.description = "A 32-bit ttylinux...";
    e.locations = {"http://example.org/..."};
    e.serial_number = 0;
    e.version = "1.0";
    e.hypervisor = "kvm";
    e.inbound_ports = {443};
    e.outbound_ports = {25};
    e.icmp = {8};
    e.os = "ttylinux";
    e.os_version = "9.7";
    e.os_arch = "i486";
    e.deprecated = "security issue with app";
    return e;
}

TEST(MetadataParserTest, ReadsEveryFieldOfTheFullDocument) {
    const EntryMetadata m = ParseOk(MetadataLibFile("valid-full.xml"));
    const EntryMetadata e = ExpectedFull();
    EXPECT_EQ(m.valid, e.valid);
    EXPECT_EQ(m.publisher, "StratusLab");
    EXPECT_EQ(m.title, "linux-with-my-apps");
    EXPECT_EQ(m.description, "A 32-bit ttylinux...");
    EXPECT_EQ(m.locations, e.locations);
    EXPECT_EQ(m.serial_number, std::optional<uint64_t>(0));
    EXPECT_EQ(m.version, "1.0");
    EXPECT_EQ(m.hypervisor, "kvm");
    EXPECT_EQ(m.inbound_ports, std::vector<uint32_t>{443});
    EXPECT_EQ(m.outbound_ports, std::vector<uint32_t>{25});
    EXPECT_EQ(m.icmp, std::vector<uint32_t>{8});
    EXPECT_EQ(m.os, "ttylinux");
    EXPECT_EQ(m.os_version, "9.7");
    EXPECT_EQ(m.os_arch, "i486");
    EXPECT_EQ(m.deprecated, std::optional<std::string>("security issue with app"));
    EXPECT_FALSE(m.image_created.has_value());
    EXPECT_EQ(m, e);  // and nothing else: the ex: extension elements are not read
}

TEST(MetadataParserTest, AcceptsTheExtensionNamespacesAfterTheRequiredElements) {
    EntryMetadata expected = ExpectedFull();
    expected.tag = "linux-with-my-apps";
    EXPECT_EQ(ParseOk(MetadataLibFile("valid-full-alt-cimi.xml")), expected);
}

TEST(MetadataParserTest, KeepsALeadingZeroSha1AsWrittenAndComparesItNumerically) {
    const EntryMetadata m = ParseOk(MetadataLibFile("valid-minimal-leading-zero-sha1.xml"));
    EXPECT_EQ(m.identifier, kMinimalId);
    EXPECT_EQ(m.ChecksumValue("SHA-1"), std::string("0") + kMinimalSha1);
}

TEST(MetadataParserTest, ReadsTheDefaultNamespaceEndorsementAndFourChecksums) {
    const EntryMetadata m = ParseOk(MetadataLibFile("valid-ca-signed.xml"));
    EXPECT_EQ(m.identifier, "BEE8-MMAw-Lk_IgsEExAy3d9R8h");
    EXPECT_EQ(m.bytes, 128u);
    ASSERT_EQ(m.checksums.size(), 4u);
    EXPECT_EQ(m.ChecksumValue("MD5"), "a003bf123ce16965005ee85c60281a31");
    EXPECT_EQ(m.ChecksumValue("SHA-1"), "1104f3e30c030f8b93f220b04131032dddf51f21");
    EXPECT_EQ(m.ChecksumValue("SHA-256").size(), 64u);
    EXPECT_EQ(m.ChecksumValue("SHA-512").size(), 128u);
    EXPECT_EQ(m.endorsement.created, At("2012-02-01T17:02:02Z"));
    EXPECT_EQ(m.endorsement.email, "jim.tester@example.org");
    EXPECT_EQ(m.endorsement.subject,
              "CN=Jim Tester,OU=Testing Department,O=StratusLab Project,C=EU");
    EXPECT_EQ(m.endorsement.issuers,
              std::vector<std::string>{
                  "CN=Certificate Authority,OU=Testing Department,O=StratusLab Project,C=EU"});
    EXPECT_EQ(m.type, "base");
    EXPECT_EQ(m.kind, "machine");
    EXPECT_EQ(m.compression, "");  // <dcterms:compression/>
    EXPECT_EQ(m.format, "raw");
    EXPECT_EQ(m.creator, "Jane Tester");
    EXPECT_EQ(m.image_created, At("2011-09-09T14:12:57Z"));
    EXPECT_EQ(m.valid, At("2012-03-05T14:12:57Z"));
}

TEST(MetadataParserTest, ReadsTheProductionEntryCompletely) {
    const EntryMetadata m = ParseOk(testing::ReadFile(
        testing::StratusLabFixtures() / "production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml"));
    EXPECT_EQ(m.identifier, "LHfKVPoHcv4oMirHU0KuOQc-TvI");
    EXPECT_EQ(m.bytes, 259523072u);
    EXPECT_EQ(m.checksums.size(), 4u);
    EXPECT_EQ(m.ChecksumValue("SHA-1"), "b1df2953e81dcbf8a0c8ab1d4d0ab8e41cf93bc8");
    EXPECT_EQ(m.endorsement.email, "jerome.pansanel@iphc.cnrs.fr");
    EXPECT_EQ(m.endorsement.created, At("2016-05-17T06:39:18Z"));
    EXPECT_EQ(m.os, "Ubuntu");
    EXPECT_EQ(m.os_version, "14.04");
    EXPECT_EQ(m.os_arch, "x86_64");
    EXPECT_EQ(m.version, "20160411");
    EXPECT_EQ(m.format, "qcow2");
    EXPECT_EQ(m.title, "FG_Cloud-Ubuntu-14.04-x86_64");
    EXPECT_EQ(m.disks_bus, "ide");
    EXPECT_EQ(m.hypervisor, "kvm");
    EXPECT_EQ(m.creator, "France Grilles");
    ASSERT_EQ(m.locations.size(), 1u);
    EXPECT_EQ(m.locations[0].rfind("http://grand-est.fr/resources/", 0), 0u);
    EXPECT_EQ(m.valid, At("2016-10-09T14:22:21Z"));
    EXPECT_EQ(m.image_created, At("2016-04-14T14:22:21Z"));
    EXPECT_FALSE(m.deprecated.has_value());
}

TEST(MetadataParserTest, TrimsTextAndKeepsAnEmptyDeprecatedAsPresent) {
    const EntryMetadata m = ParseOk(
        MinimalWith("<dcterms:title>\n   spaced title \t</dcterms:title><slterms:deprecated/>"));
    EXPECT_EQ(m.title, "spaced title");
    EXPECT_EQ(m.deprecated, std::optional<std::string>(""));
}

TEST(MetadataParserTest, AcceptsEmptyDatesAsAbsent) {
    const EntryMetadata m =
        ParseOk(MinimalWith("<dcterms:valid/><dcterms:created> </dcterms:created>"));
    EXPECT_FALSE(m.valid.has_value());
    EXPECT_FALSE(m.image_created.has_value());
}

TEST(MetadataParserTest, ReadsSeveralIssuersLocationsAndPortsInOrder) {
    std::string doc = ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "</slreq:issuer>",
                                  "</slreq:issuer><slreq:issuer>CN=Second CA,C=EU</slreq:issuer>");
    doc = ReplaceOnce(doc, kMinimalType,
                      std::string(kMinimalType) +
                          "<slterms:location>http://a.example/x</slterms:location>"
                          "<slterms:location/>"
                          "<slterms:location>pdisk:1.2.3.4:8445:abc</slterms:location>"
                          "<slterms:inbound-port>0</slterms:inbound-port>"
                          "<slterms:inbound-port>65535</slterms:inbound-port>"
                          "<slterms:icmp>255</slterms:icmp>");
    const EntryMetadata m = ParseOk(doc);
    EXPECT_EQ(m.endorsement.issuers, (std::vector<std::string>{kJane, "CN=Second CA,C=EU"}));
    EXPECT_EQ(m.locations,
              (std::vector<std::string>{"http://a.example/x", "pdisk:1.2.3.4:8445:abc"}));
    EXPECT_EQ(m.inbound_ports, (std::vector<uint32_t>{0, 65535}));
    EXPECT_EQ(m.icmp, std::vector<uint32_t>{255});
}

TEST(MetadataParserTest, AcceptsRdfTypeAsTheFirstElement) {
    const std::string doc =
        ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "<dcterms:identifier>",
                    "<rdf:type rdf:resource=\"http://mp.stratuslab.eu/slterms#image\"/>"
                    "<dcterms:identifier>");
    EXPECT_EQ(ParseOk(doc).identifier, kMinimalId);
}

// --- Signature and UnsignedXml ------------------------------------------------------------

TEST(MetadataParserTest, FindsTheSignatureAsTheLastElementOfTheRoot) {
    auto parsed = ParseText(MetadataLibFile("valid-full-signature.xml"));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    const MetadataDocument& doc = *parsed.value();
    ASSERT_TRUE(doc.HasSignature());
    ASSERT_NE(doc.signature(), nullptr);
    EXPECT_TRUE(IsElement(doc.signature(), kDsigNs, "Signature"));
    EXPECT_EQ(doc.signature()->parent, doc.xml().root());
    EXPECT_EQ(doc.metadata(), ExpectedFull());
}

TEST(MetadataParserTest, ReportsNoSignatureForAnUnsignedDocument) {
    auto parsed = ParseText(MetadataLibFile("valid-minimal.xml"));
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed.value()->HasSignature());
    EXPECT_EQ(parsed.value()->signature(), nullptr);
}

TEST(MetadataParserTest, UnsignedXmlDropsOnlyTheSignature) {
    auto signed_doc = ParseText(MetadataLibFile("valid-full-signature.xml"));
    ASSERT_TRUE(signed_doc.ok());
    const std::string unsigned_xml = signed_doc.value()->UnsignedXml();
    EXPECT_EQ(unsigned_xml.find("Signature"), std::string::npos);
    EXPECT_EQ(unsigned_xml.find("X509Certificate"), std::string::npos);
    auto reparsed = ParseText(unsigned_xml);
    ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString();
    EXPECT_FALSE(reparsed.value()->HasSignature());
    EXPECT_EQ(reparsed.value()->metadata(), signed_doc.value()->metadata());
    // The signed tree itself is untouched (the verifier reads it afterwards).
    EXPECT_TRUE(signed_doc.value()->HasSignature());
    EXPECT_NE(signed_doc.value()->xml().Serialize().find("SignatureValue"), std::string::npos);
}

TEST(MetadataParserTest, UnsignedXmlKeepsTheUploadedLineNumbers) {
    // The root start tag spans three lines; after serialization the Description
    // must still start on the line it had in the upload (line 6).
    auto parsed = ParseText(MetadataLibFile("valid-minimal-signature.xml"));
    ASSERT_TRUE(parsed.ok());
    const std::string unsigned_xml = parsed.value()->UnsignedXml();
    const size_t description = unsigned_xml.find("<rdf:Description");
    ASSERT_NE(description, std::string::npos);
    EXPECT_EQ(std::count(unsigned_xml.begin(),
                         unsigned_xml.begin() + static_cast<std::ptrdiff_t>(description), '\n'),
              5);
}

// --- structure: root, Description, signature-wrapping defence -------------------------------

TEST(MetadataParserTest, RefusesAWrongRootElement) {
    ExpectRejected(testing::ReadFile(testing::StratusLabFixtures() /
                                     "production/LHfKVPoHcv4oMirHU0KuOQc-TvI.listing.xml"),
                   "root element must be rdf:RDF (found metadata)");
}

TEST(MetadataParserTest, RefusesTwoDescriptions) {
    const std::string doc = ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "</rdf:RDF>",
                                        "<rdf:Description rdf:about=\"#x\"/></rdf:RDF>");
    ExpectRejected(doc, "rdf:RDF must contain exactly 1 rdf:Description element (found 2)");
}

TEST(MetadataParserTest, RefusesOtherElementsInTheRoot) {
    const std::string doc = ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "</rdf:RDF>",
                                        "<slreq:note>x</slreq:note></rdf:RDF>");
    ExpectRejected(doc,
                   "unexpected element slreq:note in rdf:RDF (allowed: one rdf:Description, "
                   "then the Signature)");
}

constexpr const char* kEmptySignature = "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"/>";

TEST(MetadataParserTest, RefusesASignatureThatIsNotLast) {
    const std::string doc = ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "<rdf:Description",
                                        std::string(kEmptySignature) + "<rdf:Description");
    ExpectRejected(doc, "Signature element must be the last element of rdf:RDF");
}

TEST(MetadataParserTest, RefusesASignatureNestedInTheDescription) {
    ExpectRejected(MinimalWith(std::string("<ex:wrap xmlns:ex=\"http://example.org/\">") +
                               kEmptySignature + "</ex:wrap>"),
                   "Signature element inside ex:wrap is not allowed; the only Signature allowed "
                   "is the last element of rdf:RDF");
    ExpectRejected(MinimalWith(kEmptySignature),
                   "Signature element inside rdf:Description is not allowed; the only Signature "
                   "allowed is the last element of rdf:RDF");
}

TEST(MetadataParserTest, RefusesASecondSignatureWhereverItIs) {
    // A well-placed Signature carrying another one inside (e.g. in an Object).
    const std::string doc =
        ReplaceOnce(MetadataLibFile("valid-minimal-signature.xml"),
                    "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\" />",
                    "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><Object>" +
                        std::string(kEmptySignature) + "</Object></Signature>");
    ExpectRejected(doc,
                   "document has 2 Signature elements; the only Signature allowed is the last "
                   "element of rdf:RDF");
}

TEST(MetadataParserTest, RefusesXmlDsigElementsOutsideTheSignature) {
    ExpectRejected(MinimalWith("<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>"),
                   "XML-DSig element ds:SignedInfo outside a Signature element is not allowed");
}

TEST(MetadataParserTest, RefusesAMissingOrWrongXmlBase) {
    const std::string message =
        "root element must have xml:base attribute with value http://mp.stratuslab.eu/";
    ExpectRejected(
        ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "xml:base=\"http://mp.stratuslab.eu/\"",
                    "xml:base=\"http://mp.stratuslab.eu\""),
        message);
    ExpectRejected(ReplaceOnce(MetadataLibFile("valid-minimal.xml"),
                               "xml:base=\"http://mp.stratuslab.eu/\"", ""),
                   message);
}

TEST(MetadataParserTest, RefusesPropertyAttributesOnTheDescription) {
    // They would add triples (here: deprecation) that the typed fields never see.
    ExpectRejected(
        ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "<rdf:Description ",
                    "<rdf:Description slterms:deprecated=\"yes\" "),
        "attribute slterms:deprecated is not allowed on rdf:Description (only rdf:about)");
}

TEST(MetadataParserTest, RefusesAMissingOrMalformedAbout) {
    ExpectRejected(ReplaceOnce(MetadataLibFile("valid-minimal.xml"),
                               " rdf:about=\"#MMZu9WvwKIro-rtBQfDk4PsKO7_\"", ""),
                   "rdf:Description must have an rdf:about attribute (\"#\" followed by the image "
                   "identifier)");
    ExpectRejected(
        ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "\"#MMZu9WvwKIro", "\"MMZu9WvwKIro"),
        "rdf:about attribute (MMZu9WvwKIro-rtBQfDk4PsKO7_) must be \"#\" followed by "
        "the 27-character image identifier");
}

// --- hostile input --------------------------------------------------------------------------

TEST(MetadataParserTest, RefusesADoctypeWithInternalEntities) {
    const std::string laughs =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n"
        "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d "
        "\"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
        "]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">&d;</rdf:RDF>";
    ExpectRejected(laughs,
                   "unable to parse metadata: DOCTYPE declarations are not allowed (no DTDs, "
                   "no entities)");
}

TEST(MetadataParserTest, RefusesAnExternalEntityWithoutReadingIt) {
    const std::string xxe = ReplaceOnce(
        ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "<rdf:RDF",
                    "<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<rdf:RDF"),
        "<dcterms:type>machine", "<dcterms:type>&x;");
    auto parsed = ParseText(xxe);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(),
              "unable to parse metadata: DOCTYPE declarations are not allowed (no DTDs, no "
              "entities)");
    EXPECT_EQ(parsed.status().message().find("root:"), std::string::npos);
}

TEST(MetadataParserTest, RefusesAnExternalDtd) {
    ExpectRejected(ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "<rdf:RDF",
                               "<!DOCTYPE rdf:RDF SYSTEM \"http://example.org/metadata.dtd\">\n"
                               "<rdf:RDF"),
                   "unable to parse metadata: DOCTYPE declarations are not allowed (no DTDs, no "
                   "entities)");
}

TEST(MetadataParserTest, RefusesDeepNesting) {
    std::string nest;
    for (int i = 0; i < 40; ++i) nest += "<ex:n xmlns:ex=\"http://example.org/\">";
    for (int i = 0; i < 40; ++i) nest += "</ex:n>";
    ExpectRejected(MinimalWith(nest), "document nests elements deeper than 32 levels");
}

TEST(MetadataParserTest, RefusesTooManyElements) {
    std::string many = "<ex:list xmlns:ex=\"http://example.org/\" rdf:parseType=\"Resource\">";
    for (int i = 0; i < 10000; ++i) many += "<ex:e>1</ex:e>";
    many += "</ex:list>";
    ExpectRejected(MinimalWith(many), "document has more than 10000 elements");
}

TEST(MetadataParserTest, RefusesADocumentOverTheSizeLimit) {
    const std::string big = MinimalWith("<!--" + std::string(1 << 20, 'x') + "-->");
    auto parsed = ParseText(big);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kPayloadTooLarge);
    EXPECT_EQ(parsed.status().message(), "metadata document is " + std::to_string(big.size()) +
                                             " bytes; the limit is 1048576");
}

TEST(MetadataParserTest, RefusesTextThatIsNotXml) {
    auto parsed = ParseText("this is not XML");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().rfind("unable to parse metadata: ", 0), 0u)
        << parsed.status().message();
    EXPECT_NE(parsed.status().message().find("(line 1)"), std::string::npos);
}

TEST(MetadataParserTest, RefusesAnEmptyDocument) {
    ExpectRejected("", "unable to parse metadata: empty document");
}

TEST(MetadataParserTest, RefusesATruncatedDocument) {
    const std::string doc = MetadataLibFile("valid-minimal.xml");
    auto parsed = ParseText(doc.substr(0, doc.size() / 2));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message().rfind("unable to parse metadata: ", 0), 0u);
}

// --- XSD rules -----------------------------------------------------------------------------

const std::string kCoreOrder =
    " (required order: dcterms:identifier, slreq:bytes, slreq:checksum+, slreq:endorsement)";

TEST(MetadataParserTest, RefusesRequiredElementsOutOfOrder) {
    const std::string minimal = MetadataLibFile("valid-minimal.xml");
    const std::string bytes = "<slreq:bytes>100</slreq:bytes>";
    ExpectRejected(ReplaceOnce(ReplaceOnce(minimal, bytes, ""), "<dcterms:identifier>",
                               bytes + "<dcterms:identifier>"),
                   "rdf:Description: dcterms:identifier must come before slreq:bytes" + kCoreOrder);
    ExpectRejected(
        MinimalWith("<slreq:checksum rdf:parseType=\"Resource\"><slreq:algorithm>MD5"
                    "</slreq:algorithm><slreq:value>a003bf123ce16965005ee85c60281a31"
                    "</slreq:value></slreq:checksum>"),
        "rdf:Description: slreq:checksum must come before slreq:endorsement" + kCoreOrder);
    ExpectRejected(
        MinimalWith("<dcterms:identifier>MMZu9WvwKIro-rtBQfDk4PsKO7_</dcterms:identifier>"),
        "description must have exactly 1 dcterms:identifier element");
    ExpectRejected(MinimalWith("<rdf:type rdf:resource=\"http://example.org/t\"/>"),
                   "rdf:type must be the first element of rdf:Description");
}

TEST(MetadataParserTest, AllowsOtherElementsBetweenTheRequiredOnes) {
    // As the original server's own valid-alternative.xml does.
    const std::string doc =
        ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "<slreq:bytes>",
                    "<dcterms:alternative>tag</dcterms:alternative><slreq:bytes>");
    EXPECT_EQ(ParseOk(doc).tag, "tag");
}

TEST(MetadataParserTest, RefusesAMissingRequiredElement) {
    ExpectRejected(
        ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "<slreq:bytes>100</slreq:bytes>", ""),
        "rdf:Description: slreq:bytes must come before slreq:checksum" + kCoreOrder);
    const std::string minimal = MetadataLibFile("valid-minimal.xml");
    const size_t from = minimal.find("<slreq:endorsement");
    const size_t to =
        minimal.find("</slreq:endorsement>") + std::string("</slreq:endorsement>").size();
    ExpectRejected(minimal.substr(0, from) + minimal.substr(to),
                   "rdf:Description has no slreq:endorsement element" + kCoreOrder);
}

TEST(MetadataParserTest, RefusesABadIdentifierOrByteCount) {
    ExpectRejected(ReplaceOnce(MetadataLibFile("valid-minimal.xml"),
                               ">MMZu9WvwKIro-rtBQfDk4PsKO7_<", ">MMZu9WvwKIro<"),
                   "dcterms:identifier (MMZu9WvwKIro) must be 27 characters from A-Z a-z 0-9 - _");
    for (const char* bad : {"-1", "abc", "", "18446744073709551616"}) {
        ExpectRejected(
            ReplaceOnce(MetadataLibFile("valid-minimal.xml"), ">100<",
                        std::string(">") + bad + "<"),
            std::string("slreq:bytes value (") + bad + ") is not a non-negative integer");
    }
    EXPECT_EQ(ParseOk(ReplaceOnce(MetadataLibFile("valid-minimal.xml"), ">100<",
                                  ">18446744073709551615<"))
                  .bytes,
              UINT64_MAX);
}

std::string ChecksumBlock(const std::string& algorithm, const std::string& value) {
    return "<slreq:checksum rdf:parseType=\"Resource\"><slreq:algorithm>" + algorithm +
           "</slreq:algorithm><slreq:value>" + value + "</slreq:value></slreq:checksum>";
}

/// valid-minimal.xml with `blocks` inserted after its SHA-1 checksum.
std::string MinimalWithChecksums(const std::string& blocks) {
    return ReplaceOnce(MetadataLibFile("valid-minimal.xml"), "</slreq:checksum>",
                       "</slreq:checksum>" + blocks);
}

TEST(MetadataParserTest, RefusesBadChecksumBlocks) {
    const std::string md5 = "a003bf123ce16965005ee85c60281a31";
    ExpectRejected(MinimalWithChecksums(ChecksumBlock("SHA-2", md5)),
                   "slreq:algorithm value (SHA-2) is not one of MD5, SHA-1, SHA-256, SHA-512");
    ExpectRejected(MinimalWithChecksums(ChecksumBlock("MD5", md5.substr(1))),
                   md5.substr(1) + " is not a valid MD5 checksum (expected 32 hexadecimal digits)");
    ExpectRejected(MinimalWithChecksums(ChecksumBlock("MD5", "1" + md5)),
                   "1" + md5 + " is not a valid MD5 checksum (expected 32 hexadecimal digits)");
    ExpectRejected(MinimalWithChecksums(ChecksumBlock("SHA-256", "xyz")),
                   "xyz is not a valid SHA-256 checksum");
    ExpectRejected(MinimalWithChecksums(ChecksumBlock("MD5", md5) + ChecksumBlock("MD5", md5)),
                   "description must have at most 1 slreq:checksum element using MD5 algorithm");
    ExpectRejected(MinimalWithChecksums(
                       "<slreq:checksum rdf:parseType=\"Resource\"><slreq:value>" + md5 +
                       "</slreq:value><slreq:algorithm>MD5</slreq:algorithm></slreq:checksum>"),
                   "slreq:checksum: found slreq:value where slreq:algorithm is required (required "
                   "order: slreq:algorithm, slreq:value)");
    ExpectRejected(MinimalWithChecksums("<slreq:checksum rdf:parseType=\"Resource\">"
                                        "<slreq:algorithm>MD5</slreq:algorithm></slreq:checksum>"),
                   "slreq:checksum has no slreq:value element (required order: slreq:algorithm, "
                   "slreq:value)");
    ExpectRejected(MinimalWithChecksums("<slreq:checksum rdf:parseType=\"Resource\">stray"
                                        "<slreq:algorithm>MD5</slreq:algorithm><slreq:value>" +
                                        md5 + "</slreq:value></slreq:checksum>"),
                   "slreq:checksum cannot contain text outside its elements (found \"stray\")");
}

TEST(MetadataParserTest, AcceptsOneChecksumOfEachAlgorithm) {
    const EntryMetadata m =
        ParseOk(MinimalWithChecksums(ChecksumBlock("MD5", "a003bf123ce16965005ee85c60281a31") +
                                     ChecksumBlock("SHA-256", std::string(64, 'A')) +
                                     ChecksumBlock("SHA-512", std::string(128, '0'))));
    EXPECT_EQ(m.checksums.size(), 4u);
    EXPECT_EQ(m.ChecksumValue("SHA-256"), std::string(64, 'A'));
}

TEST(MetadataParserTest, RefusesAttributesOutsideTheRdfParseTypeOnBlocks) {
    const std::string minimal = MetadataLibFile("valid-minimal.xml");
    ExpectRejected(ReplaceOnce(minimal, "<slreq:checksum rdf:parseType=\"Resource\"",
                               "<slreq:checksum rdf:parseType=\"Resource\" xml:lang=\"en\""),
                   "attribute xml:lang is not allowed on slreq:checksum (only "
                   "rdf:parseType=\"Resource\")");
    ExpectRejected(
        ReplaceOnce(minimal, "<slreq:endorsement rdf:parseType=\"Resource\"", "<slreq:endorsement"),
        "slreq:endorsement must have rdf:parseType=\"Resource\"");
    ExpectRejected(ReplaceOnce(minimal, "<slreq:email>", "<slreq:email rdf:resource=\"#x\">"),
                   "attribute rdf:resource is not allowed on slreq:email (only xml:lang and "
                   "rdf:datatype)");
}

TEST(MetadataParserTest, RefusesBadEndorsementBlocks) {
    const std::string minimal = MetadataLibFile("valid-minimal.xml");
    ExpectRejected(ReplaceOnce(minimal, ">2011-01-24T09:59:42Z<", "><"),
                   "dcterms:created of slreq:endorsement must not be empty (it is the endorsement "
                   "date)");
    ExpectRejected(ReplaceOnce(minimal, "</slreq:endorser>",
                               "</slreq:endorser><slreq:endorser rdf:parseType=\"Resource\"/>"),
                   "slreq:endorsement: unexpected element slreq:endorser after slreq:endorser "
                   "(required order: dcterms:created, slreq:endorser)");
    const std::string subject = std::string("<slreq:subject>") + kJane + "</slreq:subject>";
    ExpectRejected(ReplaceOnce(minimal, subject, ""),
                   "slreq:endorser: found slreq:issuer where slreq:subject is required (required "
                   "order: slreq:email, slreq:subject, slreq:issuer+)");
    ExpectRejected(ReplaceOnce(minimal, "</slreq:endorser>",
                               "<slreq:email>x@y</slreq:email>"
                               "</slreq:endorser>"),
                   "slreq:endorser: unexpected element slreq:email after slreq:issuer (required "
                   "order: slreq:email, slreq:subject, slreq:issuer+)");
    ExpectRejected(ReplaceOnce(minimal, subject, "<slreq:subject> </slreq:subject>"),
                   "slreq:subject must not be empty");
}

TEST(MetadataParserTest, RefusesOutOfRangeNumbersAndRelativeLocations) {
    ExpectRejected(MinimalWith("<slterms:outbound-port>-1</slterms:outbound-port>"),
                   "slterms:outbound-port value (-1) is not a port number (0 to 65535)");
    ExpectRejected(MinimalWith("<slterms:icmp>256</slterms:icmp>"),
                   "slterms:icmp value (256) is not an ICMP type (0 to 255)");
    ExpectRejected(MinimalWith("<slterms:location>images/ttylinux.img</slterms:location>"),
                   "slterms:location value (images/ttylinux.img) is not an absolute URI");
}

TEST(MetadataParserTest, RefusesChildElementsAndRepeatsOfSingleValuedFields) {
    ExpectRejected(MinimalWith("<dcterms:title><ex:b xmlns:ex=\"http://example.org/\">x</ex:b>"
                               "</dcterms:title>"),
                   "dcterms:title cannot have child elements");
    ExpectRejected(MinimalWith("<dcterms:valid>2011-07-23T10:59:42Z</dcterms:valid>"
                               "<dcterms:valid>2012-07-23T10:59:42Z</dcterms:valid>"),
                   "description must have at most 1 dcterms:valid element");
    ExpectRejected(MinimalWith("<dcterms:created>2011-07-23T10:59:42Z</dcterms:created>"
                               "<dcterms:created>2012-07-23T10:59:42Z</dcterms:created>"),
                   "description must have at most 1 dcterms:created element");
}

// --- StratusLab constraints ------------------------------------------------------------------

TEST(MetadataParserTest, RunsTheConstraintsInTheOriginalOrder) {
    // Missing dcterms:type and two os elements: the type check comes first.
    const std::string doc = ReplaceOnce(MetadataLibFile("valid-minimal.xml"), kMinimalType,
                                        "<slterms:os>a</slterms:os><slterms:os>b</slterms:os>");
    ExpectRejected(doc, "description must have exactly 1 dcterms:type element");
    ExpectRejected(MinimalWith(kMinimalType),
                   "description must have exactly 1 dcterms:type element");
    // Two SHA-1 checksums.
    ExpectRejected(
        MinimalWithChecksums(ChecksumBlock("SHA-1", kMinimalSha1)),
        "description must have exactly 1 slterms:checksum element using SHA-1 algorithm");
}

TEST(MetadataParserTest, PrintsTheCreatedValueInTheCreatedDateMessage) {
    // The original printed the dcterms:valid value here.
    const std::string doc = ReplaceOnce(MetadataLibFile("valid-full.xml"), ">2011-01-24T09:59:42Z<",
                                        ">2011-02-30T09:59:42Z<");
    ExpectRejected(doc, "dcterms:created value (2011-02-30T09:59:42Z) is not a valid date");
}

TEST(MetadataParserTest, ChecksTheValidDateBeforeTheCreatedDate) {
    std::string doc =
        ReplaceOnce(MetadataLibFile("valid-full.xml"), ">2011-01-24T09:59:42Z<", ">bad-created<");
    doc = ReplaceOnce(doc, ">2011-07-23T10:59:42Z<", ">bad-valid<");
    ExpectRejected(doc, "dcterms:valid value (bad-valid) is not a valid date");
}

TEST(MetadataParserTest, RefusesAnInvalidImageCreatedDate) {
    ExpectRejected(MinimalWith("<dcterms:created>yesterday</dcterms:created>"),
                   "image dcterms:created value (yesterday) is not a valid date");
}

TEST(MetadataParserTest, RefusesAnIdentifierAboveOneHundredSixtyBits) {
    // Matches the pattern, but 'Z' > 'P' cannot come from a SHA-1.
    const std::string id = "ZMZu9WvwKIro-rtBQfDk4PsKO7_";
    std::string doc = MetadataLibFile("valid-minimal.xml");
    doc = ReplaceOnce(doc, "#MMZu9WvwKIro-rtBQfDk4PsKO7_", "#" + id);
    doc = ReplaceOnce(doc, ">MMZu9WvwKIro-rtBQfDk4PsKO7_<", ">" + id + "<");
    ExpectRejected(
        doc, "invalid identifier: '" + id + "' starts above 'P', so it is not a 160-bit SHA-1");
}

TEST(MetadataParserTest, ParsedDocumentInterfaceGivesTheSameFields) {
    const XmlMetadataParser parser;
    auto parsed = parser.Parse(MetadataLibFile("valid-full.xml"));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value()->metadata(), ExpectedFull());
    EXPECT_FALSE(parsed.value()->HasSignature());
}

}  // namespace
}  // namespace mkt::xmlsec
