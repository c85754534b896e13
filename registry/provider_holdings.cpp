#include "registry/provider_holdings.hpp"

#include <algorithm>

namespace mkt {

void ProviderHoldings::ReplaceProvider(const std::string& provider,
                                       std::multimap<std::string, ProviderHolding> held) {
    const std::lock_guard lock(mutex_);
    by_provider_[provider] = std::move(held);
}

std::vector<ProviderHolding> ProviderHoldings::For(const std::string& identifier) const {
    std::vector<ProviderHolding> out;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [provider, held] : by_provider_) {
            const auto [first, last] = held.equal_range(identifier);
            for (auto it = first; it != last; ++it) out.push_back(it->second);
        }
    }
    std::sort(out.begin(), out.end(), [](const ProviderHolding& a, const ProviderHolding& b) {
        return a.provider != b.provider ? a.provider < b.provider : a.glance_id < b.glance_id;
    });
    return out;
}

}  // namespace mkt
