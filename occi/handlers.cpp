#include "occi/handlers.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "mappers/occi_model.hpp"
#include "mappers/occi_render.hpp"
#include "occi/image_source.hpp"
#include "occi/negotiation.hpp"
#include "occi/syntax.hpp"
#include "registry/identifier.hpp"

namespace mkt::occi {
namespace {

using http::Request;
using http::Response;
namespace m = mappers::occi;

m::Context MapContext(const OcciContext& ctx, const Request& req) {
    return {req.context.base_url, ctx.providers};
}

std::string Prefixed(std::string_view name) {
    return std::string(m::kAttributePrefix) + std::string(name);
}

// ---- request parameters -------------------------------------------------------------

struct Paging {
    size_t skip = 0;
    std::optional<size_t> take;
};

Result<size_t> PositiveNumber(std::string_view name, const std::string& text) {
    size_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value == 0) {
        return Status::InvalidArgument(std::string(name) + " must be a positive integer, got '" +
                                       text + "'");
    }
    return value;
}

// OCCI 1.2 pagination: ?page=N (from 1) & number=M (at most kMaxPageNumber, else 413).
// Any other query parameter is refused, so a typo is never a silent no-op.
Result<Paging> ParsePaging(const Request& req) {
    for (const auto& [name, value] : req.query) {
        if (name != "page" && name != "number") {
            return Status::InvalidArgument("unknown query parameter '" + name +
                                           "' (OCCI collections take page and number)");
        }
    }
    Paging paging;
    size_t page = 1;
    if (auto p = req.QueryParam("page")) {
        MKT_ASSIGN_OR_RETURN(page, PositiveNumber("page", *p));
    }
    if (auto n = req.QueryParam("number")) {
        MKT_ASSIGN_OR_RETURN(size_t number, PositiveNumber("number", *n));
        if (number > kMaxPageNumber) {
            return Status::PayloadTooLarge("number=" + *n + " is more than " +
                                           std::to_string(kMaxPageNumber) + " items per page");
        }
        paging.take = number;
    } else if (req.QueryParam("page")) {
        paging.take = 100;
    }
    if (paging.take) paging.skip = (page - 1) * *paging.take;
    return paging;
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

// ---- attribute filters --------------------------------------------------------------

bool SameNumber(const std::string& a, const std::string& b) {
    char* ea = nullptr;
    char* eb = nullptr;
    const double x = std::strtod(a.c_str(), &ea);
    const double y = std::strtod(b.c_str(), &eb);
    return ea && *ea == '\0' && eb && *eb == '\0' && !a.empty() && !b.empty() && x == y;
}

bool ValueMatches(const m::Value& value, const AttributeValue& wanted) {
    if (value.type == m::Value::Type::kList) {
        if (std::find(value.list.begin(), value.list.end(), wanted.text) != value.list.end())
            return true;
        return value.Joined() == wanted.text;
    }
    if (value.type == m::Value::Type::kNumber) {
        return value.text == wanted.text || SameNumber(value.text, wanted.text);
    }
    return value.text == wanted.text;
}

bool ResourceMatches(const m::Resource& r, const std::vector<Attribute>& filters) {
    for (const Attribute& f : filters) {
        const auto it = std::find_if(r.attributes.begin(), r.attributes.end(),
                                     [&](const m::Attribute& a) { return a.name == f.name; });
        if (it == r.attributes.end() || !ValueMatches(it->value, f.value)) return false;
    }
    return true;
}

bool MixinMatches(const m::Category& c, const std::vector<Attribute>& filters) {
    for (const Attribute& f : filters) {
        const auto it = std::find_if(c.attributes.begin(), c.attributes.end(),
                                     [&](const m::AttributeDef& d) { return d.name == f.name; });
        if (it == c.attributes.end() || !it->default_value ||
            !ValueMatches(*it->default_value, f.value))
            return false;
    }
    return true;
}

// The filters the store can apply (the rest is checked on the mapped values).
ImageFilter PushDown(const std::vector<Attribute>& filters) {
    ImageFilter out;
    for (const Attribute& f : filters) {
        if (f.name == "occi.core.id" || f.name == Prefixed("identifier"))
            out.identifier = f.value.text;
        else if (f.name == Prefixed("os"))
            out.os = f.value.text;
        else if (f.name == Prefixed("os_version"))
            out.os_version = f.value.text;
        else if (f.name == Prefixed("os_arch"))
            out.os_arch = f.value.text;
        else if (f.name == "occi.core.title" && !f.value.text.empty())
            out.text = f.value.text;
    }
    return out;
}

// ---- outputs ------------------------------------------------------------------------

enum class Emit { kContinue, kStop, kOverflow };

// One answer being written in one rendering; text/occi reports kOverflow past its budget.
class Output {
  public:
    explicit Output(Rendering rendering) : rendering_(std::move(rendering)) {}

    Emit AddCategory(const m::Category& c) {
        switch (rendering_.format) {
            case Format::kJson:
                json_.Add(c);
                return Emit::kContinue;
            case Format::kOcci:
                return AppendHeader(m::CategoryText(c));
            default:
                body_ += "Category: ";
                body_ += m::CategoryText(c);
                body_ += '\n';
                return Emit::kContinue;
        }
    }

    Emit AddLocation(const std::string& url, const std::function<std::string()>& json) {
        switch (rendering_.format) {
            case Format::kJson:
                resources_.push_back(json());
                return Emit::kContinue;
            case Format::kOcci:
                return AppendHeader(url);
            case Format::kUriList:
                body_ += url + "\r\n";
                return Emit::kContinue;
            case Format::kPlain:
                body_ += "X-OCCI-Location: " + url + "\n";
                return Emit::kContinue;
        }
        return Emit::kContinue;
    }

    Response FinishCategories() {
        if (rendering_.format == Format::kJson) return Make(json_.Finish());
        return FinishWith("Category");
    }
    Response FinishLocations() {
        if (rendering_.format == Format::kJson) return Make(m::ResourcesJson(resources_));
        return FinishWith("X-OCCI-Location");
    }

  private:
    Emit AppendHeader(const std::string& value) {
        if (!header_.empty()) header_ += ", ";
        header_ += value;
        return header_.size() > kMaxOcciHeaderBytes ? Emit::kOverflow : Emit::kContinue;
    }
    Response Make(std::string body) {
        return Response::Make(200, rendering_.content_type, std::move(body));
    }
    Response FinishWith(const char* header) {
        if (rendering_.format != Format::kOcci) return Make(std::move(body_));
        Response r = Make("OK");
        if (!header_.empty()) r.headers.Add(header, std::move(header_));
        return r;
    }

    Rendering rendering_;
    std::string body_, header_;
    m::ModelJsonWriter json_;
    std::vector<std::string> resources_;
};

// Applies paging to a stream of items.
class Pager {
  public:
    explicit Pager(const Paging& paging) : paging_(paging) {}
    /// True when the next item is before the page (to be skipped, not built).
    bool Skips() {
        if (seen_ < paging_.skip) {
            ++seen_;
            return true;
        }
        return false;
    }
    bool Full() const { return paging_.take && taken_ >= *paging_.take; }
    void Took() {
        ++seen_;
        ++taken_;
    }

  private:
    Paging paging_;
    size_t seen_ = 0, taken_ = 0;
};

// Store page size for a paged request: enough entries for the page when each image
// has one endorsement (more pages follow through the cursor otherwise); 0 = default.
size_t StorePageSize(const Paging& paging) {
    return paging.take ? paging.skip + *paging.take + 1 : 0;
}

Status TooLargeForHeaders(const Request& req) {
    return Status(StatusCode::kNotAcceptable,
                  "the answer to " + req.path + " is larger than " +
                      std::to_string(kMaxOcciHeaderBytes / 1024) +
                      " KiB of text/occi headers; accept text/plain or application/occi+json, "
                      "filter with a Category header, or paginate with ?page=&number=");
}

// ---- the query interface ------------------------------------------------------------

struct Selection {
    bool everything = true;
    std::vector<std::string> type_ids;     // requested categories
    bool all_images = true;                // no filter, or the os_tpl parent requested
    std::vector<std::string> identifiers;  // image mixins requested one by one
    std::vector<Attribute> attributes;     // default-value filters (image mixins only)
};

Selection SelectionOf(const Message& filters, const m::Context& mctx) {
    Selection s;
    s.attributes = filters.attributes;
    if (filters.categories.empty()) return s;
    s.everything = false;
    s.all_images = false;
    const std::string os_tpl = std::string(m::kInfraScheme) + "os_tpl";
    for (const CategoryValue& c : filters.categories) {
        s.type_ids.push_back(c.TypeId());
        // OCCI 1.2: a Mixin filter also returns the Mixins that depend on it.
        if (c.TypeId() == os_tpl) s.all_images = true;
        if (c.scheme == mctx.OsTplScheme()) {
            if (auto id = m::IdentifierOfTerm(c.term); id.ok()) s.identifiers.push_back(*id);
        }
    }
    return s;
}

// Feeds the selected categories, paged, to `out`. Result: false on text/occi overflow.
Result<bool> WriteQueryInterface(const OcciContext& ctx, const m::Context& mctx,
                                 const Selection& sel, const Paging& paging, Output& out) {
    Pager pager(paging);
    Emit state = Emit::kContinue;
    auto emit = [&](const m::Category& c) {
        if (pager.Full()) state = Emit::kStop;
        if (state != Emit::kContinue) return false;
        if (pager.Skips()) return true;
        pager.Took();
        state = out.AddCategory(c);
        return state == Emit::kContinue;
    };
    if (sel.attributes.empty()) {
        for (const m::Category& c : m::FixedModel(mctx)) {
            const bool wanted =
                sel.everything || std::find(sel.type_ids.begin(), sel.type_ids.end(), c.TypeId()) !=
                                      sel.type_ids.end();
            if (wanted && !emit(c)) break;
        }
    }
    auto visit_image = [&](m::OcciImage&& image) {
        if (state != Emit::kContinue || pager.Full()) return false;
        if (sel.attributes.empty() && pager.Skips()) return true;
        const m::Category mixin = m::ImageMixin(image, mctx);
        if (!MixinMatches(mixin, sel.attributes)) return true;
        return emit(mixin);
    };
    if (sel.all_images) {
        ImageFilter filter = PushDown(sel.attributes);
        filter.page_size = StorePageSize(paging);
        MKT_RETURN_IF_ERROR(ForEachImage(ctx.registry, filter, visit_image));
    } else {
        for (const std::string& id : sel.identifiers) {
            MKT_ASSIGN_OR_RETURN(auto image, FindImage(ctx.registry, id));
            if (image && !visit_image(std::move(*image))) break;
        }
    }
    return state != Emit::kOverflow;
}

// ---- collections --------------------------------------------------------------------

bool IsKind(const std::vector<CategoryValue>& categories,
            std::initializer_list<const char*> terms) {
    for (const CategoryValue& c : categories) {
        for (const char* t : terms) {
            if (c.TypeId() == std::string(m::kInfraScheme) + t ||
                c.TypeId() == std::string(m::kCoreScheme) + t)
                return true;
        }
    }
    return false;
}

Result<bool> WriteStorageCollection(const OcciContext& ctx, const m::Context& mctx,
                                    const Message& filters, const Paging& paging, Format format,
                                    Output& out) {
    // A Category filter selects members of that Kind: storage (or resource), else nothing.
    if (!filters.categories.empty() && !IsKind(filters.categories, {"storage", "resource"}))
        return true;
    Pager pager(paging);
    Emit state = Emit::kContinue;
    const bool build = format == Format::kJson || !filters.attributes.empty();
    ImageFilter filter = PushDown(filters.attributes);
    filter.page_size = StorePageSize(paging);
    MKT_RETURN_IF_ERROR(ForEachImage(ctx.registry, filter, [&](m::OcciImage&& image) {
        if (pager.Full()) return false;
        std::optional<m::Resource> resource;
        if (build) {
            resource = m::StorageResource(image, mctx);
            if (!ResourceMatches(*resource, filters.attributes)) return true;
        }
        if (pager.Skips()) return true;
        pager.Took();
        const std::string url = mctx.Absolute(mctx.BasePath() + "storage/" + image.identifier());
        state = out.AddLocation(url, [&] { return m::ResourceJson(*resource); });
        return state == Emit::kContinue;
    }));
    return state != Emit::kOverflow;
}

Response NoCache(Response r) {
    r.headers.Set("Cache-Control", "no-cache");
    return r;
}

}  // namespace

Result<Response> GetQueryInterface(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(auto renderings, AcceptableRenderings(req, false));
    MKT_ASSIGN_OR_RETURN(Message filters, RequestFilters(req));
    MKT_ASSIGN_OR_RETURN(Paging paging, ParsePaging(req));
    const m::Context mctx = MapContext(ctx, req);
    const Selection selection = SelectionOf(filters, mctx);
    for (const Rendering& rendering : renderings) {
        Output out(rendering);
        MKT_ASSIGN_OR_RETURN(bool complete, WriteQueryInterface(ctx, mctx, selection, paging, out));
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

Result<bool> IsProviderDefined(const OcciContext& ctx, const m::Context& mctx,
                               const CategoryValue& c) {
    for (const m::Category& fixed : m::FixedModel(mctx)) {
        if (fixed.TypeId() == c.TypeId()) return true;
    }
    if (c.scheme != mctx.OsTplScheme()) return false;
    auto id = m::IdentifierOfTerm(c.term);
    if (!id.ok()) return false;
    MKT_ASSIGN_OR_RETURN(auto image, FindImage(ctx.registry, *id));
    return image.has_value();
}

}  // namespace

Result<Response> AddUserMixin(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(CategoryValue c, WrittenMixin(req, true));
    MKT_ASSIGN_OR_RETURN(bool provider, IsProviderDefined(ctx, MapContext(ctx, req), c));
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
    MKT_ASSIGN_OR_RETURN(bool provider, IsProviderDefined(ctx, MapContext(ctx, req), c));
    if (provider) {
        return Status::PermissionDenied("mixin " + c.TypeId() +
                                        " is defined by this provider and cannot be removed");
    }
    return Status::NotFound("no user mixin " + c.TypeId());
}

Result<Response> ListStorage(const OcciContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(auto renderings, AcceptableRenderings(req, true));
    MKT_ASSIGN_OR_RETURN(Message filters, RequestFilters(req));
    MKT_ASSIGN_OR_RETURN(Paging paging, ParsePaging(req));
    const m::Context mctx = MapContext(ctx, req);
    for (const Rendering& rendering : renderings) {
        Output out(rendering);
        MKT_ASSIGN_OR_RETURN(bool complete, WriteStorageCollection(ctx, mctx, filters, paging,
                                                                   rendering.format, out));
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
    MKT_ASSIGN_OR_RETURN(auto image, FindImage(ctx.registry, id));
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
    MKT_RETURN_IF_ERROR(ParsePaging(req).status());
    return NoCache(Output(renderings.front()).FinishLocations());
}

Result<Response> ListImageMixinCollection(const OcciContext& ctx, Request& req) {
    const std::string term = req.Param("term");
    auto missing = [&] { return Status::NotFound("no os_tpl mixin " + term); };
    auto id = m::IdentifierOfTerm(term);
    if (!id.ok()) return missing();
    MKT_ASSIGN_OR_RETURN(auto image, FindImage(ctx.registry, *id));
    if (!image) return missing();
    return ListEmptyCollection(ctx, req);
}

}  // namespace mkt::occi
