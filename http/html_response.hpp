// The one way an HTML answer leaves the server (web UI pages, the SPARQL
// endpoint's form and result table): text/html with the security headers that
// back up the escaping, so no page a front-end renders can run inline script
// or load anything from another origin.
#pragma once

#include <string>
#include <string_view>

#include "http/request.hpp"

namespace mkt::http {

/// default-src 'self'; no inline script or style; forms post to this origin only.
inline constexpr const char* kHtmlContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `body` as text/html; charset=utf-8 with Content-Security-Policy,
/// X-Content-Type-Options: nosniff, Referrer-Policy: same-origin,
/// Cache-Control: no-cache and Vary: Accept.
Response HtmlResponse(int status, std::string body);

/// True for an IRI a page may make a link of: http, https or ftp (any case).
/// Anything else (javascript:, data:, vbscript:, ...) is shown as text only.
bool IsLinkableIri(std::string_view iri);

}  // namespace mkt::http
