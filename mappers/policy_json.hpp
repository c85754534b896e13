// The JSON view of a site-policy decision (docs/policy.md "Decision output"),
// served by GET /policy/{name}/{id} and printed by `marketplace policy --json`.
// Pure function.
#pragma once

#include <string>
#include <string_view>

#include "registry/policy/policy_decision.hpp"

namespace mkt::mappers {

/// {"identifier", "policy", "allowed", "summary", "chosen": {"url", "email",
/// "created"} | null, "reasons": [{"rule", "passed", "message"}],
/// "entries": [{"url", "email", "created", "status", "accepted", "reasons": [...]}]}.
/// Entry URLs are "<base_url>metadata/<id>/<email>/<created>" (base_url ends with '/').
std::string DecisionToJson(const policy::Decision& decision, std::string_view name,
                           std::string_view base_url);

}  // namespace mkt::mappers
