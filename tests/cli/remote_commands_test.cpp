// The commands that talk to a Marketplace (upload, get, search, deprecate),
// run as the real binary against the real server on loopback (TestServer:
// SQLite, strict trust with the test PKI and its endorser list).
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A loopback port nobody listens on (bound, then released).
uint16_t UnusedPort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

class RemoteCommandsTest : public ::testing::Test {
  protected:
    std::string Pki(const std::string& name) const { return (TestPki() / name).string(); }
    std::string Endpoint() const {
        std::string url = server_.url();
        url.pop_back();  // no trailing slash
        return url;
    }

    // `marketplace --endpoint <server> args...`
    CliResult Cli(std::vector<std::string> args, CliOptions options = {}) {
        args.insert(args.begin(), {"--endpoint", Endpoint()});
        return RunCli(args, options);
    }

    std::string Write(const std::string& name, const std::string& bytes) {
        WriteFile(dir_ / name, bytes);
        return (dir_ / name).string();
    }

    // A signed document uploaded directly (not through the tool).
    EntryKey Stored(const std::string& who, const DocumentSpec& spec, Timestamp created) {
        auto r = server_.Upload(SignedDocument(who, spec, created));
        EXPECT_EQ(r.status, 201) << r.body;
        return {IdentifierOf(spec.image), EmailOf(who), created};
    }

    std::vector<std::string> AliceP12() const {
        return {"--p12", Pki("alice.p12"), "--p12-password-file", Pki("p12-password")};
    }

    TestServer server_;
    const Timestamp now_ = server_.clock().Now();
    TempDir dir_;
};

TEST_F(RemoteCommandsTest, UploadPrintsTheEntryUrlForNewAndUnchangedDocuments) {
    const std::string file = Write("a.xml", SignedDocument("alice", {.image = "up"}, now_));
    const std::string url =
        server_.url("metadata/" + IdentifierOf("up") + "/alice@example.org/" + now_.ToString());
    const CliResult first = Cli({"upload", file});
    EXPECT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(first.out, url + "\n");
    EXPECT_TRUE(first.err.empty()) << first.err;
    const CliResult again = Cli({"upload", file});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out, url + "\n");
    EXPECT_EQ(again.err, file + ": unchanged (the server already holds this very document)\n");
    EXPECT_EQ(server_.registry().Stats()->entries, 1u);
}

TEST_F(RemoteCommandsTest, ARefusedUploadPrintsTheServersReasonExitsOneAndGoesOn) {
    Stored("alice", {.image = "series"}, now_);
    const std::string older =
        Write("older.xml", SignedDocument("alice", {.image = "series"}, now_ - 60));
    const std::string good = Write("good.xml", SignedDocument("alice", {.image = "other"}, now_));
    const CliResult r = Cli({"upload", older, good});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "marketplace upload: " + older +
                                    ": server refused the upload (HTTP 400): older than latest "
                                    "entry: this endorser's latest entry for " +
                                    IdentifierOf("series")))
        << r.err;
    EXPECT_TRUE(Contains(r.out, "/metadata/" + IdentifierOf("other") + "/")) << r.out;
    EXPECT_EQ(server_.registry().Stats()->entries, 2u);
}

TEST_F(RemoteCommandsTest, AnUntrustedSignerIsRefusedWith403) {
    const std::string file = Write("m.xml", SignedDocument("mallory", {.image = "m"}, now_));
    const CliResult r = Cli({"upload", file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "(HTTP 403): certificate")) << r.err;
}

TEST_F(RemoteCommandsTest, AServerThatIsDownExitsThree) {
    const std::string file = Write("a.xml", SignedDocument("alice", {.image = "down"}, now_));
    const std::string nowhere = "http://127.0.0.1:" + std::to_string(UnusedPort());
    const CliResult up = RunCli({"--endpoint", nowhere, "upload", file, file});
    EXPECT_EQ(up.exit_code, 3);
    EXPECT_EQ(up.err, "marketplace upload: " + file + ": cannot reach " + nowhere +
                          "/metadata: Couldn't connect to server\n");
    const CliResult search = RunCli({"search"}, {.env = {{"MARKETPLACE_ENDPOINT", nowhere}}});
    EXPECT_EQ(search.exit_code, 3);
    EXPECT_TRUE(Contains(search.err, "cannot reach " + nowhere)) << search.err;
}

TEST_F(RemoteCommandsTest, TheEndpointOptionOverridesTheEnvironment) {
    Stored("alice", {.image = "env"}, now_);
    const std::string nowhere = "http://127.0.0.1:" + std::to_string(UnusedPort());
    const CliResult r = Cli({"search"}, {.env = {{"MARKETPLACE_ENDPOINT", nowhere}}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, IdentifierOf("env"))) << r.out;
}

TEST_F(RemoteCommandsTest, AMissingFileToUploadIsAnIoError) {
    const std::string missing = (dir_ / "missing.xml").string();
    const CliResult r = Cli({"upload", missing});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err,
              "marketplace upload: cannot read " + missing + ": No such file or directory\n");
}

TEST_F(RemoteCommandsTest, GetReturnsTheSignedBytesOfAnEntry) {
    const std::string doc = SignedDocument("alice", {.image = "get"}, now_);
    ASSERT_EQ(server_.Upload(doc).status, 201);
    const std::string ref = IdentifierOf("get") + "/alice@example.org/" + now_.ToString();
    const CliResult r = Cli({"get", ref});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, doc);
    const std::string out = (dir_ / "entry.xml").string();
    ASSERT_EQ(Cli({"get", ref, "-o", out}).exit_code, 0);
    EXPECT_EQ(ReadFile(out), doc);
    // The URL `upload` prints works as well, even percent-encoded.
    const CliResult by_url =
        RunCli({"get", server_.url("metadata/" + IdentifierOf("get") + "/alice%40example.org/" +
                                   now_.ToString())});
    EXPECT_EQ(by_url.exit_code, 0) << by_url.err;
    EXPECT_EQ(by_url.out, doc);
}

TEST_F(RemoteCommandsTest, GetJsonGivesTheEntryView) {
    const EntryKey key = Stored("alice", {.image = "json", .title = "JSON view"}, now_);
    const CliResult r = Cli({"get", "--json", key.ToPath()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["identifier"], key.identifier);
    EXPECT_EQ(j["title"], "JSON view");
    EXPECT_EQ(j["signature"]["trust_mode"], "strict");
}

TEST_F(RemoteCommandsTest, GetOfAMissingEntryExitsOneWithTheServersMessage) {
    const std::string ref = IdentifierOf("none") + "/alice@example.org/" + now_.ToString();
    const CliResult r = Cli({"get", ref});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(
        r.err, "marketplace get: cannot get " + Endpoint() + "/metadata/" + ref + " (HTTP 404): "))
        << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(RemoteCommandsTest, GetOfAnEndorserGivesItsLatestEntryWhateverItsStatus) {
    Stored("alice", {.image = "latest"}, now_ - 10);
    const std::string newest =
        SignedDocument("alice", {.image = "latest", .deprecated = "old"}, now_);
    ASSERT_EQ(server_.Upload(newest).status, 201);
    const CliResult r = Cli({"get", IdentifierOf("latest") + "/alice@example.org"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, newest);
    EXPECT_TRUE(Contains(r.err, "is deprecated (old)")) << r.err;
    const CliResult none = Cli({"get", IdentifierOf("latest") + "/bob@example.org"});
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_TRUE(Contains(none.err, "bob@example.org has no entry for image")) << none.err;
}

TEST_F(RemoteCommandsTest, GetOfAnImageGivesTheXmlListingOfItsEndorsers) {
    const std::string by_alice = SignedDocument("alice", {.image = "image"}, now_);
    const std::string by_carol = SignedDocument("carol", {.image = "image"}, now_);
    ASSERT_EQ(server_.Upload(by_alice).status, 201);
    ASSERT_EQ(server_.Upload(by_carol).status, 201);
    const CliResult xml = Cli({"get", IdentifierOf("image")});
    EXPECT_EQ(xml.exit_code, 0) << xml.err;
    EXPECT_TRUE(Contains(xml.out, "<metadata total=\"2\" count=\"2\"")) << xml.out;
    EXPECT_TRUE(Contains(xml.out, "carol@example.org"));
    const CliResult json = Cli({"get", "--json", IdentifierOf("image")});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    EXPECT_EQ(nlohmann::json::parse(json.out)["entries"].size(), 2u);
}

TEST_F(RemoteCommandsTest, SearchPrintsTabSeparatedLinesWhenNotOnATerminal) {
    Stored("alice", {.image = "s1", .os = "debian", .os_version = "12", .title = "Bookworm"},
           now_ - 2);
    Stored("carol", {.image = "s2", .os = "ubuntu", .title = "Noble"}, now_ - 1);
    const CliResult r = Cli({"search", "--os", "Debian"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, IdentifierOf("s1") + "\talice@example.org\t" + (now_ - 2).ToString() +
                         "\tvalid\tdebian\t12\tx86_64\tBookworm\t\n");
    const CliResult words = Cli({"search", "noble"});
    EXPECT_TRUE(Contains(words.out, IdentifierOf("s2"))) << words.out;
    EXPECT_FALSE(Contains(words.out, IdentifierOf("s1")));
}

TEST_F(RemoteCommandsTest, SearchAllFollowsThePages) {
    for (int i = 0; i < 5; ++i) Stored("alice", {.image = "page" + std::to_string(i)}, now_ - i);
    const CliResult one_page = Cli({"search", "--json", "--limit", "2"});
    ASSERT_EQ(one_page.exit_code, 0) << one_page.err;
    const auto page = nlohmann::json::parse(one_page.out);
    EXPECT_EQ(page["total"], 5);
    EXPECT_EQ(page["count"], 2);
    EXPECT_TRUE(page["next_cursor"].is_string());
    const CliResult all = Cli({"search", "--json", "--limit", "2", "--all"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    const auto every = nlohmann::json::parse(all.out);
    EXPECT_EQ(every["count"], 5);
    EXPECT_TRUE(every["next_cursor"].is_null());
    EXPECT_EQ(every["entries"][4]["identifier"], IdentifierOf("page4"));  // oldest last
}

TEST_F(RemoteCommandsTest, ABadFilterIsRefusedByTheServerNamingIt) {
    const CliResult r = Cli({"search", "--sort", "size"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "(HTTP 400): query parameter sort='size'")) << r.err;
}

TEST_F(RemoteCommandsTest, DeprecateFindsAnExpiredEntryAndShadowsIt) {
    const EntryKey old = Stored("alice", {.image = "exp", .valid = now_ - 60}, now_ - 120);
    std::vector<std::string> args = {"deprecate", old.identifier, "--reason", "superseded"};
    for (const auto& a : AliceP12()) args.push_back(a);
    const CliResult r = Cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, Endpoint() + "/metadata/" + old.identifier + "/alice@example.org/"))
        << r.out;
    const CliResult listed = Cli({"search", "--status", "deprecated", "--json"});
    const auto j = nlohmann::json::parse(listed.out);
    ASSERT_EQ(j["count"], 1) << listed.out;
    EXPECT_EQ(j["entries"][0]["deprecated"], "superseded");
    EXPECT_GT(j["entries"][0]["created"].get<std::string>(), old.created.ToString());
    EXPECT_EQ(server_.registry().Stats()->entries, 2u);
}

TEST_F(RemoteCommandsTest, DeprecatingTwiceReplacesTheReason) {
    const EntryKey key = Stored("alice", {.image = "twice"}, now_ - 30);
    std::vector<std::string> first = {"deprecate", key.identifier, "--reason", "first"};
    std::vector<std::string> second = {"deprecate", key.identifier, "--reason", "second"};
    for (const auto& a : AliceP12()) {
        first.push_back(a);
        second.push_back(a);
    }
    ASSERT_EQ(Cli(first).exit_code, 0);
    const CliResult r = Cli(second);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.err, "was already deprecated (first); replacing the reason")) << r.err;
    const CliResult got = Cli({"get", "--json", key.identifier + "/alice@example.org"});
    EXPECT_EQ(nlohmann::json::parse(got.out)["deprecated"], "second");
}

TEST_F(RemoteCommandsTest, DeprecateWithoutAnEntryIsNotFound) {
    std::vector<std::string> args = {"deprecate", IdentifierOf("nothing"), "--reason", "x"};
    for (const auto& a : AliceP12()) args.push_back(a);
    const CliResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "marketplace deprecate: alice@example.org has no entry for image " +
                         IdentifierOf("nothing") + " on " + Endpoint() + "\n");
}

TEST_F(RemoteCommandsTest, DeprecateNeedsAnEmailWhenTheCertificateHasNone) {
    const EntryKey key = Stored("bob", {.image = "bob"}, now_ - 30);
    const std::vector<std::string> bob = {
        "deprecate",    key.identifier,        "--reason",         "old", "--p12",
        Pki("bob.p12"), "--p12-password-file", Pki("p12-password")};
    const CliResult without = Cli(bob);
    EXPECT_EQ(without.exit_code, 2);
    EXPECT_TRUE(Contains(without.err, "the certificate has no email address: give --email"));
    std::vector<std::string> with = bob;
    with.insert(with.end(), {"--email", "bob@example.org"});
    const CliResult r = Cli(with);
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace mkt::testing
