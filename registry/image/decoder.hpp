// Decoders of the archive formats images come in (internal to registry/image):
// gzip (zlib), bzip2 (libbz2) and xz (liblzma), each as one or more members
// (gzip members, bzip2 or xz streams) one after another, then optional zero padding.
//
// A decoder consumes compressed bytes in pieces of any size and writes the
// uncompressed bytes into a ByteSink. Messages do not carry the input's name
// (the caller prefixes it) and count offsets in compressed bytes from the start
// of the input:
//   "corrupt gzip stream at byte N: <library's reason>"   data that cannot be decoded
//   "truncated gzip stream after N bytes"                 input ended inside a member
//   "unexpected data after the end of the gzip stream at byte N"   garbage after padding
// Not thread-safe; one decoder per input.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "registry/image/byte_sink.hpp"
#include "registry/image/image_digester.hpp"
#include "registry/result.hpp"

namespace mkt::image {

class Decoder {
  public:
    virtual ~Decoder() = default;
    /// Decodes all of `input` into `sink`. Errors: kInvalidArgument as above;
    /// kInternal when the library fails (out of memory).
    virtual Status Decode(std::span<const char> input, ByteSink& sink) = 0;
    /// End of input. Errors: kInvalidArgument "truncated ..." when the input ended
    /// inside a member (also for an empty input: an archive has at least one).
    virtual Status Finish(ByteSink& sink) = 0;
};

/// A decoder for kGzip, kBzip2 or kXz. Errors: kInternal when the library cannot
/// be initialised, or for another compression.
Result<std::unique_ptr<Decoder>> MakeDecoder(Compression compression);

}  // namespace mkt::image
