// Options of the Registry service (filled by conf/, defaults documented here).
#pragma once

#include <cstdint>

namespace mkt {

struct RegistryOptions {
    /// Direct uploads: endorsement `created` may be at most this far in the
    /// future of the server clock (clock skew allowance). Default 5 minutes.
    int64_t max_future_seconds = 300;
    /// Direct uploads: endorsement `created` may be at most this old. Default 7 days.
    int64_t max_age_seconds = 7 * 86400;
    /// A replica refuses uploads (kPermissionDenied "read-only repository").
    bool read_only = false;
    /// Largest page a listing may ask for.
    size_t max_page_size = 1000;
};

}  // namespace mkt
