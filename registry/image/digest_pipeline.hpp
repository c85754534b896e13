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
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
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
    std::string md5, sha1, sha256, sha512;
};

class DigestPipeline final : public ByteSink {
  public:
    static constexpr size_t kBufferSize = 1 << 20;
    static constexpr size_t kBufferCount = 8;
    static constexpr size_t kDigestCount = 4;

    /// `workers` is capped at kDigestCount. Errors: kInternal when OpenSSL cannot
    /// set up a digest or a thread cannot be started.
    static Result<std::unique_ptr<DigestPipeline>> Create(unsigned workers, size_t head_bytes);
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
    /// digests. Call once. Errors: kInternal when an OpenSSL update or final failed.
    Result<HexDigests> Finish();

  private:
    struct Digest {
        evp_md_ctx_st* ctx = nullptr;
        uint64_t next = 0;  // sequence number of the next buffer to consume
        bool busy = false;  // a worker is updating it
    };

    explicit DigestPipeline(size_t head_bytes) : head_bytes_(head_bytes) {}
    Status Start(unsigned workers);
    void Publish();
    void WorkerLoop();
    Digest* PickLocked();
    uint64_t OldestLocked() const;
    void StopWorkers();
    char* Buffer(uint64_t seq) const { return buffers_[seq % buffers_.size()].get(); }

    const size_t head_bytes_;
    std::array<Digest, kDigestCount> digests_{};
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
    std::vector<std::thread> workers_;
};

}  // namespace mkt::image
