// GET /policy/{name}/{id}: the decision of a named site policy on an image, as
// JSON (mappers/policy_json.hpp). Policies are the config's `policy.<name>`
// files, read once at start-up (a policy that cannot be read stops the server
// from starting, naming the file). The candidates are the latest entry of each
// endorser for the image, whatever its status, read from the Registry.
// Errors: 404 for an unknown policy name ("no site policy named 'x' (known: a, b)"),
// 400 for an invalid identifier, 406 when JSON is not acceptable.
#pragma once

#include <map>
#include <string>

#include "conf/config.hpp"
#include "http/router.hpp"
#include "registry/policy/site_policy.hpp"
#include "registry/registry.hpp"

namespace mkt::api {

struct PolicyContext {
    Registry& registry;
    std::map<std::string, policy::SitePolicy> policies;  // name -> policy
};

/// Reads every `policy.<name>` file. Errors: "policy.<name>: <reason>".
Result<std::map<std::string, policy::SitePolicy>> LoadSitePolicies(const conf::NamedValues& files);

/// Registers GET /policy/{name}/{id}. `context` must outlive the router.
void RegisterPolicyRoutes(http::Router& router, const PolicyContext& context);

}  // namespace mkt::api
