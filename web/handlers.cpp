#include "web/handlers.hpp"

#include <algorithm>

#include "http/html_response.hpp"
#include "http/multipart.hpp"
#include "http/negotiation.hpp"
#include "http/status_mapping.hpp"
#include "mappers/web_view.hpp"
#include "registry/listing_query.hpp"
#include "web/assets.hpp"
#include "web/pages.hpp"

namespace mkt::web {
namespace {

using http::HtmlResponse;
using http::Request;
using http::Response;
using mappers::LinkContext;

constexpr size_t kBrowsePageSize = 50;
constexpr size_t kHistoryRows = 100;

Frame MakeFrame(const WebContext& ctx, const Request& req, std::string nav) {
    return {req.context.base_url, ctx.trust_mode, std::move(nav)};
}

LinkContext Links(const WebContext& ctx, const Request& req) {
    return {req.context.base_url, ctx.registry.clock().Now()};
}

// A GET form sends every field, empty or not; an empty filter means "any".
void DropEmptyParams(Request& req) {
    std::erase_if(req.query, [](const auto& p) { return p.second.empty(); });
}

bool IsStateParam(std::string_view name) {
    return name == "sort" || name == "order" || name == "limit" || name == "offset" ||
           name == "cursor" || name == "media";
}

BrowseModel MakeBrowseModel(const Request& req, const EntryQuery& query, EntryPage page,
                            const LinkContext& links) {
    BrowseModel m;
    for (const auto& [name, value] : req.query) {
        if (!IsStateParam(name)) m.filters.emplace_back(name, value);
    }
    m.sort = req.QueryParam("sort").value_or("created");
    m.order = req.QueryParam("order").value_or(query.descending ? "desc" : "asc");
    m.limit = query.limit;
    m.offset = query.offset;
    m.total = page.total;
    m.next_cursor = std::move(page.next_cursor);
    m.rows.reserve(page.entries.size());
    for (const Entry& e : page.entries) m.rows.push_back(mappers::web::ToEntryRow(e, links));
    return m;
}

std::vector<mappers::web::EntryRow> Rows(const std::vector<Entry>& entries,
                                         const LinkContext& links) {
    std::vector<mappers::web::EntryRow> rows;
    rows.reserve(entries.size());
    for (const Entry& e : entries) rows.push_back(mappers::web::ToEntryRow(e, links));
    return rows;
}

Result<EntryPage> ImageHistory(const WebContext& ctx, const std::string& identifier) {
    EntryQuery q;
    q.identifier = identifier;
    q.latest_only = false;
    q.statuses = StatusSet::All();
    q.limit = kHistoryRows;
    return ctx.registry.Search(q);
}

UploadOutcome Rejection(const Status& status, std::string filename) {
    UploadOutcome out;
    out.http_status = http::HttpStatusFor(status.code());
    out.error_code = std::string(StatusCodeName(status.code()));
    out.error_message = status.message();
    out.filename = std::move(filename);
    return out;
}

}  // namespace

bool PrefersHtml(const Request& req, const std::vector<std::string>& native_offers) {
    std::vector<std::string> offers = native_offers;
    offers.emplace_back("text/html");
    const auto chosen = http::Negotiate(req, offers);
    return chosen && *chosen == "text/html";
}

Result<Response> BrowsePage(const WebContext& ctx, Request& req) {
    DropEmptyParams(req);
    EntryQuery defaults;
    defaults.limit = kBrowsePageSize;
    MKT_ASSIGN_OR_RETURN(
        EntryQuery query,
        ParseListingQuery(req.query, {}, ctx.registry.options().max_page_size, defaults));
    MKT_ASSIGN_OR_RETURN(EntryPage page, ctx.registry.Search(query));
    const BrowseModel model = MakeBrowseModel(req, query, std::move(page), Links(ctx, req));
    Response r = HtmlResponse(200, RenderBrowsePage(MakeFrame(ctx, req, "browse"), model));
    r.headers.Set("X-Total-Count", std::to_string(model.total));
    return r;
}

Result<Response> EntryDetailPage(const WebContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(Timestamp created, Timestamp::Parse(req.Param("created")));
    const EntryKey key{req.Param("identifier"), req.Param("email"), created};
    MKT_ASSIGN_OR_RETURN(std::shared_ptr<const Entry> entry, ctx.registry.GetShared(key));
    MKT_ASSIGN_OR_RETURN(EntryPage history, ImageHistory(ctx, key.identifier));
    const LinkContext links = Links(ctx, req);
    EntryPageModel model{mappers::web::ToEntryView(*entry, links), Rows(history.entries, links),
                         history.total};
    if (ctx.holdings) model.available_at = ctx.holdings->For(key.identifier);
    return HtmlResponse(200, RenderEntryPage(MakeFrame(ctx, req, ""), model));
}

Result<Response> EndorsersPage(const WebContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(std::vector<EndorserSummary> endorsers, ctx.registry.Endorsers());
    std::vector<mappers::web::EndorserRow> rows;
    rows.reserve(endorsers.size());
    for (const auto& e : endorsers)
        rows.push_back(mappers::web::ToEndorserRow(e, req.context.base_url));
    return HtmlResponse(200, RenderEndorsersPage(MakeFrame(ctx, req, "endorsers"), rows));
}

Result<Response> EndorserPage(const WebContext& ctx, Request& req) {
    const std::string email = req.Param("email");
    if (!LooksLikeEmail(email))
        return Status::InvalidArgument("'" + email.substr(0, 64) + "' is not an email address");
    DropEmptyParams(req);
    EntryQuery defaults;
    defaults.email = email;
    defaults.latest_only = false;  // history: every entry, not only the latest
    defaults.statuses = StatusSet::All();
    defaults.limit = kBrowsePageSize;
    MKT_ASSIGN_OR_RETURN(
        EntryQuery query,
        ParseListingQuery(req.query, {}, ctx.registry.options().max_page_size, defaults));
    query.email = email;
    MKT_ASSIGN_OR_RETURN(EntryPage page, ctx.registry.Search(query));
    if (page.total == 0 && query.offset == 0)
        return Status::NotFound("no entries endorsed by " + email);
    MKT_ASSIGN_OR_RETURN(std::vector<std::string> tags, ctx.registry.Tags(email));
    EndorserPageModel model;
    model.email = email;
    if (!page.entries.empty()) {
        const Endorsement& en = page.entries.front().metadata.endorsement;
        model.subject = en.subject;
        model.issuer = en.issuers.empty() ? "" : en.issuers.front();
    }
    model.tags = std::move(tags);
    model.entries = Rows(page.entries, Links(ctx, req));
    model.total = page.total;
    model.limit = query.limit;
    model.offset = query.offset;
    return HtmlResponse(200, RenderEndorserPage(MakeFrame(ctx, req, "endorsers"), model));
}

Result<Response> UploadForm(const WebContext& ctx, Request& req) {
    return HtmlResponse(200, RenderUploadPage(MakeFrame(ctx, req, "upload"), std::nullopt));
}

Result<Response> UploadSubmit(const WebContext& ctx, Request& req) {
    const Frame frame = MakeFrame(ctx, req, "upload");
    auto page = [&frame](const UploadOutcome& outcome) {
        return HtmlResponse(outcome.http_status, RenderUploadPage(frame, outcome));
    };
    const std::string content_type = req.headers.Get("Content-Type").value_or("");
    if (http::BaseMediaType(content_type) != "multipart/form-data") {
        return page(Rejection(Status(StatusCode::kUnsupportedMedia,
                                     "the upload form sends multipart/form-data, not '" +
                                         http::BaseMediaType(content_type).substr(0, 64) +
                                         "'; programs POST the document to /metadata"),
                              ""));
    }
    Result<http::FilePart> part = http::FirstFilePart(content_type, req.body);
    if (!part.ok()) return page(Rejection(part.status(), ""));
    if (part->content.empty()) {
        return page(
            Rejection(Status::InvalidArgument("the chosen file '" + part->filename.substr(0, 128) +
                                              "' is empty: no metadata document"),
                      part->filename));
    }
    Result<SubmitResult> result = ctx.registry.Submit(part->content);
    if (!result.ok()) return page(Rejection(result.status(), part->filename));
    if (result->held) {
        UploadOutcome held;
        held.http_status = 202;
        held.filename = part->filename;
        held.held_key = result->entry.key;
        held.held_message = HeldUploadExplanation(*result->held);
        return page(held);
    }
    UploadOutcome outcome;
    outcome.http_status = result->created ? 201 : 200;
    outcome.entry = mappers::web::ToEntryRow(result->entry, Links(ctx, req));
    outcome.created = result->created;
    outcome.filename = part->filename;
    Response r = page(outcome);
    r.headers.Set("Location", outcome.entry->page_url);
    return r;
}

Result<Response> ConfirmPage(const WebContext& ctx, Request& req) {
    if (!ctx.confirmation) {
        return Status::NotFound("e-mail confirmation is not enabled on this Marketplace");
    }
    MKT_ASSIGN_OR_RETURN(ConfirmOutcome outcome, ctx.confirmation->Confirm(req.Param("token")));
    ConfirmPageModel model;
    model.email = outcome.email;
    model.published = Rows(outcome.published, Links(ctx, req));
    model.already_stored = std::move(outcome.already_stored);
    model.refused = std::move(outcome.refused);
    Response r = HtmlResponse(200, RenderConfirmPage(MakeFrame(ctx, req, ""), model));
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

Result<Response> SparqlPage(const WebContext& ctx, Request& req) {
    std::string query = req.QueryParam("query").value_or("");
    if (query.empty()) query = SparqlExamples().front().query;
    return HtmlResponse(200, RenderSparqlPage(MakeFrame(ctx, req, "sparql"), query));
}

Result<Response> GetAsset(const WebContext&, Request& req) {
    const Asset* asset = FindAsset(req.Param("name"));
    if (!asset) return Status::NotFound("no asset named '" + req.Param("name").substr(0, 64) + "'");
    const std::string etag = "\"" + std::string(asset->version) + "\"";
    Response r;
    if (req.headers.Get("If-None-Match") == etag) {
        r.status = 304;
    } else {
        r = Response::Make(200, std::string(asset->content_type), std::string(asset->body));
    }
    r.headers.Set("ETag", etag);
    // The versioned URL pages link to never changes; any other URL may.
    r.headers.Set("Cache-Control", req.QueryParam("v") == asset->version
                                       ? "public, max-age=31536000, immutable"
                                       : "public, max-age=300");
    r.headers.Set("X-Content-Type-Options", "nosniff");
    return r;
}

Response RenderWebError(const WebContext& ctx, const Request& req, const Status& status,
                        int http_status, bool always_html) {
    if (!always_html && !PrefersHtml(req, {"application/xml", "application/json"}))
        return http::RenderNativeError(req, status, http_status);
    return HtmlResponse(http_status,
                        RenderErrorPage(MakeFrame(ctx, req, ""), http_status,
                                        StatusCodeName(status.code()), status.message()));
}

}  // namespace mkt::web
