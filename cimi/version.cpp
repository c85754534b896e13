#include "cimi/version.hpp"

#include "registry/text.hpp"

namespace mkt::cimi {
namespace {

// "1.0" -> {"1", "0"}; nullopt unless 2 or 3 non-empty all-digit components.
std::optional<std::vector<std::string_view>> Components(std::string_view item) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
        const size_t dot = item.find('.', start);
        const std::string_view part = item.substr(start, dot - start);
        if (part.empty()) return std::nullopt;
        for (char c : part)
            if (c < '0' || c > '9') return std::nullopt;
        parts.push_back(part);
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
    return parts;
}

bool Matches(const std::vector<std::string_view>& wanted, std::string_view full) {
    auto supported = Components(full);
    if (!supported) return false;
    for (size_t i = 0; i < wanted.size(); ++i)
        if (wanted[i] != (*supported)[i]) return false;
    return true;
}

std::string SupportedList() {
    std::string out;
    for (const auto& v : SupportedVersions()) out += (out.empty() ? "" : ", ") + v.full;
    return out;
}

}  // namespace

const std::vector<SpecVersion>& SupportedVersions() {
    static const std::vector<SpecVersion> kVersions = {
        {"1.0.1", "http://schemas.dmtf.org/cimi/1"},
        {"1.1.0", "http://schemas.dmtf.org/cimi/1"},
        {"2.0.0", "http://schemas.dmtf.org/cimi/2"},
    };
    return kVersions;
}

const SpecVersion& PreferredVersion() { return SupportedVersions().front(); }

Result<SpecVersion> NegotiateVersion(std::optional<std::string_view> header) {
    if (!header) return PreferredVersion();
    std::string_view rest = *header;
    while (true) {
        const size_t comma = rest.find(',');
        if (auto wanted = Components(text::TrimBlanks(rest.substr(0, comma)))) {
            for (const auto& v : SupportedVersions())
                if (Matches(*wanted, v.full)) return v;
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return Status::InvalidArgument("CIMI-Specification-Version '" + std::string(*header) +
                                   "' names no supported version; supported: " + SupportedList());
}

}  // namespace mkt::cimi
