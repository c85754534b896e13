// marketplace policy: the real binary against the real server (TestServer).
#include <gtest/gtest.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

class PolicyCommandTest : public ::testing::Test {
  protected:
    CliResult Policy(const std::string& id, const std::string& policy_text,
                     std::vector<std::string> extra = {}) {
        WriteFile(dir_ / "site.policy", policy_text);
        std::string endpoint = server_.url();
        endpoint.pop_back();
        std::vector<std::string> args = {"--endpoint", endpoint,   "policy",
                                         id,           "--policy", (dir_ / "site.policy").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return RunCli(args);
    }

    TestServer server_;
    const Timestamp now_ = server_.clock().Now();
    TempDir dir_;
};

TEST_F(PolicyCommandTest, AnAllowedImagePrintsTheChosenEntryUrlAndExitsZero) {
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "p"}, now_ - 30)).status, 201);
    ASSERT_EQ(server_.Upload(SignedDocument("bob", {.image = "p"}, now_ - 10)).status, 201);
    const CliResult r = Policy(IdentifierOf("p"), "endorser.allow = alice@example.org\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, server_.url("metadata/" + IdentifierOf("p") + "/alice@example.org/" +
                                 (now_ - 30).ToString()) +
                         "\n");
}

TEST_F(PolicyCommandTest, ARefusedImagePrintsEveryReasonAndExitsOne) {
    ASSERT_EQ(server_.Upload(SignedDocument("bob", {.image = "r"}, now_)).status, 201);
    const CliResult r =
        Policy(IdentifierOf("r"), "[endorsers]\nwhitelistendorsers =\n alice@example.org\n");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("REFUSED endorser.allow: endorser bob@example.org is not on the endorser "
                         "allow list"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("marketplace policy: image " + IdentifierOf("r") +
                         " isn't valid according to site policy "),
              std::string::npos)
        << r.err;
}

TEST_F(PolicyCommandTest, JsonPrintsTheDecisionAndAnUnreadablePolicyIsAUsageError) {
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "j"}, now_)).status, 201);
    const CliResult json = Policy(IdentifierOf("j"), "", {"--json"});
    EXPECT_EQ(json.exit_code, 0) << json.err;
    EXPECT_NE(json.out.find("\"allowed\": true"), std::string::npos) << json.out;
    const CliResult missing = RunCli({"policy", IdentifierOf("j"), "--policy", "/nonexistent.cfg"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("cannot read policy /nonexistent.cfg"), std::string::npos)
        << missing.err;
}

}  // namespace
}  // namespace mkt::testing
