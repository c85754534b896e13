#include "occi/handlers.hpp"

#include <algorithm>

#include "mappers/occi_model.hpp"
#include "mappers/occi_render.hpp"
#include "occi/image_source.hpp"
#include "occi/negotiation.hpp"
#include "occi/output.hpp"
#include "occi/query.hpp"
#include "occi/syntax.hpp"
#include "registry/identifier.hpp"

namespace mkt::occi {
namespace {

using http::Request;
using http::Response;
namespace m = mappers::occi;

ImageSource Images(const OcciContext& ctx) { return {ctx.registry, ctx.holdings}; }

m::Context MapContext(const OcciContext& ctx, const Request& req) {
    return {req.context.base_url, ctx.providers};
}

// The Category and X-OCCI-Attribute filters: headers (text/occi style, whatever the
// Accept) and, for a text/plain request body, its lines.
Result<Message> RequestFilters(const Request& req) {
    auto from_headers = ParseHeaders(req.headers.items());
    if (!from_headers.ok()) return from_headers.status().WithPrefix("request headers: ");
    Message message = std::move(from_headers).value();
    const std::string type = FirstContentType(req.headers.Get("Content-Type").value_or(""));
    if (!req.body.empty() && (type.empty() || type == "text/plain" || type == "text/occi+plain")) {
        auto body = ParseBody(req.body);
        if (!body.ok()) return body.status().WithPrefix("request body: ");
        for (auto& c : body->categories) message.categories.push_back(std::move(c));
        for (auto& a : body->attributes) message.attributes.push_back(std::move(a));
    }
    return message;
}

Status TooLargeForHeaders(const Request& req) {
    return Status(StatusCode::kNotAcceptable,
                  "the answer to " + req.path + " is larger than " +
                      std::to_string(kMaxOcciHeaderBytes / 1024) +
                      " KiB of text/occi headers; accept text/plain or application/occi+json, "
                      "filter with a Category header, or paginate with ?page=&number=");
}

Response NoCache(Response r) {
    r.headers.Set("Cache-Control", "no-cache");
    return r;
}

/// A query walk into a sink (the query interface or a collection).
using Walk = std::function<Result<bool>(QuerySink&)>;

/// The answer of `walk` in `rendering` (not text/occi), streamed as it is produced.
Response Streamed(const Rendering& rendering, Walk walk, bool categories) {
    Response response = Response::Make(200, rendering.content_type, "");
    response.stream = [format = rendering.format, walk = std::move(walk),
                       categories](http::BodySink& sink) -> Status {
        StreamedOutput out(format, sink);
        MKT_RETURN_IF_ERROR(walk(out).status());
        return categories ? out.FinishCategories() : out.FinishLocations();
    };
    return NoCache(std::move(response));
}

}  // namespace

Result<Response> GetQueryInterface(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(auto renderings, AcceptableRenderings(req, false));
    MKT_ASSIGN_OR_RETURN(Message filters, RequestFilters(req));
    MKT_ASSIGN_OR_RETURN(Paging paging, ParsePaging(req.query));
    const m::Context mctx = MapContext(ctx, req);
    const Selection selection = SelectionOf(filters, mctx);
    for (const Rendering& rendering : renderings) {
        if (rendering.format != Format::kOcci) {
            return Streamed(
                rendering,
                [images = Images(ctx), mctx, selection, paging](QuerySink& out) {
                    return WriteQueryInterface(images, mctx, selection, paging, out);
                },
                true);
        }
        Output out(rendering);
        MKT_ASSIGN_OR_RETURN(bool complete,
                             WriteQueryInterface(Images(ctx), mctx, selection, paging, out));
        if (complete) return NoCache(out.FinishCategories());
    }
    return TooLargeForHeaders(req);
}

namespace {

// The one Category of a query-interface write, from the body (text/plain) or the
// headers (text/occi). Errors: 400 for a malformed or missing Category, 415 for JSON.
Result<CategoryValue> WrittenMixin(const Request& req, bool need_location) {
    const std::string type = FirstContentType(req.headers.Get("Content-Type").value_or(""));
    Result<Message> parsed = Status::Internal("unparsed");
    if (type == "text/occi" || (type.empty() && req.body.empty())) {
        parsed = ParseHeaders(req.headers.items());
    } else if (type.empty() || type == "text/plain" || type == "text/occi+plain") {
        parsed = ParseBody(req.body);
    } else {
        return Status(StatusCode::kUnsupportedMedia,
                      "Content-Type '" + type +
                          "' is not accepted on the query interface; send text/plain or text/occi");
    }
    if (!parsed.ok()) return parsed.status();
    if (parsed->categories.size() != 1) {
        return Status::InvalidArgument("expected exactly one Category, got " +
                                       std::to_string(parsed->categories.size()));
    }
    CategoryValue c = std::move(parsed->categories.front());
    if (c.cls != "mixin") {
        return Status::InvalidArgument("Category " + c.TypeId() + " has class '" + c.cls +
                                       "'; only mixins can be added or removed");
    }
    if (need_location && (!c.location || c.location->empty())) {
        return Status::InvalidArgument("user mixin " + c.TypeId() + " has no location");
    }
    return c;
}

}  // namespace

Result<Response> AddUserMixin(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(CategoryValue c, WrittenMixin(req, true));
    MKT_ASSIGN_OR_RETURN(bool provider, IsProviderDefined(Images(ctx), MapContext(ctx, req), c));
    if (provider) {
        return Status::PermissionDenied("mixin " + c.TypeId() +
                                        " is defined by this provider and cannot be redefined");
    }
    return Status::PermissionDenied(
        "user mixins are not accepted: this OCCI interface is a read-only image catalogue "
        "(mixin " +
        c.TypeId() + " was not added)");
}

Result<Response> RemoveUserMixin(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(CategoryValue c, WrittenMixin(req, false));
    MKT_ASSIGN_OR_RETURN(bool provider, IsProviderDefined(Images(ctx), MapContext(ctx, req), c));
    if (provider) {
        return Status::PermissionDenied("mixin " + c.TypeId() +
                                        " is defined by this provider and cannot be removed");
    }
    return Status::NotFound("no user mixin " + c.TypeId());
}

Result<Response> ListStorage(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(auto renderings, AcceptableRenderings(req, true));
    MKT_ASSIGN_OR_RETURN(Message filters, RequestFilters(req));
    MKT_ASSIGN_OR_RETURN(Paging paging, ParsePaging(req.query));
    const m::Context mctx = MapContext(ctx, req);
    for (const Rendering& rendering : renderings) {
        if (rendering.format != Format::kOcci) {
            const bool json = rendering.format == Format::kJson;
            return Streamed(
                rendering,
                [images = Images(ctx), mctx, filters, paging, json](QuerySink& out) {
                    return WriteStorageCollection(images, mctx, filters, paging, json, out);
                },
                false);
        }
        Output out(rendering);
        MKT_ASSIGN_OR_RETURN(bool complete,
                             WriteStorageCollection(Images(ctx), mctx, filters, paging,
                                                    rendering.format == Format::kJson, out));
        if (complete) return NoCache(out.FinishLocations());
    }
    return TooLargeForHeaders(req);
}

Result<Response> GetStorage(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(auto renderings, AcceptableRenderings(req, false));
    const std::string id = req.Param("identifier");
    auto missing = [&] {
        return Status::NotFound("no usable image " + id +
                                " (unknown, or every endorsement is expired or deprecated)");
    };
    if (!identifier::IsValid(id)) return missing();
    MKT_ASSIGN_OR_RETURN(auto image, FindImage(Images(ctx), id));
    if (!image) return missing();
    const m::Context mctx = MapContext(ctx, req);
    const m::Resource resource = m::StorageResource(*image, mctx);
    const Rendering& rendering = renderings.front();
    if (rendering.format == Format::kJson) {
        return NoCache(
            Response::Make(200, rendering.content_type, m::ResourceJson(resource) + "\n"));
    }
    const auto model = m::FixedModel(mctx);
    const auto kind = std::find_if(model.begin(), model.end(), [&](const m::Category& c) {
        return c.TypeId() == resource.kind;
    });
    const m::Fields fields = m::ResourceFields(resource, *kind);
    if (rendering.format == Format::kPlain) {
        return NoCache(Response::Make(200, rendering.content_type, m::PlainBody(fields)));
    }
    Response r = Response::Make(200, rendering.content_type, "OK");
    for (auto& [name, value] : m::CombineForHeaders(fields)) r.headers.Add(name, value);
    return NoCache(std::move(r));
}

Result<Response> ListEmptyCollection(const OcciContext&, Request& req) {
    MKT_ASSIGN_OR_RETURN(auto renderings, AcceptableRenderings(req, true));
    MKT_RETURN_IF_ERROR(RequestFilters(req).status());
    MKT_RETURN_IF_ERROR(ParsePaging(req.query).status());
    return NoCache(Output(renderings.front()).FinishLocations());
}

Result<Response> ListImageMixinCollection(const OcciContext& ctx, Request& req) {
    const std::string term = req.Param("term");
    auto missing = [&] { return Status::NotFound("no os_tpl mixin " + term); };
    auto id = m::IdentifierOfTerm(term);
    if (!id.ok()) return missing();
    MKT_ASSIGN_OR_RETURN(auto image, FindImage(Images(ctx), *id));
    if (!image) return missing();
    return ListEmptyCollection(ctx, req);
}

}  // namespace mkt::occi
