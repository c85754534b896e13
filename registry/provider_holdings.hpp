// ProviderHoldings: which resource provider holds which Marketplace image in its
// own image store, as last read from the provider's Glance (server/glance_poller.hpp),
// never as claimed by anyone. identifier -> (provider, Glance image id, state).
//
// Each poll replaces one provider's whole set at once (an image the provider no
// longer holds disappears). Thread-safe: the poller writes, request threads read.
// Memory: one small record per image held per provider.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mkt {

/// The scheme of an OpenStack site's os_tpl mixins (ooi): term = Glance image id.
inline constexpr const char* kOpenStackOsTplScheme = "http://schemas.openstack.org/template/os#";

struct ProviderHolding {
    std::string provider;       // the name of occi.provider.<name>
    std::string occi_endpoint;  // that provider's OCCI endpoint (occi.provider.<name>)
    std::string glance_id;      // the provider's os_tpl term
    std::string state;          // Glance's status: active, deactivated, ...
    friend bool operator==(const ProviderHolding&, const ProviderHolding&) = default;
};

class ProviderHoldings {
  public:
    /// Replaces everything known of `provider`: `held` maps identifiers to its images.
    void ReplaceProvider(const std::string& provider,
                         std::multimap<std::string, ProviderHolding> held);
    /// The providers holding `identifier`, by provider name then Glance id.
    std::vector<ProviderHolding> For(const std::string& identifier) const;

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::multimap<std::string, ProviderHolding>> by_provider_;
};

}  // namespace mkt
