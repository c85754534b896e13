#include "api/routes.hpp"

#include "api/handlers.hpp"

namespace mkt::api {

void RegisterNativeApi(http::Router& router, const ApiContext& ctx) {
    using http::Method;
    auto bind = [&ctx](Result<http::Response> (*handler)(const ApiContext&, http::Request&)) {
        return [&ctx, handler](http::Request& req) { return handler(ctx, req); };
    };
    router.Add(Method::kGet, "/health", bind(&GetHealth));
    router.Add(Method::kGet, "/metadata", bind(&ListEntries));
    router.Add(Method::kPost, "/metadata", bind(&UploadEntry));
    router.Add(Method::kGet, "/metadata/{a}", bind(&ListEntries));
    router.Add(Method::kGet, "/metadata/{a}/{b}", bind(&ListEntries));
    router.Add(Method::kGet, "/metadata/{identifier}/{email}/{created}", bind(&GetEntry));
    router.Add(Method::kGet, "/tag/{email}/{tag}", bind(&GetTaggedEntry));
    router.Add(Method::kGet, "/endorsers", bind(&ListEndorsers));
    router.Add(Method::kGet, "/endorsers/{email}", bind(&GetEndorserHistory));
    router.Add(Method::kGet, "/endorsers/{email}/tags", bind(&ListEndorserTags));
    if (ctx.benchmark_routes) {
        // The reference for HTTP benchmarks: same dispatcher, no work.
        router.Add(Method::kGet, "/_bench/trivial", [](http::Request&) -> Result<http::Response> {
            return http::Response::Make(200, "text/plain", "ok\n");
        });
    }
}

}  // namespace mkt::api
