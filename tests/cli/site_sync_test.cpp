// marketplace site-sync: the real binary, the real server (TestServer) holding
// signed entries whose location is a loopback HTTP server (ImageServer), and the
// test run's real Glance (ctest fixture Glance, tests/support/glance_process.hpp).
// Each test's Marketplace has its own port, so site-sync (which keeps to the
// images it made from that Marketplace) sees only the test's own images; the
// test deletes every image it made at the end.
#include <chrono>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "client/glance_client.hpp"
#include "tests/cli/cli_runner.hpp"
#include "tests/policy/image_server.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/glance_process.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

namespace fs = std::filesystem;
using client::GlanceImage;

class SiteSyncTest : public ::testing::Test {
  protected:
    SiteSyncTest() : glance_(SharedGlanceUrl(), {}) {
        WriteFile(dir_ / "site.policy", "endorser.allow = alice@example.org\n");
        endpoint_ = server_.url();
        endpoint_.pop_back();
    }

    ~SiteSyncTest() override {
        for (const GlanceImage& image : Images()) (void)glance_.Delete(image.id);
        for (const std::string& id : foreign_) (void)glance_.Delete(id);
    }

    // An entry of `image` by `who`, created `age` seconds ago, whose location serves `body`.
    std::string Publish(const std::string& who, const std::string& image, const std::string& body,
                        int64_t age = 120, std::optional<std::string> deprecated = std::nullopt) {
        const std::string path = "/" + who + std::to_string(age) + ".img";
        images_.Serve(path, {.body = body});
        DocumentSpec spec{.image = image, .location = images_.url(path), .deprecated = deprecated};
        EXPECT_EQ(server_.Upload(SignedDocument(who, spec, now_ + (-age))).status, 201);
        return IdentifierOf(image);
    }

    std::vector<std::string> SyncArgs(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--endpoint", endpoint_,
                                      "site-sync",  "--once",
                                      "--glance",   SharedGlanceUrl(),
                                      "--policy",   (dir_ / "site.policy").string(),
                                      "--cache",    (dir_ / "cache").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
    CliOptions Env() const {
        return {.env = {{"MARKETPLACE_TRUST_DIR", (TestPki() / "ca").string()},
                        {"MARKETPLACE_ENDORSERS_FILE", (TestPki() / "endorsers").string()}}};
    }
    CliResult Sync(std::vector<std::string> extra = {}) { return RunCli(SyncArgs(extra), Env()); }

    // The Glance images site-sync made from this test's Marketplace.
    std::vector<GlanceImage> Images() {
        auto images =
            glance_.List({{"tag", "marketplace-site-sync"}, {"marketplace_endpoint", endpoint_}});
        EXPECT_TRUE(images.ok()) << images.status().message();
        return images.ok() ? *images : std::vector<GlanceImage>{};
    }

    std::string Bytes(const std::string& id) {
        client::HttpClient http;
        auto response = http.Get(glance_.ImageUrl(id) + "/file");
        EXPECT_TRUE(response.ok());
        return response.ok() ? response->body : "";
    }

    TestServer server_;
    const Timestamp now_ = server_.clock().Now();
    ImageServer images_;
    TempDir dir_;
    std::string endpoint_;
    client::GlanceClient glance_;
    std::vector<std::string> foreign_;
};

TEST_F(SiteSyncTest, AnAllowedImageIsAddedWithItsOriginPropertiesAndTheVerifiedBytes) {
    const std::string image(300000, 'a');
    const std::string id = Publish("alice", image, image);
    const CliResult r = Sync();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("added " + id), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("added 1, kept 0"), std::string::npos) << r.out;
    const auto held = Images();
    ASSERT_EQ(held.size(), 1u);
    const GlanceImage& g = held[0];
    EXPECT_EQ(g.status, "active");
    EXPECT_EQ(g.name, "Test image");
    EXPECT_EQ(g.disk_format, "qcow2");
    EXPECT_EQ(g.container_format, "bare");
    EXPECT_EQ(g.visibility, "private");
    EXPECT_EQ(g.Property("vmcatcher_event_dc_identifier"), id);
    EXPECT_EQ(g.Property("vmcatcher_event_ad_mpuri"),
              endpoint_ + "/metadata/" + id + "/alice@example.org/" + (now_ + (-120)).ToString());
    EXPECT_EQ(g.Property("marketplace_endorser"), "alice@example.org");
    EXPECT_EQ(g.Property("marketplace_endorsed"), (now_ + (-120)).ToString());
    EXPECT_EQ(g.Property("os_distro"), "ubuntu");
    EXPECT_EQ(g.Property("os_version"), "22.04");
    EXPECT_EQ(g.Property("architecture"), "x86_64");
    EXPECT_EQ(g.Property("marketplace_expires"), (now_ + (365 * 86400 - 120)).ToString());
    EXPECT_EQ(g.Property("sha512").size(), 128u);
    EXPECT_EQ(g.Property("sha512"), g.os_hash_value);
    EXPECT_EQ(Bytes(g.id), image);
}

TEST_F(SiteSyncTest, ASecondRunKeepsWhatIsThereAndChangesNothing) {
    const std::string id = Publish("alice", "kept image", "kept image");
    ASSERT_EQ(Sync().exit_code, 0);
    const auto before = Images();
    const CliResult again = Sync();
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("added 0, kept 1, replaced 0, removed 0"), std::string::npos)
        << again.out;
    const auto after = Images();
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].id, before[0].id);
    EXPECT_EQ(after[0].updated_at, before[0].updated_at);
}

TEST_F(SiteSyncTest, AnImageThePolicyRefusesNeverReachesGlance) {
    const std::string id = Publish("bob", "bob's image", "bob's image");
    const CliResult r = Sync();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("refused " + id + ": refused"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("refused 1"), std::string::npos) << r.out;
    EXPECT_TRUE(Images().empty());
    EXPECT_TRUE(images_.ranges().empty());
}

TEST_F(SiteSyncTest, TamperedBytesAtTheLocationNeverReachGlance) {
    const std::string id = Publish("alice", "the signed image", "another image!!!");
    const CliResult r = Sync();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("failed add " + id), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mismatch"), std::string::npos) << r.out;
    EXPECT_TRUE(Images().empty());
}

TEST_F(SiteSyncTest, ANewerEndorsementReplacesTheOldImageWhichIsThenDeactivated) {
    const std::string id = Publish("alice", "v1", "v1", 120);
    ASSERT_EQ(Sync().exit_code, 0);
    const std::string old_id = Images().at(0).id;
    Publish("alice", "v1", "v1", 60);
    const CliResult r = Sync();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("replaced " + id), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("deactivated " + old_id + " (superseded)"), std::string::npos) << r.out;
    const auto held = Images();
    ASSERT_EQ(held.size(), 2u);
    for (const auto& g : held) {
        if (g.id == old_id) {
            EXPECT_EQ(g.status, "deactivated");
        } else {
            EXPECT_EQ(g.status, "active");
            EXPECT_EQ(g.Property("marketplace_endorsed"), (now_ + (-60)).ToString());
        }
    }
    // With --on-superseded=delete the deactivated old image goes too.
    const CliResult purge = Sync({"--on-superseded=delete"});
    ASSERT_EQ(purge.exit_code, 0) << purge.out << purge.err;
    ASSERT_EQ(Images().size(), 1u);
    EXPECT_FALSE(glance_.Get(old_id).ok());
}

TEST_F(SiteSyncTest, ADeprecatedImageIsDeactivatedOrDeleted) {
    const std::string id = Publish("alice", "old", "old", 120);
    ASSERT_EQ(Sync().exit_code, 0);
    const std::string glance_id = Images().at(0).id;
    Publish("alice", "old", "old", 60, "superseded by a fixed image");
    const CliResult r = Sync();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("revoked " + id), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("deprecated"), std::string::npos) << r.out;
    EXPECT_EQ(glance_.Get(glance_id)->status, "deactivated");
    const CliResult removed = Sync({"--on-revoked=delete"});
    ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
    EXPECT_TRUE(Images().empty());
}

TEST_F(SiteSyncTest, AGlanceImageMadeBySomeoneElseIsLeftAlone) {
    const std::string id = Publish("alice", "theirs", "theirs");
    // Someone else's image, even one naming the same Marketplace image.
    client::GlanceImageCreate theirs;
    theirs.name = "site's own image";
    theirs.disk_format = "raw";
    theirs.properties = {{"vmcatcher_event_dc_identifier", id},
                         {"marketplace_endpoint", endpoint_}};
    auto other = glance_.Create(theirs);
    ASSERT_TRUE(other.ok()) << other.status().message();
    foreign_.push_back(other->id);
    WriteFile(dir_ / "site.policy", "endorser.allow = nobody@example.org\n");
    const CliResult r = Sync({"--on-revoked=delete"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto still = glance_.Get(other->id);
    ASSERT_TRUE(still.ok()) << still.status().message();
    EXPECT_EQ(still->status, "queued");
}

TEST_F(SiteSyncTest, BadOptionsAreUsageErrorsNamingTheOption) {
    const CliResult no_glance = RunCli({"--endpoint", endpoint_, "site-sync", "--once"}, Env());
    EXPECT_EQ(no_glance.exit_code, 2);
    EXPECT_NE(no_glance.err.find("--glance URL is required"), std::string::npos) << no_glance.err;
    const CliResult bad_mode = Sync({"--on-revoked=shred"});
    EXPECT_EQ(bad_mode.exit_code, 2);
    EXPECT_NE(bad_mode.err.find("--on-revoked 'shred'"), std::string::npos) << bad_mode.err;
}

TEST_F(SiteSyncTest, AnUnreachableGlanceExitsThree) {
    Publish("alice", "nowhere", "nowhere");
    const CliResult r =
        RunCli({"--endpoint", endpoint_, "site-sync", "--once", "--glance", "http://127.0.0.1:1",
                "--policy", (dir_ / "site.policy").string(), "--cache", (dir_ / "cache").string()},
               Env());
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
}

// kill -9 while the bytes go to Glance, then a normal run: one active image,
// nothing half-uploaded left.
TEST_F(SiteSyncTest, AKillDuringTheUploadLeavesNoDuplicateAndNoHalfImageAfterTheNextRun) {
    const std::string image(1 << 20, 'k');
    const std::string id = Publish("alice", image, image);
    std::vector<std::string> args = SyncArgs({"--max-upload-rate", "65536"});
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        setenv("MARKETPLACE_TRUST_DIR", (TestPki() / "ca").c_str(), 1);
        setenv("MARKETPLACE_ENDORSERS_FILE", (TestPki() / "endorsers").c_str(), 1);
        std::string binary = CliBinary().string();
        std::vector<char*> argv{binary.data()};
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int null = ::open((dir_ / "child.log").c_str(), O_WRONLY | O_CREAT, 0600);
        dup2(null, 1);
        dup2(null, 2);
        execv(argv[0], argv.data());
        _exit(127);
    }
    // Wait (with a deadline) until Glance shows the upload under way.
    bool uploading = false;
    std::string seen;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
         !uploading && std::chrono::steady_clock::now() < deadline;) {
        int early = 0;
        if (waitpid(child, &early, WNOHANG) == child) {
            FAIL() << "site-sync ended before it was killed: " << ReadFile(dir_ / "child.log");
        }
        for (const auto& g : Images()) {
            uploading = uploading || g.status == "saving";
            if (!seen.ends_with(g.status + " ")) seen += g.status + " ";
        }
        if (!uploading) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(uploading) << "the upload never showed as saving; seen: " << seen
                           << "; site-sync said: " << ReadFile(dir_ / "child.log");
    const CliResult r = Sync();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cleaned up"), std::string::npos) << r.out;
    const auto held = Images();
    ASSERT_EQ(held.size(), 1u);
    EXPECT_EQ(held[0].status, "active");
    EXPECT_EQ(Bytes(held[0].id), image);
}

}  // namespace
}  // namespace mkt::testing
