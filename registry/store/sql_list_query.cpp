#include "registry/store/sql_list_query.hpp"

#include "registry/store/entry_columns.hpp"

namespace mkt::store {
namespace {

// Accumulates a WHERE clause and its parameters.
class Conditions {
  public:
    explicit Conditions(SqlPlaceholders placeholders) : placeholders_(placeholders) {}

    /// The placeholder of a new parameter holding `value`.
    std::string Param(SqlParam value) {
        params_.push_back(std::move(value));
        return placeholders_ == SqlPlaceholders::kQuestionMark
                   ? std::string("?")
                   : "$" + std::to_string(params_.size());
    }
    void Add(std::string condition) { conditions_.push_back(std::move(condition)); }
    /// The planner hint "+" when `wanted` and the engine takes it (SQLite); PostgreSQL
    /// has no unary + on text and its cost-based planner uses statistics: no hint.
    std::string Hint(bool wanted) const {
        return wanted && placeholders_ == SqlPlaceholders::kQuestionMark ? "+" : "";
    }

    std::string Where() const {
        std::string out;
        for (const auto& c : conditions_) out += (out.empty() ? " WHERE " : " AND ") + c;
        return out;
    }
    std::vector<SqlParam> TakeParams() { return std::move(params_); }

  private:
    SqlPlaceholders placeholders_;
    std::vector<std::string> conditions_;
    std::vector<SqlParam> params_;
};

void AddEquals(Conditions& c, std::string_view column, const std::optional<std::string>& value,
               bool fold_case) {
    if (!value) return;
    c.Add(std::string(column) + " = " + c.Param(fold_case ? AsciiLower(*value) : *value));
}

std::string Like(Conditions& c, std::string_view column, std::string_view needle) {
    return std::string(column) + " LIKE " + c.Param(LikeContainsPattern(needle)) + " ESCAPE '\\'";
}

// `hint` is "+" to keep the engine from using an index for these terms.
void AddStatuses(Conditions& c, const StatusSet& s, Timestamp now, const std::string& hint) {
    if (s.valid && s.expired && s.deprecated) return;
    const std::string deprecated = hint + "e.deprecated", valid_until = hint + "e.valid_until";
    std::vector<std::string> any;
    if (s.valid && s.expired) {
        any.push_back(deprecated + " = 0");
    } else if (s.valid) {
        any.push_back("(" + deprecated + " = 0 AND " + valid_until + " > " +
                      c.Param(now.unix_seconds()) + ")");
    } else if (s.expired) {
        any.push_back("(" + deprecated + " = 0 AND " + valid_until +
                      " <= " + c.Param(now.unix_seconds()) + ")");
    }
    if (s.deprecated) any.push_back(deprecated + " = 1");
    if (any.empty()) {
        c.Add("1 = 0");
    } else if (any.size() == 1) {
        c.Add(any.front());
    } else {
        c.Add("(" + any[0] + " OR " + any[1] + ")");
    }
}

bool Newest(const EntryQuery& q) { return q.newest_per_identifier && !q.created; }

// An image query naming an os: the index entries_newest_by_os (newest, os_lc,
// deprecated, created, seq, valid_until) finds its matches, counts them without
// reading the table and, for a single deprecated value, yields them in created order.
bool NewestWithOs(const EntryQuery& q) { return Newest(q) && q.os.has_value(); }

// With `hint_status` the latest/newest/status terms, with `hint_os` the os
// terms, are written so that no index serves them.
void AddFilters(Conditions& c, const EntryQuery& q, bool hint_status, bool hint_os) {
    const std::string hint = c.Hint(hint_status);
    const std::string os_hint = c.Hint(hint_os);
    AddEquals(c, "e.identifier", q.identifier, false);
    AddEquals(c, "e.email", q.email, false);
    if (q.created) c.Add("e.created = " + c.Param(q.created->ToString()));
    if (q.created_after) c.Add("e.created > " + c.Param(q.created_after->ToString()));
    if (Newest(q)) {
        c.Add(hint + "e.newest = 1");  // implies is_latest = 1 (sqlite_schema.hpp)
    } else if (q.latest_only && !q.created) {
        c.Add(hint + "e.is_latest = 1");
    }
    AddStatuses(c, q.statuses, q.now, hint);
    AddEquals(c, os_hint + "e.os_lc", q.os, true);
    AddEquals(c, os_hint + "e.os_version_lc", q.os_version, true);
    AddEquals(c, os_hint + "e.os_arch_lc", q.os_arch, true);
    if (q.endorser) {
        const std::string needle = AsciiLower(*q.endorser);
        c.Add("(" + Like(c, "e.email_lc", needle) + " OR " + Like(c, "e.subject_lc", needle) + ")");
    }
    AddEquals(c, "e.tag", q.tag, false);
    if (q.text) {
        for (const auto& term : SearchTerms(*q.text)) c.Add(Like(c, "e.search_text", term));
    }
}

// True when `q` filters on more than latest/status: then the count, like the
// page, is better driven by that filter's index or a scan than by the status
// index (which matches most rows and needs a table lookup per row for the rest).
bool HasOtherFilters(const EntryQuery& q) {
    return q.identifier || q.email || q.created || q.created_after || q.os || q.os_version ||
           q.os_arch || q.endorser || q.tag || (q.text && !SearchTerms(*q.text).empty());
}

std::string_view SortColumn(SortField field) {
    switch (field) {
        case SortField::kCreated:
            return "e.created";
        case SortField::kIdentifier:
            return "e.identifier";
        case SortField::kEmail:
            return "e.email";
        case SortField::kOs:
            return "e.os";
        case SortField::kOsVersion:
            return "e.os_version";
        case SortField::kOsArch:
            return "e.os_arch";
        case SortField::kTitle:
            return "e.title";
        case SortField::kValid:
            return "e.valid_until";
        case SortField::kSeq:
            return "e.seq";
    }
    return "e.seq";
}

void AddAfter(Conditions& c, const EntryQuery& q, const SortPosition& after) {
    const std::string op = q.descending ? " < " : " > ";
    if (q.sort == SortField::kSeq) {
        c.Add("e.seq" + op + c.Param(after.seq));
        return;
    }
    const std::string value = c.Param(after.value);
    c.Add("(" + std::string(SortColumn(q.sort)) + ", e.seq)" + op + "(" + value + ", " +
          c.Param(after.seq) + ")");
}

// `hint` is "+" to keep the engine from ordering by walking an index.
std::string OrderBy(const EntryQuery& q, const std::string& hint) {
    const std::string dir = q.descending ? " DESC" : " ASC";
    if (q.sort == SortField::kSeq) return " ORDER BY " + hint + "e.seq" + dir;
    return " ORDER BY " + hint + std::string(SortColumn(q.sort)) + dir + ", " + hint + "e.seq" +
           dir;
}

}  // namespace

SqlStatement BuildCountStatement(const EntryQuery& query, SqlPlaceholders placeholders) {
    Conditions c(placeholders);
    AddFilters(c, query, HasOtherFilters(query) && !NewestWithOs(query), false);
    return {"SELECT COUNT(*) FROM entries e" + c.Where(), c.TakeParams()};
}

PagePlan ChoosePagePlan(const EntryQuery& query, bool has_cursor, uint64_t total) {
    if (query.sort == SortField::kSeq) return PagePlan::kWalkSortIndex;
    const uint64_t reach = (has_cursor ? 0 : query.offset) + query.limit + 1;
    return reach * 3 <= total ? PagePlan::kWalkSortIndex : PagePlan::kSortMatches;
}

SqlStatement BuildPageStatement(const EntryQuery& query, const std::optional<SortPosition>& after,
                                PagePlan plan, SqlPlaceholders placeholders) {
    const bool walk = plan == PagePlan::kWalkSortIndex;
    Conditions c(placeholders);
    if (NewestWithOs(query)) {
        // Sorted by created, walking entries_newest_by_os reads only matches (the
        // sort index would be walked through every other os too). Sorted by
        // another column, walk that column's index like any other listing.
        const bool by_created = query.sort == SortField::kCreated;
        AddFilters(c, query, walk && !by_created, walk && !by_created);
    } else {
        AddFilters(c, query, walk || HasOtherFilters(query), walk);
    }
    if (after) AddAfter(c, query, *after);
    std::string text = "SELECT e.seq FROM entries e" + c.Where() + OrderBy(query, c.Hint(!walk));
    text += " LIMIT " + c.Param(static_cast<int64_t>(query.limit) + 1);
    text += " OFFSET " + c.Param(static_cast<int64_t>(after ? 0 : query.offset));
    return {std::move(text), c.TakeParams()};
}

}  // namespace mkt::store
