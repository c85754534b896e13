// marketplace policy ID [--policy FILE] [--json]: the site policy's decision on
// an image (StratusLab's stratus-policy-image, reference section 8).
//
// The candidates are the latest entry of each endorser for the image, whatever
// its status (the native listing, status=all); the policy judges every one with
// every rule (registry/policy/policy_decision.hpp, docs/policy.md). Allowed: the
// chosen entry's URL on stdout (what VM-start hooks read), exit 0. Refused: the
// reasons on stderr, "image ID isn't valid according to site policy FILE", exit 1.
// --json prints the decision as the server's GET /policy/{name}/{id} does (same
// exit codes). --verbose prints the reasons of an allowed decision too.
// Exit codes: 0 allowed, 1 refused, 2 usage or unreadable/invalid policy file,
// 3 Marketplace unreachable.
#include "cli/commands/policy.hpp"

#include <filesystem>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/listing_output.hpp"
#include "mappers/policy_json.hpp"
#include "registry/clock.hpp"
#include "registry/identifier.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "policy";

const ArgParser& Parser() {
    static const ArgParser parser(
        "policy ID [options]",
        "Checks image ID against the site policy (docs/policy.md): prints the chosen entry's\n"
        "URL and exits 0 when allowed; prints the reasons and exits 1 when refused.",
        {
            {"policy", "FILE",
             std::string("site policy file, StratusLab policy.cfg or native form (default ") +
                 kDefaultPolicyFile + ")"},
            {"json", "", "print the decision as JSON (entries, reasons, chosen entry)"},
        });
    return parser;
}

}  // namespace

Result<policy::SitePolicy> LoadPolicyOption(const std::optional<std::string>& file) {
    if (file) return policy::LoadSitePolicy(*file);
    std::error_code ec;
    if (!std::filesystem::exists(kDefaultPolicyFile, ec)) {
        return Status::InvalidArgument(std::string("no site policy: give --policy FILE (") +
                                       kDefaultPolicyFile + " does not exist)");
    }
    return policy::LoadSitePolicy(kDefaultPolicyFile);
}

Result<policy::Decision> DecideImage(client::MarketplaceClient& client,
                                     const policy::SitePolicy& site_policy,
                                     const std::string& identifier, Timestamp now) {
    client::ListingQuery query;
    query.identifier = identifier;
    query.status = "all";
    std::vector<Entry> entries;
    do {
        MKT_ASSIGN_OR_RETURN(client::ListingPage page, client.List(query));
        for (auto& e : page.entries) entries.push_back(std::move(e.entry));
        query.cursor = page.next_cursor;
    } while (query.cursor);
    return policy::Evaluate(site_policy, identifier, std::move(entries), now);
}

void PrintDecision(std::ostream& out, const policy::Decision& d,
                   client::MarketplaceClient& client) {
    for (const auto& e : d.entries) {
        out << "entry " << client.EntryUrl(e.key) << ": " << (e.accepted ? "accepted" : "refused")
            << "\n";
        for (const auto& r : e.reasons) {
            out << "  " << (r.passed ? "ok     " : "REFUSED") << " " << r.rule << ": " << r.message
                << "\n";
        }
    }
    for (const auto& r : d.reasons) {
        out << (r.passed ? "ok     " : "REFUSED") << " " << r.rule << ": " << r.message << "\n";
    }
}

int RunPolicy(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().size() != 1) return UsageError(ctx, kName, "expected one image ID");
    const std::string id = parsed.positional()[0];
    if (!identifier::IsValid(id)) {
        return UsageError(ctx, kName, identifier::ToSha1Hex(id).status().message());
    }
    auto site_policy = LoadPolicyOption(parsed.Get("policy"));
    if (!site_policy.ok()) return UsageError(ctx, kName, site_policy.status().message());
    client::MarketplaceClient client = MakeClient(ctx.config);
    auto decision = DecideImage(client, *site_policy, id, SystemClock().Now());
    if (!decision.ok()) return Fail(ctx, kName, decision.status());
    if (parsed.Has("json")) {
        std::string base = client.endpoint() + "/";
        ctx.out << mappers::DecisionToJson(*decision, site_policy->source, base);
        return decision->allowed ? kExitOk : kExitRejected;
    }
    if (!decision->allowed) {
        if (!ctx.quiet) PrintDecision(ctx.err, *decision, client);
        ctx.err << "marketplace policy: image " << id << " isn't valid according to site policy "
                << site_policy->source << "\n";
        return kExitRejected;
    }
    if (ctx.verbose) PrintDecision(ctx.err, *decision, client);
    ctx.out << client.EntryUrl(*decision->chosen) << "\n";
    return kExitOk;
}

}  // namespace mkt::cli
