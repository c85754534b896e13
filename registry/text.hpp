// Small ASCII text helpers shared by every layer (one home instead of a copy per
// parser). ASCII only, on purpose: the protocols and formats they serve (HTTP
// headers, configuration files, CIMI and OCCI syntax, policy files) define their
// case folding and blanks over ASCII, never by locale.
#pragma once

#include <string>
#include <string_view>

namespace mkt::text {

/// Without leading and trailing spaces and tabs (the blanks of HTTP, OCCI,
/// CIMI and `key = value` files); a trailing CR is removed too, so a line read
/// from a CRLF file trims the same as one from an LF file.
std::string_view TrimBlanks(std::string_view s);

/// Without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view TrimWhitespace(std::string_view s);

char AsciiLower(char c);
char AsciiUpper(char c);
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);

/// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
/// ASCII case-insensitive: does `text` start with `prefix`?
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

/// The value of one hexadecimal digit, or -1.
int HexValue(char c);
/// A hexadecimal number lower-cased and without leading zeros ("0" for zero), so
/// that two spellings of one value compare equal (StratusLab compares checksums so).
std::string HexByValue(std::string_view hex);
/// Lower-case hexadecimal of `bytes`.
std::string HexLower(std::string_view bytes);

/// Appends `text` to `out` with backslash escapes for '"', '\\', LF, CR and TAB,
/// the string escapes that N-Triples and OCCI quoted strings share.
void AppendBackslashEscaped(std::string& out, std::string_view text);

/// Is `bytes` well-formed UTF-8 (no overlong forms, surrogates or values above
/// U+10FFFF)? JSON text can carry a string byte for byte only then.
bool IsValidUtf8(std::string_view bytes);

/// The value (0..63) of a base64 digit, or -1; the last two digits are '+' and
/// '/' in the standard alphabet, '-' and '_' in the URL-safe one (section 5).
int Base64DigitValue(char c, char digit62 = '+', char digit63 = '/');

/// Standard base64 (RFC 4648 section 4) with padding, no line breaks.
std::string Base64Encode(std::string_view bytes);
/// The bytes of standard base64 text (padding required, no whitespace);
/// false for anything else.
bool Base64Decode(std::string_view text, std::string& out);

}  // namespace mkt::text
