// SQL text of EntryStore::List for the SQL stores (SQLite now, PostgreSQL later).
//
// Builds the count and page statements of an EntryQuery against the portable
// schema shared by the SQL stores (tables `entries` and `entry_payloads`, see
// sqlite_schema.hpp), with user values only ever passed as parameters. The SQL
// is portable (row-value comparison, LIKE ... ESCAPE, LIMIT/OFFSET); the
// placeholder syntax differs, and the unary-plus plan hints below are written for
// SQLite only (PostgreSQL has no unary + on text, and its planner uses statistics). Text columns
// must compare bytewise (SQLite BINARY, PostgreSQL COLLATE "C") for the order of query_cursor.hpp.
//
// A page is read in two steps: the page statement returns only the seqs of the
// page, in order, then the store reads those rows with kEntryRowSelect. So no
// payload (codec, document) of a row outside the page is ever read, whatever
// plan the engine picks.
//
// Plans are steered with unary plus ("+e.deprecated = 0" cannot use an index),
// not with engine-specific hints or statistics, so they do not depend on ANALYZE:
//  * count: the latest/status terms stay plain when they are the only filter
//    (answered from the covering status index alone); with another filter they
//    are hinted away, so that filter's index or one scan drives the count.
//  * page, PagePlan::kWalkSortIndex: latest/status and os terms hinted away (an
//    os matches a large share of the entries); the engine walks the sort
//    column's index in order and stops after limit + 1 matches, unless a
//    selective filter (identifier, email, tag, created) has a better index.
//    Cheap when matches are dense (the default listing: about 170 rows read).
//  * page, PagePlan::kSortMatches: the ORDER BY terms are hinted away instead;
//    the filters' best index (or one scan) finds the matches, which are sorted.
//    Cheap when matches are few, where a walk would read the whole index.
// ChoosePagePlan picks between the last two from the total the count returned.
//
// An image query (newest_per_identifier) tests the `newest` flag instead of
// is_latest (no per-row subquery). With an os, nothing is hinted away in the
// count, in kSortMatches, and in kWalkSortIndex when sorted by created: the
// index entries_newest_by_os (newest, os_lc, deprecated, created, seq,
// valid_until) then serves the count from the index alone and yields the page in
// created order reading only matches. Without an os, the rules above apply (the
// status-only count uses entries_newest_by_status).
//
// Private to registry/store/. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "registry/entry_store.hpp"
#include "registry/store/query_cursor.hpp"

namespace mkt::store {

enum class SqlPlaceholders {
    kQuestionMark,    // ?      (SQLite)
    kDollarNumbered,  // $1, $2 (PostgreSQL)
};

using SqlParam = std::variant<int64_t, std::string>;

struct SqlStatement {
    std::string text;
    std::vector<SqlParam> params;  // in placeholder order
};

/// Reads whole entries: seq, identifier, email, created, received, codec,
/// document, in this order. Append a WHERE clause.
inline constexpr std::string_view kEntryRowSelect =
    "SELECT e.seq, e.identifier, e.email, e.created, e.received, p.codec, p.document "
    "FROM entries e JOIN entry_payloads p ON p.seq = e.seq";

/// One row, one column: the number of entries matching `query`'s filters.
SqlStatement BuildCountStatement(const EntryQuery& query, SqlPlaceholders placeholders);

enum class PagePlan { kWalkSortIndex, kSortMatches };

/// kWalkSortIndex unless the page reaches far into the matches: walking reads
/// about (offset + limit) * entries / total rows in random order, sorting reads
/// every candidate once in order (estimated 3x cheaper per row). Sorting by seq
/// always walks (the table is in seq order).
PagePlan ChoosePagePlan(const EntryQuery& query, bool has_cursor, uint64_t total);

/// One column, e.seq, in listing order: at most query.limit + 1 rows (the extra
/// one tells that more follow). Starts after `after` when given, else at
/// query.offset.
SqlStatement BuildPageStatement(const EntryQuery& query, const std::optional<SortPosition>& after,
                                PagePlan plan, SqlPlaceholders placeholders);

}  // namespace mkt::store
