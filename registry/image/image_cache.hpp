// ImageCache: verified, uncompressed images on local disk, keyed by the image's
// SHA-1 (40 hex digits, from its identifier), bounded in size, least recently
// used evicted first.
//
// Layout of the directory: "<sha1>" (the image) and "<sha1>.digests" (its byte
// count and the digests computed when it was verified: "bytes N", "md5 <hex>",
// ...); temporary files are hidden ".<sha1>.part-*". An image enters only through
// Insert, after a download verified it, and the image is renamed into place last,
// so a crash or a failed download never leaves a usable-looking entry.
//
// A hit re-verifies cheaply: the file size must equal the entry's byte count and
// the stored digests must agree with every checksum the entry lists; when the
// entry lists an algorithm the stored file lacks, the image is read and digested
// again (full check) and the file is completed. A mismatch removes the entry
// (miss). Recency is the image's modification time, set on every hit.
// Several processes may share a directory: Insert and eviction hold an flock on
// "<dir>/.lock". Not thread-safe within a process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "registry/entry.hpp"
#include "registry/image/atomic_file.hpp"
#include "registry/image/image_digester.hpp"
#include "registry/result.hpp"

namespace mkt::image {

struct CachedImage {
    std::filesystem::path path;
    uint64_t bytes = 0;
};

class ImageCache {
  public:
    /// Creates `dir` if needed. Errors: kUnavailable "cannot use cache directory
    /// <dir>: <reason>"; kInvalidArgument when max_bytes is 0.
    static Result<ImageCache> Open(const std::filesystem::path& dir, uint64_t max_bytes);

    /// The cached image of `metadata`, re-verified; nullopt on a miss. Errors:
    /// kInvalidArgument for an identifier that is not one; kUnavailable for I/O.
    Result<std::optional<CachedImage>> Find(const EntryMetadata& metadata);

    /// True when an image of `bytes` bytes can be cached at all (<= max_bytes).
    bool Fits(uint64_t bytes) const { return bytes <= max_bytes_; }
    /// A temporary file in the cache directory for the image of `metadata`.
    Result<AtomicFile> Stage(const EntryMetadata& metadata);
    /// Makes a staged, verified image an entry: evicts least recently used
    /// entries until everything fits in max_bytes, writes the digests, renames
    /// the image into place. Errors: kUnavailable for I/O.
    Result<CachedImage> Insert(AtomicFile staged, const EntryMetadata& metadata,
                               const ImageDigests& digests);

    /// Total bytes of the cached images.
    uint64_t UsedBytes() const;
    const std::filesystem::path& dir() const { return dir_; }
    uint64_t max_bytes() const { return max_bytes_; }

  private:
    ImageCache(std::filesystem::path dir, uint64_t max_bytes)
        : dir_(std::move(dir)), max_bytes_(max_bytes) {}
    void Remove(const std::string& sha1) const;
    /// Removes least recently used images (not `keep`) until `incoming` more fit.
    void Evict(uint64_t incoming, const std::string& keep) const;

    std::filesystem::path dir_;
    uint64_t max_bytes_;
};

}  // namespace mkt::image
