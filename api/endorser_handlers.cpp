#include <charconv>

#include "api/handlers.hpp"
#include "http/negotiation.hpp"
#include "mappers/native_json.hpp"
#include "mappers/native_xml.hpp"
#include "registry/listing_query.hpp"

namespace mkt::api {
namespace {

using http::Request;
using http::Response;

Result<std::string> Pick(const Request& req, const std::vector<std::string>& offers) {
    if (auto type = http::Negotiate(req, offers)) return *type;
    return http::NotAcceptable(offers);
}

// `range` (days) of an endorser history, StratusLab's parameter; absent = everything.
Result<std::optional<Timestamp>> HistoryStart(const Request& req, Timestamp now) {
    auto range = req.QueryParam("range");
    if (!range) return std::optional<Timestamp>();
    int days = 0;
    auto [ptr, ec] = std::from_chars(range->data(), range->data() + range->size(), days);
    if (ec != std::errc() || ptr != range->data() + range->size() || days < 1 || days > 36500) {
        return Status::InvalidArgument("query parameter range='" + range->substr(0, 32) +
                                       "': expected a number of days in 1..36500");
    }
    return std::optional<Timestamp>(now - int64_t{days} * 86400);
}

std::string AppliedSeqJson(const ApiContext& ctx, int64_t last_seq) {
    const std::optional<int64_t> applied =
        ctx.applied_seq ? ctx.applied_seq(last_seq) : std::optional<int64_t>(last_seq);
    return applied ? std::to_string(*applied) : "null";
}

}  // namespace

Result<Response> ListEndorsers(const ApiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(std::string type, Pick(req, {"application/xml", "application/json"}));
    MKT_ASSIGN_OR_RETURN(auto endorsers, ctx.registry.Endorsers());
    if (type == "application/json") {
        return Response::Make(200, type,
                              mappers::EndorsersToJson(
                                  endorsers, {req.context.base_url, ctx.registry.clock().Now()}));
    }
    return Response::Make(200, "application/xml; charset=utf-8",
                          mappers::EndorsersToXml(endorsers));
}

Result<Response> GetEndorserHistory(const ApiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(std::string type, Pick(req, {"application/xml", "application/json"}));
    const std::string email = req.Param("email");
    if (!LooksLikeEmail(email))
        return Status::InvalidArgument("'" + email.substr(0, 64) + "' is not an email address");
    EntryQuery defaults;
    defaults.email = email;
    defaults.latest_only = false;  // history: every entry, not only the latest
    defaults.statuses = StatusSet::All();
    MKT_ASSIGN_OR_RETURN(EntryQuery query,
                         ParseListingQuery(req.query, {}, ctx.registry.options().max_page_size,
                                           defaults, {"range"}));
    MKT_ASSIGN_OR_RETURN(query.created_after, HistoryStart(req, ctx.registry.clock().Now()));
    query.email = email;
    MKT_ASSIGN_OR_RETURN(EntryPage page, ctx.registry.Search(query));
    const std::string next = NextPageUrl(req, page.next_cursor);
    Response r =
        type == "application/json"
            ? Response::Make(
                  200, type,
                  mappers::PageToJson(page, query.offset, query.limit, next,
                                      {req.context.base_url, ctx.registry.clock().Now()}))
            : Response::Make(200, "application/xml; charset=utf-8", mappers::PageToXml(page, next));
    r.headers.Set("X-Total-Count", std::to_string(page.total));
    return r;
}

Result<Response> ListEndorserTags(const ApiContext& ctx, Request& req) {
    MKT_ASSIGN_OR_RETURN(std::string type, Pick(req, {"application/xml", "application/json"}));
    const std::string email = req.Param("email");
    MKT_ASSIGN_OR_RETURN(auto tags, ctx.registry.Tags(email));
    if (type == "application/json")
        return Response::Make(200, type, mappers::TagsToJson(email, tags));
    return Response::Make(200, "application/xml; charset=utf-8", mappers::TagsToXml(tags));
}

Result<Response> GetHealth(const ApiContext& ctx, Request&) {
    Result<StoreStats> result = ctx.registry.Stats();
    if (!result.ok()) return Status::Unavailable("store unavailable: " + result.status().message());
    const StoreStats& stats = *result;
    const std::string body =
        "{\"status\":\"ok\",\"trust_mode\":\"" + ctx.trust_mode + "\",\"store\":\"" +
        ctx.store_type + "\",\"entries\":" + std::to_string(stats.entries) +
        ",\"last_seq\":" + std::to_string(stats.last_seq) +
        ",\"applied_seq\":" + AppliedSeqJson(ctx, stats.last_seq) +
        (ctx.federation_health ? ",\"peers\":" + ctx.federation_health() : "") + ",\"time\":\"" +
        ctx.registry.clock().Now().ToString() + "\"}\n";
    Response r = Response::Make(200, "application/json", body);
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

}  // namespace mkt::api
