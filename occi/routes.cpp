#include "occi/routes.hpp"

#include <nlohmann/json.hpp>

#include "mappers/occi_model.hpp"
#include "occi/handlers.hpp"
#include "occi/negotiation.hpp"

namespace mkt::occi {
namespace {

using http::Method;
using http::Request;
using http::Response;

// Errors as text/plain (one line, the message), or {"code","message"} when the
// client prefers JSON; always with the OCCI Server header.
Response RenderOcciError(const Request& req, const Status& status, int http_status) {
    auto renderings = AcceptableRenderings(req, true);
    const bool json = renderings.ok() && renderings->front().format == Format::kJson;
    Response r =
        json ? Response::Make(
                   http_status, renderings->front().content_type,
                   nlohmann::json{{"code", http_status}, {"message", status.message()}}.dump() +
                       "\n")
             : Response::Make(http_status, "text/plain", status.message() + "\n");
    r.headers.Set("Server", std::string(mappers::occi::kServerHeader));
    return r;
}

using OcciHandler = Result<Response> (*)(const OcciContext&, Request&);

http::Handler Bind(const OcciContext& ctx, OcciHandler handler) {
    return [&ctx, handler](Request& req) -> Result<Response> {
        if (AsksNewerOcciVersion(req.headers.Get("User-Agent").value_or(""))) {
            return RenderOcciError(
                req,
                Status(StatusCode::kInvalidArgument,
                       "this server speaks OCCI 1.1 and 1.2; the User-Agent asks for a newer "
                       "version"),
                501);
        }
        Result<Response> result = handler(ctx, req);
        if (!result.ok()) return result;
        Response r = std::move(result).value();
        r.headers.Set("Server", std::string(mappers::occi::kServerHeader));
        return r;
    };
}

}  // namespace

void RegisterOcciApi(http::Router& router, const OcciContext& ctx) {
    auto add = [&](Method method, std::string_view pattern, OcciHandler handler) {
        router.Add(method, pattern, Bind(ctx, handler), &RenderOcciError);
    };
    for (const char* query : {"/-/", "/.well-known/org/ogf/occi/-/"}) {
        add(Method::kGet, query, &GetQueryInterface);
        add(Method::kPost, query, &AddUserMixin);
        add(Method::kDelete, query, &RemoveUserMixin);
    }
    add(Method::kGet, "/storage/", &ListStorage);
    add(Method::kGet, "/resource/", &ListStorage);
    add(Method::kGet, "/storage/{identifier}", &GetStorage);
    for (const char* empty : {"/compute/", "/network/", "/link/", "/storagelink/",
                              "/networkinterface/", "/mixin/os_tpl/", "/mixin/resource_tpl/",
                              "/mixin/ipnetwork/", "/mixin/image_location/"}) {
        add(Method::kGet, empty, &ListEmptyCollection);
    }
    add(Method::kGet, "/mixin/os_tpl/{term}/", &ListImageMixinCollection);
}

}  // namespace mkt::occi
