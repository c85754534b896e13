#include "registry/image/image_digester.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/image/decoder.hpp"
#include "registry/image/digest_pipeline.hpp"

namespace mkt::image {
namespace {

struct Magic {
    Compression compression;
    std::string_view bytes;
};
constexpr std::array<Magic, 3> kMagics{{
    {Compression::kGzip, std::string_view("\x1f\x8b", 2)},
    {Compression::kBzip2, std::string_view("BZh", 3)},
    {Compression::kXz, std::string_view("\xfd"
                                        "7zXZ\x00",
                                        6)},
}};
constexpr size_t kLongestMagic = 6;

// Compressed input is read in pieces of this size (raw input straight into the
// digest buffers instead).
constexpr size_t kReadSize = 256 * 1024;

unsigned DigestWorkers(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    return threads <= 1 ? 0 : std::min<unsigned>(threads, DigestPipeline::kDigestCount);
}

std::string ErrnoText(int error) { return std::strerror(error); }

/// read(2) retried on EINTR; -1 with errno set on failure.
ssize_t ReadSome(int fd, char* data, size_t size) {
    for (;;) {
        const ssize_t n = ::read(fd, data, size);
        if (n >= 0 || errno != EINTR) return n;
    }
}

}  // namespace

std::string_view CompressionName(Compression compression) {
    switch (compression) {
        case Compression::kAuto:
            return "auto";
        case Compression::kNone:
            return "none";
        case Compression::kGzip:
            return "gz";
        case Compression::kBzip2:
            return "bz2";
        case Compression::kXz:
            return "xz";
    }
    return "unknown";
}

Result<Compression> ParseCompression(std::string_view name) {
    if (name == "auto") return Compression::kAuto;
    if (name == "none" || name == "raw") return Compression::kNone;
    if (name == "gz" || name == "gzip") return Compression::kGzip;
    if (name == "bz2" || name == "bzip2") return Compression::kBzip2;
    if (name == "xz") return Compression::kXz;
    return Status::InvalidArgument("unknown compression '" + std::string(name) +
                                   "' (auto, none, gz, bz2, xz)");
}

Compression DetectCompression(std::string_view head) {
    for (const auto& m : kMagics) {
        if (head.starts_with(m.bytes)) return m.compression;
    }
    return Compression::kNone;
}

struct ImageDigester::Impl {
    Impl(std::string n, DigestOptions o, std::optional<uint64_t> total)
        : name(std::move(n)),
          options(std::move(o)),
          input_total(total),
          compression(options.compression) {}

    /// Records the first error, prefixed with the input's name, and returns it.
    Status Fail(const Status& s) {
        if (status.ok()) status = s.WithPrefix(name + ": ");
        return status;
    }
    Status FailToRead(int error) {
        if (status.ok())
            status = Status::Unavailable("cannot read " + name + ": " + ErrnoText(error));
        return status;
    }
    Status Check() const {
        if (!status.ok()) return status;
        if (finished) return Status::Internal("image digester used after Finish");
        return Status::Ok();
    }
    Status Ensure();
    Status Resolve(Compression c);
    Status Consume(std::span<const char> input);
    Status Feed(std::span<const char> input);
    Status FeedFrom(int fd);
    Result<ImageDigests> Finish();
    void Report() const {
        if (options.progress) {
            options.progress({input_bytes, pipeline ? pipeline->bytes() : 0, input_total});
        }
    }

    std::string name;
    DigestOptions options;
    std::optional<uint64_t> input_total;
    Compression compression;  // kAuto until the magic bytes are seen
    std::string pending;      // first bytes kept back for detection (kAuto)
    std::unique_ptr<DigestPipeline> pipeline;
    std::unique_ptr<Decoder> decoder;  // null for raw input
    uint64_t input_bytes = 0;
    Status status;
    bool finished = false;
};

/// Creates the pipeline on first use (threads start only when there is work).
Status ImageDigester::Impl::Ensure() {
    if (pipeline) return Status::Ok();
    const DigestSelection& d = options.digests;
    auto created = DigestPipeline::Create(DigestWorkers(options.threads), kHeadBytes,
                                          {d.md5, d.sha1, d.sha256, d.sha512}, options.output);
    if (!created.ok()) return Fail(created.status());
    pipeline = std::move(created).value();
    return Status::Ok();
}

Status ImageDigester::Impl::Resolve(Compression c) {
    compression = c;
    if (c == Compression::kNone) return Status::Ok();
    auto made = MakeDecoder(c);
    if (!made.ok()) return Fail(made.status());
    decoder = std::move(made).value();
    return Status::Ok();
}

Status ImageDigester::Impl::Consume(std::span<const char> input) {
    if (input.empty()) return Status::Ok();
    MKT_RETURN_IF_ERROR(Ensure());
    if (decoder) {
        const Status s = decoder->Decode(input, *pipeline);
        return s.ok() ? s : Fail(s);
    }
    while (!input.empty()) {
        const std::span<char> space = pipeline->Space();
        const size_t n = std::min(space.size(), input.size());
        std::memcpy(space.data(), input.data(), n);
        pipeline->Commit(n);
        input = input.subspan(n);
    }
    return Status::Ok();
}

Status ImageDigester::Impl::Feed(std::span<const char> input) {
    MKT_RETURN_IF_ERROR(Check());
    input_bytes += input.size();
    if (compression == Compression::kAuto) {
        const size_t take = std::min(kLongestMagic - pending.size(), input.size());
        pending.append(input.data(), take);
        input = input.subspan(take);
        if (pending.size() < kLongestMagic) {
            Report();
            return Status::Ok();
        }
        MKT_RETURN_IF_ERROR(Resolve(DetectCompression(pending)));
        MKT_RETURN_IF_ERROR(Consume({pending.data(), pending.size()}));
        pending.clear();
    } else if (!decoder && compression != Compression::kNone) {
        MKT_RETURN_IF_ERROR(Resolve(compression));
    }
    MKT_RETURN_IF_ERROR(Consume(input));
    if (pipeline && options.output) {
        if (Status s = pipeline->error(); !s.ok()) return Fail(s);
    }
    Report();
    return Status::Ok();
}

Status ImageDigester::Impl::FeedFrom(int fd) {
    MKT_RETURN_IF_ERROR(Check());
    std::unique_ptr<char[]> buffer;
    for (;;) {
        // Raw input, once known to be raw: read(2) straight into the digest buffers.
        if (compression == Compression::kNone) {
            MKT_RETURN_IF_ERROR(Ensure());
            const std::span<char> space = pipeline->Space();
            const ssize_t n = ReadSome(fd, space.data(), space.size());
            if (n < 0) return FailToRead(errno);
            if (n == 0) return Status::Ok();
            pipeline->Commit(static_cast<size_t>(n));
            input_bytes += static_cast<uint64_t>(n);
            Report();
            continue;
        }
        // Compressed input, or the first bytes when the format is not known yet.
        if (!buffer) buffer.reset(new char[kReadSize]);
        const size_t want =
            compression == Compression::kAuto ? kLongestMagic - pending.size() : kReadSize;
        const ssize_t n = ReadSome(fd, buffer.get(), want);
        if (n < 0) return FailToRead(errno);
        if (n == 0) return Status::Ok();
        MKT_RETURN_IF_ERROR(Feed({buffer.get(), static_cast<size_t>(n)}));
    }
}

Result<ImageDigests> ImageDigester::Impl::Finish() {
    MKT_RETURN_IF_ERROR(Check());
    finished = true;
    if (compression == Compression::kAuto) {
        MKT_RETURN_IF_ERROR(Resolve(DetectCompression(pending)));
        MKT_RETURN_IF_ERROR(Consume({pending.data(), pending.size()}));
        pending.clear();
    } else if (!decoder && compression != Compression::kNone) {
        MKT_RETURN_IF_ERROR(Resolve(compression));
    }
    MKT_RETURN_IF_ERROR(Ensure());
    if (decoder) {
        const Status s = decoder->Finish(*pipeline);
        if (!s.ok()) return Fail(s);
    }
    auto hex = pipeline->Finish();
    if (!hex.ok()) return Fail(hex.status());
    Report();
    ImageDigests out;
    out.bytes = pipeline->bytes();
    out.md5 = std::move(hex->md5);
    out.sha1 = std::move(hex->sha1);
    out.sha256 = std::move(hex->sha256);
    out.sha512 = std::move(hex->sha512);
    out.compression = compression;
    out.head = pipeline->head();
    return out;
}

ImageDigester::ImageDigester(std::string name, DigestOptions options,
                             std::optional<uint64_t> input_total)
    : impl_(std::make_unique<Impl>(std::move(name), std::move(options), input_total)) {}
ImageDigester::~ImageDigester() = default;
ImageDigester::ImageDigester(ImageDigester&&) noexcept = default;
ImageDigester& ImageDigester::operator=(ImageDigester&&) noexcept = default;

Status ImageDigester::Feed(std::span<const char> input) { return impl_->Feed(input); }
Status ImageDigester::FeedFrom(int fd) { return impl_->FeedFrom(fd); }
Result<ImageDigests> ImageDigester::Finish() { return impl_->Finish(); }

Result<ImageDigests> DigestImage(const std::filesystem::path& path, const DigestOptions& options) {
    const std::string name = path.string();
    const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::Unavailable("cannot open " + name + ": " + ErrnoText(errno));
    struct stat st {};
    std::optional<uint64_t> total;
    if (::fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            ::close(fd);
            return Status::Unavailable("cannot open " + name + ": Is a directory");
        }
        if (S_ISREG(st.st_mode)) {
            total = static_cast<uint64_t>(st.st_size);
            ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        }
    }
    ImageDigester digester(name, options, total);
    const Status fed = digester.FeedFrom(fd);
    ::close(fd);
    if (!fed.ok()) return fed;
    return digester.Finish();
}

}  // namespace mkt::image
