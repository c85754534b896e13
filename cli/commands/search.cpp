// marketplace search [WORDS...] [filters]: the Marketplace listing.
//
// Filters are the listing parameters of docs/api/native.md (WORDS and --text
// are its free-text `q`). By default, as the server: the latest valid entry of
// each endorser for each image. Output: an aligned table on a terminal,
// tab-separated lines otherwise (see listing_output.hpp), JSON with --json.
// One page (--limit, default the server's) unless --all follows the cursor to
// the end.
#include <charconv>
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/listing_output.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "search";

const ArgParser& Parser() {
    static const ArgParser parser(
        "search [WORDS...] [options]",
        "Lists Marketplace entries: by default the latest valid entry of each endorser for\n"
        "each image. WORDS must all occur (case-insensitively) in the identifier, title,\n"
        "description, OS fields, endorser email, tag, kind or a location.",
        {
            {"identifier", "ID", "this image only"},
            {"email", "ADDR", "this endorser only (exact email)"},
            {"endorser", "TEXT", "endorser email or certificate subject contains TEXT"},
            {"created", "TIME", "endorsement created at TIME (reaches older entries too)"},
            {"status", "LIST", "valid (default), expired, deprecated, all, or a comma list"},
            {"os", "NAME", "operating system (exact, case-insensitive)"},
            {"os-version", "VERSION", "operating system version"},
            {"os-arch", "ARCH", "architecture, e.g. x86_64"},
            {"tag", "TAG", "exact dcterms:alternative"},
            {"text", "WORDS", "free text, as WORDS"},
            {"sort", "FIELD",
             "created (default), identifier, email, os, os-version,\n" + std::string(30, ' ') +
                 "os-arch, title, valid or seq"},
            {"order", "ORDER", "desc (default) or asc"},
            {"limit", "N", "entries per page (server default 100)"},
            {"offset", "N", "skip N entries (first page only)"},
            {"all", "", "follow the pages to the last entry"},
            {"json", "", "JSON: {total, count, next_cursor, entries: [...]}"},
        });
    return parser;
}

Result<size_t> ParseCount(const std::string& option, const std::string& value) {
    size_t n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size()) {
        return Status::InvalidArgument("--" + option + " '" + value + "' is not a number");
    }
    return n;
}

Result<client::ListingQuery> MakeQuery(const ParsedArgs& args) {
    client::ListingQuery q;
    q.identifier = args.Get("identifier");
    q.email = args.Get("email");
    q.endorser = args.Get("endorser");
    q.created = args.Get("created");
    q.status = args.Get("status");
    q.os = args.Get("os");
    q.os_version = args.Get("os-version");
    q.os_arch = args.Get("os-arch");
    q.tag = args.Get("tag");
    q.sort = args.Get("sort");
    q.order = args.Get("order");
    std::string text = args.GetOr("text", "");
    for (const auto& word : args.positional()) text += (text.empty() ? "" : " ") + word;
    if (!text.empty()) q.text = text;
    if (auto limit = args.Get("limit")) {
        MKT_ASSIGN_OR_RETURN(q.limit, ParseCount("limit", *limit));
    }
    if (auto offset = args.Get("offset")) {
        MKT_ASSIGN_OR_RETURN(q.offset, ParseCount("offset", *offset));
    }
    return q;
}

void Print(CommandContext& ctx, const ParsedArgs& args, const client::ListingPage& page, bool all) {
    if (args.Has("json")) {
        ctx.out << EntriesJson(page.entries, page.total, page.next_cursor);
    } else if (ctx.out_is_terminal) {
        if (page.entries.empty()) {
            ctx.err << "no entry matches\n";
            return;
        }
        ctx.out << EntriesTable(page.entries);
        ctx.err << page.entries.size() << " of " << page.total << " entries"
                << (!all && page.next_cursor ? " (--all for every one)" : "") << "\n";
    } else {
        ctx.out << EntriesTsv(page.entries);
    }
}

}  // namespace

int RunSearch(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    auto query = MakeQuery(parsed);
    if (!query.ok()) return UsageError(ctx, kName, query.status().message());
    const bool all = parsed.Has("all");
    if (all && parsed.Has("offset")) return UsageError(ctx, kName, "--all pages from the start");
    client::MarketplaceClient client = MakeClient(ctx.config);
    client::ListingPage result;
    for (bool first = true; first || (all && query->cursor); first = false) {
        auto page = client.List(*query);
        if (!page.ok()) return Fail(ctx, kName, page.status());
        result.total = page->total;
        result.next_cursor = page->next_cursor;
        for (auto& e : page->entries) result.entries.push_back(std::move(e));
        query->cursor = page->next_cursor;
        query->offset.reset();
    }
    if (all) result.next_cursor.reset();
    Print(ctx, parsed, result, all);
    return kExitOk;
}

}  // namespace mkt::cli
