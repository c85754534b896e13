#include "cimi/routes.hpp"

#include "cimi/handlers.hpp"

namespace mkt::cimi {

void RegisterCimiApi(http::Router& router, const CimiContext& ctx) {
    using http::Method;
    using HandlerFn = Result<http::Response> (*)(const CimiContext&, http::Request&);
    auto add = [&](Method method, std::string_view pattern, HandlerFn handler) {
        router.Add(
            method, pattern, [&ctx, handler](http::Request& req) { return handler(ctx, req); },
            &RenderCimiError);
    };
    const std::pair<std::string_view, HandlerFn> resources[] = {
        {"/cimi", &GetEntryPoint},
        {"/cimi/cloudEntryPoint", &GetEntryPoint},
        {"/cimi/machineImages", &ListMachineImages},
        {"/cimi/machineImages/{identifier}", &GetMachineImage},
        {"/cimi/resourceMetadata", &ListResourceMetadata},
        {"/cimi/resourceMetadata/{name}", &GetResourceMetadata},
    };
    for (const auto& [pattern, handler] : resources) {
        add(Method::kGet, pattern, handler);
        add(Method::kOptions, pattern, &Options);
    }
    // Everything else under /cimi (other methods, unknown paths) gets CIMI's
    // answer (405 or 404, with the version header) rather than the native one.
    for (std::string_view pattern :
         {"/cimi", "/cimi/{a}", "/cimi/{a}/{b}", "/cimi/{a}/{b}/{c}", "/cimi/{a}/{b}/{c}/{d}"}) {
        for (Method m : {Method::kGet, Method::kPost, Method::kPut, Method::kDelete, Method::kPatch,
                         Method::kOptions, Method::kOther}) {
            add(m, pattern, &Fallback);
        }
    }
}

}  // namespace mkt::cimi
