#include "registry/redland/rdfxml_checker.hpp"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "registry/xmlsec/metadata_parser.hpp"
#include "tests/registry/metadata/metadata_test_util.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::redland {
namespace {

using testing::MetadataLibFile;

/// The RDF check's input for a fixture: the parsed document without its Signature.
std::string UnsignedFixture(const std::string& name) {
    auto parsed = xmlsec::XmlMetadataParser().Parse(MetadataLibFile(name));
    EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.status().ToString();
    return parsed.ok() ? parsed.value()->UnsignedXml() : std::string();
}

const RaptorRdfChecker& Checker() {
    static const RaptorRdfChecker checker(testing::SharedWorld());
    return checker;
}

TEST(RaptorRdfCheckerTest, AcceptsTheUnsignedFormOfValidFixtures) {
    for (const char* name : {"valid-minimal.xml", "valid-minimal-signature.xml", "valid-full.xml",
                             "valid-full-signature.xml", "valid-full-alt-cimi.xml",
                             "valid-ca-signed.xml", "valid-minimal-leading-zero-sha1.xml"}) {
        EXPECT_TRUE(Checker().Check(UnsignedFixture(name)).ok()) << name;
    }
}

TEST(RaptorRdfCheckerTest, RefusesTheSignedFormAsTheOriginalParserDid) {
    // Why the pipeline checks UnsignedXml(): the XML-DSig Signature is not RDF/XML.
    const Status status = Checker().Check(MetadataLibFile("valid-full-signature.xml"));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message().rfind("invalid RDF: ", 0), 0u) << status.message();
}

TEST(RaptorRdfCheckerTest, RefusesAPropertyElementWithPropertyAttributes) {
    EXPECT_EQ(
        Checker().Check(UnsignedFixture("invalid-rdf-attribute.xml")),
        Status::InvalidArgument(
            "invalid RDF: Literal property element 'dummy' has property attributes (line 29)"));
}

TEST(RaptorRdfCheckerTest, RefusesAPropertyElementWithTwoNodeElements) {
    EXPECT_EQ(Checker().Check(UnsignedFixture("invalid-rdf-resource.xml")),
              Status::InvalidArgument("invalid RDF: property element 'dummy' has multiple object "
                                      "node elements, skipping. (line 31)"));
}

TEST(RaptorRdfCheckerTest, CitesTheUploadedLineOfASignedDocument) {
    // Signed documents put rdf:RDF on the declaration's line; the message must
    // still give the line of the fault in the uploaded bytes.
    const std::string bad = "<ex:dummy ex:badrdf=\"BAD\">x</ex:dummy>";
    const std::string doc = testing::ReplaceOnce(MetadataLibFile("valid-full-signature.xml"),
                                                 "<ex:yet-more>", bad + "\n<ex:yet-more>");
    const auto line =
        1 + std::count(doc.begin(), doc.begin() + static_cast<std::ptrdiff_t>(doc.find(bad)), '\n');
    auto parsed = xmlsec::XmlMetadataParser().Parse(doc);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(Checker().Check(parsed.value()->UnsignedXml()),
              Status::InvalidArgument(
                  "invalid RDF: Literal property element 'dummy' has property attributes (line " +
                  std::to_string(line) + ")"));
}

TEST(RaptorRdfCheckerTest, CountsTheTriplesOfTheMinimalAndFullDocuments) {
    // minimal: identifier, bytes, checksum link + algorithm + value, endorsement link +
    // created + endorser link + email + subject + issuer, type = 12.
    auto minimal = Checker().CountTriples(UnsignedFixture("valid-minimal.xml"));
    ASSERT_TRUE(minimal.ok()) << minimal.status().ToString();
    EXPECT_EQ(*minimal, 12u);
    // full: the 12, 17 single-valued properties (valid ... ex:yet-more), and
    // ex:relatedImages with its 4 identifiers = 34.
    auto full = Checker().CountTriples(UnsignedFixture("valid-full.xml"));
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(*full, 34u);
    // The Signature adds no triple to the unsigned form.
    auto full_signed = Checker().CountTriples(UnsignedFixture("valid-full-signature.xml"));
    ASSERT_TRUE(full_signed.ok());
    EXPECT_EQ(*full_signed, *full);
}

TEST(RaptorRdfCheckerTest, ParsesRelativeReferencesWithoutAnXmlBase) {
    // rdf:about="#x" and no xml:base: only the checker's base URI makes it
    // absolute (Raptor refuses to start an RDF/XML parse without one).
    const std::string doc =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\"><rdf:Description rdf:about=\"#x\">"
        "<dcterms:title>t</dcterms:title></rdf:Description></rdf:RDF>";
    auto count = Checker().CountTriples(doc);
    ASSERT_TRUE(count.ok()) << count.status().ToString();
    EXPECT_EQ(*count, 1u);
}

TEST(RaptorRdfCheckerTest, RefusesEmptyAndMalformedInput) {
    EXPECT_EQ(Checker().Check(""), Status::InvalidArgument("invalid RDF: empty document"));
    EXPECT_EQ(Checker().Check(" \n\t"), Status::InvalidArgument("invalid RDF: empty document"));
    const Status malformed = Checker().Check(
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
        "22-rdf-syntax-ns#\">\n<rdf:Description>");
    ASSERT_FALSE(malformed.ok());
    EXPECT_EQ(malformed.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(malformed.message().rfind("invalid RDF: ", 0), 0u) << malformed.message();
}

TEST(RaptorRdfCheckerTest, NeverReadsExternalEntities) {
    // The checker is safe on its own too: were the entity read, its element
    // would add a second triple.
    const testing::TempDir dir;
    testing::WriteFile(dir / "leak.xml", "<dcterms:creator>leaked</dcterms:creator>");
    const std::string xxe =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM \"file://" +
        (dir / "leak.xml").string() +
        "\">]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\"><rdf:Description rdf:about=\"#x\">"
        "<dcterms:title>t</dcterms:title>&x;</rdf:Description></rdf:RDF>";
    auto count = Checker().CountTriples(xxe);
    ASSERT_TRUE(count.ok()) << count.status().ToString();
    EXPECT_EQ(*count, 1u);
}

TEST(RaptorRdfCheckerTest, SurvivesExponentialEntityExpansion) {
    std::string entities = "<!ENTITY e0 \"aaaaaaaaaa\">";
    for (int i = 1; i <= 10; ++i) {
        std::string body;
        for (int k = 0; k < 10; ++k) body += "&e" + std::to_string(i - 1) + ";";
        entities += "<!ENTITY e" + std::to_string(i) + " \"" + body + "\">";
    }
    const std::string laughs =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [" + entities +
        "]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\"><rdf:Description rdf:about=\"#x\">"
        "<dcterms:title>&e10;</dcterms:title></rdf:Description></rdf:RDF>";
    // libxml2 under Raptor stops the expansion; the check fails fast instead of
    // allocating 10^11 bytes.
    const Status status = Checker().Check(laughs);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message().rfind("invalid RDF: XML parser error - ", 0), 0u)
        << status.message();
}

TEST(RaptorRdfCheckerTest, ChecksFromManyThreadsAtOnce) {
    const std::string good = UnsignedFixture("valid-full.xml");
    const std::string bad = UnsignedFixture("invalid-rdf-attribute.xml");
    const std::string bad_message =
        "invalid RDF: Literal property element 'dummy' has property attributes (line 29)";
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                if ((t + i) % 2 == 0) {
                    auto count = Checker().CountTriples(good);
                    if (!count.ok() || *count != 34u) ++failures;
                } else {
                    const Status status = Checker().Check(bad);
                    if (status.message() != bad_message) ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace mkt::redland
