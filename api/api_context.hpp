// What the native API handlers need, wired once by server/app.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "registry/email_confirmation.hpp"
#include "registry/provider_holdings.hpp"
#include "registry/registry.hpp"

namespace mkt::api {

struct ApiContext {
    Registry& registry;
    std::string trust_mode;             // "strict" or "compat", reported by /health
    bool benchmark_routes = false;      // registers GET /_bench/trivial
    std::string store_type = "sqlite";  // store.type, reported by /health
    /// The greatest seq of the database that this replica's derived state (the
    /// SPARQL graph) has taken in, given the database's latest; nullopt while
    /// the graph is still being built or its build failed. Reported by /health
    /// as applied_seq, so a load balancer or an operator sees a lagging replica.
    std::function<std::optional<int64_t>(int64_t database_last_seq)> applied_seq = nullptr;
    /// Images held in providers' Glance (server/glance_poller.hpp); null when no
    /// occi.provider.<name>.glance is configured (the JSON entry then has no
    /// "available_at").
    const ProviderHoldings* holdings = nullptr;
    /// Largest page of GET /changes (changes.max_limit).
    size_t changes_max_limit = 1000;
    /// Per-peer federation state as a JSON object for /health ("peers"); null
    /// when no federation.peer.<name> is configured.
    std::function<std::string()> federation_health = nullptr;
    /// upload.confirm_email: held uploads and their links; null when off.
    EmailConfirmation* confirmation = nullptr;
};

}  // namespace mkt::api
