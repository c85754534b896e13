// marketplace: the command-line tool of the Marketplace.
//
//   marketplace [global options] COMMAND [args]
//
// Global options come before the sub-command; settings merge defaults <- client
// configuration file <- MARKETPLACE_* environment <- global options
// (cli/client_config.hpp, docs/cli.md). Exit codes: cli/command.hpp.
// Libraries are initialised once, in server/main.cpp's order: the Raptor world
// pool first (its teardown calls xmlCleanupParser()), then libxml2/xmlsec, then
// libcurl.
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/commands/commands.hpp"
#include "client/http_client.hpp"
#include "registry/redland/world.hpp"
#include "registry/xmlsec/library.hpp"

#ifndef MKT_VERSION
#define MKT_VERSION "unknown"
#endif

extern char** environ;

namespace {

using mkt::cli::Command;

constexpr Command kCommands[] = {
    {"build", "write the metadata document of an image (checksums of the uncompressed bytes)",
     &mkt::cli::RunBuild},
    {"sign", "endorse and sign a metadata document (PKCS#12 or PEM credential)",
     &mkt::cli::RunSign},
    {"validate", "check documents with the server's rules (Valid: FILE / Invalid: FILE)",
     &mkt::cli::RunValidate},
    {"upload", "upload signed documents; prints each entry's URL", &mkt::cli::RunUpload},
    {"deprecate", "mark your latest entry for an image deprecated (signs and uploads)",
     &mkt::cli::RunDeprecate},
    {"get", "download an entry's signed document, or an image's latest entries", &mkt::cli::RunGet},
    {"search", "list entries with the listing filters (table, tab-separated or JSON)",
     &mkt::cli::RunSearch},
    {"identifier", "convert between an image's SHA-1 and its identifier", &mkt::cli::RunIdentifier},
    {"occi-link", "the URL of the storage resource holding an image at an OCCI provider",
     &mkt::cli::RunOcciLink},
    {"policy", "check an image against the site policy; prints the chosen entry's URL",
     &mkt::cli::RunPolicy},
    {"download", "download an allowed image, verify every checksum, cache it",
     &mkt::cli::RunDownload},
    {"query", "run a SPARQL query at the server's /query endpoint (table or raw results)",
     &mkt::cli::RunQuery},
    {"site-sync", "keep the site's OpenStack Glance in step with the images the policy allows",
     &mkt::cli::RunSiteSync},
};

const mkt::cli::ArgParser& GlobalParser() {
    static const mkt::cli::ArgParser parser(
        "[global options] COMMAND [args]",
        "Signed virtual-machine image metadata: build, sign, validate, upload and find\n"
        "entries of a Marketplace.",
        {
            {"config", "FILE", "client configuration (default ~/.config/marketplace/client.conf)"},
            {"endpoint", "URL", "the Marketplace (default http://127.0.0.1:8204)"},
            {"ca-file", "FILE", "CA bundle to verify the server's TLS certificate"},
            {"insecure", "", "do not verify the server's TLS certificate (warns)"},
            {"quiet", "", "no notes, only results and errors", false, 'q'},
            {"verbose", "", "more detail on stderr", false, 'v'},
            {"version", "", "print the version and exit"},
        });
    return parser;
}

std::string TopLevelHelp() {
    std::string help = GlobalParser().Help();
    help += "\ncommands:\n";
    for (const Command& c : kCommands) {
        std::string name = std::string("  ") + c.name;
        name.resize(14, ' ');
        help += name + c.summary + "\n";
    }
    help +=
        "\nRun 'marketplace COMMAND --help' for a command's arguments and options.\n"
        "Exit codes: 0 success, 1 rejected or invalid (validate: the number of invalid files),\n"
        "2 usage error, 3 I/O or network failure. See docs/cli.md.\n";
    return help;
}

const Command* FindCommand(const std::string& name) {
    for (const Command& c : kCommands) {
        if (name == c.name) return &c;
    }
    return nullptr;
}

std::map<std::string, std::string> Environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const char* eq = std::strchr(*e, '=');
        if (eq) env.emplace(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
    }
    return env;
}

int UsageError(const std::string& message) {
    std::cerr << "marketplace: " << message << "\n(see 'marketplace --help')\n";
    return mkt::cli::kExitUsage;
}

// The configuration merged with the global options; nullopt after an error
// (printed, with `exit_code` set).
std::optional<mkt::cli::ClientConfig> LoadConfig(const mkt::cli::ParsedArgs& globals,
                                                 int& exit_code) {
    auto config = mkt::cli::LoadClientConfig(globals.Get("config"), Environment());
    if (!config.ok()) {
        std::cerr << "marketplace: configuration: " << config.status().message() << "\n";
        exit_code = mkt::cli::kExitUsage;
        return std::nullopt;
    }
    if (auto endpoint = globals.Get("endpoint")) {
        if (!endpoint->starts_with("http://") && !endpoint->starts_with("https://")) {
            exit_code =
                UsageError("--endpoint '" + *endpoint + "' is not an http:// or https:// URL");
            return std::nullopt;
        }
        config->endpoint = *endpoint;
        while (config->endpoint.ends_with('/')) config->endpoint.pop_back();
    }
    if (auto ca_file = globals.Get("ca-file")) config->ca_file = *ca_file;
    if (globals.Has("insecure")) config->verify_tls = false;
    return std::move(config).value();
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    std::vector<std::string> rest;
    auto globals = GlobalParser().ParseUntilPositional(args, rest);
    if (!globals.ok()) return UsageError(globals.status().message());
    if (mkt::cli::ArgParser::WantsHelp(*globals)) {
        std::cout << TopLevelHelp();
        return mkt::cli::kExitOk;
    }
    if (globals->Has("version")) {
        std::cout << "marketplace " << MKT_VERSION << "\n";
        return mkt::cli::kExitOk;
    }
    if (rest.empty()) return UsageError("no command given");
    const Command* command = FindCommand(rest[0]);
    if (!command) return UsageError("unknown command '" + rest[0] + "'");

    int exit_code = 0;
    auto config = LoadConfig(*globals, exit_code);
    if (!config) return exit_code;
    if (!config->verify_tls) {
        std::cerr << "marketplace: warning: TLS certificate verification is off: the server's "
                     "identity is not checked\n";
    }

    // Raptor first, destroyed last (see world.hpp); then libxml2/xmlsec; then libcurl.
    auto rdf_world = mkt::redland::World::Create();
    if (!rdf_world.ok()) {
        std::cerr << "marketplace: " << rdf_world.status().message() << "\n";
        return mkt::cli::kExitIo;
    }
    mkt::xmlsec::XmlSecLibrary xmlsec_library;
    if (!xmlsec_library.ok()) {
        std::cerr << "marketplace: " << xmlsec_library.status().message() << "\n";
        return mkt::cli::kExitIo;
    }
    mkt::client::CurlGlobal curl;

    mkt::cli::CommandContext ctx{*config, std::cout, std::cerr};
    ctx.out_is_terminal = isatty(STDOUT_FILENO) == 1;
    ctx.err_is_terminal = isatty(STDERR_FILENO) == 1;
    ctx.quiet = globals->Has("quiet");
    ctx.verbose = globals->Has("verbose");
    ctx.rdf_world = rdf_world->get();
    const std::vector<std::string> command_args(rest.begin() + 1, rest.end());
    const int code = command->run(command_args, ctx);
    std::cout.flush();
    return code;
}
