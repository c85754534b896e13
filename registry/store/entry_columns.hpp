// EntryColumns: the values every store derives from an entry to filter and sort
// it, computed in one place so that the memory, SQLite and PostgreSQL stores
// agree byte for byte on what "case-insensitive", "free text" and "no expiry" mean.
//
//  * Case folding is ASCII only (A-Z -> a-z), on both the stored value and the
//    query value: SQL engines fold non-ASCII letters differently, so nobody does.
//  * Free text: the lower-cased identifier, title, description, os, os_version,
//    os_arch, email, tag, kind and each location joined by '\n'. A query term
//    contains no whitespace, so "the term occurs in the joined text" is exactly
//    "the term occurs in one of the fields".
//  * `valid_until` is dcterms:valid in Unix seconds, or kNeverExpires when the
//    entry has none (such an entry never expires and sorts after every date).
//
// Private to registry/store/. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entry.hpp"
#include "registry/text.hpp"

namespace mkt::store {

/// valid_until of an entry without dcterms:valid.
inline constexpr int64_t kNeverExpires = std::numeric_limits<int64_t>::max();

struct EntryColumns {
    int64_t valid_until = kNeverExpires;
    bool deprecated = false;
    std::string os_lc, os_version_lc, os_arch_lc;  // ASCII lower-case copies
    std::string email_lc, subject_lc;              // for the endorser substring filter
    std::string subject;                           // slreq:subject of the endorsement
    std::string issuer;                            // its first slreq:issuer (may be empty)
    std::string search_text;                       // see the header comment
};

EntryColumns DeriveColumns(const Entry& entry);

using text::AsciiLower;

/// Whitespace-separated terms (space, \t, \n, \v, \f, \r), ASCII lower-cased;
/// empty when `text` is blank.
std::vector<std::string> SearchTerms(std::string_view text);

/// `needle` as a LIKE pattern matching any text that contains it: wildcards and
/// the escape character are escaped with '\' (use `LIKE ? ESCAPE '\'`).
std::string LikeContainsPattern(std::string_view needle);

/// Checks a store makes before anything else: the endorsement `created` must
/// have the 4-digit-year text form (years 0001-9999) because stores order and
/// compare it as text. Error: kInvalidArgument naming the value.
Status CheckStorable(const Entry& entry);

}  // namespace mkt::store
