// The OCCI front-end (docs/api/occi.md), registered on a Router next to the native API.
//
// Routes (all read-only; other methods get 405 with Allow, except the query
// interface, whose POST/DELETE are parsed and refused as OCCI allows):
//   GET /-/ and /.well-known/org/ogf/occi/-/   query interface (identical)
//   GET /storage/, /resource/                  images as storage resources
//   GET /storage/{identifier}                  one image as a storage resource
//   GET /compute/, /network/, /link/, /storagelink/, /networkinterface/  empty
//   GET /mixin/<term>/ and /mixin/os_tpl/{term}/                         empty
// Every answer carries `Server: ... OCCI/1.1 OCCI/1.2`; a User-Agent asking for an
// OCCI version above 1.2 gets 501. Errors are text/plain (or JSON when the client
// prefers application/occi+json).
#pragma once

#include "http/router.hpp"
#include "occi/occi_context.hpp"

namespace mkt::occi {

/// Registers every OCCI route. `context` must outlive the router.
void RegisterOcciApi(http::Router& router, const OcciContext& context);

}  // namespace mkt::occi
