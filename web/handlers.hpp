// Web UI handlers: parse the request, call the Registry, build view models
// (mappers/web_view), render (web/pages). Errors are returned as Status and
// rendered by RenderWebError as an HTML page (or natively, for non-HTML clients).
#pragma once

#include <string>
#include <vector>

#include "http/error_body.hpp"
#include "http/request.hpp"
#include "registry/result.hpp"
#include "web/routes.hpp"

namespace mkt::web {

/// True when the client prefers text/html to every one of `native_offers` (the
/// native route's media types): Accept q-values, or ?media=html. A tie goes to
/// the native type, so `Accept: */*` and no Accept keep the native answer.
bool PrefersHtml(const http::Request& request, const std::vector<std::string>& native_offers);

/// GET / and GET /metadata (HTML): the browse table. Errors: kInvalidArgument
/// for a bad listing parameter (named), store errors.
Result<http::Response> BrowsePage(const WebContext& ctx, http::Request& req);
/// GET /metadata/{identifier}/{email}/{created} (HTML). Errors: kInvalidArgument
/// for a bad date, kNotFound.
Result<http::Response> EntryDetailPage(const WebContext& ctx, http::Request& req);
Result<http::Response> EndorsersPage(const WebContext& ctx, http::Request& req);
/// Errors: kInvalidArgument for a path that is not an email or a bad offset.
Result<http::Response> EndorserPage(const WebContext& ctx, http::Request& req);
Result<http::Response> UploadForm(const WebContext& ctx, http::Request& req);
/// POST /upload (multipart/form-data, first file part): 201 with the new entry,
/// 200 for an identical re-upload, 202 when held for e-mail confirmation, else the status of the
/// rejection (400, 403, 409, 413, 415...) with the exact message on the upload page.
Result<http::Response> UploadSubmit(const WebContext& ctx, http::Request& req);
/// GET /confirm/{token}: follows an e-mail confirmation link; the page lists
/// what was published. Errors: kNotFound for a wrong, used or expired link.
Result<http::Response> ConfirmPage(const WebContext& ctx, http::Request& req);
/// GET /sparql[?query=...]: the query form (prefilled).
Result<http::Response> SparqlPage(const WebContext& ctx, http::Request& req);
/// GET /assets/{name}: an embedded asset. Errors: kNotFound.
Result<http::Response> GetAsset(const WebContext& ctx, http::Request& req);

/// The error page (HTML) when `always_html` or the client prefers HTML to XML
/// and JSON; otherwise the native error body, as the native route would send.
http::Response RenderWebError(const WebContext& ctx, const http::Request& req, const Status& status,
                              int http_status, bool always_html);

}  // namespace mkt::web
