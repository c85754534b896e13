#include "http/negotiation.hpp"

#include <gtest/gtest.h>

namespace mkt::http {
namespace {

Request WithAccept(const std::string& accept, const std::string& target = "/") {
    Request r;
    ParseTarget(target, r);
    if (!accept.empty()) r.headers.Add("Accept", accept);
    return r;
}

const std::vector<std::string> kListing = {"application/xml", "application/json"};

TEST(NegotiationTest, DefaultsToTheFirstOfferLikeStratusLab) {
    EXPECT_EQ(Negotiate(WithAccept(""), kListing), "application/xml");
    EXPECT_EQ(Negotiate(WithAccept("*/*"), kListing), "application/xml");
}

TEST(NegotiationTest, HonoursQValuesAndSpecificity) {
    EXPECT_EQ(Negotiate(WithAccept("application/json"), kListing), "application/json");
    EXPECT_EQ(Negotiate(WithAccept("application/xml;q=0.5, application/json"), kListing),
              "application/json");
    EXPECT_EQ(Negotiate(WithAccept("application/*;q=0.2, application/json;q=0"), kListing),
              "application/xml");
    // A browser prefers XML over */* (StratusLab served XML, not JSON).
    EXPECT_EQ(
        Negotiate(WithAccept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                  kListing),
        "application/xml");
    EXPECT_FALSE(Negotiate(WithAccept("image/png"), kListing).has_value());
}

TEST(NegotiationTest, MediaParameterOverridesAccept) {
    EXPECT_EQ(Negotiate(WithAccept("application/xml", "/?media=json"), kListing),
              "application/json");
    EXPECT_EQ(Negotiate(WithAccept("", "/?media=xml"), {"application/rdf+xml", "application/json"}),
              "application/rdf+xml");
    EXPECT_FALSE(Negotiate(WithAccept("", "/?media=png"), kListing).has_value());
}

TEST(NegotiationTest, XmlAcceptsRdfXmlAndBack) {
    EXPECT_EQ(Negotiate(WithAccept("application/xml"), {"application/rdf+xml", "application/json"}),
              "application/rdf+xml");
    EXPECT_EQ(Negotiate(WithAccept("text/xml"), kListing), "application/xml");
}

TEST(NegotiationTest, BaseMediaTypeDropsParameters) {
    EXPECT_EQ(BaseMediaType(" Application/RDF+XML ; charset=utf-8"), "application/rdf+xml");
    EXPECT_EQ(BaseMediaType(""), "");
}

}  // namespace
}  // namespace mkt::http
