// marketplace site-sync: keeps a site's OpenStack Glance in step with the
// images its policy allows (docs/sites.md).
//
// One run:
//  1. The Marketplace's listing (latest entry of each endorser, every status,
//     sorted by identifier, page by page) is judged image by image by the site
//     policy (registry/policy/policy_decision.hpp).
//  2. The Glance images site-sync made are found by its tag (kOwnerTag); their
//     origin properties name the entry each holds. Images without the tag are
//     never listed, so never touched.
//  3. PlanSync (registry/policy/sync_plan.hpp, pure) decides; the plan is
//     carried out in order: interrupted uploads deleted; each new entry's
//     signed document verified here, its image downloaded and verified into
//     the cache, only then registered (POST /v2/images with every origin
//     property at once, so an interrupted upload is still recognised as ours)
//     and uploaded (PUT .../file streaming the verified file); Glance's own
//     size and os_hash_value must equal the verified bytes' (else the image is
//     deleted); superseded images are retired only after the new one is active;
//     revoked images retired.
// Output: one line per action and a summary on stdout. Exit codes: 0 done
// (refusals by the policy are normal results); 1 an image failed verification
// or Glance refused or stored other bytes; 2 usage; 3 Marketplace, Glance or
// disk unreachable. With --interval the run repeats until killed; the exit
// code is then that of a run that could not start (usage).
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/download.hpp"
#include "cli/commands/policy.hpp"
#include "cli/listing_output.hpp"
#include "client/glance_client.hpp"
#include "client/image_source.hpp"
#include "registry/clock.hpp"
#include "registry/image/image_cache.hpp"
#include "registry/image/image_download.hpp"
#include "registry/policy/sync_plan.hpp"
#include "registry/text.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "site-sync";
constexpr const char* kDefaultCacheDir = "/var/cache/marketplace/site-sync";
constexpr uint64_t kCacheBytes = uint64_t{1} << 50;  // bounded by the disk; evicted LRU

// The Glance tag that marks the images site-sync made (and owns).
constexpr const char* kOwnerTag = "marketplace-site-sync";
// Origin properties (docs/sites.md, "Glance properties"): EGI's names where
// its consumers read one (cloud-info-provider, cASO, atrope), ours otherwise.
constexpr const char* kPropIdentifier = "vmcatcher_event_dc_identifier";
constexpr const char* kPropEntryUrl = "vmcatcher_event_ad_mpuri";
constexpr const char* kPropTitle = "vmcatcher_event_dc_title";
constexpr const char* kPropDescription = "vmcatcher_event_dc_description";
constexpr const char* kPropVersion = "vmcatcher_event_hv_version";
constexpr const char* kPropOs = "os_distro";
constexpr const char* kPropOsVersion = "os_version";
constexpr const char* kPropArch = "architecture";
constexpr const char* kPropSha512 = "sha512";
constexpr const char* kPropEndorser = "marketplace_endorser";
constexpr const char* kPropEndorsed = "marketplace_endorsed";
constexpr const char* kPropExpires = "marketplace_expires";
constexpr const char* kPropMarketplace = "marketplace_endpoint";

const ArgParser& Parser() {
    static const ArgParser parser(
        "site-sync --glance URL (--once | --interval SECONDS) [options]",
        "Registers in OpenStack Glance every image the site policy allows (verified download,\n"
        "then upload), replaces superseded endorsements and retires revoked images; touches\n"
        "only the Glance images it made. Exit codes: 1 an image failed verification or Glance\n"
        "refused it, 2 bad arguments, 3 Marketplace, Glance or disk unreachable.",
        {
            {"glance", "URL", "Glance's endpoint, e.g. http://glance.example.org:9292"},
            {"os-token", "TOKEN", "Keystone token for Glance (X-Auth-Token)"},
            {"os-token-file", "FILE", "read the token from FILE (first line)"},
            {"once", "", "one run, then exit"},
            {"interval", "SECONDS", "run again every SECONDS until killed"},
            {"policy", "FILE",
             std::string("site policy file (default ") + kDefaultPolicyFile + ")"},
            {"cache", "DIR",
             std::string("verified images kept here (default ") + kDefaultCacheDir + ")"},
            {"visibility", "V", "Glance visibility: private (default), shared, community, public"},
            {"on-superseded", "ACTION",
             "deactivate (default) or delete the image of an older endorsement"},
            {"on-revoked", "ACTION",
             "deactivate (default) or delete the image of a deprecated, expired or refused one"},
            {"max-upload-rate", "BYTES", "limit uploads to Glance to BYTES per second"},
            {"dry-run", "", "print the plan, change nothing"},
        });
    return parser;
}

struct Options {
    std::string glance;
    std::string token;
    std::optional<long> interval;
    std::optional<std::string> policy_file;
    std::string cache_dir = kDefaultCacheDir;
    std::string visibility = "private";
    policy::SyncModes modes;
    uint64_t max_upload_rate = 0;  // bytes per second; 0: no limit
    bool dry_run = false;
};

Result<policy::RetireMode> ParseRetireMode(const std::string& option,
                                           const std::optional<std::string>& value) {
    if (!value || *value == "deactivate") return policy::RetireMode::kDeactivate;
    if (*value == "delete") return policy::RetireMode::kDelete;
    return Status::InvalidArgument("--" + option + " '" + *value +
                                   "' is neither deactivate nor delete");
}

Result<Options> ReadOptions(const ParsedArgs& parsed) {
    if (!parsed.positional().empty()) {
        return Status::InvalidArgument("unexpected argument '" + parsed.positional()[0] + "'");
    }
    Options o;
    auto glance = parsed.Get("glance");
    if (!glance) return Status::InvalidArgument("--glance URL is required");
    if (!glance->starts_with("http://") && !glance->starts_with("https://")) {
        return Status::InvalidArgument("--glance '" + *glance + "' is not an http(s) URL");
    }
    o.glance = *glance;
    if (parsed.Has("once") == parsed.Has("interval")) {
        return Status::InvalidArgument("give either --once or --interval SECONDS");
    }
    if (auto interval = parsed.Get("interval")) {
        const long seconds = std::atol(interval->c_str());
        if (seconds < 1 || std::to_string(seconds) != *interval) {
            return Status::InvalidArgument("--interval '" + *interval +
                                           "' is not a positive number of seconds");
        }
        o.interval = seconds;
    }
    if (parsed.Has("os-token") && parsed.Has("os-token-file")) {
        return Status::InvalidArgument("give either --os-token or --os-token-file, not both");
    }
    if (auto token = parsed.Get("os-token")) o.token = *token;
    if (auto file = parsed.Get("os-token-file")) {
        std::ifstream in(*file);
        if (!in || !std::getline(in, o.token) || text::TrimWhitespace(o.token).empty()) {
            return Status::InvalidArgument("--os-token-file " + *file +
                                           ": cannot read a token from it");
        }
        o.token = std::string(text::TrimWhitespace(o.token));
    }
    o.policy_file = parsed.Get("policy");
    if (auto dir = parsed.Get("cache")) o.cache_dir = *dir;
    if (auto visibility = parsed.Get("visibility")) {
        if (*visibility != "private" && *visibility != "shared" && *visibility != "community" &&
            *visibility != "public") {
            return Status::InvalidArgument("--visibility '" + *visibility +
                                           "' is not private, shared, community or public");
        }
        o.visibility = *visibility;
    }
    MKT_ASSIGN_OR_RETURN(o.modes.on_superseded,
                         ParseRetireMode("on-superseded", parsed.Get("on-superseded")));
    MKT_ASSIGN_OR_RETURN(o.modes.on_revoked,
                         ParseRetireMode("on-revoked", parsed.Get("on-revoked")));
    if (auto rate = parsed.Get("max-upload-rate")) {
        const long long bytes = std::atoll(rate->c_str());
        if (bytes < 1 || std::to_string(bytes) != *rate) {
            return Status::InvalidArgument("--max-upload-rate '" + *rate +
                                           "' is not a positive number of bytes per second");
        }
        o.max_upload_rate = static_cast<uint64_t>(bytes);
    }
    o.dry_run = parsed.Has("dry-run");
    return o;
}

/// Glance's disk_format for the entry's dcterms:format. Errors:
/// kInvalidArgument naming a format Glance does not know.
Result<std::string> DiskFormat(const std::string& format) {
    const std::string lower = text::AsciiLower(format);
    if (lower.empty() || lower == "img") return std::string("raw");
    for (const char* known :
         {"raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "iso", "ploop", "ami", "ari", "aki"}) {
        if (lower == known) return lower;
    }
    return Status::InvalidArgument("the entry's format '" + format +
                                   "' is not a Glance disk_format (raw, qcow2, vmdk, vdi, vhd, "
                                   "vhdx, iso, ploop)");
}

/// The decision's summary and, when refused, every failed rule ("rule: message").
std::string RefusalText(const policy::Decision& d) {
    if (d.allowed) return "";
    std::string text = d.summary;
    std::string details;
    for (const auto& entry : d.entries) {
        for (const auto& reason : entry.reasons) {
            if (reason.passed) continue;
            details += (details.empty() ? "" : "; ") + reason.rule + ": " + reason.message;
        }
    }
    return details.empty() ? text : text + " [" + details + "]";
}

/// One candidate per listed identifier: the policy's verdict.
Result<std::vector<policy::SyncCandidate>> JudgeListing(client::MarketplaceClient& marketplace,
                                                        const policy::SitePolicy& site_policy,
                                                        Timestamp now) {
    std::vector<policy::SyncCandidate> candidates;
    std::vector<Entry> group;
    auto judge = [&]() {
        if (group.empty()) return;
        const std::string identifier = group.front().key.identifier;
        policy::Decision d = policy::Evaluate(site_policy, identifier, std::move(group), now);
        group.clear();
        candidates.push_back({identifier, d.allowed, d.chosen, RefusalText(d)});
    };
    client::ListingQuery query;
    query.status = "all";
    query.sort = "identifier";
    query.order = "asc";
    do {
        MKT_ASSIGN_OR_RETURN(client::ListingPage page, marketplace.List(query));
        for (auto& listed : page.entries) {
            if (!group.empty() && group.front().key.identifier != listed.entry.key.identifier) {
                judge();
            }
            group.push_back(std::move(listed.entry));
        }
        query.cursor = page.next_cursor;
    } while (query.cursor);
    judge();
    return candidates;
}

std::optional<EntryKey> OriginKey(const client::GlanceImage& image) {
    auto created = Timestamp::Parse(image.Property(kPropEndorsed));
    const std::string identifier = image.Property(kPropIdentifier);
    const std::string email = image.Property(kPropEndorser);
    if (!created.ok() || identifier.empty() || email.empty()) return std::nullopt;
    return EntryKey{identifier, email, *created};
}

/// The images site-sync made from this Marketplace (tag and endpoint property),
/// so that syncs from two Marketplaces into one Glance leave each other alone.
Result<std::vector<policy::HeldImage>> HeldImages(client::GlanceClient& glance,
                                                  const std::string& marketplace) {
    std::vector<policy::HeldImage> held;
    const client::GlanceFilters filters{{"tag", kOwnerTag}, {kPropMarketplace, marketplace}};
    MKT_RETURN_IF_ERROR(glance.ForEachImage(filters, [&](client::GlanceImage&& i) {
        held.push_back({i.id, i.status, OriginKey(i)});
        return true;
    }));
    return held;
}

struct Summary {
    int added = 0, kept = 0, replaced = 0, removed = 0, cleaned = 0, refused = 0, failed = 0;
    int exit_code = kExitOk;

    void Failure(const Status& status) {
        ++failed;
        const int code = ExitCodeFor(status);
        if (code == kExitIo || exit_code == kExitOk) exit_code = code;
    }
};

class SiteSync {
  public:
    SiteSync(const Options& options, CommandContext& ctx)
        : options_(options),
          ctx_(ctx),
          marketplace_(MakeClient(ctx.config)),
          glance_(options.glance, GlanceOptions(options, ctx)) {}

    /// One run; the summary's exit code.
    int Run() {
        Summary summary;
        const int code = RunOnce(summary);
        ctx_.out << "site-sync: added " << summary.added << ", kept " << summary.kept
                 << ", replaced " << summary.replaced << ", removed " << summary.removed
                 << ", cleaned up " << summary.cleaned << ", refused " << summary.refused
                 << ", failed " << summary.failed << "\n"
                 << std::flush;
        return code;
    }

  private:
    static client::GlanceOptions GlanceOptions(const Options& options, const CommandContext& ctx) {
        client::GlanceOptions g;
        g.http.verify_tls = ctx.config.verify_tls;
        g.http.timeout_seconds = ctx.config.timeout_seconds;
        g.http.max_send_bytes_per_second = options.max_upload_rate;
        g.token = options.token;
        return g;
    }

    int RunOnce(Summary& summary) {
        auto site_policy = LoadPolicyOption(options_.policy_file);
        if (!site_policy.ok()) return Fail(ctx_, kName, site_policy.status());
        auto candidates = JudgeListing(marketplace_, *site_policy, SystemClock().Now());
        if (!candidates.ok()) {
            return Fail(ctx_, kName, candidates.status().WithPrefix("the Marketplace: "));
        }
        auto held = HeldImages(glance_, marketplace_.endpoint());
        if (!held.ok()) return Fail(ctx_, kName, held.status());
        const policy::SyncPlan plan = policy::PlanSync(*candidates, *held, options_.modes);
        for (const auto& refused : plan.refused) {
            ++summary.refused;
            ctx_.out << "refused " << refused.identifier << ": " << refused.refusal << "\n";
        }
        for (const policy::SyncAction& action : plan.actions) {
            if (options_.dry_run) {
                PrintPlanned(action);
                continue;
            }
            Status status = Carry(action, summary);
            if (!status.ok()) {
                summary.Failure(status);
                ctx_.out << "failed " << policy::SyncActionName(action.kind) << " "
                         << action.identifier << ": " << status.message() << "\n";
            }
        }
        return summary.exit_code;
    }

    void PrintPlanned(const policy::SyncAction& action) {
        ctx_.out << "would " << policy::SyncActionName(action.kind) << " " << action.identifier;
        if (!action.glance_id.empty()) ctx_.out << " (Glance " << action.glance_id << ")";
        for (const auto& id : action.retire) ctx_.out << " retire " << id;
        if (!action.reason.empty()) ctx_.out << ": " << action.reason;
        ctx_.out << "\n";
    }

    Status Carry(const policy::SyncAction& action, Summary& summary) {
        using Kind = policy::SyncActionKind;
        switch (action.kind) {
            case Kind::kCleanup:
                MKT_RETURN_IF_ERROR(IgnoreGone(glance_.Delete(action.glance_id)));
                ++summary.cleaned;
                ctx_.out << "cleaned up " << action.glance_id << ": " << action.reason << "\n";
                return Status::Ok();
            case Kind::kKeep:
                ++summary.kept;
                if (ctx_.verbose) ctx_.out << "kept " << action.identifier << "\n";
                return RetireAll(action.retire, options_.modes.on_superseded, "superseded",
                                 summary);
            case Kind::kReactivate:
                MKT_RETURN_IF_ERROR(glance_.Reactivate(action.glance_id));
                ++summary.added;
                ctx_.out << "reactivated " << action.identifier << " as " << action.glance_id
                         << "\n";
                return RetireAll(action.retire, options_.modes.on_superseded, "superseded",
                                 summary);
            case Kind::kAdd: {
                MKT_ASSIGN_OR_RETURN(std::string glance_id, Add(*action.entry));
                if (action.retire.empty()) {
                    ++summary.added;
                    ctx_.out << "added " << action.identifier << " as " << glance_id << "\n";
                } else {
                    ++summary.replaced;
                    ctx_.out << "replaced " << action.identifier << " by " << glance_id << "\n";
                }
                return RetireAll(action.retire, options_.modes.on_superseded, "superseded",
                                 summary);
            }
            case Kind::kRevoke:
                ctx_.out << "revoked " << action.identifier << ": " << action.reason << "\n";
                return RetireAll(action.retire, options_.modes.on_revoked, "revoked", summary);
        }
        return Status::Internal("unknown site-sync action");
    }

    static Status IgnoreGone(Status status) {
        return status.code() == StatusCode::kNotFound ? Status::Ok() : status;
    }

    Status RetireAll(const std::vector<std::string>& ids, policy::RetireMode mode, const char* why,
                     Summary& summary) {
        for (const std::string& id : ids) {
            if (mode == policy::RetireMode::kDelete) {
                MKT_RETURN_IF_ERROR(IgnoreGone(glance_.Delete(id)));
                ctx_.out << "deleted " << id << " (" << why << ")\n";
            } else {
                MKT_RETURN_IF_ERROR(glance_.Deactivate(id));
                ctx_.out << "deactivated " << id << " (" << why << ")\n";
            }
            ++summary.removed;
        }
        return Status::Ok();
    }

    /// Verified download into the cache, then register + upload + check.
    Result<std::string> Add(const EntryKey& key) {
        MKT_ASSIGN_OR_RETURN(EntryMetadata m, VerifiedMetadata(marketplace_, key, ctx_));
        MKT_ASSIGN_OR_RETURN(std::string disk_format, DiskFormat(m.format));
        MKT_ASSIGN_OR_RETURN(image::CachedImage cached, FetchVerified(m));
        MKT_ASSIGN_OR_RETURN(std::string sha512, StoredSha512(cached, m));
        client::GlanceImageCreate create;
        create.name = m.title.empty() ? m.identifier : m.title;
        create.disk_format = disk_format;
        create.visibility = options_.visibility;
        create.tags = {kOwnerTag};
        create.properties = OriginProperties(m, sha512);
        MKT_ASSIGN_OR_RETURN(client::GlanceImage image, glance_.Create(create));
        Status uploaded = Upload(image.id, cached.path);
        if (uploaded.ok()) uploaded = CheckStored(image.id, cached.bytes, sha512);
        if (!uploaded.ok()) {
            const Status removed = IgnoreGone(glance_.Delete(image.id));
            if (!removed.ok()) {
                return Status(uploaded.code(), uploaded.message() + "; deleting image " + image.id +
                                                   " failed too: " + removed.message());
            }
            return uploaded;
        }
        return image.id;
    }

    Status Upload(const std::string& id, const std::filesystem::path& file) {
        Progress progress(ctx_.err);
        client::UploadProgress report;
        if (!ctx_.quiet && ctx_.err_is_terminal) {
            report = [&progress](uint64_t sent, std::optional<uint64_t> total) {
                progress.Update(sent, total);
            };
        }
        Status status = glance_.UploadFile(id, file, report);
        progress.Done();
        return status;
    }

    /// Glance's own account of what it stored must be the verified bytes.
    Status CheckStored(const std::string& id, uint64_t bytes, const std::string& sha512) {
        MKT_ASSIGN_OR_RETURN(client::GlanceImage stored, glance_.Get(id));
        if (stored.status != "active") {
            return Status::Unavailable("Glance left image " + id + " in status " + stored.status +
                                       " after the upload");
        }
        if (stored.size != bytes) {
            return Status::InvalidArgument(
                "Glance stored " + std::to_string(stored.size.value_or(0)) + " bytes for image " +
                id + ", the verified image has " + std::to_string(bytes) + ": deleted");
        }
        if (stored.os_hash_algo == "sha512" && stored.os_hash_value != sha512) {
            return Status::InvalidArgument("Glance's SHA-512 of image " + id + " (" +
                                           stored.os_hash_value +
                                           ") differs from the verified image's: deleted");
        }
        return Status::Ok();
    }

    Result<image::CachedImage> FetchVerified(const EntryMetadata& m) {
        MKT_ASSIGN_OR_RETURN(image::ImageCache cache,
                             image::ImageCache::Open(options_.cache_dir, kCacheBytes));
        MKT_ASSIGN_OR_RETURN(auto hit, cache.Find(m));
        if (hit) return *hit;
        client::ImageSourceOptions source_options;
        source_options.verify_tls = ctx_.config.verify_tls;
        source_options.ca_file = ctx_.config.ca_file;
        client::CurlImageSource source(source_options);
        image::DownloadOptions download;
        Progress progress(ctx_.err);
        if (!ctx_.quiet && ctx_.err_is_terminal) {
            download.progress = [&progress](const image::DownloadProgress& p) {
                progress.Update(p.received, p.total);
            };
        }
        if (!ctx_.quiet) {
            download.note = [this](const std::string& line) {
                ctx_.err << "note: " << line << "\n";
            };
        }
        auto result = image::DownloadVerified(
            m, source, [&]() { return cache.Stage(m); }, download);
        progress.Done();
        if (!result.ok()) return result.status().WithPrefix("image " + m.identifier + ": ");
        return cache.Insert(std::move(result->file), m, result->digests);
    }

    /// The SHA-512 of the cached, verified image: the entry's when it lists
    /// one (the cache verified it), else from the digests file the cache wrote.
    Result<std::string> StoredSha512(const image::CachedImage& cached, const EntryMetadata& m) {
        std::string sha512 = text::AsciiLower(m.ChecksumValue("SHA-512"));
        if (!sha512.empty()) return sha512;
        std::ifstream digests(cached.path.string() + ".digests");
        std::string word, value;
        while (digests >> word >> value) {
            if (word == "sha512") return value;
        }
        return Status::InvalidArgument("image " + m.identifier +
                                       ": neither the entry nor the cache has its SHA-512");
    }

    std::map<std::string, std::string> OriginProperties(const EntryMetadata& m,
                                                        const std::string& sha512) {
        std::map<std::string, std::string> p;
        auto set = [&p](const char* key, const std::string& value) {
            if (!value.empty()) p[key] = value.substr(0, 255);
        };
        set(kPropIdentifier, m.identifier);
        set(kPropEntryUrl, marketplace_.EntryUrl(
                               EntryKey{m.identifier, m.endorsement.email, m.endorsement.created}));
        set(kPropTitle, m.title);
        set(kPropDescription, m.description);
        set(kPropVersion, m.version);
        set(kPropOs, text::AsciiLower(m.os));
        set(kPropOsVersion, m.os_version);
        set(kPropArch, m.os_arch);
        set(kPropSha512, sha512);
        set(kPropEndorser, m.endorsement.email);
        set(kPropEndorsed, m.endorsement.created.ToString());
        if (m.valid) set(kPropExpires, m.valid->ToString());
        set(kPropMarketplace, marketplace_.endpoint());
        return p;
    }

    const Options& options_;
    CommandContext& ctx_;
    client::MarketplaceClient marketplace_;
    client::GlanceClient glance_;
};

}  // namespace

int RunSiteSync(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    auto options = ReadOptions(parsed);
    if (!options.ok()) return UsageError(ctx, kName, options.status().message());
    if (options->policy_file || !options->interval) {
        auto site_policy = LoadPolicyOption(options->policy_file);
        if (!site_policy.ok()) return UsageError(ctx, kName, site_policy.status().message());
    }
    SiteSync sync(*options, ctx);
    if (!options->interval) return sync.Run();
    for (;;) {
        sync.Run();
        std::this_thread::sleep_for(std::chrono::seconds(*options->interval));
    }
}

}  // namespace mkt::cli
