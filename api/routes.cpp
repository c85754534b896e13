#include "api/routes.hpp"

#include <charconv>

#include "api/handlers.hpp"

namespace mkt::api {

namespace {

// References for the HTTP benchmarks: the same dispatcher doing no work, and a
// body of a given size (what the network and the client cost for that size).
void RegisterBenchmarkRoutes(http::Router& router) {
    using http::Method;
    router.Add(Method::kGet, "/_bench/trivial", [](http::Request&) -> Result<http::Response> {
        return http::Response::Make(200, "text/plain", "ok\n");
    });
    router.Add(Method::kGet, "/_bench/bytes/{n}", [](http::Request& req) -> Result<http::Response> {
        const std::string n = req.Param("n");
        size_t size = 0;
        auto [ptr, ec] = std::from_chars(n.data(), n.data() + n.size(), size);
        if (ec != std::errc() || ptr != n.data() + n.size() || size > (1u << 20)) {
            return Status::InvalidArgument("/_bench/bytes/{n}: n must be 0..1048576");
        }
        return http::Response::Make(200, "application/octet-stream", std::string(size, 'x'));
    });
}

}  // namespace

void RegisterNativeApi(http::Router& router, const ApiContext& ctx) {
    using http::Method;
    auto bind = [&ctx](Result<http::Response> (*handler)(const ApiContext&, http::Request&)) {
        return [&ctx, handler](http::Request& req) { return handler(ctx, req); };
    };
    // The native representations are the default of URLs that also have an HTML
    // page (web/routes.cpp): clients without a preference get XML or JSON.
    const http::Representation listing{{"application/xml", "application/json"}, true};
    const http::Representation entry{{"application/rdf+xml", "application/json"}, true};
    router.Add(Method::kGet, "/health", bind(&GetHealth));
    router.Add(Method::kGet, "/metadata", bind(&ListEntries), {}, listing);
    router.Add(Method::kPost, "/metadata", bind(&UploadEntry));
    router.Add(Method::kGet, "/metadata/{a}", bind(&ListEntries));
    router.Add(Method::kGet, "/metadata/{a}/{b}", bind(&ListEntries));
    router.Add(Method::kGet, "/metadata/{identifier}/{email}/{created}", bind(&GetEntry), {},
               entry);
    router.Add(Method::kGet, "/tag/{email}/{tag}", bind(&GetTaggedEntry));
    router.Add(Method::kGet, "/changes", bind(&ListChanges));
    router.Add(Method::kGet, "/endorsers", bind(&ListEndorsers), {}, listing);
    router.Add(Method::kGet, "/endorsers/{email}", bind(&GetEndorserHistory), {}, listing);
    router.Add(Method::kGet, "/endorsers/{email}/tags", bind(&ListEndorserTags));
    if (ctx.confirmation) {
        router.Add(Method::kGet, "/confirm/{token}", bind(&ConfirmEmail), {},
                   http::Representation{{"application/json"}, false});
    }
    if (ctx.benchmark_routes) RegisterBenchmarkRoutes(router);
}

}  // namespace mkt::api
