// Percent-encoding for the URLs the Marketplace writes and requests (RFC 3986).
// One implementation for the server's links, the native API client and the
// pagination links.
#pragma once

#include <string>
#include <string_view>

namespace mkt::mappers {

/// Percent-encodes every byte except the unreserved characters (A-Z a-z 0-9 - _ . ~);
/// in a path segment '@', ':' and '+' stay as they are too (an email reads as one).
std::string PercentEncode(std::string_view text, bool path_segment);

}  // namespace mkt::mappers
