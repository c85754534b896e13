// The web UI's routes (docs/web.md "Routes"), registered on the shared Router.
//
// Browsers and programs share URLs: GET /metadata, /metadata/{id}/{email}/{created},
// /endorsers and /endorsers/{email} answer HTML when the client prefers text/html
// over the native types (a browser's Accept, or ?media=html) and otherwise hand
// the request, unchanged, to the native API handler, so curl and API clients get
// exactly what they got before. The web routes must therefore be registered
// BEFORE api::RegisterNativeApi (the router's first match wins). Pages only the
// browser needs live on their own paths: / (browse), /upload, /sparql, /assets/{name}.
#pragma once

#include <string>

#include "api/api_context.hpp"
#include "http/router.hpp"

namespace mkt::web {

struct WebContext {
    Registry& registry;
    const api::ApiContext& api;  // the native handlers non-HTML requests go to
    std::string trust_mode;      // "strict" / "compat": compat pages show a warning
};

/// Registers every web route. `context` must outlive the router.
void RegisterWebUi(http::Router& router, const WebContext& context);

}  // namespace mkt::web
