// The native representations against golden files (tests/data/golden/native/).
// Inputs are fixed (a real production document parsed by the real parser, a
// fixed signer and clock), so any change of a representation shows up as a
// diff of a golden file. MKT_UPDATE_GOLDEN=1 rewrites them (review the diff).
#include <gtest/gtest.h>

#include <cstdlib>

#include "mappers/native_json.hpp"
#include "mappers/native_xml.hpp"
#include "tests/support/golden.hpp"

namespace mkt {
namespace {

void ExpectGolden(const std::string& name, const std::string& actual) {
    testing::ExpectGolden("native", name, actual);
}

Entry ProductionEntry() {
    Entry e = testing::ProductionFixtureEntry();
    e.signer.trust_mode = TrustMode::kCompat;
    e.signer.subject = e.metadata.endorsement.subject;
    e.signer.issuer = e.metadata.endorsement.issuers.front();
    e.signer.email_binding = "san";
    e.signer.signature_method = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    e.signer.canonicalization = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    return e;
}

const mappers::LinkContext kContext{"https://marketplace.example.org/", *Timestamp::Parse("2016-06-01T00:00:00Z")};

TEST(NativeMappersTest, EntryJson) { ExpectGolden("entry.json", mappers::EntryToJson(ProductionEntry(), kContext)); }

TEST(NativeMappersTest, EntryJsonStatusFollowsTheClock) {
    const Entry e = ProductionEntry();
    const std::string later = mappers::EntryToJson(e, {kContext.base_url, *e.metadata.valid + 1});
    EXPECT_NE(later.find("\"status\":\"expired\""), std::string::npos) << later;
}

TEST(NativeMappersTest, PageJsonAndXml) {
    EntryPage page{{ProductionEntry()}, 7, std::string("CURSOR")};
    const std::string next = "https://marketplace.example.org/metadata?limit=1&cursor=CURSOR";
    ExpectGolden("page.json", mappers::PageToJson(page, 0, 1, next, kContext));
    ExpectGolden("page.xml", mappers::PageToXml(page, next));
}

TEST(NativeMappersTest, EntryUrlEncodesEachSegment) {
    EXPECT_EQ(mappers::EntryUrl({"LHfKVPoHcv4oMirHU0KuOQc-TvI", "a+b@x.org", *Timestamp::Parse("2016-05-17T06:39:18Z")},
                                "http://h/"),
              "http://h/metadata/LHfKVPoHcv4oMirHU0KuOQc-TvI/a+b@x.org/2016-05-17T06:39:18Z");
    EXPECT_EQ(mappers::EntryUrl({"A", "we ird/@x", Timestamp()}, "http://h/"),
              "http://h/metadata/A/we%20ird%2F@x/1970-01-01T00:00:00Z");
}

TEST(NativeMappersTest, EndorsersAndTags) {
    std::vector<EndorserSummary> endorsers = {
        {"alice@example.org", "CN=Alice,O=Test", "CN=CA,O=Test", 3, *Timestamp::Parse("2024-01-01T00:00:00Z")}};
    ExpectGolden("endorsers.json", mappers::EndorsersToJson(endorsers, kContext));
    ExpectGolden("endorsers.xml", mappers::EndorsersToXml(endorsers));
    EXPECT_EQ(mappers::TagsToJson("a@b.c", {"x", "y"}), "{\"email\":\"a@b.c\",\"tags\":[\"x\",\"y\"]}\n");
}

TEST(NativeMappersTest, ErrorsEscapeWhatTheyQuote) {
    const Status status = Status::InvalidArgument("bad <title> & \"quote\"");
    EXPECT_EQ(mappers::ErrorToXml(status, 400, "r1"),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error status=\"400\" code=\"invalid_argument\" "
              "request-id=\"r1\">bad &lt;title&gt; &amp; &quot;quote&quot;</error>\n");
    EXPECT_EQ(mappers::ErrorToJson(status, 400, "r1"),
              "{\"error\":{\"code\":\"invalid_argument\",\"message\":\"bad <title> & \\\"quote\\\"\","
              "\"request_id\":\"r1\",\"status\":400}}\n");
}

TEST(NativeMappersTest, ListingXmlDropsInnerDeclarations) {
    EXPECT_EQ(mappers::WithoutXmlDeclaration("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n  <rdf:RDF/>"), "<rdf:RDF/>");
    EXPECT_EQ(mappers::WithoutXmlDeclaration("<rdf:RDF/>"), "<rdf:RDF/>");
}

}  // namespace
}  // namespace mkt
