// ByteSink: where decoders write uncompressed bytes (internal to registry/image).
//
// The sink lends its own buffer space so that decompressors write straight into
// the buffers the digests read: no copy between the two.
#pragma once

#include <cstddef>
#include <span>

namespace mkt::image {

class ByteSink {
  public:
    virtual ~ByteSink() = default;
    /// Writable space (never empty); may block until the consumers free a buffer.
    virtual std::span<char> Space() = 0;
    /// Hands over the first `n` bytes of the last Space() (n <= its size).
    virtual void Commit(size_t n) = 0;
};

}  // namespace mkt::image
