#include <string>

#include "api/handlers.hpp"
#include "http/multipart.hpp"
#include "http/negotiation.hpp"
#include "mappers/native_json.hpp"
#include "mappers/native_xml.hpp"
#include "mappers/url.hpp"
#include "registry/listing_query.hpp"

namespace mkt::api {
namespace {

using http::Request;
using http::Response;

mappers::LinkContext Links(const ApiContext& ctx, const Request& req) {
    return {req.context.base_url, ctx.registry.clock().Now()};
}

using http::NotAcceptable;

// The signed document of an upload: a raw XML body or the first file of a form.
Result<std::string> UploadedDocument(Request& req) {
    const std::string type = http::BaseMediaType(req.headers.Get("Content-Type").value_or(""));
    if (type == "multipart/form-data") {
        MKT_ASSIGN_OR_RETURN(http::FilePart part,
                             http::FirstFilePart(*req.headers.Get("Content-Type"), req.body));
        return std::move(part.content);
    }
    if (type == "application/rdf+xml" || type == "application/xml" || type == "text/xml") {
        return std::move(req.body);
    }
    return Status(StatusCode::kUnsupportedMedia,
                  "unsupported Content-Type '" + (type.empty() ? std::string("none") : type) +
                      "': send the signed document as application/rdf+xml or application/xml "
                      "(curl: -H 'Content-Type: application/rdf+xml' --data-binary @file.xml), "
                      "or as a file in multipart/form-data");
}

// One entry as its signed original (shared with the entry cache, not copied)
// or as the JSON view.
Response EntryResponse(const ApiContext& ctx, const Request& req,
                       const std::shared_ptr<const Entry>& entry, const std::string& type) {
    if (type == "application/json") {
        if (!ctx.holdings) {
            return Response::Make(200, "application/json",
                                  mappers::EntryToJson(*entry, Links(ctx, req)));
        }
        return Response::Make(200, "application/json",
                              mappers::EntryToJson(*entry, Links(ctx, req),
                                                   ctx.holdings->For(entry->key.identifier)));
    }
    Response r;
    r.headers.Add("Content-Type", "application/rdf+xml");
    r.shared_body = std::shared_ptr<const std::string>(entry, &entry->document);
    r.headers.Add("Content-Disposition", "attachment; filename=" + entry->key.identifier + ".xml");
    return r;
}

Response ListingResponse(const ApiContext& ctx, const Request& req, const EntryPage& page,
                         const EntryQuery& query, const std::string& type) {
    const std::string next = NextPageUrl(req, page.next_cursor);
    Response r =
        type == "application/json"
            ? Response::Make(200, "application/json",
                             mappers::PageToJson(page, query.cursor ? 0 : query.offset, query.limit,
                                                 next, Links(ctx, req)))
            : Response::Make(200, "application/xml; charset=utf-8", mappers::PageToXml(page, next));
    r.headers.Set("X-Total-Count", std::to_string(page.total));
    if (!next.empty()) r.headers.Set("Link", "<" + next + ">; rel=\"next\"");
    r.headers.Set("Cache-Control", "no-cache");
    return r;
}

/// 202: the upload passed every rule and waits for its endorser to confirm
/// the e-mail address (StratusLab's first line, then what happens next).
Response HeldResponse(const Request& req, const EntryKey& key, const HeldUpload& held) {
    const std::string type =
        http::Negotiate(req, {"application/json", "application/xml", "text/plain"})
            .value_or("text/plain");
    if (type == "application/json") {
        return Response::Make(202, type, mappers::HeldToJson(key, held));
    }
    if (type == "application/xml") {
        return Response::Make(202, "application/xml; charset=utf-8", mappers::HeldToXml(key, held));
    }
    return Response::Make(
        202, "text/plain; charset=utf-8",
        "confirmation email sent for new metadata entry\n" + HeldUploadExplanation(held) + "\n");
}

}  // namespace

Result<Response> ConfirmEmail(const ApiContext& ctx, Request& req) {
    if (!ctx.confirmation) {
        return Status::NotFound("e-mail confirmation is not enabled on this Marketplace");
    }
    MKT_ASSIGN_OR_RETURN(ConfirmOutcome outcome, ctx.confirmation->Confirm(req.Param("token")));
    Response r = Response::Make(200, "application/json",
                                mappers::ConfirmOutcomeToJson(outcome, Links(ctx, req)));
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

Result<Response> UploadEntry(const ApiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(std::string document, UploadedDocument(req));
    if (document.empty())
        return Status::InvalidArgument("empty request body: no metadata document");
    MKT_ASSIGN_OR_RETURN(SubmitResult result, ctx.registry.Submit(document));
    if (result.held) return HeldResponse(req, result.entry.key, *result.held);
    const auto links = Links(ctx, req);
    const std::string url = mappers::EntryUrl(result.entry.key, links.base_url);
    const int status = result.created ? 201 : 200;
    const std::string type =
        http::Negotiate(req, {"application/json", "application/xml", "text/plain"})
            .value_or("text/plain");
    Response r;
    if (type == "application/json") {
        r = Response::Make(status, type,
                           mappers::SubmitToJson(result.entry, result.created, links));
    } else if (type == "application/xml") {
        r = Response::Make(status, "application/xml; charset=utf-8",
                           mappers::SubmitToXml(result.entry.key, result.created, url));
    } else {
        r = Response::Make(
            status, "text/plain; charset=utf-8",
            std::string(result.created ? "metadata entry created" : "metadata entry unchanged") +
                "\n" + url + "\n");
    }
    r.headers.Set("Location", url);
    return r;
}

Result<Response> ListEntries(const ApiContext& ctx, Request& req) {
    std::vector<std::string> args;
    for (const char* name : {"a", "b"}) {
        if (std::string v = req.Param(name); !v.empty()) args.push_back(std::move(v));
    }
    // StratusLab's tag lookup: /metadata/{email}?tag=T is one entry, not a list.
    if (args.size() == 1 && LooksLikeEmail(args[0]) && req.QueryParam("tag") &&
        req.query.size() <= 2) {
        req.params = {{"email", args[0]}, {"tag", *req.QueryParam("tag")}};
        return GetTaggedEntry(ctx, req);
    }
    const std::vector<std::string> offers = {"application/xml", "application/json"};
    auto type = http::Negotiate(req, offers);
    if (!type) return NotAcceptable(offers);
    MKT_ASSIGN_OR_RETURN(EntryQuery query,
                         ParseListingQuery(req.query, args, ctx.registry.options().max_page_size));
    MKT_ASSIGN_OR_RETURN(EntryPage page, ctx.registry.Search(query));
    return ListingResponse(ctx, req, page, query, *type);
}

namespace {

const std::vector<std::string>& EntryOffers() {
    static const std::vector<std::string> offers = {"application/rdf+xml", "application/json"};
    return offers;
}

}  // namespace

Result<Response> GetEntry(const ApiContext& ctx, Request& req) {
    const std::vector<std::string>& offers = EntryOffers();
    auto type = http::Negotiate(req, offers);
    if (!type) return NotAcceptable(offers);
    MKT_ASSIGN_OR_RETURN(Timestamp created, Timestamp::Parse(req.Param("created")));
    EntryKey key{req.Param("identifier"), req.Param("email"), created};
    MKT_ASSIGN_OR_RETURN(std::shared_ptr<const Entry> entry, ctx.registry.GetShared(key));
    const std::string etag =
        "\"" + std::to_string(entry->seq) + (*type == "application/json" ? "j\"" : "x\"");
    if (req.headers.Get("If-None-Match") == etag) {
        Response not_modified;
        not_modified.status = 304;
        not_modified.headers.Set("ETag", etag);
        return not_modified;
    }
    Response r = EntryResponse(ctx, req, entry, *type);
    r.headers.Add("ETag", etag);
    // The signed original never changes; its status (valid/expired) is in the JSON view.
    r.headers.Add("Cache-Control",
                  *type == "application/json" ? "no-cache" : "public, max-age=86400");
    r.headers.Add("Vary", "Accept");
    return r;
}

Result<Response> GetTaggedEntry(const ApiContext& ctx, Request& req) {
    const std::vector<std::string>& offers = EntryOffers();
    auto type = http::Negotiate(req, offers);
    if (!type) return NotAcceptable(offers);
    std::string tag = req.Param("tag");
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
        tag = tag.substr(1, tag.size() - 2);
    MKT_ASSIGN_OR_RETURN(Entry found, ctx.registry.FindByTag(req.Param("email"), tag));
    auto entry = std::make_shared<const Entry>(std::move(found));
    Response r = EntryResponse(ctx, req, entry, *type);
    r.headers.Set("Content-Location", mappers::EntryUrl(entry->key, req.context.base_url));
    r.headers.Set("Cache-Control", "no-cache");
    return r;
}

std::string NextPageUrl(const Request& req, const std::optional<std::string>& next_cursor) {
    if (!next_cursor) return {};
    return mappers::NextPageUrl(req.context.base_url, req.segments, req.query, *next_cursor);
}

}  // namespace mkt::api
