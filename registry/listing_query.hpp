// Turning listing requests into EntryQuery values: the one parser of listing
// parameters, shared by every front-end that lists (native API, web UI). It
// sees decoded query pairs and path arguments, not HTTP; the Registry and the
// store own the semantics of the query it produces.
//
// Query parameters (docs/api/native.md): identifier, email, created, status
// (valid|expired|deprecated|all, comma lists allowed), os, os-version, os-arch,
// endorser, tag, q, sort (created|identifier|email|os|os-version|os-arch|title|
// valid|seq), order (asc|desc), limit, offset, cursor, media. Path arguments of
// /metadata/{a}[/{b}] are classified as StratusLab did: an email, a date, else an
// identifier. Unknown parameters are refused so a typo is never a silent no-op.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "registry/entry_store.hpp"
#include "registry/result.hpp"

namespace mkt {

/// Decoded query parameters in request order (repeats allowed).
using QueryPairs = std::vector<std::pair<std::string, std::string>>;

/// Applies path arguments then query parameters on top of `defaults`.
/// Parameters named in `extra_allowed` are skipped (the caller handles them).
/// Errors: kInvalidArgument naming the parameter and the bad value.
Result<EntryQuery> ParseListingQuery(const QueryPairs& query,
                                     const std::vector<std::string>& path_args,
                                     size_t max_page_size, EntryQuery defaults = {},
                                     const std::vector<std::string>& extra_allowed = {});

/// The StratusLab email pattern `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+`.
bool LooksLikeEmail(std::string_view text);

}  // namespace mkt
