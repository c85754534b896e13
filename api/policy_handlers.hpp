// GET /policy/{name}/{id}: the decision of a named site policy on an image, as
// JSON (mappers/policy_json.hpp). Policies are the config's `policy.<name>`
// files, read at start-up (a policy that cannot be read stops the server from
// starting, naming the file) and again on reload (SIGHUP): a reload replaces the
// whole set at once, or, when one file cannot be read, keeps the previous set. The candidates are
// the latest entry of each endorser for the image, whatever its status, read from the Registry.
// Errors: 404 for an unknown policy name ("no site policy named 'x' (known: a, b)"),
// 400 for an invalid identifier, 406 when JSON is not acceptable.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "conf/config.hpp"
#include "http/router.hpp"
#include "registry/policy/site_policy.hpp"
#include "registry/registry.hpp"

namespace mkt::api {

using SitePolicyMap = std::map<std::string, policy::SitePolicy>;  // name -> policy

/// The named policies in use, replaced whole while requests read them
/// (requests in flight keep the set they started with). Thread-safe.
class SitePolicies {
  public:
    SitePolicies(SitePolicyMap policies)
        : current_(std::make_shared<const SitePolicyMap>(std::move(policies))) {}
    std::shared_ptr<const SitePolicyMap> Current() const { return current_.load(); }
    void Replace(SitePolicyMap policies) {
        current_.store(std::make_shared<const SitePolicyMap>(std::move(policies)));
    }

  private:
    std::atomic<std::shared_ptr<const SitePolicyMap>> current_;
};

struct PolicyContext {
    Registry& registry;
    SitePolicies policies;
};

/// Reads every `policy.<name>` file. Errors: "policy.<name>: <reason>".
Result<SitePolicyMap> LoadSitePolicies(const conf::NamedValues& files);

/// Reads every file of `files` again and replaces `policies` with them. On an
/// error `policies` is unchanged and the error names the file. Returns, on
/// success, how many policies are now in use.
Result<size_t> ReloadSitePolicies(const conf::NamedValues& files, SitePolicies& policies);

/// Registers GET /policy/{name}/{id}. `context` must outlive the router.
void RegisterPolicyRoutes(http::Router& router, const PolicyContext& context);

}  // namespace mkt::api
