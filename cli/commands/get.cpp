// marketplace get ID[/EMAIL[/CREATED]]: downloads entries.
//
//   ID/EMAIL/CREATED  that entry: its signed bytes, exactly as stored (verify
//                     them with `marketplace validate` or `xmlsec1 --verify`)
//   ID/EMAIL          that endorser's latest entry for the image, whatever its
//                     status (a note on stderr when it is not valid)
//   ID                the latest entry of each endorser for the image (valid
//                     ones unless --status says otherwise), as the server's XML
//                     listing (StratusLab's <metadata> wrapper)
// --json gives the JSON view instead (one entry, or the listing's entries). An
// entry URL printed by `upload` is accepted too (its endpoint is then used).
#include <cstdlib>
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/files.hpp"
#include "cli/listing_output.hpp"
#include "registry/identifier.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "get";

const ArgParser& Parser() {
    static const ArgParser parser(
        "get ID[/EMAIL[/CREATED]] [options]",
        "Downloads an entry's signed document (ID/EMAIL/CREATED), an endorser's latest entry\n"
        "for an image (ID/EMAIL), or the latest entries of an image (ID, as the server's XML\n"
        "listing). An entry URL works as well.",
        {
            {"output", "FILE", "write to FILE instead of stdout", false, 'o'},
            {"json", "", "the JSON view (entry fields, status, signer) instead of XML"},
            {"status", "LIST", "for ID: valid (default), expired, deprecated, all, or a list"},
        });
    return parser;
}

struct Reference {
    std::string endpoint;  // empty: the configured one
    std::string id, email;
    std::optional<Timestamp> created;
};

std::string PercentDecode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const std::string hex(text.substr(i + 1, 2));
            char* end = nullptr;
            const long value = std::strtol(hex.c_str(), &end, 16);
            if (end == hex.c_str() + 2) {
                out.push_back(static_cast<char>(value));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

Result<Reference> ParseReference(std::string text) {
    Reference ref;
    if (text.starts_with("http://") || text.starts_with("https://")) {
        const size_t at = text.find("/metadata/");
        if (at == std::string::npos) {
            return Status::InvalidArgument("URL " + text +
                                           " is not an entry URL (.../metadata/...)");
        }
        ref.endpoint = text.substr(0, at);
        text = text.substr(at + 10);
    }
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
        const size_t slash = text.find('/', start);
        parts.push_back(PercentDecode(text.substr(start, slash - start)));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    while (parts.size() > 1 && parts.back().empty()) parts.pop_back();  // trailing slash
    if (parts.size() > 3)
        return Status::InvalidArgument("expected ID[/EMAIL[/CREATED]], got " + text);
    ref.id = parts[0];
    if (!identifier::IsValid(ref.id)) return identifier::ToSha1Hex(ref.id).status();
    if (parts.size() > 1) ref.email = parts[1];
    if (parts.size() > 2) {
        MKT_ASSIGN_OR_RETURN(ref.created, Timestamp::Parse(parts[2]));
    }
    return ref;
}

Result<std::string> GetExact(client::MarketplaceClient& client, const EntryKey& key, bool json) {
    if (!json) return client.GetDocument(key);
    MKT_ASSIGN_OR_RETURN(client::ListedEntry entry, client.GetEntry(key));
    return entry.json + "\n";
}

Result<std::string> GetLatestOf(client::MarketplaceClient& client, const Reference& ref, bool json,
                                CommandContext& ctx) {
    client::ListingQuery query;
    query.identifier = ref.id;
    query.email = ref.email;
    query.status = "all";
    query.limit = 1;
    MKT_ASSIGN_OR_RETURN(client::ListingPage page, client.List(query));
    if (page.entries.empty()) {
        return Status::NotFound(ref.email + " has no entry for image " + ref.id);
    }
    const client::ListedEntry& latest = page.entries.front();
    if (latest.status != EntryStatus::kValid && !ctx.quiet) {
        ctx.err << "note: the latest entry " << latest.url << " is "
                << EntryStatusName(latest.status)
                << (latest.entry.metadata.deprecated
                        ? " (" + *latest.entry.metadata.deprecated + ")"
                        : std::string())
                << "\n";
    }
    if (json) return latest.json + "\n";
    return client.GetDocument(latest.entry.key);
}

Result<std::string> GetImage(client::MarketplaceClient& client, const Reference& ref,
                             const ParsedArgs& args, CommandContext& ctx) {
    client::ListingQuery query;
    query.identifier = ref.id;
    query.status = args.Get("status");
    if (!args.Has("json")) return client.ListXml(query);
    std::vector<client::ListedEntry> entries;
    uint64_t total = 0;
    do {
        MKT_ASSIGN_OR_RETURN(client::ListingPage page, client.List(query));
        total = page.total;
        for (auto& e : page.entries) entries.push_back(std::move(e));
        query.cursor = page.next_cursor;
    } while (query.cursor);
    if (entries.empty() && !ctx.quiet) ctx.err << "note: no entry matches\n";
    return EntriesJson(entries, total, std::nullopt);
}

}  // namespace

int RunGet(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().size() != 1) {
        return UsageError(ctx, kName, "expected one ID[/EMAIL[/CREATED]]");
    }
    auto ref = ParseReference(parsed.positional()[0]);
    if (!ref.ok()) return UsageError(ctx, kName, ref.status().message());
    if (parsed.Has("status") && !ref->email.empty()) {
        return UsageError(ctx, kName, "--status applies to an image ID alone");
    }
    ClientConfig config = ctx.config;
    if (!ref->endpoint.empty()) config.endpoint = ref->endpoint;
    client::MarketplaceClient client = MakeClient(config);
    const bool json = parsed.Has("json");
    Result<std::string> body = ref->created
                                   ? GetExact(client, {ref->id, ref->email, *ref->created}, json)
                               : !ref->email.empty() ? GetLatestOf(client, *ref, json, ctx)
                                                     : GetImage(client, *ref, parsed, ctx);
    if (!body.ok()) return Fail(ctx, kName, body.status());
    if (Status s = WriteOutput(parsed.GetOr("output", "-"), *body, ctx.out); !s.ok()) {
        return Fail(ctx, kName, s);
    }
    return kExitOk;
}

}  // namespace mkt::cli
