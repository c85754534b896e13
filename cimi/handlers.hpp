// CIMI handlers: negotiate the version and the format, parse the query, call
// cimi/image_query, render with mappers/cimi_render. No SQL, no JSON building.
#pragma once

#include "cimi/routes.hpp"
#include "http/request.hpp"
#include "registry/result.hpp"

namespace mkt::cimi {

Result<http::Response> GetEntryPoint(const CimiContext& ctx, http::Request& req);
Result<http::Response> ListMachineImages(const CimiContext& ctx, http::Request& req);
Result<http::Response> GetMachineImage(const CimiContext& ctx, http::Request& req);
Result<http::Response> ListResourceMetadata(const CimiContext& ctx, http::Request& req);
Result<http::Response> GetResourceMetadata(const CimiContext& ctx, http::Request& req);
/// OPTIONS on a CIMI resource: 204 with Allow.
Result<http::Response> Options(const CimiContext& ctx, http::Request& req);
/// Any other method or path under /cimi: 405 on a resource, else 404.
Result<http::Response> Fallback(const CimiContext& ctx, http::Request& req);

}  // namespace mkt::cimi
