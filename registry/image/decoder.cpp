#include "registry/image/decoder.hpp"

#include <algorithm>
#include <climits>
#include <string>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>

namespace mkt::image {
namespace {

// zlib and libbz2 count in unsigned int: feed them at most this much at a time.
constexpr size_t kMaxPiece = size_t{1} << 30;

Status Corrupt(const char* format, uint64_t offset, const std::string& reason) {
    return Status::InvalidArgument(std::string("corrupt ") + format + " stream at byte " +
                                   std::to_string(offset) + ": " + reason);
}

Status Truncated(const char* format, uint64_t consumed) {
    return Status::InvalidArgument(std::string("truncated ") + format + " stream after " +
                                   std::to_string(consumed) + " bytes");
}

size_t LeadingZeros(std::span<const char> input) {
    size_t n = 0;
    while (n < input.size() && input[n] == 0) ++n;
    return n;
}

/// What gzip and bzip2 share: members one after another, then optional zero
/// padding; the subclass decodes one member at a time.
class MemberDecoder : public Decoder {
  public:
    Status Decode(std::span<const char> input, ByteSink& sink) final {
        while (!input.empty()) {
            if (state_ == State::kStart) {
                MKT_RETURN_IF_ERROR(StartMember());
                state_ = State::kInMember;
            } else if (state_ != State::kInMember) {
                const size_t zeros = LeadingZeros(input);
                if (zeros > 0) {
                    state_ = State::kPadding;
                    consumed_ += zeros;
                    input = input.subspan(zeros);
                    continue;
                }
                if (state_ == State::kPadding) {
                    return Status::InvalidArgument(
                        std::string("unexpected data after the end of the ") + format_ +
                        " stream at byte " + std::to_string(consumed_));
                }
                MKT_RETURN_IF_ERROR(StartMember());
                state_ = State::kInMember;
            }
            bool member_ended = false;
            MKT_ASSIGN_OR_RETURN(
                const size_t used,
                DecodeMember(input.first(std::min(input.size(), kMaxPiece)), sink, member_ended));
            consumed_ += used;
            input = input.subspan(used);
            if (member_ended) state_ = State::kAfterMember;
        }
        return Status::Ok();
    }

    Status Finish(ByteSink&) final {
        if (state_ == State::kStart || state_ == State::kInMember) {
            return Truncated(format_, consumed_);
        }
        return Status::Ok();
    }

  protected:
    explicit MemberDecoder(const char* format) : format_(format) {}
    /// Prepares the library for a new member (the first one too).
    virtual Status StartMember() = 0;
    /// Decodes from `input` until it is used up or the member ends; returns the
    /// bytes used. Offsets in messages: consumed() + the position in `input`.
    virtual Result<size_t> DecodeMember(std::span<const char> input, ByteSink& sink,
                                        bool& member_ended) = 0;
    uint64_t consumed() const { return consumed_; }
    const char* format() const { return format_; }

  private:
    // kStart: nothing read yet (the first member starts at byte 0, zeros or not);
    // kAfterMember: a member just ended; kPadding: zeros after the last member.
    enum class State { kStart, kInMember, kAfterMember, kPadding };
    const char* format_;
    State state_ = State::kStart;
    uint64_t consumed_ = 0;
};

class GzipDecoder final : public MemberDecoder {
  public:
    GzipDecoder() : MemberDecoder("gzip") {}
    ~GzipDecoder() override {
        if (initialized_) inflateEnd(&z_);
    }

  private:
    Status StartMember() override {
        if (initialized_) {
            if (inflateReset(&z_) != Z_OK) return Status::Internal("zlib: inflateReset failed");
            return Status::Ok();
        }
        z_ = {};
        if (inflateInit2(&z_, 15 + 16) != Z_OK) {  // 15-bit window, gzip wrapper only
            return Status::Internal("zlib: cannot initialise the gzip decoder");
        }
        initialized_ = true;
        return Status::Ok();
    }

    Result<size_t> DecodeMember(std::span<const char> input, ByteSink& sink,
                                bool& member_ended) override {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
        z_.avail_in = static_cast<uInt>(input.size());
        for (;;) {
            const std::span<char> out = sink.Space();
            z_.next_out = reinterpret_cast<Bytef*>(out.data());
            z_.avail_out = static_cast<uInt>(std::min(out.size(), kMaxPiece));
            const uInt room = z_.avail_out;
            const int ret = inflate(&z_, Z_NO_FLUSH);
            sink.Commit(room - z_.avail_out);
            const size_t used = input.size() - z_.avail_in;
            switch (ret) {
                case Z_STREAM_END:
                    member_ended = true;
                    return used;
                case Z_OK:
                case Z_BUF_ERROR:  // no progress possible: needs more input
                    if (z_.avail_out != 0) return used;
                    break;  // output full: more may be pending
                case Z_NEED_DICT:
                    return Corrupt(format(), consumed() + used, "needs a preset dictionary");
                case Z_MEM_ERROR:
                    return Status::Internal("zlib: out of memory");
                default:
                    return Corrupt(format(), consumed() + used,
                                   z_.msg ? z_.msg : "invalid compressed data");
            }
        }
    }

    z_stream z_{};
    bool initialized_ = false;
};

class Bzip2Decoder final : public MemberDecoder {
  public:
    Bzip2Decoder() : MemberDecoder("bzip2") {}
    ~Bzip2Decoder() override {
        if (initialized_) BZ2_bzDecompressEnd(&bz_);
    }

  private:
    Status StartMember() override {
        if (initialized_) BZ2_bzDecompressEnd(&bz_);  // libbz2 has no reset
        initialized_ = false;
        bz_ = {};
        if (BZ2_bzDecompressInit(&bz_, 0, 0) != BZ_OK) {
            return Status::Internal("libbz2: cannot initialise the bzip2 decoder");
        }
        initialized_ = true;
        return Status::Ok();
    }

    static std::string Reason(int ret) {
        switch (ret) {
            case BZ_DATA_ERROR_MAGIC:
                return "not bzip2 data (bad magic number)";
            case BZ_DATA_ERROR:
                return "data integrity error (bad CRC or invalid compressed data)";
            default:
                return "libbz2 error " + std::to_string(ret);
        }
    }

    Result<size_t> DecodeMember(std::span<const char> input, ByteSink& sink,
                                bool& member_ended) override {
        bz_.next_in = const_cast<char*>(input.data());
        bz_.avail_in = static_cast<unsigned int>(input.size());
        for (;;) {
            const std::span<char> out = sink.Space();
            bz_.next_out = out.data();
            bz_.avail_out = static_cast<unsigned int>(std::min(out.size(), kMaxPiece));
            const unsigned int room = bz_.avail_out;
            const int ret = BZ2_bzDecompress(&bz_);
            sink.Commit(room - bz_.avail_out);
            const size_t used = input.size() - bz_.avail_in;
            if (ret == BZ_STREAM_END) {
                member_ended = true;
                return used;
            }
            if (ret == BZ_MEM_ERROR) return Status::Internal("libbz2: out of memory");
            if (ret != BZ_OK) return Corrupt(format(), consumed() + used, Reason(ret));
            if (bz_.avail_out != 0) return used;
        }
    }

    bz_stream bz_{};
    bool initialized_ = false;
};

/// One xz stream at a time (not LZMA_CONCATENATED), so that what follows a
/// stream is judged as for gzip and bzip2. The xz format wants padding in
/// multiples of 4 bytes; any run of zeros is accepted, the data being verified anyway.
class XzDecoder final : public MemberDecoder {
  public:
    XzDecoder() : MemberDecoder("xz") {}
    ~XzDecoder() override { lzma_end(&strm_); }

  private:
    Status StartMember() override {
        // Reuses the decoder's memory from the previous stream, if any.
        if (lzma_stream_decoder(&strm_, UINT64_MAX, 0) != LZMA_OK) {
            return Status::Internal("liblzma: cannot initialise the xz decoder");
        }
        return Status::Ok();
    }

    static const char* Reason(lzma_ret ret) {
        switch (ret) {
            case LZMA_FORMAT_ERROR:
                return "not xz data (file format not recognized)";
            case LZMA_OPTIONS_ERROR:
                return "unsupported compression options";
            case LZMA_DATA_ERROR:
                return "compressed data is corrupt";
            case LZMA_MEMLIMIT_ERROR:
                return "memory usage limit reached";
            default:
                return "liblzma error";
        }
    }

    Result<size_t> DecodeMember(std::span<const char> input, ByteSink& sink,
                                bool& member_ended) override {
        strm_.next_in = reinterpret_cast<const uint8_t*>(input.data());
        strm_.avail_in = input.size();
        for (;;) {
            const std::span<char> out = sink.Space();
            strm_.next_out = reinterpret_cast<uint8_t*>(out.data());
            strm_.avail_out = out.size();
            const lzma_ret ret = lzma_code(&strm_, LZMA_RUN);
            sink.Commit(out.size() - strm_.avail_out);
            const size_t used = input.size() - strm_.avail_in;
            switch (ret) {
                case LZMA_STREAM_END:
                    member_ended = true;
                    return used;
                case LZMA_OK:
                case LZMA_BUF_ERROR:  // no progress possible: needs more input
                    if (strm_.avail_out != 0) return used;
                    break;  // output full: more may be pending
                case LZMA_MEM_ERROR:
                    return Status::Internal("liblzma: out of memory");
                default:
                    return Corrupt(format(), consumed() + used, Reason(ret));
            }
        }
    }

    lzma_stream strm_ = LZMA_STREAM_INIT;
};

}  // namespace

Result<std::unique_ptr<Decoder>> MakeDecoder(Compression compression) {
    switch (compression) {
        case Compression::kGzip:
            return std::unique_ptr<Decoder>(new GzipDecoder());
        case Compression::kBzip2:
            return std::unique_ptr<Decoder>(new Bzip2Decoder());
        case Compression::kXz:
            return std::unique_ptr<Decoder>(new XzDecoder());
        default:
            return Status::Internal("no decoder for compression " +
                                    std::string(CompressionName(compression)));
    }
}

}  // namespace mkt::image
