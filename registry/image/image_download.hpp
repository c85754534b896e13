// Verified image download: try each location of a signed entry in order, stream
// the bytes through decompression (gz, bz2, xz, recognised by their magic bytes)
// into the digests the entry lists and into an output file at the same time,
// and accept the image only when the byte count and every checksum match.
//
// The transport is an ImageSource (client/image_source.hpp implements it with
// libcurl for http, https and file URLs), so this logic has no network code. An
// interrupted transfer (connection dropped, body cut short) is resumed from the
// byte where it stopped, up to `max_resumes` times per location; the digests
// simply go on. Any other failure of a location (HTTP error, unsupported scheme,
// corrupt archive, wrong size or checksum) discards its output and moves to the
// next location. Nothing is written at a final path here: the caller gets the
// verified temporary file (AtomicFile) and commits it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "registry/entry.hpp"
#include "registry/image/atomic_file.hpp"
#include "registry/image/image_digester.hpp"
#include "registry/result.hpp"

namespace mkt::image {

/// Where bytes arrive from one Fetch.
using FetchSink = std::function<Status(std::span<const char>)>;

struct FetchOutcome {
    Status status;                  // OK: the body ended normally
    bool resumable = false;         // the transfer was cut: fetching again from an offset may go on
    std::optional<uint64_t> total;  // full size of the resource, when announced
};

class ImageSource {
  public:
    virtual ~ImageSource() = default;
    /// True for URL schemes this source reads ("http", "https", "file").
    virtual bool Supports(const std::string& url) const = 0;
    /// Streams `url` from byte `offset` into `sink`: the first byte passed is
    /// byte `offset` of the resource (the source skips what a server sends
    /// again when it ignores the range). An error from `sink` stops the transfer
    /// and is returned as the outcome's status.
    virtual FetchOutcome Fetch(const std::string& url, uint64_t offset, const FetchSink& sink) = 0;
};

struct DownloadProgress {
    std::string url;
    uint64_t received = 0;          // bytes of the location received so far (compressed)
    std::optional<uint64_t> total;  // its size, when announced
};

struct DownloadOptions {
    int max_resumes = 5;   // per location; each resume must bring new bytes
    unsigned threads = 0;  // digest threads (DigestOptions::threads)
    std::function<void(const DownloadProgress&)> progress;  // feeding thread; keep it cheap
    /// A line per failed location or resume ("<url>: <reason>, trying the next location").
    std::function<void(const std::string&)> note;
};

struct LocationFailure {
    std::string url;
    Status status;
};

struct DownloadResult {
    AtomicFile file;  // the verified, uncompressed image, not yet committed
    std::string url;  // the location it came from
    ImageDigests digests;
    int resumes = 0;
    std::vector<LocationFailure> failures;  // locations tried before, in order
};

/// Downloads and verifies the image of `metadata`. `make_output` creates the
/// temporary file for one attempt (a fresh one per location).
/// Errors: kInvalidArgument when the entry cannot be verified (no or unsupported
/// checksum) or when a location served bytes that failed verification;
/// kNotFound "the entry lists no location"; kUnavailable when every location
/// failed to deliver (network, HTTP errors, unsupported schemes). The message
/// lists each location with its reason, in order.
Result<DownloadResult> DownloadVerified(const EntryMetadata& metadata, ImageSource& source,
                                        const std::function<Result<AtomicFile>()>& make_output,
                                        const DownloadOptions& options = {});

}  // namespace mkt::image
