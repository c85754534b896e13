// marketplace upload FILE...: POSTs signed documents to the Marketplace.
//
// Prints each entry's URL on stdout, for a new entry (201) and for a document
// the server already holds (200, "unchanged" on stderr). A refusal prints the
// server's reason and the next file is tried; an unreachable server stops at
// once. Exit code: 3 if a file could not be read or the server not reached,
// else 1 if the server refused one, else 0.
#include <algorithm>
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/files.hpp"
#include "cli/listing_output.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "upload";

const ArgParser& Parser() {
    static const ArgParser parser(
        "upload FILE... [options]",
        "Uploads signed metadata documents ('-': stdin) to the Marketplace and prints the\n"
        "URL of each entry. An identical re-upload is a success (the entry is unchanged).\n"
        "On a Marketplace that confirms e-mail addresses, the first uploads of an endorser\n"
        "are held until the link mailed to the address is opened: that is a success too,\n"
        "with no URL printed and the server's explanation on stderr.",
        {});
    return parser;
}

}  // namespace

int RunUpload(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().empty()) return UsageError(ctx, kName, "expected at least one FILE");
    client::MarketplaceClient client = MakeClient(ctx.config);
    int exit_code = kExitOk;
    for (const std::string& file : parsed.positional()) {
        auto document = ReadInput(file);
        if (!document.ok()) {
            Fail(ctx, kName, document.status());
            exit_code = kExitIo;
            continue;
        }
        auto uploaded = client.Upload(std::move(document).value());
        if (!uploaded.ok()) {
            const int code = Fail(ctx, kName, uploaded.status().WithPrefix(file + ": "));
            if (uploaded.status().code() == StatusCode::kUnavailable) return kExitIo;
            exit_code = std::max(exit_code, code);
            continue;
        }
        if (uploaded->held) {
            // Nothing is stored yet, so there is no URL to print.
            if (!ctx.quiet) ctx.err << file << ": held: " << uploaded->message << "\n";
            continue;
        }
        ctx.out << uploaded->url << "\n";
        ctx.out.flush();
        if (!uploaded->created && !ctx.quiet) {
            ctx.err << file << ": unchanged (the server already holds this very document)\n";
        } else if (ctx.verbose) {
            ctx.err << file << ": created entry " << uploaded->key.ToPath() << " (seq "
                    << uploaded->seq << ", " << uploaded->status << ", trust "
                    << uploaded->trust_mode << ")\n";
        }
    }
    return exit_code;
}

}  // namespace mkt::cli
