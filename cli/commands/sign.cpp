// marketplace sign FILE: endorses and signs a metadata document.
//
// The endorsement (dcterms:created = now, the endorser's email, subject and
// issuer) is written from the credential and an enveloped signature appended
// (xmlsec::SignDocument); signing a signed document replaces both, as the
// original did. Unlike stratus-sign-metadata, FILE is replaced atomically and no
// FILE.orig is kept: signing again gives the same content, so nothing is lost.
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/files.hpp"
#include "cli/signing.hpp"
#include "registry/clock.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "sign";

const ArgParser& Parser() {
    static const ArgParser parser = [] {
        std::vector<OptionSpec> options = SigningOptionSpecs();
        options.push_back(
            {"output", "FILE", "write there ('-': stdout), FILE left as it is", false, 'o'});
        return ArgParser(
            "sign FILE [options]",
            "Endorses and signs the metadata document FILE ('-': stdin, written to stdout):\n"
            "fills slreq:endorsement (created now, email, subject, issuer) and appends an\n"
            "enveloped XML signature. A signed document is re-signed (both replaced). FILE is\n"
            "replaced atomically unless --output is given.",
            std::move(options));
    }();
    return parser;
}

}  // namespace

int RunSign(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().size() != 1) return UsageError(ctx, kName, "expected one FILE");
    if (auto problem = SigningUsageProblem(parsed, ctx.config)) {
        return UsageError(ctx, kName, *problem);
    }
    const std::string& input = parsed.positional()[0];
    const std::string output = parsed.GetOr("output", input);

    auto document = ReadInput(input);
    if (!document.ok()) return Fail(ctx, kName, document.status());
    auto signer = LoadSigner(parsed, ctx);
    if (!signer.ok()) return Fail(ctx, kName, signer.status());
    const Timestamp created = SystemClock().Now();
    auto signed_document = signer->Sign(*document, created);
    if (!signed_document.ok()) {
        return Fail(ctx, kName, signed_document.status().WithPrefix(input + ": "));
    }
    if (Status s = WriteOutput(output, *signed_document, ctx.out); !s.ok()) {
        return Fail(ctx, kName, s);
    }
    if (!ctx.quiet) {
        ctx.err << "signed " << (output == "-" ? "document" : output) << " as "
                << signer->EndorserEmail().value_or("?") << " ("
                << xmlsec::SignatureProfileName(signer->profile()) << ", created "
                << created.ToString() << ")\n";
    }
    return kExitOk;
}

}  // namespace mkt::cli
