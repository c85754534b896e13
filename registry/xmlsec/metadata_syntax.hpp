// Lexical rules of metadata values: the XSD types of StratusLab's schemas
// (slreq.xsd, slterms.xsd) that the original server never checked on upload.
// Internal to the metadata parser (metadata_parser.cpp, description_scanner.cpp);
// pure string functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mkt::xmlsec {

/// `text` without leading and trailing XML white space (space, tab, CR, LF).
std::string_view TrimXmlSpace(std::string_view text);

/// Decimal digits only (leading zeros allowed, no sign), value <= `max`;
/// nullopt otherwise. Covers xs:nonNegativeInteger within uint64 and the
/// port (0..65535) and ICMP (0..255) ranges.
std::optional<uint64_t> ParseBoundedUnsigned(std::string_view text, uint64_t max);

/// The slreq:email XSD pattern `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+`, whole text.
bool IsEndorserEmail(std::string_view text);

/// The XSD identifier pattern `[A-Za-z0-9_-]{27}`. The value range (first
/// character A..P) is identifier::ToSha1Hex's business.
bool MatchesIdentifierPattern(std::string_view text);

/// An absolute URI (RFC 3986 section 4.3): a scheme (ALPHA *(ALPHA / DIGIT /
/// "+" / "-" / ".")), ":", then at least one character, none of them white
/// space, a control character or one RFC 3986 never allows (<>"{}|\^`).
bool IsAbsoluteUri(std::string_view text);

/// Non-empty and only [0-9A-Fa-f].
bool IsHex(std::string_view text);

/// The decimal form of a hexadecimal number of any length ("ff" -> "255"),
/// as Java's BigInteger prints it; nullopt when `hex` is not hex.
std::optional<std::string> HexToDecimal(std::string_view hex);

/// Hex digits of a digest for the algorithms the schema allows (Java names:
/// "MD5" 32, "SHA-1" 40, "SHA-256" 64, "SHA-512" 128); 0 for any other name.
size_t DigestHexLength(std::string_view algorithm);

/// "MD5, SHA-1, SHA-256, SHA-512": the allowed names, for messages.
std::string_view AllowedDigestNames();

/// At most `max_chars` of `text`, marked with "..." when cut: user-supplied
/// values are quoted in messages, never unbounded.
std::string Abbreviate(std::string_view text, size_t max_chars = 200);

}  // namespace mkt::xmlsec
