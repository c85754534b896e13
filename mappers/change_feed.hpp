// The change feed (GET /changes, docs/federation.md): one page of the ordered
// feed of accepted entries, as JSON or XML, and the JSON page read back by a
// federation peer.
//
// A change carries the signed document byte for byte. JSON strings can hold only
// UTF-8, so a document that is not valid UTF-8 travels as "document_base64"
// instead of "document"; the reader accepts either. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/entry.hpp"
#include "registry/federation/feed.hpp"
#include "registry/result.hpp"

namespace mkt::mappers {

/// {"changes": [{"seq", "identifier", "email", "created", "document"}...],
///  "last_seq": <the database's greatest seq>} in the order given (seq order).
std::string ChangesToJson(const std::vector<Entry>& changes, int64_t last_seq);
/// <changes last_seq="..."><change seq="..." identifier="..." email="..."
/// created="..."><document>escaped signed XML</document></change>...</changes>
std::string ChangesToXml(const std::vector<Entry>& changes, int64_t last_seq);

/// Reads a JSON page. Errors (kInvalidArgument, naming what is wrong): not JSON,
/// a missing or mistyped field, a seq not greater than `after_seq` or not
/// strictly increasing, a document that is neither a string nor valid base64,
/// last_seq below the page's greatest seq.
Result<federation::FeedPage> ParseChangesJson(std::string_view body, int64_t after_seq);

}  // namespace mkt::mappers
