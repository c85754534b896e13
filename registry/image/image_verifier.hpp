// Verifying an image against its metadata: the byte count and every checksum
// the signed entry lists must match the UNCOMPRESSED bytes (what `build`
// computed). Pure functions over EntryMetadata and ImageDigests.
#pragma once

#include "registry/entry.hpp"
#include "registry/image/image_digester.hpp"
#include "registry/result.hpp"

namespace mkt::image {

/// The digests needed to check every checksum of `metadata` (MD5, SHA-1,
/// SHA-256, SHA-512; names compared case-insensitively, with or without the
/// dash). Errors: kInvalidArgument "the entry lists no checksum" or "checksum
/// algorithm 'X' is not supported (MD5, SHA-1, SHA-256, SHA-512)": an entry we
/// cannot fully check is refused, never half-checked.
Result<DigestSelection> SelectionFor(const EntryMetadata& metadata);

/// OK when `digests.bytes` equals metadata.bytes and every listed checksum
/// equals the computed one (hex, any case, leading zeros ignored as StratusLab
/// compared values). Errors: kInvalidArgument naming the first mismatch:
/// "size mismatch: the entry says N bytes, the image has M bytes" or
/// "SHA-512 mismatch: the entry says <hex>, the image has <hex>".
Status VerifyDigests(const ImageDigests& digests, const EntryMetadata& metadata);

/// The computed digest for a checksum algorithm name ("" when not computed or unknown).
std::string DigestFor(const ImageDigests& digests, std::string_view algorithm);

}  // namespace mkt::image
