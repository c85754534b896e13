// The native Marketplace REST API (StratusLab compatible), registered on a Router.
// docs/api/native.md describes each route with curl examples.
#pragma once

#include "api/api_context.hpp"
#include "http/router.hpp"

namespace mkt::api {

/// Registers every native route. `context` must outlive the router.
void RegisterNativeApi(http::Router& router, const ApiContext& context);

}  // namespace mkt::api
