// marketplace validate FILE...: the server's acceptance rules, locally.
//
// One implementation: each document goes through Registry::Submit, the
// server's own pipeline (safe parse, structure and StratusLab constraints, RDF
// check with Raptor, signature and trust), into a throwaway in-memory store, as
// an entry replicated from a peer (re-verified, not windowed in time: a
// document signed last year is still valid if its signer is). Trust: strict
// (chain to a CA of --trust-dir, validity dates, CRLs, email binding) with a
// trust directory, else compat (signature and the certificate's agreement with
// the endorsement only; StratusLab's check), and the output says which.
//
// Output, as stratus-validate-metadata: "Valid: FILE" on stdout, or
// "Invalid: FILE" and the reason on the next line on stderr. Exit code: the
// number of files that are not valid (unreadable ones included), at most 125.
#include <algorithm>
#include <memory>
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/files.hpp"
#include "registry/clock.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/registry.hpp"
#include "registry/store/memory_store.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "validate";
constexpr int kMaxExitCode = 125;

const ArgParser& Parser() {
    static const ArgParser parser(
        "validate FILE... [options]",
        "Checks signed metadata documents with the server's rules: parsing, structure and\n"
        "StratusLab constraints, RDF, signature and signer binding; with a trust directory\n"
        "also the certificate chain, validity dates and CRLs (strict mode), else compat mode.\n"
        "Prints 'Valid: FILE' or 'Invalid: FILE' and the reason; the exit code is the number\n"
        "of invalid files. FILE '-' reads stdin.",
        {
            {"trust-dir", "DIR", "CA directory (OpenSSL hashed form, with CRLs): strict mode"},
            {"endorsers", "FILE", "endorser list binding emails to certificate subjects"},
            {"compat", "", "compat mode even if the configuration names a trust_dir"},
            {"at", "TIME", "validate at this time (yyyy-MM-ddTHH:mm:ssZ) instead of now"},
        });
    return parser;
}

// The verifier of the chosen mode (and the trust store it needs).
struct Trust {
    std::unique_ptr<xmlsec::TrustStore> store;
    std::unique_ptr<xmlsec::XmldsigVerifier> verifier;
};

Result<Trust> MakeTrust(const ParsedArgs& args, const ClientConfig& config) {
    Trust trust;
    std::string dir = args.GetOr("trust-dir", args.Has("compat") ? "" : config.trust_dir);
    if (dir.empty()) {
        trust.verifier = std::make_unique<xmlsec::XmldsigVerifier>(
            xmlsec::VerifierOptions{TrustMode::kCompat, nullptr});
        return trust;
    }
    xmlsec::TrustStoreOptions options;
    options.ca_dir = dir;
    options.endorsers_file = args.GetOr("endorsers", config.endorsers_file);
    MKT_ASSIGN_OR_RETURN(trust.store, xmlsec::TrustStore::Open(options));
    trust.verifier = std::make_unique<xmlsec::XmldsigVerifier>(
        xmlsec::VerifierOptions{TrustMode::kStrict, trust.store.get()});
    return trust;
}

// Registry::Submit into an empty store: the server's rules, nothing kept.
Result<SubmitResult> Check(const std::string& document, const xmlsec::XmldsigVerifier& verifier,
                           const redland::World& world, const Clock& clock) {
    const xmlsec::XmlMetadataParser parser;
    const redland::RaptorRdfChecker rdf(world);
    store::MemoryEntryStore store;
    Registry registry(RegistryOptions{}, parser, rdf, verifier, store, clock);
    return registry.Submit(document, SubmitOrigin::kReplication);
}

void PrintSigner(CommandContext& ctx, const SignerInfo& s) {
    ctx.err << "  signer " << s.subject << " (issuer " << s.issuer << "; trust "
            << TrustModeName(s.trust_mode) << ", email bound by " << s.email_binding << ")\n";
}

}  // namespace

int RunValidate(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().empty()) return UsageError(ctx, kName, "expected at least one FILE");
    if (parsed.Has("compat") && parsed.Has("trust-dir")) {
        return UsageError(ctx, kName, "give either --compat or --trust-dir, not both");
    }
    if (parsed.Has("endorsers") && !parsed.Has("trust-dir") && ctx.config.trust_dir.empty()) {
        return UsageError(ctx, kName, "--endorsers needs --trust-dir (strict mode)");
    }
    ManualClock clock(SystemClock().Now());
    if (auto at = parsed.Get("at")) {
        auto t = Timestamp::Parse(*at);
        if (!t.ok()) return UsageError(ctx, kName, "--at: " + t.status().message());
        clock.Set(*t);
    }
    auto trust = MakeTrust(parsed, ctx.config);
    if (!trust.ok()) return UsageError(ctx, kName, trust.status().message());
    if (!ctx.rdf_world) return Fail(ctx, kName, Status::Internal("no Raptor world"));
    if (!trust->store && !ctx.quiet) {
        ctx.err << "validate: compat mode: signature and endorser binding only; no certificate "
                   "chain, validity dates or CRLs (give --trust-dir DIR for strict checks)\n";
    }

    int invalid = 0;
    for (const std::string& file : parsed.positional()) {
        auto document = ReadInput(file);
        auto result = document.ok() ? Check(*document, *trust->verifier, *ctx.rdf_world, clock)
                                    : Result<SubmitResult>(document.status());
        if (result.ok()) {
            ctx.out << "Valid: " << file << "\n";
            if (ctx.verbose) PrintSigner(ctx, result->entry.signer);
        } else {
            ++invalid;
            ctx.out.flush();
            ctx.err << "Invalid: " << file << "\n" << result.status().message() << "\n";
        }
    }
    ctx.out.flush();
    return std::min(invalid, kMaxExitCode);
}

}  // namespace mkt::cli
