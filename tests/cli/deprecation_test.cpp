// WithDeprecation: the edit `deprecate` makes before re-signing.
#include "cli/deprecation.hpp"

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "tests/support/documents.hpp"

namespace mkt::cli {
namespace {

using testing::DocumentSpec;

size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::optional<std::string> DeprecatedField(const std::string& document) {
    auto parsed = xmlsec::XmlMetadataParser().ParseMetadata(document);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    if (!parsed.ok()) return std::nullopt;
    return (*parsed)->metadata().deprecated;
}

class DeprecationTest : public ::testing::Test {
  protected:
    const Timestamp now_ = SystemClock().Now();
};

TEST_F(DeprecationTest, AddsTheReasonToTheDescription) {
    const std::string doc = testing::SignedDocument("alice", {.image = "d1"}, now_);
    auto edited = WithDeprecation(doc, "kernel CVE-2024-1");
    ASSERT_TRUE(edited.ok()) << edited.status().ToString();
    EXPECT_EQ(DeprecatedField(*edited), "kernel CVE-2024-1");
    // The same indentation as its siblings, right after the last of them.
    EXPECT_NE(edited->find("</dcterms:description>\n    <slterms:deprecated>kernel "
                           "CVE-2024-1</slterms:deprecated>\n  </rdf:Description>"),
              std::string::npos)
        << *edited;
}

TEST_F(DeprecationTest, ReplacesAnEarlierReason) {
    const std::string doc =
        testing::SignedDocument("alice", {.image = "d2", .deprecated = "old reason"}, now_);
    auto edited = WithDeprecation(doc, "new reason");
    ASSERT_TRUE(edited.ok()) << edited.status().ToString();
    EXPECT_EQ(Count(*edited, "deprecated>"), 2u) << *edited;  // one start tag, one end tag
    EXPECT_EQ(edited->find("old reason"), std::string::npos);
    EXPECT_EQ(DeprecatedField(*edited), "new reason");
}

TEST_F(DeprecationTest, MarkupInTheReasonStaysText) {
    const std::string doc = testing::SignedDocument("alice", {.image = "d3"}, now_);
    auto edited = WithDeprecation(doc, "use <newer> & \"better\" images");
    ASSERT_TRUE(edited.ok()) << edited.status().ToString();
    EXPECT_EQ(DeprecatedField(*edited), "use <newer> & \"better\" images");
}

TEST_F(DeprecationTest, DeclaresTheNamespaceWhenNoPrefixIsInScope) {
    const std::string doc =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns:slterms=\"urn:something-else\"><rdf:Description rdf:about=\"#x\">"
        "<slterms:other>1</slterms:other></rdf:Description></rdf:RDF>";
    auto edited = WithDeprecation(doc, "gone");
    ASSERT_TRUE(edited.ok()) << edited.status().ToString();
    EXPECT_NE(edited->find("<slterms1:deprecated xmlns:slterms1=\"http://mp.stratuslab.eu/"
                           "slterms#\">gone</slterms1:deprecated>"),
              std::string::npos)
        << *edited;
    EXPECT_NE(edited->find("<slterms:other>1</slterms:other>"), std::string::npos);
}

TEST_F(DeprecationTest, RefusesEmptyReasonsAndControlCharacters) {
    const std::string doc = testing::SignedDocument("alice", {.image = "d4"}, now_);
    EXPECT_EQ(WithDeprecation(doc, "").status().message(), "the deprecation reason is empty");
    EXPECT_EQ(WithDeprecation(doc, std::string("bad\x01")).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_TRUE(WithDeprecation(doc, "two\nlines\tand tabs").ok());
}

TEST_F(DeprecationTest, RefusesWhatIsNotAMetadataDocument) {
    EXPECT_EQ(
        WithDeprecation("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>", "x")
            .status()
            .message(),
        "document has no rdf:Description");
    auto malformed = WithDeprecation("<rdf:RDF", "x");
    EXPECT_NE(malformed.status().message().find("unable to parse metadata"), std::string::npos);
}

}  // namespace
}  // namespace mkt::cli
