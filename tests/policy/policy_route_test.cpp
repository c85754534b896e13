// GET /policy/{name}/{id} on the real server (TestServer) with a policy file
// named in the configuration (policy.<name>).
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

class PolicyRouteTest : public ::testing::Test {
  protected:
    static std::string PolicyFile(const TempDir& dir) {
        WriteFile(dir / "site.policy", "endorser.allow = alice@example.org\n");
        return (dir / "site.policy").string();
    }

    TempDir dir_;
    TestServer server_{{"policy.site=" + PolicyFile(dir_)}};
    const Timestamp now_ = server_.clock().Now();
};

TEST_F(PolicyRouteTest, ADecisionListsEveryEntryWithItsReasonsAndTheChosenEntry) {
    const std::string id = IdentifierOf("route");
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "route"}, now_ - 20)).status, 201);
    ASSERT_EQ(server_.Upload(SignedDocument("bob", {.image = "route"}, now_ - 10)).status, 201);
    const auto r = server_.Get("policy/site/" + id, "application/json");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto json = nlohmann::json::parse(r.body);
    EXPECT_EQ(json["identifier"], id);
    EXPECT_EQ(json["policy"], "site");
    EXPECT_EQ(json["allowed"], true);
    EXPECT_EQ(json["chosen"]["email"], "alice@example.org");
    EXPECT_EQ(json["chosen"]["url"],
              server_.url("metadata/" + id + "/alice@example.org/" + (now_ - 20).ToString()));
    ASSERT_EQ(json["entries"].size(), 2u);
    EXPECT_EQ(json["entries"][0]["email"], "bob@example.org");  // newest first
    EXPECT_EQ(json["entries"][0]["accepted"], false);
    EXPECT_EQ(json["entries"][0]["reasons"][1]["message"],
              "endorser bob@example.org is not on the endorser allow list");
    EXPECT_EQ(json["reasons"][0]["message"], "1 of 2 endorsers accepted; the policy requires 1");
}

TEST_F(PolicyRouteTest, AnImageWithoutAcceptedEntriesIsRefused) {
    const std::string id = IdentifierOf("refused");
    ASSERT_EQ(server_.Upload(SignedDocument("bob", {.image = "refused"}, now_)).status, 201);
    const auto json = nlohmann::json::parse(server_.Get("policy/site/" + id).body);
    EXPECT_EQ(json["allowed"], false);
    EXPECT_TRUE(json["chosen"].is_null());
}

TEST_F(PolicyRouteTest, UnknownPolicyNamesAndBadIdentifiersAreClientErrors) {
    const auto unknown = server_.Get("policy/nope/" + IdentifierOf("x"));
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("no site policy named 'nope' (known: site)"), std::string::npos)
        << unknown.body;
    EXPECT_EQ(server_.Get("policy/site/not-an-id").status, 400);
}

}  // namespace
}  // namespace mkt::testing
