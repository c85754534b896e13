#include "cimi/handlers.hpp"

#include "cimi/image_query.hpp"
#include "cimi/query_params.hpp"
#include "cimi/version.hpp"
#include "http/negotiation.hpp"
#include "mappers/cimi_render.hpp"

namespace mkt::cimi {
namespace {

using http::Request;
using http::Response;
namespace render = mappers::cimi;

constexpr std::string_view kVersionHeader = "CIMI-Specification-Version";
constexpr std::string_view kAllow = "GET, HEAD, OPTIONS";
constexpr uint64_t kMaxExpandedEntryPointItems = 100;

std::optional<std::string_view> RequestedVersion(const Request& req, std::string& storage) {
    auto value = req.headers.Get(kVersionHeader);
    if (!value) value = req.headers.Get("X-CIMI-Specification-Version");
    if (!value) return std::nullopt;
    storage = std::move(*value);
    return std::string_view(storage);
}

struct Negotiated {
    SpecVersion version;
    std::string media;  // application/json or application/xml
    render::RenderContext render;
    render::ImageContext images;
};

Result<Negotiated> Negotiate(const CimiContext& ctx, const Request& req) {
    std::string storage;
    MKT_ASSIGN_OR_RETURN(SpecVersion version, NegotiateVersion(RequestedVersion(req, storage)));
    auto media = ChooseMediaType(req);
    if (!media) {
        return http::NotAcceptable({"application/json", "application/xml"}, "or $format=json|xml");
    }
    Negotiated n{version, *media, {version.ns, req.context.base_url}, {}};
    n.images = {req.context.base_url, ctx.registry.clock().Now()};
    return n;
}

bool IsJson(const Negotiated& n) { return n.media == "application/json"; }

Response Make(const Negotiated& n, std::string body) {
    Response r = Response::Make(
        200, IsJson(n) ? "application/json" : "application/xml; charset=utf-8", std::move(body));
    r.headers.Set(std::string(kVersionHeader), n.version.full);
    r.headers.Set("Cache-Control", "no-cache");
    r.headers.Set("Vary", "Accept, CIMI-Specification-Version");
    return r;
}

// The identifier at the end of a MachineImage id.
std::string IdentifierOfId(const std::string& id) { return id.substr(id.rfind('/') + 1); }

// relatedImage inlined for `$expand=relatedImage` when that image is here.
std::optional<render::MachineImage> Related(const CimiContext& ctx,
                                            const render::MachineImage& image,
                                            const render::ImageContext& images) {
    if (image.related_image.empty()) return std::nullopt;
    auto related =
        FindImage(ctx.registry, IdentifierOfId(image.related_image), images, ctx.holdings);
    if (!related.ok()) return std::nullopt;
    return std::move(related).value();
}

Result<render::ImageCollection> Collect(const CimiContext& ctx, const QueryParams& params,
                                        const Negotiated& n) {
    MKT_ASSIGN_OR_RETURN(ImageQueryResult found,
                         RunImageQuery(ctx.registry, params.images, n.images, ctx.holdings));
    render::ImageCollection out;
    out.count = found.count;
    const bool expand = params.Expands("relatedImage");
    for (auto& image : found.images) {
        render::ImageView view{std::move(image), std::nullopt};
        if (expand) view.related = Related(ctx, view.image, n.images);
        out.items.push_back(std::move(view));
    }
    return out;
}

bool IsResourcePath(const std::vector<std::string>& s) {
    if (s.empty() || s[0] != "cimi") return false;
    if (s.size() == 1) return true;
    const bool collection = s[1] == "machineImages" || s[1] == "resourceMetadata";
    if (s.size() == 2) return collection || s[1] == "cloudEntryPoint";
    return s.size() == 3 && collection;
}

}  // namespace

Result<Response> GetEntryPoint(const CimiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(Negotiated n, Negotiate(ctx, req));
    MKT_ASSIGN_OR_RETURN(QueryParams params, ParseQueryParams(req));
    std::optional<render::ImageCollection> images;
    if (params.Expands("machineImages")) {
        if (!req.QueryParam("$last"))
            params.images.last = params.images.first + kMaxExpandedEntryPointItems - 1;
        MKT_ASSIGN_OR_RETURN(images, Collect(ctx, params, n));
    }
    const render::ImageCollection* expanded = images ? &*images : nullptr;
    return Make(n, IsJson(n) ? render::EntryPointToJson(n.render, expanded)
                             : render::EntryPointToXml(n.render, expanded));
}

Result<Response> ListMachineImages(const CimiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(Negotiated n, Negotiate(ctx, req));
    MKT_ASSIGN_OR_RETURN(QueryParams params, ParseQueryParams(req));
    MKT_ASSIGN_OR_RETURN(render::ImageCollection images, Collect(ctx, params, n));
    return Make(n, IsJson(n) ? render::CollectionToJson(images, params.select, n.render)
                             : render::CollectionToXml(images, params.select, n.render));
}

Result<Response> GetMachineImage(const CimiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(Negotiated n, Negotiate(ctx, req));
    MKT_ASSIGN_OR_RETURN(QueryParams params, ParseQueryParams(req));
    MKT_ASSIGN_OR_RETURN(render::MachineImage image,
                         FindImage(ctx.registry, req.Param("identifier"), n.images, ctx.holdings));
    render::ImageView view{std::move(image), std::nullopt};
    if (params.Expands("relatedImage")) view.related = Related(ctx, view.image, n.images);
    return Make(n, IsJson(n) ? render::ImageToJson(view, params.select, n.render)
                             : render::ImageToXml(view, params.select, n.render));
}

Result<Response> ListResourceMetadata(const CimiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(Negotiated n, Negotiate(ctx, req));
    return Make(n, IsJson(n) ? render::ResourceMetadataCollectionToJson(n.render)
                             : render::ResourceMetadataCollectionToXml(n.render));
}

Result<Response> GetResourceMetadata(const CimiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(Negotiated n, Negotiate(ctx, req));
    const std::string& name = req.Param("name");
    const auto& names = render::ResourceMetadataNames();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        return Status::NotFound("no ResourceMetadata " + name +
                                " (known: CloudEntryPoint, MachineImage)");
    }
    return Make(n, IsJson(n) ? render::ResourceMetadataToJson(name, n.render)
                             : render::ResourceMetadataToXml(name, n.render));
}

Result<Response> Options(const CimiContext&, Request& req) {
    std::string storage;
    MKT_ASSIGN_OR_RETURN(SpecVersion version, NegotiateVersion(RequestedVersion(req, storage)));
    Response r;
    r.status = 204;
    r.headers.Set("Allow", std::string(kAllow));
    r.headers.Set(std::string(kVersionHeader), version.full);
    return r;
}

Result<Response> Fallback(const CimiContext&, Request& req) {
    if (IsResourcePath(req.segments)) {
        return Status(StatusCode::kMethodNotAllowed,
                      req.method_name + " is not allowed on " + req.path +
                          "; allowed: " + std::string(kAllow) +
                          " (images are added by uploading a signed metadata document to "
                          "POST /metadata, not through CIMI)");
    }
    return Status::NotFound("no CIMI resource at " + req.path +
                            "; start at the CloudEntryPoint, /cimi/cloudEntryPoint");
}

Response RenderCimiError(const Request& request, const Status& status, int http_status) {
    std::string storage;
    auto version = NegotiateVersion(RequestedVersion(request, storage));
    const SpecVersion& v = version.ok() ? *version : PreferredVersion();
    const std::string media = ChooseMediaType(request).value_or("application/json");
    Response r = media == "application/xml"
                     ? Response::Make(http_status, "application/xml; charset=utf-8",
                                      render::ErrorToXml(http_status, status.message(),
                                                         request.context.request_id, v.ns))
                     : Response::Make(http_status, "application/json",
                                      render::ErrorToJson(http_status, status.message(),
                                                          request.context.request_id));
    r.headers.Set(std::string(kVersionHeader), v.full);
    if (http_status == 405) r.headers.Set("Allow", std::string(kAllow));
    return r;
}

}  // namespace mkt::cimi
