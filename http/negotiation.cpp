#include "http/negotiation.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "registry/text.hpp"

namespace mkt::http {
namespace {}  // namespace

std::string BaseMediaType(std::string_view content_type) {
    return text::AsciiLower(text::TrimBlanks(content_type.substr(0, content_type.find(';'))));
}

std::vector<MediaRange> ParseAccept(std::string_view accept) {
    std::vector<MediaRange> out;
    size_t start = 0;
    while (start <= accept.size()) {
        size_t end = accept.find(',', start);
        if (end == std::string_view::npos) end = accept.size();
        const std::string_view item = accept.substr(start, end - start);
        start = end + 1;
        const size_t semi = item.find(';');
        const std::string type = text::AsciiLower(text::TrimBlanks(item.substr(0, semi)));
        const size_t slash = type.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == type.size()) continue;
        MediaRange range{type.substr(0, slash), type.substr(slash + 1), 1.0};
        if (range.type == "*" && range.subtype != "*") continue;
        // Parameters: only q matters here.
        size_t p = semi;
        while (p != std::string_view::npos && p < item.size()) {
            size_t next = item.find(';', p + 1);
            const std::string param(text::TrimBlanks(item.substr(
                p + 1, next == std::string_view::npos ? std::string_view::npos : next - p - 1)));
            if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                char* endp = nullptr;
                const double q = std::strtod(param.c_str() + 2, &endp);
                range.q = (endp && *endp == '\0' && q >= 0 && q <= 1) ? q : 0.0;
            }
            p = next;
        }
        out.push_back(std::move(range));
    }
    return out;
}

double QualityOf(const std::vector<MediaRange>& accept, std::string_view media_type) {
    const size_t slash = media_type.find('/');
    const std::string_view type = media_type.substr(0, slash);
    const std::string_view subtype = media_type.substr(slash + 1);
    int best_specificity = -1;
    double q = 0.0;
    for (const auto& r : accept) {
        int specificity = -1;
        if (r.type == type && r.subtype == subtype)
            specificity = 2;
        else if (r.type == type && r.subtype == "*")
            specificity = 1;
        else if (r.type == "*" && r.subtype == "*")
            specificity = 0;
        if (specificity > best_specificity) {
            best_specificity = specificity;
            q = r.q;
        }
    }
    return q;
}

std::string MediaAlias(std::string_view value) {
    const std::string v = text::AsciiLower(text::TrimBlanks(value));
    if (v == "xml") return "application/xml";
    if (v == "json") return "application/json";
    if (v == "html") return "text/html";
    if (v == "rdf" || v == "rdfxml" || v == "application_rdf") return "application/rdf+xml";
    if (v == "application_xml") return "application/xml";
    return v;
}

std::optional<std::string> Negotiate(const Request& request,
                                     const std::vector<std::string>& offers) {
    if (offers.empty()) return std::nullopt;
    if (auto media = request.QueryParam("media")) {
        const std::string wanted = MediaAlias(*media);
        for (const auto& offer : offers) {
            if (offer == wanted) return offer;
        }
        // StratusLab clients ask ?media=xml of resources whose XML is rdf+xml.
        if (wanted == "application/xml") {
            for (const auto& offer : offers) {
                if (offer.ends_with("+xml")) return offer;
            }
        }
        return std::nullopt;
    }
    const auto accept_header = request.headers.Get("Accept");
    if (!accept_header || text::TrimBlanks(*accept_header).empty()) return offers.front();
    const auto ranges = ParseAccept(*accept_header);
    if (ranges.empty()) return offers.front();
    std::optional<std::string> best;
    double best_q = 0.0;
    for (const auto& offer : offers) {
        double q = QualityOf(ranges, offer);
        // application/xml is an acceptable rendering of application/rdf+xml and back.
        if (q == 0.0 && offer == "application/rdf+xml")
            q = QualityOf(ranges, "application/xml") * 0.99;
        if (q == 0.0 && offer == "application/xml") q = QualityOf(ranges, "text/xml") * 0.99;
        if (q > best_q) {
            best_q = q;
            best = offer;
        }
    }
    return best;
}

Status NotAcceptable(const std::vector<std::string>& offers, std::string_view note) {
    std::string message = "no acceptable representation; available: ";
    for (size_t i = 0; i < offers.size(); ++i) message += (i ? ", " : "") + offers[i];
    if (!note.empty()) message += " (" + std::string(note) + ")";
    return Status(StatusCode::kNotAcceptable, std::move(message));
}

}  // namespace mkt::http
