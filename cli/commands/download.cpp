// marketplace download ID|ENTRY-URL [-o FILE] [--cache DIR]: a verified image
// on local disk (StratusLab's stratus-download-image and its caching hook,
// reference section 8; docs/policy.md "Download").
//
//  1. Policy: the site policy (--policy FILE or /etc/marketplace/policy.cfg)
//     judges the image; refused -> reasons on stderr, exit 1. For ID the chosen
//     entry is used; an ENTRY-URL must be an entry the policy accepted (the
//     latest of its endorser). --no-policy skips this step (with a warning).
//  2. The entry's signed document is downloaded and its signature verified here
//     (strict with the configured trust_dir, else compat), and the metadata
//     used below is read from those signed bytes, not from the server's JSON.
//  3. Cache (--cache DIR): a hit (size + stored digests agree) is used at once.
//  4. Each location in order (http, https, file), resuming interrupted
//     transfers, decompressing gz/bz2/xz on the fly, computing every checksum
//     the entry lists and the byte count, written to a temporary file; accepted
//     only when all match, then renamed into place (cache and/or -o FILE).
//     A failure leaves nothing at the output path or in the cache.
// Output: the path of the verified image on stdout. Progress bar on a terminal.
// Exit codes: 0 done; 1 refused by the policy, or the image failed verification;
// 2 usage; 3 network or local I/O failure (no location reachable, disk full).
#include "cli/commands/download.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/policy.hpp"
#include "cli/listing_output.hpp"
#include "client/image_source.hpp"
#include "registry/clock.hpp"
#include "registry/identifier.hpp"
#include "registry/image/image_cache.hpp"
#include "registry/image/image_download.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"

namespace mkt::cli {

Result<EntryMetadata> VerifiedMetadata(client::MarketplaceClient& client, const EntryKey& key,
                                       CommandContext& ctx) {
    MKT_ASSIGN_OR_RETURN(std::string document, client.GetDocument(key));
    const xmlsec::XmlMetadataParser parser;
    MKT_ASSIGN_OR_RETURN(auto parsed, parser.ParseMetadata(document));
    std::unique_ptr<xmlsec::TrustStore> trust;
    xmlsec::VerifierOptions options{TrustMode::kCompat, nullptr};
    if (!ctx.config.trust_dir.empty()) {
        xmlsec::TrustStoreOptions trust_options;
        trust_options.ca_dir = ctx.config.trust_dir;
        trust_options.endorsers_file = ctx.config.endorsers_file;
        MKT_ASSIGN_OR_RETURN(trust, xmlsec::TrustStore::Open(trust_options));
        options = {TrustMode::kStrict, trust.get()};
    } else if (!ctx.quiet) {
        ctx.err << "note: no trust_dir configured: the entry's signature is checked in compat "
                   "mode (self-consistency only)\n";
    }
    const xmlsec::XmldsigVerifier verifier(options);
    auto signer = verifier.Verify(*parsed, SystemClock().Now());
    if (!signer.ok()) return signer.status().WithPrefix("the entry's signature: ");
    const EntryMetadata& m = parsed->metadata();
    if (m.identifier != key.identifier || m.endorsement.email != key.email ||
        m.endorsement.created != key.created) {
        return Status::InvalidArgument("the document served for " + client.EntryUrl(key) +
                                       " is another entry's");
    }
    return m;
}

Progress::Progress(std::ostream& err) : err_(err), start_(Clock::now()), last_(start_) {}

void Progress::Update(uint64_t done, std::optional<uint64_t> total) {
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double mib = static_cast<double>(done) / (1 << 20);
    char line[160];
    if (total && *total > 0) {
        std::snprintf(line, sizeof line, "\r%6.1f%%  %.1f of %.1f MiB  %.1f MiB/s   ",
                      100.0 * static_cast<double>(done) / static_cast<double>(*total), mib,
                      static_cast<double>(*total) / (1 << 20), seconds > 0 ? mib / seconds : 0.0);
    } else {
        std::snprintf(line, sizeof line, "\r%.1f MiB  %.1f MiB/s   ", mib,
                      seconds > 0 ? mib / seconds : 0.0);
    }
    err_ << line << std::flush;
    drawn_ = true;
}

void Progress::Done() {
    if (drawn_) err_ << "\n";
    drawn_ = false;
}

namespace {

constexpr const char* kName = "download";
constexpr uint64_t kDefaultCacheBytes = uint64_t{50} << 30;

const ArgParser& Parser() {
    static const ArgParser parser(
        "download ID|ENTRY-URL [options]",
        "Downloads the image of an entry allowed by the site policy, verifies its size and\n"
        "every checksum of the signed entry while decompressing (gz, bz2, xz), and writes it\n"
        "atomically. Prints the image's path. Exit codes: 1 refused or failed verification,\n"
        "2 bad arguments, 3 network or disk failure.",
        {
            {"output", "FILE",
             "write the image to FILE (default ./<identifier>.img without --cache)", false, 'o'},
            {"cache", "DIR", "keep verified images in DIR, keyed by SHA-1, and reuse them"},
            {"cache-size", "SIZE", "bound of the cache (K, M, G, T suffixes; default 50G)"},
            {"policy", "FILE",
             std::string("site policy file (default ") + kDefaultPolicyFile + ")"},
            {"no-policy", "", "skip the site policy check (warns)"},
            {"threads", "N", "threads computing checksums (default: one per core)"},
            {"quiet", "", "no progress bar and no notes", false, 'q'},
        });
    return parser;
}

Result<uint64_t> ParseSize(const std::string& text) {
    uint64_t value = 0;
    size_t i = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        value = value * 10 + static_cast<uint64_t>(text[i++] - '0');
    }
    int shift = 0;
    if (i + 1 == text.size()) {
        const char s = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
        shift = s == 'K' ? 10 : s == 'M' ? 20 : s == 'G' ? 30 : s == 'T' ? 40 : -1;
        ++i;
    }
    if (i == 0 || i != text.size() || shift < 0 || value == 0 || value > (uint64_t{1} << 50)) {
        return Status::InvalidArgument("--cache-size '" + text +
                                       "' is not a size such as 500M or 20G");
    }
    return value << shift;
}

std::string PercentDecode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out.push_back(static_cast<char>(
                std::strtol(std::string(text.substr(i + 1, 2)).c_str(), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

struct Target {
    std::string endpoint;  // empty: the configured one
    std::string id;
    std::optional<EntryKey> key;  // given as an entry URL
};

Result<Target> ParseTarget(const std::string& text) {
    Target t;
    std::string rest = text;
    if (text.starts_with("http://") || text.starts_with("https://")) {
        const size_t at = text.find("/metadata/");
        if (at == std::string::npos) {
            return Status::InvalidArgument(text +
                                           " is not an entry URL (.../metadata/ID/EMAIL/CREATED)");
        }
        t.endpoint = text.substr(0, at);
        rest = text.substr(at + 10);
    }
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
        const size_t slash = rest.find('/', start);
        parts.push_back(PercentDecode(std::string_view(rest).substr(start, slash - start)));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    while (parts.size() > 1 && parts.back().empty()) parts.pop_back();
    if (parts.size() != 1 && parts.size() != 3) {
        return Status::InvalidArgument(
            "expected ID or an entry URL .../metadata/ID/EMAIL/CREATED, got " + text);
    }
    t.id = parts[0];
    if (!identifier::IsValid(t.id)) return identifier::ToSha1Hex(t.id).status();
    if (parts.size() == 3) {
        MKT_ASSIGN_OR_RETURN(Timestamp created, Timestamp::Parse(parts[2]));
        t.key = EntryKey{t.id, parts[1], created};
    }
    return t;
}

/// The entry to download: the policy's choice (or the given entry, if the
/// policy accepted it); without a policy the given entry or the newest valid one.
Result<EntryKey> ChooseEntry(client::MarketplaceClient& client, const Target& target,
                             const ParsedArgs& args, CommandContext& ctx) {
    if (args.Has("no-policy")) {
        ctx.err << "marketplace download: warning: --no-policy: the site policy is not checked\n";
        if (target.key) return *target.key;
        client::ListingQuery query;
        query.identifier = target.id;
        query.limit = 1;
        MKT_ASSIGN_OR_RETURN(client::ListingPage page, client.List(query));
        if (page.entries.empty()) {
            return Status::NotFound("the Marketplace has no valid entry for image " + target.id);
        }
        return page.entries.front().entry.key;
    }
    MKT_ASSIGN_OR_RETURN(policy::SitePolicy site_policy, LoadPolicyOption(args.Get("policy")));
    MKT_ASSIGN_OR_RETURN(policy::Decision decision,
                         DecideImage(client, site_policy, target.id, SystemClock().Now()));
    if (!decision.allowed) {
        if (!ctx.quiet) PrintDecision(ctx.err, decision, client);
        return Status::PermissionDenied(
            "image " + target.id + " isn't valid according to site policy " + site_policy.source);
    }
    if (!target.key) return *decision.chosen;
    for (const auto& e : decision.entries) {
        if (e.key == *target.key && e.accepted) return e.key;
    }
    if (!ctx.quiet) PrintDecision(ctx.err, decision, client);
    return Status::PermissionDenied("entry " + client.EntryUrl(*target.key) +
                                    " is not an entry the site policy " + site_policy.source +
                                    " accepts (only the latest entry of each endorser counts)");
}

struct Request {
    Target target;
    std::optional<std::string> output;
    std::optional<std::string> cache_dir;
    uint64_t cache_bytes = kDefaultCacheBytes;
    unsigned threads = 0;
    bool quiet = false;
};

Result<Request> ReadRequest(const ParsedArgs& parsed, const CommandContext& ctx) {
    if (parsed.positional().size() != 1) {
        return Status::InvalidArgument("expected one ID or ENTRY-URL");
    }
    Request r;
    MKT_ASSIGN_OR_RETURN(r.target, ParseTarget(parsed.positional()[0]));
    r.output = parsed.Get("output");
    r.cache_dir = parsed.Get("cache");
    if (auto size = parsed.Get("cache-size")) {
        if (!r.cache_dir) return Status::InvalidArgument("--cache-size needs --cache DIR");
        MKT_ASSIGN_OR_RETURN(r.cache_bytes, ParseSize(*size));
    }
    if (parsed.Has("policy") && parsed.Has("no-policy")) {
        return Status::InvalidArgument("give either --policy or --no-policy, not both");
    }
    if (auto threads = parsed.Get("threads")) {
        const int n = std::atoi(threads->c_str());
        if (n < 1 || n > 256 || std::to_string(n) != *threads) {
            return Status::InvalidArgument("--threads '" + *threads +
                                           "' is not an integer from 1 to 256");
        }
        r.threads = static_cast<unsigned>(n);
    }
    if (!r.output && !r.cache_dir) r.output = "./" + r.target.id + ".img";
    r.quiet = ctx.quiet || parsed.Has("quiet");
    return r;
}

/// Downloads into the cache (when given) or straight to the output; returns the
/// path of the verified image.
Result<std::string> Fetch(const Request& r, const EntryMetadata& m, CommandContext& ctx) {
    std::optional<image::ImageCache> cache;
    if (r.cache_dir) {
        MKT_ASSIGN_OR_RETURN(cache, image::ImageCache::Open(*r.cache_dir, r.cache_bytes));
        MKT_ASSIGN_OR_RETURN(auto hit, cache->Find(m));
        if (hit) {
            if (!r.quiet) ctx.err << "cache hit: " << hit->path.string() << "\n";
            if (!r.output) return hit->path.string();
            MKT_RETURN_IF_ERROR(image::CopyFileAtomically(hit->path, *r.output));
            return *r.output;
        }
        if (!cache->Fits(m.bytes)) {
            if (!r.quiet) {
                ctx.err << "note: the image (" << m.bytes << " bytes) is larger than the cache ("
                        << cache->max_bytes() << " bytes): not cached\n";
            }
            cache.reset();
            if (!r.output)
                return Status::InvalidArgument("the image does not fit in the cache; give -o FILE");
        }
    }
    client::ImageSourceOptions source_options;
    source_options.verify_tls = ctx.config.verify_tls;
    source_options.ca_file = ctx.config.ca_file;
    client::CurlImageSource source(source_options);
    image::DownloadOptions options;
    options.threads = r.threads;
    Progress progress(ctx.err);
    if (!r.quiet && ctx.err_is_terminal) {
        options.progress = [&progress](const image::DownloadProgress& p) {
            progress.Update(p.received, p.total);
        };
    }
    if (!r.quiet)
        options.note = [&ctx](const std::string& line) { ctx.err << "note: " << line << "\n"; };
    auto make_output = [&]() -> Result<image::AtomicFile> {
        if (cache) return cache->Stage(m);
        return image::AtomicFile::Create(*r.output);
    };
    auto result = image::DownloadVerified(m, source, make_output, options);
    progress.Done();
    if (!result.ok()) return result.status();
    if (!r.quiet) {
        ctx.err << "verified " << result->digests.bytes << " bytes from " << result->url << "\n";
    }
    if (!cache) {
        MKT_RETURN_IF_ERROR(result->file.Commit());
        return *r.output;
    }
    MKT_ASSIGN_OR_RETURN(image::CachedImage cached,
                         cache->Insert(std::move(result->file), m, result->digests));
    if (!r.output) return cached.path.string();
    MKT_RETURN_IF_ERROR(image::CopyFileAtomically(cached.path, *r.output));
    return *r.output;
}

}  // namespace

int RunDownload(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    auto request = ReadRequest(parsed, ctx);
    if (!request.ok()) return UsageError(ctx, kName, request.status().message());
    ClientConfig config = ctx.config;
    if (!request->target.endpoint.empty()) config.endpoint = request->target.endpoint;
    client::MarketplaceClient client = MakeClient(config);
    auto key = ChooseEntry(client, request->target, parsed, ctx);
    if (!key.ok()) {
        if (key.status().message().starts_with("no site policy")) {
            return UsageError(ctx, kName, key.status().message());
        }
        return Fail(ctx, kName, key.status());
    }
    auto metadata = VerifiedMetadata(client, *key, ctx);
    if (!metadata.ok()) return Fail(ctx, kName, metadata.status());
    if (!request->quiet) ctx.err << "entry " << client.EntryUrl(*key) << "\n";
    auto path = Fetch(*request, *metadata, ctx);
    if (!path.ok()) return Fail(ctx, kName, path.status());
    ctx.out << *path << "\n";
    return kExitOk;
}

}  // namespace mkt::cli
