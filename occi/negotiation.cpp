#include "occi/negotiation.hpp"

#include <algorithm>
#include <cctype>

#include "http/negotiation.hpp"

namespace mkt::occi {
namespace {

struct Offer {
    const char* type;
    Format format;
};

// In order of preference for ties.
constexpr Offer kOffers[] = {
    {"text/plain", Format::kPlain},           {"text/occi", Format::kOcci},
    {"application/occi+json", Format::kJson}, {"text/uri-list", Format::kUriList},
    {"text/occi+plain", Format::kPlain},      {"application/json", Format::kJson},
};

std::vector<std::string> OfferTypes(bool collection) {
    std::vector<std::string> out;
    for (const Offer& o : kOffers) {
        if (!collection && o.format == Format::kUriList) continue;
        out.emplace_back(o.type);
    }
    return out;
}

std::string OfferList(bool collection) {
    std::string out;
    for (const std::string& type : OfferTypes(collection)) out += (out.empty() ? "" : ", ") + type;
    return out;
}

}  // namespace

Result<std::vector<Rendering>> AcceptableRenderings(const http::Request& request, bool collection) {
    const auto accept = request.headers.Get("Accept");
    std::vector<http::MediaRange> ranges;
    if (accept) ranges = http::ParseAccept(*accept);
    if (ranges.empty()) return std::vector<Rendering>{{Format::kPlain, "text/plain"}};
    struct Scored {
        double q;
        size_t order;
        const Offer* offer;
    };
    std::vector<Scored> scored;
    for (size_t i = 0; i < std::size(kOffers); ++i) {
        const double q = http::QualityOf(ranges, kOffers[i].type);
        if (q > 0) scored.push_back({q, i, &kOffers[i]});
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const Scored& a, const Scored& b) { return a.q > b.q; });
    std::vector<Rendering> out;
    for (const Scored& s : scored) {
        if (s.offer->format == Format::kUriList && !collection) {
            if (out.empty()) {
                return Status::InvalidArgument("text/uri-list is only available for collections; " +
                                               request.path +
                                               " is not one (available: " + OfferList(false) + ")");
            }
            continue;
        }
        const bool duplicate = std::any_of(out.begin(), out.end(), [&](const Rendering& r) {
            return r.format == s.offer->format;
        });
        if (!duplicate) out.push_back({s.offer->format, s.offer->type});
    }
    if (out.empty()) {
        return http::NotAcceptable(OfferTypes(collection), "OCCI renderings; Accept: " + *accept);
    }
    return out;
}

bool AsksNewerOcciVersion(std::string_view ua) {
    for (size_t at = ua.find("OCCI/"); at != std::string_view::npos;
         at = ua.find("OCCI/", at + 5)) {
        size_t i = at + 5;
        auto number = [&](int& value) {
            const size_t start = i;
            value = 0;
            while (i < ua.size() && std::isdigit(static_cast<unsigned char>(ua[i])) &&
                   i - start < 6) {
                value = value * 10 + (ua[i] - '0');
                ++i;
            }
            return i > start;
        };
        int major = 0, minor = 0;
        if (!number(major) || i >= ua.size() || ua[i] != '.') continue;
        ++i;
        if (!number(minor)) continue;
        if (major > 1 || (major == 1 && minor > 2)) return true;
    }
    return false;
}

std::string FirstContentType(std::string_view content_type) {
    return http::BaseMediaType(content_type.substr(0, content_type.find(',')));
}

}  // namespace mkt::occi
