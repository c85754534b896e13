#include "registry/xmlsec/metadata_syntax.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace mkt::xmlsec {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

int HexDigitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// `[<allowed>]+` over `text`, where `allowed` adds punctuation to [A-Za-z0-9].
bool AllAlnumOr(std::string_view text, std::string_view punctuation) {
    if (text.empty()) return false;
    return std::all_of(text.begin(), text.end(), [&](char c) {
        return IsAsciiAlnum(c) || punctuation.find(c) != std::string_view::npos;
    });
}

}  // namespace

std::string_view TrimXmlSpace(std::string_view text) {
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && IsXmlSpace(text[begin])) ++begin;
    while (end > begin && IsXmlSpace(text[end - 1])) --end;
    return text.substr(begin, end - begin);
}

std::optional<uint64_t> ParseBoundedUnsigned(std::string_view text, uint64_t max) {
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        if (!IsAsciiDigit(c)) return std::nullopt;
        const auto digit = static_cast<uint64_t>(c - '0');
        if (value > (max - digit) / 10) return std::nullopt;  // value * 10 + digit > max
        value = value * 10 + digit;
    }
    return value;
}

bool IsEndorserEmail(std::string_view text) {
    const size_t at = text.find('@');
    if (at == std::string_view::npos) return false;
    return AllAlnumOr(text.substr(0, at), "._%+-") && AllAlnumOr(text.substr(at + 1), ".-");
}

bool MatchesIdentifierPattern(std::string_view text) {
    return text.size() == 27 && AllAlnumOr(text, "_-");
}

bool IsAbsoluteUri(std::string_view text) {
    const size_t colon = text.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == text.size()) return false;
    if (!IsAsciiAlpha(text[0])) return false;
    if (!std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon),
                     [](char c) { return IsAsciiAlnum(c) || c == '+' || c == '-' || c == '.'; })) {
        return false;
    }
    constexpr std::string_view kNeverAllowed = "<>\"{}|\\^`";
    return std::none_of(text.begin(), text.end(), [&](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f || kNeverAllowed.find(c) != std::string_view::npos;
    });
}

bool IsHex(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return HexDigitValue(c) >= 0; });
}

std::optional<std::string> HexToDecimal(std::string_view hex) {
    if (!IsHex(hex)) return std::nullopt;
    // Little-endian base-10^9 limbs; each hex digit: value = value * 16 + digit.
    constexpr uint64_t kBase = 1000000000;
    std::vector<uint64_t> limbs{0};
    for (char c : hex) {
        uint64_t carry = static_cast<uint64_t>(HexDigitValue(c));
        for (auto& limb : limbs) {
            const uint64_t v = limb * 16 + carry;
            limb = v % kBase;
            carry = v / kBase;
        }
        if (carry) limbs.push_back(carry);
    }
    std::string out = std::to_string(limbs.back());
    for (size_t i = limbs.size() - 1; i-- > 0;) {
        const std::string part = std::to_string(limbs[i]);
        out += std::string(9 - part.size(), '0') + part;
    }
    return out;
}

size_t DigestHexLength(std::string_view algorithm) {
    if (algorithm == "MD5") return 32;
    if (algorithm == "SHA-1") return 40;
    if (algorithm == "SHA-256") return 64;
    if (algorithm == "SHA-512") return 128;
    return 0;
}

std::string_view AllowedDigestNames() { return "MD5, SHA-1, SHA-256, SHA-512"; }

std::string Abbreviate(std::string_view text, size_t max_chars) {
    if (text.size() <= max_chars) return std::string(text);
    size_t cut = max_chars;
    // Do not split a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return std::string(text.substr(0, cut)) + "...";
}

}  // namespace mkt::xmlsec
