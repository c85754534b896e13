// The acceptance flow of the command-line tool, two real binaries talking over
// loopback: marketplace-server (SQLite, strict trust with the test PKI) and
// marketplace: build -> sign -> validate -> upload -> get (same bytes) ->
// search finds it -> deprecate -> the default search hides it, and
// status=deprecated shows it with the reason.
#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include <gtest/gtest.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string Sha1Hex(const std::string& bytes) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    std::string hex;
    for (unsigned char c : digest) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
    }
    return hex;
}

class CliFlowTest : public ::testing::Test {
  protected:
    std::string Pki(const std::string& name) const { return (TestPki() / name).string(); }
    std::string Path(const std::string& name) const { return (dir_ / name).string(); }

    // `marketplace --endpoint <server> args...`, with alice's PKCS#12 password
    // in the environment (as a user would export it).
    CliResult Cli(std::vector<std::string> args) {
        std::string endpoint = server_.url();
        endpoint.pop_back();
        args.insert(args.begin(), {"--endpoint", endpoint});
        return RunCli(args, {.env = {{"MARKETPLACE_P12_PASSWORD", ReadFile(Pki("p12-password"))},
                                     {"MARKETPLACE_P12", Pki("alice.p12")}}});
    }

    TempDir dir_;
    ServerProcess server_{
        dir_.path(),
        {"http.access_log=off", "store.sqlite.path=" + Path("marketplace.db"), "trust.mode=strict",
         "trust.ca_dir=" + Pki("ca"), "trust.endorsers_file=" + Pki("endorsers")}};
};

TEST_F(CliFlowTest, BuildSignValidateUploadGetSearchDeprecate) {
    std::string image;
    for (int i = 0; i < 100000; ++i) image += static_cast<char>((i * 7919) % 251);
    WriteFile(Path("flow.img"), image);
    const std::string id = RunCli({"identifier", Sha1Hex(image)}).out.substr(0, 27);

    // build
    const CliResult built =
        Cli({"build", Path("flow.img"), "--os", "Debian", "--os-version", "12", "--os-arch",
             "x86_64", "--title", "Flow test image", "--location",
             "https://images.example.org/flow.img", "--quiet", "-o", Path("flow.xml")});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    EXPECT_TRUE(Contains(ReadFile(Path("flow.xml")), "<dcterms:identifier>" + id + "<"));

    // sign (credential and password from the environment)
    const CliResult signed_ = Cli({"sign", Path("flow.xml")});
    ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
    const std::string document = ReadFile(Path("flow.xml"));

    // validate, strictly
    const CliResult valid = Cli({"validate", "--trust-dir", Pki("ca"), Path("flow.xml")});
    ASSERT_EQ(valid.exit_code, 0) << valid.err;
    EXPECT_EQ(valid.out, "Valid: " + Path("flow.xml") + "\n");

    // upload
    const CliResult uploaded = Cli({"upload", Path("flow.xml")});
    ASSERT_EQ(uploaded.exit_code, 0) << uploaded.err;
    const std::string url = uploaded.out.substr(0, uploaded.out.size() - 1);
    EXPECT_TRUE(Contains(url, "/metadata/" + id + "/alice@example.org/")) << url;

    // get: the same bytes, by URL and by reference
    const CliResult got = Cli({"get", url});
    ASSERT_EQ(got.exit_code, 0) << got.err;
    EXPECT_EQ(got.out, document);
    const CliResult latest = Cli({"get", id + "/alice@example.org"});
    EXPECT_EQ(latest.out, document);

    // search finds it
    const CliResult found = Cli({"search", "--os", "debian", "flow"});
    ASSERT_EQ(found.exit_code, 0) << found.err;
    EXPECT_TRUE(Contains(found.out, id + "\talice@example.org\t")) << found.out;
    EXPECT_TRUE(Contains(found.out, "\tvalid\tDebian\t12\tx86_64\tFlow test image\t\n"))
        << found.out;

    // deprecate
    const CliResult deprecated = Cli({"deprecate", id, "--reason", "replaced by flow-2"});
    ASSERT_EQ(deprecated.exit_code, 0) << deprecated.err;
    const std::string new_url = deprecated.out.substr(0, deprecated.out.size() - 1);
    EXPECT_NE(new_url, url);

    // the default search hides it; status=deprecated shows it with the reason
    const CliResult hidden = Cli({"search", "--identifier", id});
    ASSERT_EQ(hidden.exit_code, 0) << hidden.err;
    EXPECT_EQ(hidden.out, "");
    const CliResult shown = Cli({"search", "--identifier", id, "--status", "deprecated"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_TRUE(Contains(shown.out, "\tdeprecated\t")) << shown.out;
    EXPECT_TRUE(shown.out.ends_with("\treplaced by flow-2\n")) << shown.out;
    const auto json = nlohmann::json::parse(
        Cli({"search", "--identifier", id, "--status", "deprecated", "--json"}).out);
    ASSERT_EQ(json["count"], 1);
    EXPECT_EQ(json["entries"][0]["deprecated"], "replaced by flow-2");
    EXPECT_EQ(json["entries"][0]["url"], new_url);

    // The deprecated entry is itself a valid signed document.
    const CliResult fetched = Cli({"get", new_url, "-o", Path("deprecated.xml")});
    ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
    const CliResult revalidated =
        Cli({"validate", "--trust-dir", Pki("ca"), Path("deprecated.xml")});
    EXPECT_EQ(revalidated.exit_code, 0) << revalidated.err;
    // The old entry stays reachable, unchanged.
    EXPECT_EQ(Cli({"get", url}).out, document);
}

}  // namespace
}  // namespace mkt::testing
