// CIMI-Specification-Version negotiation (reference cimi.md 1.5).
//
// The client may send a comma-separated list of versions in order of
// preference; each item is `major.minor` or `major.minor.update` (others are
// dropped) and matches a supported version when every component it gives is
// equal (`1.0` matches 1.0.1, `1.0.0` does not). The first matching item wins.
// No header: the preferred version (1.0.1). The header `X-CIMI-Specification-Version`
// (early Deltacloud and Sirocco) is read when the standard one is absent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/result.hpp"

namespace mkt::cimi {

struct SpecVersion {
    std::string full;  // "1.0.1": the value of the response header
    std::string ns;    // the schema namespace: "http://schemas.dmtf.org/cimi/1"
};

/// 1.0.1 (preferred), 1.1.0, 2.0.0.
const std::vector<SpecVersion>& SupportedVersions();
const SpecVersion& PreferredVersion();

/// Errors: kInvalidArgument naming the header value and the supported versions
/// when the header is present but no item matches (the empty value included).
Result<SpecVersion> NegotiateVersion(std::optional<std::string_view> header);

}  // namespace mkt::cimi
