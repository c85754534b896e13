// `marketplace query`, the real binary against the real server on loopback:
// the table view, raw formats, the query from a file or stdin, and the
// server's refusals reported with exit code 1.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

using testing::RunCli;

constexpr const char* kSeedOs =
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX slterms: "
    "<http://mp.stratuslab.eu/slterms#> "
    "SELECT DISTINCT ?os ?identifier WHERE { ?x dcterms:identifier ?identifier . ?x slterms:os ?os "
    "}";

class QueryCommandTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new testing::TestServer();
        const Timestamp t = server_->clock().Now();
        auto r = server_->Upload(
            testing::SignedDocument("alice", {.image = "query-cli", .os = "fedora"}, t - 10));
        ASSERT_EQ(r.status, 201) << r.body;
        // The graph follows uploads asynchronously: wait until the entry shows.
        for (int i = 0; i < 200; ++i) {
            if (Run({"query", "--format", "csv", kSeedOs}).out.find("fedora") !=
                std::string::npos) {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        FAIL() << "the uploaded entry never showed in the graph";
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static testing::CliResult Run(std::vector<std::string> args, testing::CliOptions options = {}) {
        args.insert(args.begin(), {"--endpoint", server_->url("")});
        return RunCli(args, options);
    }
    static testing::TestServer* server_;
};
testing::TestServer* QueryCommandTest::server_ = nullptr;

TEST_F(QueryCommandTest, PrintsAnAlignedTableWithARowCount) {
    auto r = Run({"query", kSeedOs});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string id = testing::IdentifierOf("query-cli");
    EXPECT_EQ(r.out, "?os       ?identifier\n\"fedora\"  \"" + id + "\"\n1 row\n");
}

TEST_F(QueryCommandTest, PrintsTheServersRawResultsInTheChosenFormat) {
    auto xml = Run({"query", "--format", "xml", kSeedOs});
    ASSERT_EQ(xml.exit_code, 0) << xml.err;
    EXPECT_NE(xml.out.find("<literal>fedora</literal>"), std::string::npos) << xml.out;
    auto tsv = Run({"query", "--format", "tsv", kSeedOs});
    EXPECT_EQ(tsv.out.substr(0, 16), "?os\t?identifier\n");
}

TEST_F(QueryCommandTest, ReadsTheQueryFromStdinAndAnswersAsk) {
    testing::CliOptions options;
    options.input = "ASK { ?x <http://mp.stratuslab.eu/slterms#os> \"fedora\" }";
    auto r = Run({"query"}, options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "true\n");
}

TEST_F(QueryCommandTest, ReportsTheServersRefusalWithExitCodeOne) {
    auto update = Run({"query", "DELETE WHERE { ?s ?p ?o }"});
    EXPECT_EQ(update.exit_code, 1);
    EXPECT_NE(update.err.find("HTTP 400"), std::string::npos) << update.err;
    EXPECT_NE(update.err.find("read-only"), std::string::npos) << update.err;
    auto usage = Run({"query", "--format", "yaml", kSeedOs});
    EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace mkt
