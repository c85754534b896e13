#include "registry/entry.hpp"

namespace mkt {

std::string EntryKey::ToPath() const { return identifier + "/" + email + "/" + created.ToString(); }

std::string EntryMetadata::ChecksumValue(std::string_view algorithm) const {
    for (const auto& c : checksums) {
        if (c.algorithm == algorithm) return c.value;
    }
    return {};
}

std::string_view TrustModeName(TrustMode mode) {
    return mode == TrustMode::kStrict ? "strict" : "compat";
}

std::string_view EntryStatusName(EntryStatus status) {
    switch (status) {
        case EntryStatus::kValid:
            return "valid";
        case EntryStatus::kExpired:
            return "expired";
        case EntryStatus::kDeprecated:
            return "deprecated";
    }
    return "valid";
}

EntryStatus Entry::StatusAt(Timestamp now) const {
    if (metadata.deprecated) return EntryStatus::kDeprecated;
    if (metadata.valid && *metadata.valid <= now) return EntryStatus::kExpired;
    return EntryStatus::kValid;
}

}  // namespace mkt
