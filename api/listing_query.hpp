// Turning listing requests into EntryQuery values (transport facts only: the
// Registry and store own the semantics).
//
// Query parameters (docs/api/native.md): identifier, email, created, status
// (valid|expired|deprecated|all, comma lists allowed), os, os-version, os-arch,
// endorser, tag, q, sort (created|identifier|email|os|os-version|os-arch|title|
// valid|seq), order (asc|desc), limit, offset, cursor, media. Path arguments of
// /metadata/{a}[/{b}] are classified as StratusLab did: an email, a date, else an
// identifier. Unknown parameters are refused so a typo is never a silent no-op.
#pragma once

#include <string>
#include <vector>

#include "http/request.hpp"
#include "registry/entry_store.hpp"
#include "registry/result.hpp"

namespace mkt::api {

/// Applies path arguments then query parameters on top of `defaults`.
/// Parameters named in `extra_allowed` are skipped (the caller handles them).
/// Errors: kInvalidArgument naming the parameter and the bad value.
Result<EntryQuery> ParseListingQuery(const http::Request& request,
                                     const std::vector<std::string>& path_args,
                                     size_t max_page_size, EntryQuery defaults = {},
                                     const std::vector<std::string>& extra_allowed = {});

/// URL of the next page: the request's own URL with `cursor` replaced and
/// `offset` dropped; empty when `next_cursor` is empty.
std::string NextPageUrl(const http::Request& request,
                        const std::optional<std::string>& next_cursor);

/// The StratusLab email pattern `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+`.
bool LooksLikeEmail(std::string_view text);

}  // namespace mkt::api
