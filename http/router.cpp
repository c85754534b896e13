#include "http/router.hpp"

#include <algorithm>

#include "http/negotiation.hpp"

namespace mkt::http {
namespace {

bool SameGroup(const Route& a, const Route& b) {
    return a.method == b.method && a.pattern == b.pattern;
}

bool SameRepresentationGroup(const Route& a, const Route& b) {
    return SameGroup(a, b) && !b.representation.media_types.empty();
}

std::string PatternText(const Route& route) {
    std::string out;
    for (const auto& segment : route.pattern) out += "/" + segment;
    return std::string(MethodName(route.method)) + " " + (out.empty() ? "/" : out);
}

}  // namespace

void Router::Add(Method method, std::string_view pattern, Handler handler, ErrorRenderer errors,
                 Representation representation) {
    Route route{method,
                {},
                std::move(handler),
                std::move(errors),
                std::move(representation),
                std::string(MethodName(method)) + " " + std::string(pattern)};
    Request parsed;
    ParseTarget(pattern, parsed);
    route.pattern = std::move(parsed.segments);
    routes_.push_back(std::move(route));
}

Status Router::Check() const {
    for (const Route& route : routes_) {
        if (route.representation.media_types.empty()) continue;
        size_t members = 0, defaults = 0, untyped = 0;
        for (const Route& other : routes_) {
            if (!SameGroup(route, other)) continue;
            if (other.representation.media_types.empty()) {
                ++untyped;
                continue;
            }
            ++members;
            if (other.representation.is_default) ++defaults;
        }
        if (untyped > 0 || defaults != 1) {
            return Status::Internal("routes for " + PatternText(route) + ": " +
                                    std::to_string(members + untyped) +
                                    " representations need media types each and exactly one "
                                    "default (found " +
                                    std::to_string(defaults) + " defaults, " +
                                    std::to_string(untyped) + " without media types)");
        }
    }
    return Status::Ok();
}

bool Router::PatternMatches(const Route& route, const std::vector<std::string>& segments,
                            std::vector<std::pair<std::string, std::string>>* params) {
    if (route.pattern.size() != segments.size()) return false;
    for (size_t i = 0; i < segments.size(); ++i) {
        const std::string& p = route.pattern[i];
        const bool is_param = p.size() > 2 && p.front() == '{' && p.back() == '}';
        if (is_param) {
            if (params) params->emplace_back(p.substr(1, p.size() - 2), segments[i]);
        } else if (p != segments[i]) {
            return false;
        }
    }
    return true;
}

const Route& Router::ChooseRepresentation(const Route& route, const Request& request) const {
    // Offers: the default's types first (it wins ties), then the others' in an
    // order that does not depend on registration (by their media types).
    if (route.representation.media_types.empty()) return route;
    const Route* fallback = nullptr;
    std::vector<const Route*> others;
    for (const Route& member : routes_) {
        if (!SameRepresentationGroup(route, member)) continue;
        if (member.representation.is_default && !fallback) {
            fallback = &member;
        } else {
            others.push_back(&member);
        }
    }
    if (others.empty() || !fallback) return route;
    std::sort(others.begin(), others.end(), [](const Route* a, const Route* b) {
        return a->representation.media_types < b->representation.media_types;
    });
    std::vector<std::string> offers;
    std::vector<const Route*> owners;
    auto offer = [&](const Route* owner) {
        for (const auto& type : owner->representation.media_types) {
            offers.push_back(type);
            owners.push_back(owner);
        }
    };
    offer(fallback);
    for (const Route* other : others) offer(other);
    const std::optional<std::string> chosen = Negotiate(request, offers);
    if (!chosen) return *fallback;
    const auto it = std::find(offers.begin(), offers.end(), *chosen);
    return it == offers.end() ? *fallback : *owners[static_cast<size_t>(it - offers.begin())];
}

ErrorRenderer Router::PathRenderer(const Request& request) const {
    const Route* first_on_path = nullptr;
    for (const Route& route : routes_) {
        if (!PatternMatches(route, request.segments, nullptr)) continue;
        if (route.method == Method::kGet) return ChooseRepresentation(route, request).render_error;
        if (!first_on_path) first_on_path = &route;
    }
    return first_on_path ? first_on_path->render_error : ErrorRenderer{};
}

Router::Match Router::Find(const Request& request) const {
    Match match;
    const Method wanted = request.method == Method::kHead ? Method::kGet : request.method;
    bool path_known = false;
    for (const Route& route : routes_) {
        if (!PatternMatches(route, request.segments, nullptr)) continue;
        if (!path_known) match.render_error = PathRenderer(request);
        path_known = true;
        if (route.method == wanted) {
            const Route& chosen = ChooseRepresentation(route, request);
            match.kind = MatchKind::kFound;
            match.route = &chosen;
            PatternMatches(chosen, request.segments, &match.params);
            return match;
        }
        const std::string name(MethodName(route.method));
        if (std::find(match.allowed.begin(), match.allowed.end(), name) == match.allowed.end()) {
            match.allowed.push_back(name);
            if (route.method == Method::kGet) match.allowed.emplace_back("HEAD");
        }
    }
    if (path_known) {
        match.kind = MatchKind::kMethodNotAllowed;
        match.allowed.emplace_back("OPTIONS");
    }
    return match;
}

}  // namespace mkt::http
