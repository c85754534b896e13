// The CIMI front-end (DSP0263): CloudEntryPoint, MachineImages, ResourceMetadata
// under /cimi/, registered on the shared Router. docs/api/cimi.md documents
// the mapping, the decisions and every deviation.
//
// Every response, errors included, carries CIMI-Specification-Version; errors
// are {"status", "message", "requestId"} (or XML). Images arrive as signed
// uploads (POST /metadata), so every write is answered 405 with Allow.
#pragma once

#include "http/router.hpp"
#include "registry/provider_holdings.hpp"
#include "registry/registry.hpp"

namespace mkt::cimi {

struct CimiContext {
    const Registry& registry;
    /// What providers hold in their Glance (occi.provider.<name>.glance); null: none read.
    const ProviderHoldings* holdings = nullptr;
};

/// Registers every /cimi route. `context` must outlive the router.
void RegisterCimiApi(http::Router& router, const CimiContext& context);

/// The CIMI ErrorRenderer: negotiated version header and format (JSON when the
/// client accepts neither), Allow on 405.
http::Response RenderCimiError(const http::Request& request, const Status& status, int http_status);

}  // namespace mkt::cimi
