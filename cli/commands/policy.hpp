// The site-policy check shared by `marketplace policy` and `marketplace download`
// (cli/commands/policy.cpp).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "client/marketplace_client.hpp"
#include "registry/policy/policy_decision.hpp"

namespace mkt::cli {

/// Where a site policy is read when --policy is not given.
inline constexpr const char* kDefaultPolicyFile = "/etc/marketplace/policy.cfg";

/// --policy FILE, else kDefaultPolicyFile. Errors: kInvalidArgument "no site
/// policy: give --policy FILE (<default> does not exist)" when neither exists,
/// and LoadSitePolicy's errors.
Result<policy::SitePolicy> LoadPolicyOption(const std::optional<std::string>& file);

/// The image's candidates (latest entry of each endorser, every status, all
/// pages of the native listing) judged by `site_policy` at `now`.
Result<policy::Decision> DecideImage(client::MarketplaceClient& client,
                                     const policy::SitePolicy& site_policy,
                                     const std::string& identifier, Timestamp now);

/// The decision as text: one block per entry (URL, verdict, one line per reason), then
/// the image-level reasons.
void PrintDecision(std::ostream& out, const policy::Decision& decision,
                   client::MarketplaceClient& client);

}  // namespace mkt::cli
