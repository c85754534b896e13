// DigestPipeline: MD5, SHA-1, SHA-256 and SHA-512 of one byte stream, spread
// over worker threads (internal to registry/image; OpenSSL EVP).
//
// The producer (the feeding thread) fills a ring of kBufferCount buffers of
// kBufferSize bytes through the ByteSink interface; a full buffer is published
// and each of the four digests consumes every published buffer in order. A
// worker takes the ready digest that is furthest behind (so the costliest digest
// never waits while cheaper ones run ahead), updates it with one whole buffer,
// and gives it back; a buffer is reused once all four digests are past it. The
// producer blocks when the ring is full, so memory is bounded whatever the
// relative speeds. With 0 workers the digests run in Commit, on the producer.
//
// Consumers: the digests asked for (any subset of the four; unrequested ones are
// not computed and come back empty) and, optionally, an output function that
// receives every buffer in order (a download writes the uncompressed image to
// disk from a worker while the digests run). The first output error is kept and
// returned by Finish; error() lets the producer stop early.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "registry/image/byte_sink.hpp"
#include "registry/result.hpp"

struct evp_md_ctx_st;

namespace mkt::image {

struct HexDigests {
    std::string md5, sha1, sha256, sha512;  // empty when not requested
};

/// Which digests to compute, in the order md5, sha1, sha256, sha512.
using DigestMask = std::array<bool, 4>;
/// Receives the stream's bytes in order, one buffer at a time (worker thread).
using PipelineOutput = std::function<Status(std::span<const char>)>;

class DigestPipeline final : public ByteSink {
  public:
    static constexpr size_t kBufferSize = 1 << 20;
    static constexpr size_t kBufferCount = 8;
    static constexpr size_t kDigestCount = 4;

    /// `workers` is capped at kDigestCount. Errors: kInternal when OpenSSL cannot
    /// set up a digest or a thread cannot be started.
    static Result<std::unique_ptr<DigestPipeline>> Create(unsigned workers, size_t head_bytes,
                                                          DigestMask digests = {true, true, true,
                                                                                true},
                                                          PipelineOutput output = {});
    /// Stops and joins the workers (results are dropped when Finish was not called).
    ~DigestPipeline() override;
    DigestPipeline(const DigestPipeline&) = delete;
    DigestPipeline& operator=(const DigestPipeline&) = delete;

    std::span<char> Space() override;
    void Commit(size_t n) override;

    uint64_t bytes() const { return bytes_; }
    /// The first head_bytes bytes committed (fewer if the stream is shorter).
    const std::string& head() const { return head_; }
    /// Publishes the last partial buffer, waits for the workers, returns the
    /// digests. Call once. Errors: the output's first error; kInternal when an
    /// OpenSSL update or final failed.
    Result<HexDigests> Finish();
    /// The output's first error so far (OK when none); callable from the producer.
    Status error();

  private:
    /// A digest (ctx set, `slot` = its index in HexDigests order) or the output (no ctx).
    struct Digest {
        evp_md_ctx_st* ctx = nullptr;
        size_t slot = 0;
        uint64_t next = 0;  // sequence number of the next buffer to consume
        bool busy = false;  // a worker is updating it
    };

    DigestPipeline(size_t head_bytes, PipelineOutput output)
        : head_bytes_(head_bytes), output_(std::move(output)) {}
    Status Start(unsigned workers, const DigestMask& digests);
    /// Feeds one buffer to one consumer; false on failure (recorded).
    bool Update(Digest& d, const char* data, size_t size);
    void Publish();
    void WorkerLoop();
    Digest* PickLocked();
    uint64_t OldestLocked() const;
    void StopWorkers();
    char* Buffer(uint64_t seq) const { return buffers_[seq % buffers_.size()].get(); }

    const size_t head_bytes_;
    PipelineOutput output_;
    std::vector<Digest> digests_;  // the requested digests, then the output if any
    std::vector<std::unique_ptr<char[]>> buffers_;
    std::vector<size_t> sizes_;  // bytes in each slot, set when published

    // Producer-side state (the feeding thread only).
    uint64_t bytes_ = 0;
    size_t fill_ = 0;          // bytes in the current (unpublished) buffer
    bool slot_ready_ = false;  // the current slot is known to be free
    std::string head_;

    std::mutex mu_;
    std::condition_variable work_cv_;   // workers: a buffer was published, or stop
    std::condition_variable space_cv_;  // producer: a digest moved on
    uint64_t published_ = 0;            // buffers published (written by the producer)
    bool closing_ = false;              // no more buffers: finish and exit
    bool aborting_ = false;             // exit now
    bool failed_ = false;               // an EVP update failed
    std::mutex output_mu_;
    Status output_status_;  // the output's first error (guarded by output_mu_)
    std::vector<std::thread> workers_;
};

}  // namespace mkt::image
