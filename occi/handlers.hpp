// OCCI handlers: parse the request (occi/syntax, occi/negotiation), call the
// query work (occi/query: paging, filters, the walks over the images), render
// (occi/output, mappers/occi_*). No SQL, XML or filter logic here.
#pragma once

#include "http/request.hpp"
#include "occi/occi_context.hpp"
#include "registry/result.hpp"

namespace mkt::occi {

/// GET /-/: the query interface, filtered by Category and X-OCCI-Attribute, paginated.
Result<http::Response> GetQueryInterface(const OcciContext& ctx, http::Request& req);
/// POST /-/: a user mixin; parsed and validated, then refused (403): read-only catalogue.
Result<http::Response> AddUserMixin(const OcciContext& ctx, http::Request& req);
/// DELETE /-/: 403 for a provider-defined mixin, 404 for any other.
Result<http::Response> RemoveUserMixin(const OcciContext& ctx, http::Request& req);
/// GET /storage/ (and /resource/): the images' storage resources, filtered, paginated.
Result<http::Response> ListStorage(const OcciContext& ctx, http::Request& req);
/// GET /storage/{identifier}.
Result<http::Response> GetStorage(const OcciContext& ctx, http::Request& req);
/// GET of a collection that has no members here (compute, network, links, templates).
Result<http::Response> ListEmptyCollection(const OcciContext& ctx, http::Request& req);
/// GET /mixin/os_tpl/{term}/: empty (no compute here), 404 for an unknown image.
Result<http::Response> ListImageMixinCollection(const OcciContext& ctx, http::Request& req);

}  // namespace mkt::occi
