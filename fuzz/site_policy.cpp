// Site policies: StratusLab's policy.cfg and the native key = value form (the
// file a site admin writes, and the form the policy route reads).
// Invariant: a policy that parses has a k-of-n of at least one.
#include "fuzz/fuzz_support.hpp"
#include "registry/policy/site_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto policy = mkt::policy::ParseSitePolicy(mkt::fuzz::AsText(data, size), "fuzz");
    if (!policy.ok()) {
        FUZZ_CHECK(policy.status().message().rfind("fuzz", 0) == 0);
        return 0;
    }
    FUZZ_CHECK(policy->min_endorsers >= 1);
    for (const std::string& pattern : policy->endorser_allow)
        (void)mkt::policy::PatternMatches(pattern, "alice@example.org", true);
    return 0;
}
