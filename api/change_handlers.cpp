// GET /changes?after=SEQ&limit=N: the ordered change feed federation peers read
// (docs/federation.md). A page holds at most ctx.changes_max_limit entries, so its
// cost is bounded by configuration whatever the store holds.
#include <charconv>

#include "api/handlers.hpp"
#include "http/negotiation.hpp"
#include "mappers/change_feed.hpp"

namespace mkt::api {
namespace {

using http::Request;
using http::Response;

Result<int64_t> IntegerParam(const Request& req, const char* name, int64_t fallback, int64_t min,
                             int64_t max) {
    auto text = req.QueryParam(name);
    if (!text) return fallback;
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || value < min ||
        value > max) {
        return Status::InvalidArgument("query parameter " + std::string(name) + "='" +
                                       text->substr(0, 32) + "': expected an integer in " +
                                       std::to_string(min) + ".." + std::to_string(max));
    }
    return value;
}

}  // namespace

Result<Response> ListChanges(const ApiContext& ctx, Request& req) {
    const std::vector<std::string> offers = {"application/json", "application/xml"};
    auto type = http::Negotiate(req, offers);
    if (!type) return http::NotAcceptable(offers);
    const auto max_limit = static_cast<int64_t>(ctx.changes_max_limit);
    MKT_ASSIGN_OR_RETURN(int64_t after, IntegerParam(req, "after", 0, 0, INT64_MAX));
    MKT_ASSIGN_OR_RETURN(
        int64_t limit, IntegerParam(req, "limit", std::min<int64_t>(100, max_limit), 1, max_limit));
    // last_seq is read first and raised to the page's greatest seq, so it is never
    // below an entry the page holds; a commit between the two reads shows next time.
    MKT_ASSIGN_OR_RETURN(StoreStats stats, ctx.registry.Stats());
    MKT_ASSIGN_OR_RETURN(std::vector<Entry> changes,
                         ctx.registry.ChangesSince(after, static_cast<size_t>(limit)));
    int64_t last_seq = stats.last_seq;
    if (!changes.empty()) last_seq = std::max(last_seq, changes.back().seq);
    Response r =
        *type == "application/json"
            ? Response::Make(200, "application/json", mappers::ChangesToJson(changes, last_seq))
            : Response::Make(200, "application/xml; charset=utf-8",
                             mappers::ChangesToXml(changes, last_seq));
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

}  // namespace mkt::api
