// Percent-encoding for the URLs the Marketplace writes and requests (RFC 3986).
// One implementation for the server's links, the native API client and the
// pagination links.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mkt::mappers {

/// Percent-encodes every byte except the unreserved characters (A-Z a-z 0-9 - _ . ~);
/// in a path segment '@', ':' and '+' stay as they are too (an email reads as one).
std::string PercentEncode(std::string_view text, bool path_segment);

/// URL of the next page of a listing: `base_url` (ending in '/'), the decoded
/// path `segments` and `query` re-encoded, `offset` dropped and `cursor` set to
/// `next_cursor`.
std::string NextPageUrl(std::string_view base_url, const std::vector<std::string>& segments,
                        const std::vector<std::pair<std::string, std::string>>& query,
                        std::string_view next_cursor);

}  // namespace mkt::mappers
