// Image digests: the byte count, MD5, SHA-1, SHA-256 and SHA-512 of an image's
// UNCOMPRESSED bytes, computed in one streaming pass (this folder is the home of
// zlib, libbz2, liblzma and of OpenSSL's digests).
//
// The input may be raw or a gzip (multi-member), bzip2 (multi-stream) or xz
// (concatenated streams) archive, named or detected from its magic bytes. It is
// never held in memory: the feeding thread reads (or decompresses) into a small
// ring of 1 MiB buffers and worker threads run the four digests over every buffer
// in order, each worker taking whichever digest is furthest behind, so the work
// spreads over the cores whatever each digest costs on this CPU. Memory stays
// under about 10 MiB plus the decompressor's (an xz archive made with -9 needs
// 65 MiB to decode, as for `xz -d`).
//
// A truncated or corrupt archive is an error, never wrong checksums:
// kInvalidArgument "<name>: truncated gzip stream after N bytes",
// "<name>: corrupt bzip2 stream at byte N: <reason>", ...; the archive's own
// checks (gzip CRC-32 and length, bzip2 block and stream CRCs, xz integrity
// check) are verified. After the last complete member, trailing zero bytes are
// accepted as padding (as gzip, bzip2 and xz do); any other data must start a
// new member. I/O failures are kUnavailable ("cannot read <name>: <reason>").
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "registry/result.hpp"

namespace mkt::image {

enum class Compression { kAuto, kNone, kGzip, kBzip2, kXz };

/// "auto", "none", "gz", "bz2", "xz" (the last three are dcterms:compression values).
std::string_view CompressionName(Compression compression);
/// Inverse of CompressionName; also accepts "gzip", "bzip2" and "raw" (= none).
/// Errors: kInvalidArgument "unknown compression 'x' (auto, none, gz, bz2, xz)".
Result<Compression> ParseCompression(std::string_view name);
/// The format whose magic number begins `head` (gzip 1f 8b, bzip2 "BZh",
/// xz fd 37 7a 58 5a 00); kNone when none does (also when `head` is shorter
/// than the magic number).
Compression DetectCompression(std::string_view head);

struct ImageDigests {
    uint64_t bytes = 0;                            // uncompressed size
    std::string md5, sha1, sha256, sha512;         // lowercase hex
    Compression compression = Compression::kNone;  // the format that was decoded
    std::string head;  // the first min(bytes, kHeadBytes) uncompressed bytes (format sniffing)
};
inline constexpr size_t kHeadBytes = 512;

struct DigestProgress {
    uint64_t input_bytes = 0;             // bytes read or fed so far (compressed, if compressed)
    uint64_t output_bytes = 0;            // uncompressed bytes produced so far
    std::optional<uint64_t> input_total;  // size of the input, when known
};
/// Called on the feeding thread after each chunk read or fed (about every
/// 256 KiB to 1 MiB): keep it cheap; throttle redraws in the callback.
using ProgressCallback = std::function<void(const DigestProgress&)>;

/// Which digests to compute (a verifying download needs only those its metadata
/// lists); the others come back empty in ImageDigests.
struct DigestSelection {
    bool md5 = true, sha1 = true, sha256 = true, sha512 = true;
};

/// Receives the UNCOMPRESSED bytes in order, in pieces of up to 1 MiB, on a
/// digest worker thread (or the feeding thread with threads = 1), while the
/// digests run. An error is kept: Feed returns it soon after, Finish returns it.
using ImageOutput = std::function<Status(std::span<const char>)>;

struct DigestOptions {
    Compression compression = Compression::kAuto;
    DigestSelection digests;
    ImageOutput output;
    /// Threads computing digests: 0 = std::thread::hardware_concurrency(); 1 = on
    /// the feeding thread; n >= 2 = min(n, 4) workers besides the feeding thread.
    unsigned threads = 0;
    ProgressCallback progress;
};

/// The push interface: feed the input (compressed, as stored) in pieces of any
/// size, then Finish. Suits streams whose bytes arrive from elsewhere (downloads).
/// Errors are sticky: after one, Feed and Finish return it. Not thread-safe (one
/// feeding thread); the destructor stops the workers when Finish was not called.
class ImageDigester {
  public:
    /// `name` is used in error messages (a file name, a URL). `input_total`, when
    /// known, is passed to the progress callback.
    ImageDigester(std::string name, DigestOptions options,
                  std::optional<uint64_t> input_total = std::nullopt);
    ~ImageDigester();
    ImageDigester(ImageDigester&&) noexcept;
    ImageDigester& operator=(ImageDigester&&) noexcept;

    /// Errors: kInvalidArgument for a corrupt archive or data after its end;
    /// kInternal when a library fails (memory, OpenSSL) or after Finish.
    Status Feed(std::span<const char> input);
    /// Reads `fd` to its end as input (raw data is read straight into the digest
    /// buffers, no copy). Errors: as Feed; kUnavailable when read(2) fails.
    Status FeedFrom(int fd);
    /// Ends the input. Errors: as Feed; kInvalidArgument "<name>: truncated
    /// <format> stream after N bytes" when the archive ends early.
    Result<ImageDigests> Finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Opens `path` and digests it. Errors: as ImageDigester (the name is the path
/// as given); kUnavailable "cannot open <path>: <reason>" (missing, unreadable,
/// a directory).
Result<ImageDigests> DigestImage(const std::filesystem::path& path, const DigestOptions& options);

}  // namespace mkt::image
