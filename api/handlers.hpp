// Native API handlers: parse the request, call the Registry, call a mapper.
// No SQL, XML or RDF here (those live in registry/ adapters and mappers/).
#pragma once

#include <optional>
#include <string>

#include "api/api_context.hpp"
#include "http/request.hpp"
#include "registry/result.hpp"

namespace mkt::api {

Result<http::Response> UploadEntry(const ApiContext& ctx, http::Request& req);
Result<http::Response> ListEntries(const ApiContext& ctx, http::Request& req);
Result<http::Response> GetEntry(const ApiContext& ctx, http::Request& req);
Result<http::Response> GetTaggedEntry(const ApiContext& ctx, http::Request& req);
Result<http::Response> ListEndorsers(const ApiContext& ctx, http::Request& req);
Result<http::Response> GetEndorserHistory(const ApiContext& ctx, http::Request& req);
Result<http::Response> ListEndorserTags(const ApiContext& ctx, http::Request& req);
/// GET /changes?after=SEQ&limit=N (JSON by default, XML by Accept).
Result<http::Response> ListChanges(const ApiContext& ctx, http::Request& req);
/// GET /confirm/{token}: follows an e-mail confirmation link (JSON; the web UI
/// serves the same URL as an HTML page, the default).
Result<http::Response> ConfirmEmail(const ApiContext& ctx, http::Request& req);
Result<http::Response> GetHealth(const ApiContext& ctx, http::Request& req);

/// URL of the next page of the listing `req` asked for; empty without a cursor.
std::string NextPageUrl(const http::Request& req, const std::optional<std::string>& next_cursor);

}  // namespace mkt::api
