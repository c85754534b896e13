// Image identifiers: the 27-character StratusLab form of an image's SHA-1.
//
// identifier = big-endian base-64 (alphabet A-Z a-z 0-9 - _) of the 160-bit SHA-1,
// left-padded with two zero bits, so the first character is always A..P.
// Equivalently base64url(0x00 || sha1) without its leading 'A'. Vectors:
// shared/fixtures/stratuslab/identifier-vectors.tsv. This file is the only place
// that knows the encoding.
#pragma once

#include <string>
#include <string_view>

#include "registry/result.hpp"

namespace mkt::identifier {

inline constexpr size_t kLength = 27;

/// SHA-1 as hex (any case; leading zeros allowed, as StratusLab compares the
/// value numerically) -> identifier. Errors: kInvalidArgument when the text is
/// not hex or its value does not fit in 160 bits ("<hex> is not a valid SHA-1 checksum").
Result<std::string> FromSha1Hex(std::string_view sha1_hex);

/// Identifier -> SHA-1 as 40 lowercase hex digits (leading zeros kept).
/// Errors: kInvalidArgument "invalid identifier: ..." for a wrong length, a character
/// outside the alphabet, or a first character above 'P' (value over 160 bits).
Result<std::string> ToSha1Hex(std::string_view id);

/// True when `id` is 27 characters of the alphabet with a first character in A..P.
bool IsValid(std::string_view id);

/// True when two hex SHA-1 strings denote the same number (StratusLab compares
/// the identifier's value with the SHA-1 checksum numerically).
bool SameSha1Value(std::string_view hex_a, std::string_view hex_b);

}  // namespace mkt::identifier
