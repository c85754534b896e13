// marketplace download: the real binary, the real server (TestServer) holding
// signed entries whose location is a loopback HTTP server (ImageServer).
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/policy/image_server.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

namespace fs = std::filesystem;

class DownloadCommandTest : public ::testing::Test {
  protected:
    DownloadCommandTest() {
        WriteFile(dir_ / "site.policy", "endorser.allow = alice@example.org\n");
        fs::create_directory(out_dir_);
    }

    // An entry of `image` by `who` whose location serves `body`.
    std::string Publish(const std::string& who, const std::string& image, const std::string& body) {
        images_.Serve("/" + who + ".img", {.body = body});
        DocumentSpec spec{.image = image, .location = images_.url("/" + who + ".img")};
        EXPECT_EQ(server_.Upload(SignedDocument(who, spec, now_)).status, 201);
        return IdentifierOf(image);
    }

    CliResult Download(std::vector<std::string> args) {
        std::string endpoint = server_.url();
        endpoint.pop_back();
        args.insert(args.begin(), {"--endpoint", endpoint, "download"});
        args.insert(args.end(), {"--policy", (dir_ / "site.policy").string()});
        return RunCli(
            args, {.env = {{"MARKETPLACE_TRUST_DIR", (TestPki() / "ca").string()},
                           {"MARKETPLACE_ENDORSERS_FILE", (TestPki() / "endorsers").string()}}});
    }

    TestServer server_;
    const Timestamp now_ = server_.clock().Now();
    ImageServer images_;
    TempDir dir_;
    const fs::path out_dir_ = dir_ / "out";
};

TEST_F(DownloadCommandTest, AnAllowedImageIsVerifiedWrittenAndCached) {
    const std::string image(1 << 20, 'x');
    const std::string id = Publish("alice", image, image);
    const fs::path out = out_dir_ / "image.img";
    const CliResult r = Download({id, "-o", out.string(), "--cache", (dir_ / "cache").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, out.string() + "\n");
    EXPECT_EQ(ReadFile(out), image);
    // Second run: a cache hit, no request to the image server.
    const CliResult again = Download({id, "--cache", (dir_ / "cache").string()});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.err.find("cache hit"), std::string::npos) << again.err;
    EXPECT_EQ(images_.ranges().size(), 1u);
}

TEST_F(DownloadCommandTest, APolicyRefusalDownloadsNothingAndExitsOne) {
    const std::string id = Publish("bob", "bob's image", "bob's image");
    const fs::path out = out_dir_ / "image.img";
    const CliResult r = Download({id, "-o", out.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("isn't valid according to site policy"), std::string::npos) << r.err;
    EXPECT_TRUE(images_.ranges().empty());
    EXPECT_TRUE(fs::is_empty(out_dir_));
}

TEST_F(DownloadCommandTest, ABadImageExitsOneAndLeavesNothingAtTheOutputOrInTheCache) {
    const std::string id = Publish("alice", "the signed image", "another image!!!");
    const fs::path out = out_dir_ / "image.img";
    const CliResult r = Download({id, "-o", out.string(), "--cache", (dir_ / "cache").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("mismatch"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_empty(out_dir_));
    for (const auto& e : fs::directory_iterator(dir_ / "cache")) {
        EXPECT_EQ(e.path().filename(), ".lock") << e.path();
    }
}

}  // namespace
}  // namespace mkt::testing
