// marketplace deprecate ID --reason TEXT: marks the endorser's latest entry for
// an image deprecated.
//
// Finds this endorser's latest entry for the image whatever its status (the
// listing with status=all: an expired or already deprecated entry is found
// too, unlike stratus-deprecate-metadata), downloads its signed bytes, sets
// slterms:deprecated to the reason (replacing an earlier one), signs with the
// configured credential and uploads the result, a new entry that now shadows
// the old one. The endorser is the credential's email (its certificate's email
// SAN, else --email / the configuration's email). The new endorsement is
// created now, or one second after the old one if the clocks would otherwise
// make it no newer.
#include <algorithm>
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/deprecation.hpp"
#include "cli/listing_output.hpp"
#include "cli/signing.hpp"
#include "registry/clock.hpp"
#include "registry/identifier.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "deprecate";

const ArgParser& Parser() {
    static const ArgParser parser = [] {
        std::vector<OptionSpec> options = {
            {"reason", "TEXT", "why the image should no longer be used (required)"}};
        for (auto& o : SigningOptionSpecs()) options.push_back(std::move(o));
        return ArgParser(
            "deprecate ID --reason TEXT [options]",
            "Marks your latest entry for image ID deprecated: downloads it (valid, expired or\n"
            "already deprecated), sets slterms:deprecated to TEXT, signs it with your credential\n"
            "and uploads it. Prints the new entry's URL. --email names the endorser when the\n"
            "certificate has no email.",
            std::move(options));
    }();
    return parser;
}

// The endorser's latest entry for the image, any status.
Result<client::ListedEntry> FindLatest(client::MarketplaceClient& client, const std::string& id,
                                       const std::string& email) {
    client::ListingQuery query;
    query.identifier = id;
    query.email = email;
    query.status = "all";
    query.limit = 1;
    MKT_ASSIGN_OR_RETURN(client::ListingPage page, client.List(query));
    if (page.entries.empty()) {
        return Status::NotFound(email + " has no entry for image " + id + " on " +
                                client.endpoint());
    }
    return std::move(page.entries.front());
}

Result<client::UploadResult> Deprecate(client::MarketplaceClient& client, const Signer& signer,
                                       const client::ListedEntry& latest,
                                       const std::string& reason) {
    MKT_ASSIGN_OR_RETURN(std::string document, client.GetDocument(latest.entry.key));
    MKT_ASSIGN_OR_RETURN(std::string edited, WithDeprecation(document, reason));
    const Timestamp created = std::max(SystemClock().Now(), latest.entry.key.created + 1);
    MKT_ASSIGN_OR_RETURN(std::string signed_document, signer.Sign(edited, created));
    return client.Upload(std::move(signed_document));
}

}  // namespace

int RunDeprecate(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().size() != 1) return UsageError(ctx, kName, "expected one image ID");
    const std::string& id = parsed.positional()[0];
    if (!identifier::IsValid(id)) {
        return UsageError(ctx, kName, identifier::ToSha1Hex(id).status().message());
    }
    const std::string reason = parsed.GetOr("reason", "");
    if (reason.empty()) return UsageError(ctx, kName, "--reason TEXT is required");
    if (auto problem = SigningUsageProblem(parsed, ctx.config)) {
        return UsageError(ctx, kName, *problem);
    }
    auto signer = LoadSigner(parsed, ctx);
    if (!signer.ok()) return Fail(ctx, kName, signer.status());
    const std::optional<std::string> email = signer->EndorserEmail();
    if (!email) {
        return UsageError(ctx, kName, "the certificate has no email address: give --email");
    }
    client::MarketplaceClient client = MakeClient(ctx.config);
    auto latest = FindLatest(client, id, *email);
    if (!latest.ok()) return Fail(ctx, kName, latest.status());
    if (latest->entry.metadata.deprecated && !ctx.quiet) {
        ctx.err << "note: " << latest->url << " was already deprecated ("
                << *latest->entry.metadata.deprecated << "); replacing the reason\n";
    }
    auto uploaded = Deprecate(client, *signer, *latest, reason);
    if (!uploaded.ok()) return Fail(ctx, kName, uploaded.status());
    ctx.out << uploaded->url << "\n";
    return kExitOk;
}

}  // namespace mkt::cli
