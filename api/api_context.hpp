// What the native API handlers need, wired once by server/app.cpp.
#pragma once

#include <string>

#include "registry/registry.hpp"

namespace mkt::api {

struct ApiContext {
    Registry& registry;
    std::string trust_mode;             // "strict" or "compat", reported by /health
    bool benchmark_routes = false;      // registers GET /_bench/trivial
    std::string store_type = "sqlite";  // store.type, reported by /health
};

}  // namespace mkt::api
