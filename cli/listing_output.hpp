// How `search` and `get` show entries: an aligned table on a terminal,
// tab-separated lines for scripts, or JSON (--json); and the one place the
// tool builds its MarketplaceClient from the configuration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/client_config.hpp"
#include "client/marketplace_client.hpp"

namespace mkt::cli {

/// A client of config.endpoint with its TLS settings and timeout.
client::MarketplaceClient MakeClient(const ClientConfig& config);

/// {"total": T, "count": n, "next_cursor": "..."|null, "entries": [<the server's
/// JSON view of each entry>]} and a newline.
std::string EntriesJson(const std::vector<client::ListedEntry>& entries, uint64_t total,
                        const std::optional<std::string>& next_cursor);

/// Header + one row per entry: IDENTIFIER ENDORSER CREATED STATUS OS TITLE,
/// a deprecated entry's STATUS carrying its reason; long cells are cut.
std::string EntriesTable(const std::vector<client::ListedEntry>& entries);

/// One line per entry, no header, tab-separated and never cut: identifier,
/// email, created, status, os, os_version, os_arch, title, deprecation reason
/// (tabs and newlines inside values become spaces).
std::string EntriesTsv(const std::vector<client::ListedEntry>& entries);

}  // namespace mkt::cli
