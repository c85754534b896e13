// The `marketplace` binary's entry point: help, version, usage errors, global
// options, configuration errors, and `identifier` (which needs no server).
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

const char* const kCommands[] = {"build",     "sign", "validate", "upload",
                                 "deprecate", "get",  "search",   "identifier"};

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(CliMainTest, HelpListsEveryCommandWithItsSummary) {
    const CliResult r = RunCli({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("usage: marketplace [global options] COMMAND [args]\n", 0), 0u) << r.out;
    for (const char* command : kCommands) {
        EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string("\n  ") + command + " +\\w")))
            << command << " missing from\n"
            << r.out;
    }
    EXPECT_TRUE(Contains(r.out, "Exit codes: 0 success, 1 rejected or invalid")) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliMainTest, EveryCommandHasItsOwnHelp) {
    for (const char* command : kCommands) {
        const CliResult r = RunCli({command, "--help"});
        EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
        EXPECT_EQ(r.out.rfind(std::string("usage: marketplace ") + command, 0), 0u) << r.out;
        EXPECT_TRUE(Contains(r.out, "-h, --help")) << r.out;
    }
}

TEST(CliMainTest, VersionPrintsTheProjectVersion) {
    const CliResult r = RunCli({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(std::regex_match(r.out, std::regex("marketplace [0-9]+\\.[0-9]+\\.[0-9]+\n")))
        << r.out;
}

TEST(CliMainTest, NoCommandIsAUsageError) {
    const CliResult r = RunCli({});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "marketplace: no command given\n(see 'marketplace --help')\n");
}

TEST(CliMainTest, AnUnknownCommandIsAUsageErrorNamingIt) {
    const CliResult r = RunCli({"publish", "x.xml"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "marketplace: unknown command 'publish'\n(see 'marketplace --help')\n");
    EXPECT_TRUE(r.out.empty());
}

TEST(CliMainTest, UnknownOptionsAreUsageErrorsNamingThem) {
    const CliResult global = RunCli({"--endpont", "http://x", "search"});
    EXPECT_EQ(global.exit_code, 2);
    EXPECT_TRUE(Contains(global.err, "marketplace: unknown option --endpont")) << global.err;
    const CliResult local = RunCli({"upload", "--fast", "x.xml"});
    EXPECT_EQ(local.exit_code, 2);
    EXPECT_EQ(local.err,
              "marketplace upload: unknown option --fast\n(see 'marketplace upload --help')\n");
}

TEST(CliMainTest, MissingArgumentsAreUsageErrors) {
    const std::vector<std::vector<std::string>> cases = {
        {"sign"},
        {"sign", "a.xml", "b.xml"},
        {"validate"},
        {"upload"},
        {"get"},
        {"get", "not-an-identifier"},
        {"identifier"},
        {"deprecate", "MMZu9WvwKIro-rtBQfDk4PsKO7_"},
        {"sign", "a.xml"},  // no credential
        {"search", "--limit", "ten"},
        {"validate", "--at", "yesterday", "a.xml"},
        {"sign", "a.xml", "--p12", "x.p12", "--profile", "dsa-sha1"},
    };
    for (const auto& args : cases) {
        const CliResult r = RunCli(args);
        EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
        EXPECT_TRUE(Contains(r.err, "marketplace " + args[0] + ": ")) << r.err;
        EXPECT_TRUE(Contains(r.err, "(see 'marketplace " + args[0] + " --help')")) << r.err;
    }
}

TEST(CliMainTest, UsageErrorsSayWhatIsMissing) {
    EXPECT_TRUE(Contains(RunCli({"sign", "a.xml"}).err, "no signing credential: give --p12 FILE"));
    EXPECT_TRUE(Contains(RunCli({"deprecate", "MMZu9WvwKIro-rtBQfDk4PsKO7_"}).err,
                         "--reason TEXT is required"));
    EXPECT_TRUE(Contains(RunCli({"get", "xyz"}).err, "invalid identifier"));
    EXPECT_TRUE(Contains(RunCli({"sign", "a.xml", "--p12", "x.p12", "--profile", "dsa"}).err,
                         "--profile: unknown signature profile 'dsa'"));
}

TEST(CliMainTest, ABadConfigurationFileIsAUsageErrorNamingFileAndLine) {
    TempDir dir;
    const auto file = dir / "client.conf";
    WriteFile(file, "endpoint = http://127.0.0.1:1\nendpiont = x\n");
    const CliResult r = RunCli({"--config", file.string(), "search"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(
        r.err, "marketplace: configuration: " + file.string() + ":2: unknown key 'endpiont'"))
        << r.err;
    const CliResult env = RunCli({"search"}, {.env = {{"MARKETPLACE_VERIFY_TLS", "perhaps"}}});
    EXPECT_EQ(env.exit_code, 2);
    EXPECT_TRUE(Contains(env.err, "environment MARKETPLACE_VERIFY_TLS: verify_tls 'perhaps'"))
        << env.err;
}

TEST(CliMainTest, InsecureWarnsThatTheServerIsNotVerified) {
    const CliResult r =
        RunCli({"--insecure", "identifier", "c319bbd5afc0a22ba3eaed0507c39383ec28eeff"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(Contains(r.err, "warning: TLS certificate verification is off")) << r.err;
    const CliResult quiet = RunCli({"identifier", "c319bbd5afc0a22ba3eaed0507c39383ec28eeff"});
    EXPECT_TRUE(quiet.err.empty()) << quiet.err;
}

TEST(CliMainTest, IdentifierConvertsBothWaysLikeTheVectors) {
    std::istringstream vectors(ReadFile(StratusLabFixtures() / "identifier-vectors.tsv"));
    int checked = 0;
    for (std::string line; std::getline(vectors, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string sha1, id;
        fields >> sha1 >> id;
        const CliResult to_id = RunCli({"identifier", sha1});
        EXPECT_EQ(to_id.exit_code, 0) << to_id.err;
        EXPECT_EQ(to_id.out, id + "\n") << sha1;
        if (sha1.size() == 40) {
            const CliResult to_sha1 = RunCli({"identifier", id});
            EXPECT_EQ(to_sha1.out, sha1 + "\n") << id;
        }
        ++checked;
    }
    EXPECT_GE(checked, 5);
}

TEST(CliMainTest, IdentifierRefusesWhatIsNeitherWithExit1) {
    const CliResult r = RunCli({"identifier", "not-hex"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "marketplace identifier: not-hex is not a valid SHA-1 checksum\n");
}

}  // namespace
}  // namespace mkt::testing
