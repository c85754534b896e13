// marketplace occi-link, run as the real binary against this server's own OCCI
// interface (TestServer on loopback), as a creator would against a resource provider.
#include <algorithm>

#include <gtest/gtest.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

class OcciLinkTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new TestServer();
        const Timestamp t = server_->clock().Now();
        for (const auto& [image, title] : std::vector<std::pair<std::string, std::string>>{
                 {"debian", "Debian bookworm"},
                 {"ubuntu", "Ubuntu, \"Jammy\" server"},
                 {"ubuntu-copy", "Ubuntu, \"Jammy\" server"},
                 {"alma", "Debian bookworm 2"}}) {
            auto r =
                server_->Upload(SignedDocument("alice", {.image = image, .title = title}, t - 10));
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    static void TearDownTestSuite() { delete server_; }

    static CliResult Link(const std::string& title, std::string endpoint = "") {
        if (endpoint.empty()) endpoint = server_->url();
        return RunCli({"occi-link", "--endpoint", endpoint, "--image", title});
    }

    static TestServer* server_;
};
TestServer* OcciLinkTest::server_ = nullptr;

TEST_F(OcciLinkTest, PrintsTheStorageUrlOfTheImageWithThatTitle) {
    CliResult r = Link("Debian bookworm");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, server_->url("storage/" + IdentifierOf("debian")) + "\n");
}

TEST_F(OcciLinkTest, PrintsEveryResourceWithExactlyThatTitle) {
    CliResult r = Link("Ubuntu, \"Jammy\" server");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> expected = {server_->url("storage/" + IdentifierOf("ubuntu")),
                                         server_->url("storage/" + IdentifierOf("ubuntu-copy"))};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(r.out, expected[0] + "\n" + expected[1] + "\n");
}

TEST_F(OcciLinkTest, NoMatchIsARefusalNamingTheTitle) {
    CliResult r = Link("Debian");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find("no storage resource titled 'Debian'"), std::string::npos) << r.err;
}

TEST_F(OcciLinkTest, MissingOptionsAreUsageErrors) {
    EXPECT_EQ(RunCli({"occi-link", "--image", "x"}).exit_code, 2);
    EXPECT_EQ(RunCli({"occi-link", "--endpoint", server_->url()}).exit_code, 2);
    EXPECT_EQ(RunCli({"occi-link", "--endpoint", "ftp://x", "--image", "x"}).exit_code, 2);
}

TEST_F(OcciLinkTest, AnEndpointThatIsNotOcciIsReported) {
    CliResult r = Link("Debian bookworm", server_->url("no-occi-here"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("answered 404"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mkt::testing
