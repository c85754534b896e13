#include "http/router.hpp"

#include <algorithm>

namespace mkt::http {

void Router::Add(Method method, std::string_view pattern, Handler handler, ErrorRenderer errors) {
    Route route{method, {}, std::move(handler), std::move(errors)};
    Request parsed;
    ParseTarget(pattern, parsed);
    route.pattern = std::move(parsed.segments);
    routes_.push_back(std::move(route));
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

Router::Match Router::Find(Method method, const std::vector<std::string>& segments) const {
    Match match;
    const Method wanted = method == Method::kHead ? Method::kGet : method;
    bool path_known = false;
    for (const Route& route : routes_) {
        if (!PatternMatches(route, segments, nullptr)) continue;
        if (!path_known) match.render_error = route.render_error;
        path_known = true;
        if (route.method == wanted) {
            match.kind = MatchKind::kFound;
            match.route = &route;
            PatternMatches(route, segments, &match.params);
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
