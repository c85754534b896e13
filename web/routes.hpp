// The web UI's routes (docs/web.md "Routes"), registered on the shared Router.
//
// Browsers and programs share URLs: GET /metadata, /metadata/{id}/{email}/{created},
// /endorsers and /endorsers/{email} have an HTML representation here and a
// native (XML/JSON) one in api/; the router picks by content negotiation (the
// native one is the default), so a client that prefers text/html (a browser's
// Accept, or ?media=html) gets the page and curl and API clients get exactly the
// native answer, whichever front-end registers first. Pages only the browser
// needs live on their own paths: / (browse), /upload, /sparql, /assets/{name}.
#pragma once

#include <string>

#include "http/router.hpp"
#include "registry/email_confirmation.hpp"
#include "registry/provider_holdings.hpp"
#include "registry/registry.hpp"

namespace mkt::web {

struct WebContext {
    Registry& registry;
    std::string trust_mode;  // "strict" / "compat": compat pages show a warning
    /// What providers hold in their Glance (occi.provider.<name>.glance); null: none read.
    const ProviderHoldings* holdings = nullptr;
    /// upload.confirm_email: the links of the confirmation messages open
    /// /confirm/<token>; null when off (the route then answers 404).
    EmailConfirmation* confirmation = nullptr;
};

/// Registers every web route. `context` must outlive the router.
void RegisterWebUi(http::Router& router, const WebContext& context);

}  // namespace mkt::web
