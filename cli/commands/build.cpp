// marketplace build IMAGE [options]: the unsigned metadata document of an image,
// as StratusLab's stratus-build-metadata made it (reference section 8), to be
// signed with `marketplace sign`.
//
// The image is read once: raw, gzip, bzip2 or xz (named by --compression or
// recognised by its magic bytes), and the byte count, MD5, SHA-1, SHA-256 and
// SHA-512 are those of the UNCOMPRESSED bytes, computed in one streaming pass on
// all cores (registry/image/image_digester.hpp). The document comes from
// mappers/metadata_document.hpp; dcterms:created is now, dcterms:valid now +
// --valid-days (365 by default; the original's 178 was a typo for 365).
// dcterms:compression is the archive format read (none: left out); dcterms:format
// defaults to what the image's header says (qcow2, vmdk, vdi, vhdx; else raw).
//
// Every argument is checked before the image is read (an hour of hashing is not
// lost to a typo). Exit codes: 2 for arguments; 1 when the image is a corrupt or
// truncated archive (invalid input, like an invalid document); 3 when the image
// cannot be read or the output cannot be written.
//
// Output: the document on stdout, or --output FILE written atomically (temporary
// file + rename). On a terminal, and unless --quiet, a progress bar (bytes,
// rate, ETA) on stderr, redrawn at most 10 times a second.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/files.hpp"
#include "mappers/metadata_document.hpp"
#include "registry/clock.hpp"
#include "registry/identifier.hpp"
#include "registry/image/disk_format.hpp"
#include "registry/image/image_digester.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "build";
constexpr int kDefaultValidDays = 365;
constexpr int kMaxValidDays = 3650;
constexpr unsigned kMaxThreads = 256;

const ArgParser& Parser() {
    static const ArgParser parser(
        "build IMAGE [options]",
        "Writes the unsigned metadata document of IMAGE (sign it with 'marketplace sign').\n"
        "Byte count and MD5, SHA-1, SHA-256, SHA-512 checksums are those of the uncompressed\n"
        "image: gzip, bzip2 and xz images are read directly. The identifier derives from the\n"
        "SHA-1. Exit codes: 1 corrupt or truncated archive, 2 bad arguments, 3 unreadable\n"
        "image or unwritable output.",
        {
            {"author", "NAME", "the image's author (dcterms:creator)"},
            {"os", "NAME", "operating system, e.g. Ubuntu (slterms:os)"},
            {"os-version", "VERSION", "operating system version (slterms:os-version)"},
            {"os-arch", "ARCH", "architecture, e.g. x86_64 (slterms:os-arch)"},
            {"image-version", "VERSION", "version of the image (slterms:version)"},
            {"location", "URI", "where the image can be downloaded (slterms:location)", true},
            {"format", "FORMAT",
             "disk format (dcterms:format); default: from the image header (qcow2, vmdk, vdi, "
             "vhdx), else raw"},
            {"compression", "auto|none|gz|bz2|xz",
             "how the file is compressed (dcterms:compression); default auto: from its magic "
             "bytes; none digests the file as it is"},
            {"hypervisor", "NAME", "hypervisor, e.g. kvm (slterms:hypervisor)"},
            {"disks-bus", "ide|scsi|virtio", "disk bus (slterms:disks-bus)"},
            {"title", "TEXT", "short name (dcterms:title)"},
            {"description", "TEXT", "description (dcterms:description)"},
            {"tag", "TEXT", "stable name of the image series (dcterms:alternative)"},
            {"publisher", "NAME", "publisher (dcterms:publisher)"},
            {"valid-days", "N",
             "days the endorsement stays valid (dcterms:valid; default 365, at most 3650)"},
            {"kind", "machine|disk", "machine image or data disk (slterms:kind; default machine)"},
            {"type", "TYPE", "dcterms:type (default base)"},
            {"output", "FILE", "write the document to FILE (atomically) instead of stdout", false,
             'o'},
            {"threads", "N", "threads computing the digests (default: one per core)"},
            {"quiet", "", "no progress bar and no notes", false, 'q'},
        });
    return parser;
}

Result<unsigned> ParseBounded(const ParsedArgs& parsed, const std::string& option,
                              unsigned fallback, unsigned min, unsigned max) {
    const auto text = parsed.Get(option);
    if (!text) return fallback;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
        return Status::InvalidArgument("--" + option + " '" + *text + "' is not an integer from " +
                                       std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
}

Status CheckChoice(const ParsedArgs& parsed, const std::string& option,
                   std::initializer_list<std::string_view> choices) {
    const auto value = parsed.Get(option);
    if (!value) return Status::Ok();
    std::string list;
    for (std::string_view c : choices) {
        if (*value == c) return Status::Ok();
        list += (list.empty() ? "" : ", ") + std::string(c);
    }
    return Status::InvalidArgument("--" + option + " '" + *value + "' is not one of " + list);
}

/// What the arguments say, checked, before the image is read.
struct BuildRequest {
    std::string image;
    EntryMetadata fields;  // everything but bytes, checksums, compression, format, dates
    image::DigestOptions digest;
    std::string format;  // empty: guess from the image
    unsigned valid_days = kDefaultValidDays;
    std::string output;  // "-": stdout
    bool quiet = false;
};

Result<BuildRequest> ReadRequest(const ParsedArgs& parsed, const CommandContext& ctx) {
    if (parsed.positional().size() != 1) {
        return Status::InvalidArgument(parsed.positional().empty()
                                           ? "no IMAGE given"
                                           : "expected one IMAGE, got " +
                                                 std::to_string(parsed.positional().size()));
    }
    BuildRequest r;
    r.image = parsed.positional()[0];
    MKT_RETURN_IF_ERROR(CheckChoice(parsed, "kind", {"machine", "disk"}));
    MKT_RETURN_IF_ERROR(CheckChoice(parsed, "disks-bus", {"ide", "scsi", "virtio"}));
    MKT_ASSIGN_OR_RETURN(r.valid_days,
                         ParseBounded(parsed, "valid-days", kDefaultValidDays, 1, kMaxValidDays));
    MKT_ASSIGN_OR_RETURN(r.digest.threads, ParseBounded(parsed, "threads", 0, 1, kMaxThreads));
    if (const auto c = parsed.Get("compression")) {
        auto compression = image::ParseCompression(*c);
        if (!compression.ok()) return compression.status().WithPrefix("--compression: ");
        r.digest.compression = *compression;
    }
    for (const auto& location : parsed.All("location")) {
        if (!mappers::IsAbsoluteUri(location)) {
            return Status::InvalidArgument("--location '" + location +
                                           "' is not an absolute URI (e.g. "
                                           "https://images.example.org/image.qcow2)");
        }
    }
    if (const auto format = parsed.Get("format"); format && format->empty()) {
        return Status::InvalidArgument("--format must not be empty");
    }
    EntryMetadata& m = r.fields;
    m.type = parsed.GetOr("type", "base");
    m.kind = parsed.GetOr("kind", "machine");
    m.creator = parsed.GetOr("author", "");
    m.os = parsed.GetOr("os", "");
    m.os_version = parsed.GetOr("os-version", "");
    m.os_arch = parsed.GetOr("os-arch", "");
    m.version = parsed.GetOr("image-version", "");
    m.locations = parsed.All("location");
    m.hypervisor = parsed.GetOr("hypervisor", "");
    m.disks_bus = parsed.GetOr("disks-bus", "");
    m.title = parsed.GetOr("title", "");
    m.description = parsed.GetOr("description", "");
    m.tag = parsed.GetOr("tag", "");
    m.publisher = parsed.GetOr("publisher", "");
    r.format = parsed.GetOr("format", "");
    m.format = r.format;
    MKT_RETURN_IF_ERROR(mappers::CheckDocumentFields(m));
    r.output = parsed.GetOr("output", "-");
    r.quiet = ctx.quiet || parsed.Has("quiet");
    return r;
}

std::string HumanBytes(double bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t unit = 0;
    while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
        bytes /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
    return text;
}

std::string Duration(double seconds) {
    const long s = static_cast<long>(seconds + 0.5);
    char text[32];
    if (s >= 3600) {
        std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else {
        std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
    }
    return text;
}

/// One line on a terminal, rewritten in place: bar, percentage, bytes read of
/// the total, average rate and ETA (after a second; bytes and rate only when the
/// size is unknown), then the time taken.
class ProgressBar {
  public:
    explicit ProgressBar(std::ostream& err) : err_(err), start_(Clock::now()), last_(start_) {}

    /// Draws at most every 100 ms, the first time 100 ms after the start (a
    /// rate measured over the first bytes means nothing).
    void Update(const image::DigestProgress& p) {
        const auto now = Clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        Draw(p, false);
    }

    void Finish(const image::DigestProgress& p) {
        Draw(p, true);
        err_ << "\n";
        err_.flush();
    }

  private:
    using Clock = std::chrono::steady_clock;

    void Draw(const image::DigestProgress& p, bool done) {
        const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
        const double rate = elapsed > 0 ? static_cast<double>(p.input_bytes) / elapsed : 0;
        std::string line = "\r";
        if (p.input_total && *p.input_total > 0) {
            const double fraction = std::min(
                1.0, static_cast<double>(p.input_bytes) / static_cast<double>(*p.input_total));
            const int filled = static_cast<int>(fraction * kWidth);
            line += "[" + std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(kWidth - filled), '.') + "] ";
            char percent[8];
            std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100));
            line += std::string(percent) + "  " + HumanBytes(static_cast<double>(p.input_bytes)) +
                    " / " + HumanBytes(static_cast<double>(*p.input_total));
        } else {
            line += HumanBytes(static_cast<double>(p.input_bytes));
        }
        line += "  " + HumanBytes(rate) + "/s";
        if (done) {
            line += "  in " + Duration(elapsed);
        } else if (p.input_total && elapsed >= 1 && rate > 0 && *p.input_total >= p.input_bytes) {
            line += "  ETA " + Duration(static_cast<double>(*p.input_total - p.input_bytes) / rate);
        }
        line += "\x1b[K";  // clear what a longer previous line left
        err_ << line;
        err_.flush();
    }

    static constexpr int kWidth = 24;
    std::ostream& err_;
    Clock::time_point start_, last_;
};

/// The digests as document fields, plus the dates.
void AddImageFields(const image::ImageDigests& d, const BuildRequest& r, Timestamp now,
                    EntryMetadata& m) {
    m.bytes = d.bytes;
    m.checksums = {{"MD5", d.md5}, {"SHA-1", d.sha1}, {"SHA-256", d.sha256}, {"SHA-512", d.sha512}};
    m.compression = d.compression == image::Compression::kNone
                        ? ""
                        : std::string(CompressionName(d.compression));
    m.format = r.format.empty() ? std::string(image::GuessDiskFormat(d.head)) : r.format;
    m.image_created = now;
    m.valid = now + static_cast<int64_t>(r.valid_days) * 86400;
}

}  // namespace

int RunBuild(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    auto request = ReadRequest(parsed, ctx);
    if (!request.ok()) return UsageError(ctx, kName, request.status().message());
    BuildRequest& r = *request;
    if (r.fields.locations.empty() && !r.quiet) {
        ctx.err << "marketplace " << kName
                << ": note: no --location given; users will not know where to download the "
                   "image\n";
    }

    std::optional<ProgressBar> bar;
    image::DigestProgress last;
    if (ctx.err_is_terminal && !r.quiet) {
        bar.emplace(ctx.err);
        r.digest.progress = [&](const image::DigestProgress& p) {
            last = p;
            bar->Update(p);
        };
    }
    auto digests = image::DigestImage(r.image, r.digest);
    if (bar) bar->Finish(last);
    if (!digests.ok()) return Fail(ctx, kName, digests.status());

    AddImageFields(*digests, r, SystemClock().Now(), r.fields);
    auto document = mappers::BuildUnsignedDocument(r.fields);
    if (!document.ok()) return Fail(ctx, kName, document.status());
    const Status written = WriteOutput(r.output, *document, ctx.out);
    if (!written.ok()) return Fail(ctx, kName, written);
    if (r.output != "-" && !r.quiet) {
        auto id = identifier::FromSha1Hex(digests->sha1);
        ctx.err << "marketplace " << kName << ": image " << (id.ok() ? *id : digests->sha1) << ", "
                << digests->bytes << " bytes (" << r.fields.format
                << (r.fields.compression.empty() ? "" : ", " + r.fields.compression) << "); wrote "
                << r.output << "\n";
    }
    return kExitOk;
}

}  // namespace mkt::cli
