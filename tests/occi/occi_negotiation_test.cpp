// OCCI negotiation: q-values over the four renderings, the text/plain default,
// uri-list only for collections, and the User-Agent version check.
#include <gtest/gtest.h>

#include "occi/negotiation.hpp"

namespace mkt::occi {
namespace {

http::Request WithAccept(const std::string& accept) {
    http::Request r;
    r.path = "/-/";
    if (!accept.empty()) r.headers.Add("Accept", accept);
    return r;
}

Format First(const std::string& accept, bool collection = true) {
    auto r = AcceptableRenderings(WithAccept(accept), collection);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->front().format : Format::kPlain;
}

TEST(OcciNegotiationTest, TextPlainIsTheDefaultForNoAcceptAndWildcards) {
    EXPECT_EQ(First(""), Format::kPlain);
    EXPECT_EQ(First("*/*"), Format::kPlain);
    EXPECT_EQ(First("text/*"), Format::kPlain);
}

TEST(OcciNegotiationTest, QValuesDecide) {
    EXPECT_EQ(First("text/plain;q=0.5, text/occi"), Format::kOcci);
    EXPECT_EQ(First("text/plain,text/occi;q=0.2"), Format::kPlain);  // rOCCI-api
    EXPECT_EQ(First("application/occi+json"), Format::kJson);
    EXPECT_EQ(First("text/uri-list"), Format::kUriList);
    auto alias = AcceptableRenderings(WithAccept("application/json"), true);
    ASSERT_TRUE(alias.ok());
    EXPECT_EQ(alias->front().content_type, "application/json");
}

TEST(OcciNegotiationTest, TextOcciFallsBackToTheNextAcceptableRendering) {
    auto r = AcceptableRenderings(WithAccept("text/occi, text/plain;q=0.1"), false);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[1].format, Format::kPlain);
}

TEST(OcciNegotiationTest, UnsupportedTypesAreNotAcceptable) {
    EXPECT_EQ(AcceptableRenderings(WithAccept("application/xml"), true).status().code(),
              StatusCode::kNotAcceptable);
    EXPECT_EQ(AcceptableRenderings(WithAccept("text/plain;q=0"), true).status().code(),
              StatusCode::kNotAcceptable);
}

TEST(OcciNegotiationTest, UriListForSomethingThatIsNotACollectionIsABadRequest) {
    EXPECT_EQ(AcceptableRenderings(WithAccept("text/uri-list"), false).status().code(),
              StatusCode::kInvalidArgument);
    // A lower choice is only dropped.
    auto r = AcceptableRenderings(WithAccept("text/plain, text/uri-list;q=0.5"), false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->size(), 1u);
}

TEST(OcciNegotiationTest, OnlyAnOcciVersionAbove12IsTooNew) {
    EXPECT_TRUE(AsksNewerOcciVersion("rOCCI-cli OCCI/2.2"));
    EXPECT_TRUE(AsksNewerOcciVersion("x OCCI/1.3"));
    EXPECT_FALSE(AsksNewerOcciVersion("rOCCI-api OCCI/1.1"));
    EXPECT_FALSE(AsksNewerOcciVersion("OCCI/1.2"));
    EXPECT_FALSE(AsksNewerOcciVersion("OCCI/abc OCCI/9"));
    EXPECT_FALSE(AsksNewerOcciVersion(""));
}

TEST(OcciNegotiationTest, ContentTypeListsUseTheFirstType) {
    EXPECT_EQ(FirstContentType("text/plain,text/occi"), "text/plain");
    EXPECT_EQ(FirstContentType("Text/OCCI; charset=utf-8"), "text/occi");
}

}  // namespace
}  // namespace mkt::occi
