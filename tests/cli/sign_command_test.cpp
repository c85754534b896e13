// marketplace sign: credentials, password sources, profiles, outputs, and
// interoperability with the independent xmlsec1 tool.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "tests/cli/cli_runner.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

size_t Count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

class SignCommandTest : public ::testing::Test {
  protected:
    std::string Pki(const std::string& name) const { return (TestPki() / name).string(); }

    // A fresh unsigned document in the temporary directory.
    std::string Unsigned(const std::string& name, const DocumentSpec& spec = {}) {
        const auto path = dir_ / name;
        WriteFile(path, UnsignedDocument(spec, SystemClock().Now()));
        return path.string();
    }

    std::vector<std::string> AliceP12() const {
        return {"--p12", Pki("alice.p12"), "--p12-password-file", Pki("p12-password")};
    }

    CliResult Sign(const std::string& file, std::vector<std::string> options,
                   const CliOptions& cli = {}) {
        std::vector<std::string> args = {"sign", file};
        args.insert(args.end(), options.begin(), options.end());
        return RunCli(args, cli);
    }

    // `xmlsec1 --verify` against the test root CA; true when it prints OK.
    bool Xmlsec1Verifies(const std::string& file) const {
        const std::string command =
            "xmlsec1 --verify --trusted-pem " + Pki("ca.pem") + " " + file + " >/dev/null 2>&1";
        return std::system(command.c_str()) == 0;
    }

    std::optional<std::string> EndorserEmail(const std::string& document) const {
        auto parsed = xmlsec::XmlMetadataParser().ParseMetadata(document);
        if (!parsed.ok()) return std::nullopt;
        return (*parsed)->metadata().endorsement.email;
    }

    TempDir dir_;
};

TEST_F(SignCommandTest, SignsInPlaceWithRsaSha256AndXmlsec1Verifies) {
    const std::string file = Unsigned("a.xml");
    const CliResult r = Sign(file, AliceP12());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(Contains(r.err, "signed " + file + " as alice@example.org (rsa-sha256, created "))
        << r.err;
    const std::string signed_doc = ReadFile(file);
    EXPECT_TRUE(Contains(signed_doc, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
    EXPECT_EQ(EndorserEmail(signed_doc), "alice@example.org");
    EXPECT_TRUE(Xmlsec1Verifies(file));
    EXPECT_FALSE(std::filesystem::exists(file + ".orig"));
    // The independent tool notices a change of one byte.
    std::string tampered = signed_doc;
    tampered[tampered.find("An image for tests")] = 'a';
    WriteFile(dir_ / "tampered.xml", tampered);
    EXPECT_FALSE(Xmlsec1Verifies((dir_ / "tampered.xml").string()));
}

TEST_F(SignCommandTest, TheLegacyProfileIsStratusLabsAndXmlsec1VerifiesIt) {
    const std::string file = Unsigned("legacy.xml");
    std::vector<std::string> options = AliceP12();
    options.push_back("--legacy-sha1");
    const CliResult r = Sign(file, options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string signed_doc = ReadFile(file);
    EXPECT_TRUE(Contains(signed_doc, "http://www.w3.org/2000/09/xmldsig#rsa-sha1"));
    EXPECT_TRUE(
        Contains(signed_doc, "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"));
    EXPECT_TRUE(Xmlsec1Verifies(file));
    const CliResult by_name =
        Sign(Unsigned("legacy2.xml"), {"--profile", "legacy", "--p12", Pki("alice.p12"),
                                       "--p12-password-file", Pki("p12-password")});
    EXPECT_EQ(by_name.exit_code, 0) << by_name.err;
    EXPECT_TRUE(Contains(by_name.err, "(stratuslab, created")) << by_name.err;
}

TEST_F(SignCommandTest, EcKeysSignEcdsaSha256FromPemFiles) {
    const std::string file = Unsigned("ec.xml");
    const CliResult r = Sign(file, {"--key", Pki("erin.key"), "--cert", Pki("erin.pem")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(ReadFile(file), "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"));
    EXPECT_TRUE(Xmlsec1Verifies(file));
    const CliResult rsa_profile =
        Sign(Unsigned("ec2.xml"),
             {"--key", Pki("erin.key"), "--cert", Pki("erin.pem"), "--profile", "rsa-sha256"});
    EXPECT_EQ(rsa_profile.exit_code, 1);
    EXPECT_TRUE(Contains(rsa_profile.err, "rsa-sha256")) << rsa_profile.err;
}

TEST_F(SignCommandTest, ThePasswordMayComeFromTheEnvironment) {
    const std::string file = Unsigned("env.xml");
    const CliResult r =
        Sign(file, {"--p12", Pki("alice.p12")},
             {.env = {{"MARKETPLACE_P12_PASSWORD", ReadFile(Pki("p12-password"))}}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Xmlsec1Verifies(file));
}

TEST_F(SignCommandTest, ThePasswordPromptOnTheTerminalDoesNotEcho) {
    const std::string password = ReadFile(Pki("p12-password"));
    const std::string file = Unsigned("tty.xml");
    const CliResult r = Sign(file, {"--p12", Pki("alice.p12")}, {.terminal_answer = password});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.terminal, "Password for " + Pki("alice.p12") + ": ")) << r.terminal;
    EXPECT_FALSE(Contains(r.terminal, password)) << r.terminal;
    EXPECT_TRUE(Xmlsec1Verifies(file));
}

TEST_F(SignCommandTest, WithoutPasswordOrTerminalItSaysHowToGiveOne) {
    const CliResult r = Sign(Unsigned("none.xml"), {"--p12", Pki("alice.p12")});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "no terminal to ask for the password of " + Pki("alice.p12")))
        << r.err;
    EXPECT_TRUE(Contains(r.err, "--p12-password-file FILE or set MARKETPLACE_P12_PASSWORD"));
}

TEST_F(SignCommandTest, AWrongPasswordIsRefusedAndTheFileLeftAlone) {
    const std::string file = Unsigned("wrong.xml");
    const std::string before = ReadFile(file);
    WriteFile(dir_ / "bad-password", "not-the-password\n");
    const CliResult r = Sign(
        file, {"--p12", Pki("alice.p12"), "--p12-password-file", (dir_ / "bad-password").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "marketplace sign: " + Pki("alice.p12") + ": wrong password"))
        << r.err;
    EXPECT_EQ(ReadFile(file), before);
}

TEST_F(SignCommandTest, MissingFilesAreIoErrors) {
    const std::string missing = (dir_ / "missing.xml").string();
    const CliResult doc = Sign(missing, AliceP12());
    EXPECT_EQ(doc.exit_code, 3);
    EXPECT_EQ(doc.err,
              "marketplace sign: cannot read " + missing + ": No such file or directory\n");
    const CliResult p12 = Sign(Unsigned("p.xml"), {"--p12", (dir_ / "none.p12").string(),
                                                   "--p12-password-file", Pki("p12-password")});
    EXPECT_EQ(p12.exit_code, 3);
    EXPECT_TRUE(Contains(p12.err, "cannot read " + (dir_ / "none.p12").string())) << p12.err;
}

TEST_F(SignCommandTest, StdinIsSignedToStdout) {
    const std::string input = UnsignedDocument({.image = "stdin"}, SystemClock().Now());
    const CliResult r = Sign("-", AliceP12(), {.input = input});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "<Signature")) << r.out;
    WriteFile(dir_ / "from-stdout.xml", r.out);
    EXPECT_TRUE(Xmlsec1Verifies((dir_ / "from-stdout.xml").string()));
}

TEST_F(SignCommandTest, OutputLeavesTheInputUntouched) {
    const std::string file = Unsigned("in.xml");
    const std::string before = ReadFile(file);
    const std::string out = (dir_ / "out.xml").string();
    std::vector<std::string> options = AliceP12();
    options.insert(options.end(), {"-o", out});
    ASSERT_EQ(Sign(file, options).exit_code, 0);
    EXPECT_EQ(ReadFile(file), before);
    EXPECT_TRUE(Xmlsec1Verifies(out));
}

TEST_F(SignCommandTest, ResigningReplacesTheEndorsementAndTheSignature) {
    const std::string file = Unsigned("twice.xml");
    ASSERT_EQ(Sign(file, AliceP12()).exit_code, 0);
    const CliResult r =
        Sign(file, {"--p12", Pki("carol.p12"), "--p12-password-file", Pki("p12-password")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string doc = ReadFile(file);
    EXPECT_EQ(Count(doc, "</Signature>"), 1u);
    EXPECT_EQ(Count(doc, "endorsement"), 2u);  // one start tag, one end tag
    EXPECT_EQ(EndorserEmail(doc), "carol@example.org");
    EXPECT_FALSE(Contains(doc, "alice@example.org"));
    EXPECT_TRUE(Xmlsec1Verifies(file));
}

TEST_F(SignCommandTest, ACertificateWithoutEmailNeedsTheEmailOption) {
    const std::string file = Unsigned("bob.xml");
    const std::vector<std::string> bob = {"--p12", Pki("bob.p12"), "--p12-password-file",
                                          Pki("p12-password")};
    const CliResult without = Sign(file, bob);
    EXPECT_EQ(without.exit_code, 1);
    EXPECT_TRUE(Contains(without.err, "email address not in cert or not provided")) << without.err;
    std::vector<std::string> with = bob;
    with.insert(with.end(), {"--email", "bob@example.org"});
    const CliResult r = Sign(file, with);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(EndorserEmail(ReadFile(file)), "bob@example.org");
}

TEST_F(SignCommandTest, TheConfigurationFileSuppliesTheCredential) {
    const auto keys = dir_ / "keys";
    std::filesystem::create_directories(keys);
    std::filesystem::copy_file(Pki("bob.p12"), keys / "me.p12");
    std::filesystem::copy_file(Pki("p12-password"), keys / "password");
    WriteFile(dir_ / "client.conf",
              "p12 = keys/me.p12\np12_password_file = keys/password\nemail = bob@example.org\n"
              "profile = rsa-sha512\n");
    const std::string file = Unsigned("conf.xml");
    const CliResult r = RunCli({"--config", (dir_ / "client.conf").string(), "sign", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.err, "as bob@example.org (rsa-sha512,")) << r.err;
    EXPECT_TRUE(Xmlsec1Verifies(file));
}

TEST_F(SignCommandTest, ConflictingCredentialOptionsAreUsageErrors) {
    const std::string file = Unsigned("both.xml");
    const CliResult both = Sign(
        file, {"--p12", Pki("alice.p12"), "--key", Pki("alice.key"), "--cert", Pki("alice.pem")});
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_TRUE(Contains(both.err, "give either --p12 or --key and --cert, not both"));
    const CliResult half = Sign(file, {"--key", Pki("alice.key")});
    EXPECT_EQ(half.exit_code, 2);
    EXPECT_TRUE(Contains(half.err, "--key needs --cert"));
}

}  // namespace
}  // namespace mkt::testing
