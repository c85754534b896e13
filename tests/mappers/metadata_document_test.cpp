// BuildUnsignedDocument: what it writes, once signed by the real signer, must
// pass the real parser and Raptor's RDF check and read back as the fields it was
// built from, for several field combinations and hostile text.
#include "mappers/metadata_document.hpp"

#include <string>

#include <gtest/gtest.h>

#include "registry/identifier.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/rdf_world.hpp"

namespace mkt::mappers {
namespace {

// Digests of the bytes "image" (as sha1sum etc. print them).
constexpr const char* kMd5 = "78805a221a988e79ef3f42d7c5bfd418";
constexpr const char* kSha1 = "0e76292794888d4f1fa75fb3aff4ca27c58f56a6";
constexpr const char* kSha256 = "6105d6cc76af400325e94d588ce511be5bfdbb73b437dc51eca43917d7a43e3d";
constexpr const char* kSha512 =
    "eb31d04da633dc9f49dfbd66cdb92fbb9b4f9c9be67914c0209b5dd31cc65a13"
    "6e1cdce7d0db88112e3a759131b9d970cfaac7ee77ccd620c3dd49043f88958e";

const Timestamp kNow = Timestamp::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

EntryMetadata MinimalFields() {
    EntryMetadata m;
    m.bytes = 5;
    m.checksums = {{"SHA-1", kSha1}};
    m.type = "base";
    return m;
}

EntryMetadata FullFields() {
    EntryMetadata m;
    m.bytes = 2147483648;
    m.checksums = {{"MD5", kMd5}, {"SHA-1", kSha1}, {"SHA-256", kSha256}, {"SHA-512", kSha512}};
    m.type = "base";
    m.kind = "machine";
    m.os = "Ubuntu";
    m.os_version = "24.04";
    m.os_arch = "x86_64";
    m.version = "20260101";
    m.compression = "gz";
    m.locations = {"https://images.example.org/noble.img.gz", "pdisk:192.168.0.1:8445:abc",
                   "ftp://mirror.example.net/noble.img.gz?x=1&y=2"};
    m.format = "qcow2";
    m.creator = "Jane Tester";
    m.image_created = kNow;
    m.valid = kNow + 365 * 86400;
    m.title = "Ubuntu 24.04";
    m.tag = "ubuntu-lts";
    m.description = "Official cloud image,\nwith two lines";
    m.hypervisor = "kvm";
    m.disks_bus = "virtio";
    m.serial_number = 42;
    m.inbound_ports = {22, 443, 0};
    m.outbound_ports = {65535};
    m.icmp = {0, 8, 255};
    m.replaces = *identifier::FromSha1Hex("0000000000000000000000000000000000000001");
    m.is_version_of = *identifier::FromSha1Hex("ffffffffffffffffffffffffffffffffffffffff");
    m.deprecated = "superseded by the 24.04.1 image";
    m.publisher = "StratusLab";
    return m;
}

/// Builds, signs as `endorser`, parses and RDF-checks; the parsed fields must
/// equal `fields` with the identifier and the signer's endorsement added.
void ExpectRoundTrip(const EntryMetadata& fields, const std::string& endorser = "alice",
                     std::optional<xmlsec::SignatureProfile> profile = std::nullopt) {
    auto built = BuildUnsignedDocument(fields);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    const std::string signed_doc = testing::SignAs(endorser, *built, kNow, profile);
    auto parsed = xmlsec::XmlMetadataParser().ParseMetadata(signed_doc);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << signed_doc;
    EXPECT_TRUE((*parsed)->HasSignature());
    const Status rdf =
        redland::RaptorRdfChecker(testing::RdfWorld()).Check((*parsed)->UnsignedXml());
    EXPECT_TRUE(rdf.ok()) << rdf.ToString();

    EntryMetadata want = fields;
    const std::string sha1 = fields.ChecksumValue("SHA-1");
    want.identifier = *identifier::FromSha1Hex(sha1);
    const EntryMetadata& got = (*parsed)->metadata();
    EXPECT_EQ(got.endorsement.email, testing::EmailOf(endorser));
    EXPECT_EQ(got.endorsement.created, kNow);
    want.endorsement = got.endorsement;
    EXPECT_EQ(got, want) << "title [" << got.title << "] description [" << got.description << "]\n"
                         << signed_doc;
}

TEST(BuildUnsignedDocument, WritesTheMinimalDocumentInTheOrderTheParserRequires) {
    auto built = BuildUnsignedDocument(MinimalFields());
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    const std::string id = *identifier::FromSha1Hex(kSha1);
    EXPECT_EQ(*built,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
              "         xmlns:dcterms=\"http://purl.org/dc/terms/\"\n"
              "         xmlns:slreq=\"http://mp.stratuslab.eu/slreq#\"\n"
              "         xmlns:slterms=\"http://mp.stratuslab.eu/slterms#\"\n"
              "         xml:base=\"http://mp.stratuslab.eu/\">\n"
              "  <rdf:Description rdf:about=\"#" +
                  id +
                  "\">\n"
                  "    <dcterms:identifier>" +
                  id +
                  "</dcterms:identifier>\n"
                  "    <slreq:bytes>5</slreq:bytes>\n"
                  "    <slreq:checksum rdf:parseType=\"Resource\">\n"
                  "      <slreq:algorithm>SHA-1</slreq:algorithm>\n"
                  "      <slreq:value>" +
                  kSha1 +
                  "</slreq:value>\n"
                  "    </slreq:checksum>\n"
                  "    <slreq:endorsement rdf:parseType=\"Resource\"/>\n"
                  "    <dcterms:type>base</dcterms:type>\n"
                  "  </rdf:Description>\n"
                  "</rdf:RDF>\n");
}

TEST(BuildUnsignedDocument, MinimalFieldsSignParseAndReadBack) { ExpectRoundTrip(MinimalFields()); }

TEST(BuildUnsignedDocument, EveryFieldSignsParsesAndReadsBack) { ExpectRoundTrip(FullFields()); }

TEST(BuildUnsignedDocument, ReadsBackUnderEverySigningProfile) {
    ExpectRoundTrip(FullFields(), "bob", xmlsec::SignatureProfile::kLegacyStratusLab);
    ExpectRoundTrip(FullFields(), "alice", xmlsec::SignatureProfile::kRsaSha512);
    ExpectRoundTrip(FullFields(), "erin", xmlsec::SignatureProfile::kEcdsaSha256);
}

TEST(BuildUnsignedDocument, CarriesHostileTextUnchanged) {
    EntryMetadata m = FullFields();
    m.title = "<script>alert('x & y')</script>";
    m.description =
        "Tom & Jerry's \"image\" <b>bold</b> &amp; &lt; ]]> <![CDATA[x]]> <!-- c --> "
        "<!DOCTYPE x [<!ENTITY e \"boom\">]> &e; \r\nCRLF\ttab\rCR";
    m.tag = "caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac-\xf0\x9f\x98\x80";  // café-日本-😀
    m.creator = "</dcterms:creator><slterms:deprecated>forged</slterms:deprecated>";
    m.os = "a>b";
    m.deprecated = "";  // present but empty: still deprecated
    m.publisher = "<?php echo 1; ?>";
    ExpectRoundTrip(m);
    auto built = BuildUnsignedDocument(m);
    ASSERT_TRUE(built.ok());
    EXPECT_EQ(built->find("<script>"), std::string::npos);
    EXPECT_NE(built->find("&lt;script&gt;alert('x &amp; y')&lt;/script&gt;"), std::string::npos);
}

TEST(BuildUnsignedDocument, RefusesChecksumsThatCannotMakeAValidDocument) {
    EntryMetadata m = MinimalFields();
    m.checksums = {{"MD5", kMd5}};
    EXPECT_EQ(BuildUnsignedDocument(m).status().message(),
              "a SHA-1 checksum is required (the identifier derives from it)");
    m.checksums = {{"SHA-1", kSha1}, {"SHA-1", kSha1}};
    EXPECT_EQ(BuildUnsignedDocument(m).status().message(), "checksum SHA-1 given twice");
    m.checksums = {{"SHA-1", kSha1}, {"CRC32", "abcd1234"}};
    EXPECT_EQ(BuildUnsignedDocument(m).status().message(),
              "checksum algorithm (CRC32) is not one of MD5, SHA-1, SHA-256, SHA-512");
    m.checksums = {{"SHA-1", kSha1}, {"SHA-256", "abc"}};
    EXPECT_EQ(BuildUnsignedDocument(m).status().message(),
              "SHA-256 checksum (abc) is not 64 hexadecimal digits");
    m.checksums = {{"SHA-1", std::string(39, 'a') + "g"}};
    EXPECT_EQ(BuildUnsignedDocument(m).status().message(),
              "SHA-1 checksum (" + std::string(39, 'a') + "g) is not 40 hexadecimal digits");
    m.checksums = {{"SHA-1", kSha1}};
    m.identifier = *identifier::FromSha1Hex(std::string(40, 'f'));
    EXPECT_EQ(BuildUnsignedDocument(m).status().message(),
              "identifier " + m.identifier + " does not match the SHA-1 checksum " + kSha1 + " (" +
                  *identifier::FromSha1Hex(kSha1) + ")");
    m.identifier = *identifier::FromSha1Hex(kSha1);
    EXPECT_TRUE(BuildUnsignedDocument(m).ok());
}

TEST(CheckDocumentFields, RefusesWhatTheParserOrXmlWouldRefuse) {
    const auto message = [](auto change) {
        EntryMetadata m = FullFields();
        change(m);
        const Status s = CheckDocumentFields(m);
        EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
        // The builder refuses exactly what the check refuses.
        EXPECT_EQ(BuildUnsignedDocument(m).status(), s);
        return s.message();
    };
    EXPECT_EQ(message([](EntryMetadata& m) { m.type = " "; }),
              "dcterms:type must not be empty (every document has one)");
    EXPECT_EQ(message([](EntryMetadata& m) { m.title = "bell\x07"; }),
              "dcterms:title contains U+0007 at byte 4, a character XML does not allow");
    EXPECT_EQ(message([](EntryMetadata& m) { m.description = "ok \xc3\x28"; }),
              "dcterms:description is not valid UTF-8 (byte 3 is 0xc3)");
    EXPECT_EQ(message([](EntryMetadata& m) { m.tag = "\xed\xa0\x80"; }),  // a surrogate
              "dcterms:alternative is not valid UTF-8 (byte 0 is 0xed)");
    EXPECT_EQ(message([](EntryMetadata& m) { m.creator = "\xef\xbf\xbe"; }),  // U+FFFE
              "dcterms:creator contains U+FFFE at byte 0, a character XML does not allow");
    EXPECT_EQ(message([](EntryMetadata& m) { m.deprecated = std::string("nul\0", 4); }),
              "slterms:deprecated contains U+0000 at byte 3, a character XML does not allow");
    EXPECT_EQ(message([](EntryMetadata& m) { m.locations.push_back("images/noble.img"); }),
              "slterms:location value (images/noble.img) is not an absolute URI");
    EXPECT_EQ(message([](EntryMetadata& m) { m.locations = {"http://x/a b"}; }),
              "slterms:location value (http://x/a b) is not an absolute URI");
    EXPECT_EQ(message([](EntryMetadata& m) { m.inbound_ports.push_back(65536); }),
              "slterms:inbound-port value (65536) is not a port number (0 to 65535)");
    EXPECT_EQ(message([](EntryMetadata& m) { m.icmp = {256}; }),
              "slterms:icmp value (256) is not an ICMP type (0 to 255)");
    EXPECT_EQ(message([](EntryMetadata& m) { m.replaces = "not-an-id"; }),
              "dcterms:replaces value (not-an-id) is not an image identifier");
}

TEST(IsAbsoluteUri, FollowsTheRuleTheParserApplies) {
    for (const char* good : {"http://example.org/a.img", "pdisk:1.2.3.4:8445:uuid", "urn:x",
                             "git+ssh://h/r", "file:///images/a.img"}) {
        EXPECT_TRUE(IsAbsoluteUri(good)) << good;
    }
    for (const char* bad : {"", "a.img", "/images/a.img", ":x", "http:", "1http://x",
                            "http://x/<y>", "http://x/a\tb", "ht_tp://x"}) {
        EXPECT_FALSE(IsAbsoluteUri(bad)) << bad;
    }
}

}  // namespace
}  // namespace mkt::mappers
