#include "registry/identifier.hpp"

#include <array>
#include <cstdint>

#include "registry/text.hpp"

namespace mkt::identifier {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The identifier alphabet is base64's URL-safe one (RFC 4648 section 5).
int AlphabetIndex(char c) { return text::Base64DigitValue(c, '-', '_'); }

using text::HexValue;

// Hex text -> its value as 40 nibbles (160 bits), or false if not hex / too large.
bool HexToNibbles(std::string_view hex, std::array<uint8_t, 40>& nibbles) {
    size_t start = 0;
    while (start < hex.size() && hex[start] == '0') ++start;
    const std::string_view significant = hex.substr(start);
    if (hex.empty() || significant.size() > nibbles.size()) return false;
    nibbles.fill(0);
    const size_t offset = nibbles.size() - significant.size();
    for (size_t i = 0; i < significant.size(); ++i) {
        const int v = HexValue(significant[i]);
        if (v < 0) return false;
        nibbles[offset + i] = static_cast<uint8_t>(v);
    }
    for (char c : hex.substr(0, start)) {
        if (HexValue(c) < 0) return false;
    }
    return true;
}

}  // namespace

Result<std::string> FromSha1Hex(std::string_view sha1_hex) {
    std::array<uint8_t, 40> nibbles;
    if (!HexToNibbles(sha1_hex, nibbles)) {
        return Status::InvalidArgument(std::string(sha1_hex.substr(0, 128)) +
                                       " is not a valid SHA-1 checksum");
    }
    // 160 bits + 2 zero bits on the left = 162 bits = 27 groups of 6 bits.
    std::string id(kLength, 'A');
    for (size_t group = 0; group < kLength; ++group) {
        unsigned value = 0;
        for (size_t b = 0; b < 6; ++b) {
            const long bit = static_cast<long>(group * 6 + b) - 2;  // bit index in the 160
            unsigned bitval = 0;
            if (bit >= 0) {
                const uint8_t nib = nibbles[static_cast<size_t>(bit) / 4];
                bitval = (nib >> (3 - static_cast<size_t>(bit) % 4)) & 1u;
            }
            value = (value << 1) | bitval;
        }
        id[group] = kAlphabet[value];
    }
    return id;
}

Result<std::string> ToSha1Hex(std::string_view id) {
    if (id.size() != kLength) {
        return Status::InvalidArgument("invalid identifier: '" + std::string(id.substr(0, 64)) +
                                       "' must be 27 characters long");
    }
    std::array<uint8_t, 162> bits{};
    for (size_t i = 0; i < kLength; ++i) {
        const int v = AlphabetIndex(id[i]);
        if (v < 0) {
            return Status::InvalidArgument("invalid identifier: '" + std::string(id) +
                                           "' contains '" + std::string(1, id[i]) +
                                           "', outside A-Z a-z 0-9 - _");
        }
        for (size_t b = 0; b < 6; ++b) bits[i * 6 + b] = (v >> (5 - b)) & 1;
    }
    if (bits[0] || bits[1]) {
        return Status::InvalidArgument("invalid identifier: '" + std::string(id) +
                                       "' starts above 'P', so it is not a 160-bit SHA-1");
    }
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string hex(40, '0');
    for (size_t n = 0; n < 40; ++n) {
        unsigned v = 0;
        for (size_t b = 0; b < 4; ++b) v = (v << 1) | bits[2 + n * 4 + b];
        hex[n] = kHex[v];
    }
    return hex;
}

bool IsValid(std::string_view id) { return ToSha1Hex(id).ok(); }

bool SameSha1Value(std::string_view hex_a, std::string_view hex_b) {
    std::array<uint8_t, 40> a, b;
    return HexToNibbles(hex_a, a) && HexToNibbles(hex_b, b) && a == b;
}

}  // namespace mkt::identifier
