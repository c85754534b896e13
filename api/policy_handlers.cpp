#include "api/policy_handlers.hpp"

#include "http/negotiation.hpp"
#include "mappers/policy_json.hpp"
#include "registry/identifier.hpp"
#include "registry/policy/policy_decision.hpp"

namespace mkt::api {
namespace {

/// The latest entry of each endorser for the image, every status, all pages.
Result<std::vector<Entry>> Candidates(const Registry& registry, const std::string& id) {
    EntryQuery query;
    query.identifier = id;
    query.latest_only = true;
    query.statuses = StatusSet::All();
    query.limit = registry.options().max_page_size;
    std::vector<Entry> entries;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(EntryPage page, registry.Search(query));
        for (auto& e : page.entries) entries.push_back(std::move(e));
        if (!page.next_cursor) break;
        query.cursor = page.next_cursor;
    }
    return entries;
}

Result<http::Response> GetDecision(const PolicyContext& ctx, http::Request& req) {
    if (!http::Negotiate(req, {"application/json"}))
        return http::NotAcceptable({"application/json"});
    const std::string& name = req.Param("name");
    const std::shared_ptr<const SitePolicyMap> policies = ctx.policies.Current();
    auto it = policies->find(name);
    if (it == policies->end()) {
        std::string known;
        for (const auto& [n, p] : *policies) known += (known.empty() ? "" : ", ") + n;
        return Status::NotFound("no site policy named '" + name.substr(0, 64) +
                                "' (known: " + (known.empty() ? "none configured" : known) + ")");
    }
    const std::string& id = req.Param("id");
    if (!identifier::IsValid(id)) return identifier::ToSha1Hex(id).status();
    MKT_ASSIGN_OR_RETURN(std::vector<Entry> entries, Candidates(ctx.registry, id));
    const policy::Decision decision =
        policy::Evaluate(it->second, id, std::move(entries), ctx.registry.clock().Now());
    return http::Response::Make(200, "application/json",
                                mappers::DecisionToJson(decision, name, req.context.base_url));
}

}  // namespace

Result<SitePolicyMap> LoadSitePolicies(const conf::NamedValues& files) {
    SitePolicyMap policies;
    for (const auto& [name, path] : files) {
        auto loaded = policy::LoadSitePolicy(path);
        if (!loaded.ok()) return loaded.status().WithPrefix("policy." + name + ": ");
        policies.emplace(name, std::move(loaded).value());
    }
    return policies;
}

Result<size_t> ReloadSitePolicies(const conf::NamedValues& files, SitePolicies& policies) {
    MKT_ASSIGN_OR_RETURN(SitePolicyMap loaded, LoadSitePolicies(files));
    const size_t count = loaded.size();
    policies.Replace(std::move(loaded));
    return count;
}

void RegisterPolicyRoutes(http::Router& router, const PolicyContext& context) {
    router.Add(http::Method::kGet, "/policy/{name}/{id}",
               [&context](http::Request& req) { return GetDecision(context, req); });
}

}  // namespace mkt::api
