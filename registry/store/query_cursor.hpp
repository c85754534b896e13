// Listing order and keyset cursors, shared by every EntryStore so that a cursor
// means the same thing whatever the backend.
//
// A listing is ordered by (sort value, seq), both in the query's direction; seq
// is unique, so the order is total and a position in it is the pair of the last
// entry returned. A cursor is that pair plus a fingerprint of the query's filters
// and sort, base64url-encoded: the next page is "every match strictly after the
// pair", which neither repeats nor skips entries when others are inserted between
// pages. A cursor presented with other filters or another sort is refused.
// `now`, limit, offset and the cursor itself are not part of the fingerprint.
//
// Sort values: created (as its yyyy-MM-ddTHH:mm:ssZ text), identifier, email, os,
// os_version, os_arch and title are byte strings compared bytewise (memcmp, i.e.
// SQL's BINARY / "C" collation); valid (EntryColumns::valid_until) and seq are
// integers.
//
// Private to registry/store/. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "registry/entry_store.hpp"
#include "registry/result.hpp"

namespace mkt::store {

using SortValue = std::variant<int64_t, std::string>;

struct SortPosition {
    SortValue value;
    int64_t seq = 0;
    friend bool operator==(const SortPosition&, const SortPosition&) = default;
};

/// The value `entry` is sorted by under `field`.
SortValue SortValueOf(const Entry& entry, SortField field);

/// True when `field` sorts by an integer (valid, seq), false for text.
bool IsIntegerSort(SortField field);

/// True when `a` comes strictly before `b` in the order (field, descending).
bool Precedes(const SortPosition& a, const SortPosition& b, bool descending);

/// 64-bit fingerprint of the filters, sort field and direction of `query`.
uint64_t QueryFingerprint(const EntryQuery& query);

std::string EncodeCursor(const EntryQuery& query, const SortPosition& position);

/// Errors: kInvalidArgument "invalid cursor: ..." for text that is not a cursor,
/// or "cursor does not belong to this query ..." when it was issued for other
/// filters or another sort.
Result<SortPosition> DecodeCursor(const EntryQuery& query, std::string_view cursor);

}  // namespace mkt::store
