#include "registry/image/digest_pipeline.hpp"

#include <algorithm>
#include <system_error>

#include <openssl/evp.h>

namespace mkt::image {
namespace {

// Order of digests_: the results are read back by index.
constexpr std::array<const char*, DigestPipeline::kDigestCount> kAlgorithms = {"MD5", "SHA1",
                                                                               "SHA256", "SHA512"};

std::string Hex(const unsigned char* bytes, unsigned int size) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(kHex[bytes[i] >> 4]);
        out.push_back(kHex[bytes[i] & 15]);
    }
    return out;
}

}  // namespace

Result<std::unique_ptr<DigestPipeline>> DigestPipeline::Create(unsigned workers, size_t head_bytes,
                                                               DigestMask digests,
                                                               PipelineOutput output) {
    std::unique_ptr<DigestPipeline> pipeline(new DigestPipeline(head_bytes, std::move(output)));
    MKT_RETURN_IF_ERROR(pipeline->Start(workers, digests));
    return pipeline;
}

Status DigestPipeline::Start(unsigned workers, const DigestMask& digests) {
    for (size_t i = 0; i < kDigestCount; ++i) {
        if (!digests[i]) continue;
        Digest& d = digests_.emplace_back();
        d.slot = i;
        EVP_MD* md = EVP_MD_fetch(nullptr, kAlgorithms[i], nullptr);
        d.ctx = EVP_MD_CTX_new();
        const bool ok = md && d.ctx && EVP_DigestInit_ex(d.ctx, md, nullptr);
        EVP_MD_free(md);
        if (!ok) {
            return Status::Internal(std::string("OpenSSL cannot compute ") + kAlgorithms[i] +
                                    " digests");
        }
    }
    if (output_) digests_.emplace_back().slot = kDigestCount;
    workers = std::min<unsigned>(workers, static_cast<unsigned>(digests_.size()));
    // One buffer suffices when the producer runs the digests itself.
    const size_t count = workers == 0 ? 1 : kBufferCount;
    buffers_.resize(count);
    for (auto& b : buffers_) b.reset(new char[kBufferSize]);  // not zeroed: pages stay untouched
    sizes_.assign(count, 0);
    head_.reserve(head_bytes_);
    try {
        for (unsigned i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    } catch (const std::system_error& e) {
        return Status::Internal(std::string("cannot start a digest thread: ") + e.what());
    }
    return Status::Ok();
}

bool DigestPipeline::Update(Digest& d, const char* data, size_t size) {
    if (d.ctx) return EVP_DigestUpdate(d.ctx, data, size) == 1;
    Status s = output_({data, size});
    if (s.ok()) return true;
    std::lock_guard lock(output_mu_);
    if (output_status_.ok()) output_status_ = std::move(s);
    return false;
}

Status DigestPipeline::error() {
    std::lock_guard lock(output_mu_);
    return output_status_;
}

DigestPipeline::~DigestPipeline() {
    {
        std::lock_guard lock(mu_);
        aborting_ = true;
    }
    StopWorkers();
    for (auto& d : digests_) EVP_MD_CTX_free(d.ctx);
}

void DigestPipeline::StopWorkers() {
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
}

uint64_t DigestPipeline::OldestLocked() const {
    if (digests_.empty()) return published_;
    uint64_t oldest = digests_[0].next;
    for (const auto& d : digests_) oldest = std::min(oldest, d.next);
    return oldest;
}

std::span<char> DigestPipeline::Space() {
    if (!slot_ready_) {
        if (!workers_.empty()) {
            std::unique_lock lock(mu_);
            space_cv_.wait(lock, [&] { return published_ - OldestLocked() < buffers_.size(); });
        }
        slot_ready_ = true;
    }
    return {Buffer(published_) + fill_, kBufferSize - fill_};
}

void DigestPipeline::Commit(size_t n) {
    if (head_.size() < head_bytes_) {
        const size_t take = std::min(n, head_bytes_ - head_.size());
        head_.append(Buffer(published_) + fill_, take);
    }
    fill_ += n;
    bytes_ += n;
    if (fill_ == kBufferSize) Publish();
}

void DigestPipeline::Publish() {
    if (fill_ == 0) return;
    if (workers_.empty()) {
        for (auto& d : digests_) {
            if (!Update(d, Buffer(published_), fill_)) failed_ = true;
        }
        ++published_;
    } else {
        {
            std::lock_guard lock(mu_);
            sizes_[published_ % buffers_.size()] = fill_;
            ++published_;
        }
        work_cv_.notify_all();
    }
    fill_ = 0;
    slot_ready_ = false;
}

DigestPipeline::Digest* DigestPipeline::PickLocked() {
    Digest* pick = nullptr;
    for (auto& d : digests_) {
        if (!d.busy && d.next < published_ && (!pick || d.next < pick->next)) pick = &d;
    }
    return pick;
}

void DigestPipeline::WorkerLoop() {
    std::unique_lock lock(mu_);
    for (;;) {
        if (aborting_) break;
        Digest* d = PickLocked();
        if (!d) {
            if (closing_ && OldestLocked() == published_) break;
            work_cv_.wait(lock);
            continue;
        }
        d->busy = true;
        const uint64_t seq = d->next;
        const char* data = Buffer(seq);
        const size_t size = sizes_[seq % buffers_.size()];
        lock.unlock();
        const bool ok = Update(*d, data, size);
        lock.lock();
        d->busy = false;
        ++d->next;
        failed_ = failed_ || !ok;
        space_cv_.notify_one();
        work_cv_.notify_one();  // the digest just released may have more buffers ready
    }
    lock.unlock();
    work_cv_.notify_all();  // let the others see the end too
}

Result<HexDigests> DigestPipeline::Finish() {
    Publish();
    {
        std::lock_guard lock(mu_);
        closing_ = true;
    }
    StopWorkers();
    if (Status s = error(); !s.ok()) return s;
    if (failed_) return Status::Internal("OpenSSL failed to update an image digest");
    std::array<std::string, kDigestCount> hex;
    for (Digest& d : digests_) {
        if (!d.ctx) continue;
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        if (EVP_DigestFinal_ex(d.ctx, out, &size) != 1) {
            return Status::Internal(std::string("OpenSSL failed to finish the ") +
                                    kAlgorithms[d.slot] + " digest");
        }
        hex[d.slot] = Hex(out, size);
    }
    return HexDigests{std::move(hex[0]), std::move(hex[1]), std::move(hex[2]), std::move(hex[3])};
}

}  // namespace mkt::image
