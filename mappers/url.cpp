#include "mappers/url.hpp"

namespace mkt::mappers {

std::string PercentEncode(std::string_view text, bool path_segment) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                                c == '~';
        if (unreserved || (path_segment && (c == '@' || c == ':' || c == '+'))) {
            out.push_back(static_cast<char>(c));
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string NextPageUrl(std::string_view base_url, const std::vector<std::string>& segments,
                        const std::vector<std::pair<std::string, std::string>>& query,
                        std::string_view next_cursor) {
    std::string url(base_url);
    bool first_segment = true;
    for (const auto& s : segments) {
        url += (first_segment ? "" : "/") + PercentEncode(s, true);
        first_segment = false;
    }
    char sep = '?';
    for (const auto& [k, v] : query) {
        if (k == "cursor" || k == "offset") continue;
        url += sep + PercentEncode(k, false) + "=" + PercentEncode(v, false);
        sep = '&';
    }
    url += sep + std::string("cursor=") + PercentEncode(next_cursor, false);
    return url;
}

}  // namespace mkt::mappers
