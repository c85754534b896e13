// What the OCCI handlers need, wired once by server/app.cpp.
#pragma once

#include <map>
#include <string>

#include "registry/provider_holdings.hpp"
#include "registry/registry.hpp"

namespace mkt::occi {

struct OcciContext {
    Registry& registry;
    /// Known resource providers: name -> OCCI endpoint URL (occi.provider.<name>).
    std::map<std::string, std::string> providers;
    /// What providers hold in their Glance (occi.provider.<name>.glance); null: none read.
    const ProviderHoldings* holdings = nullptr;
};

}  // namespace mkt::occi
