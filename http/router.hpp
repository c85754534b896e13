// Router: the route table {methods, path pattern, handler} of every front-end.
//
// Patterns are '/'-separated literal segments and `{name}` parameters that match
// exactly one non-empty decoded segment; a trailing slash and repeated slashes in
// the request are ignored (StratusLab did the same). The first route whose
// pattern matches wins; when patterns match but no route allows the method, the
// answer is 405 with `Allow` (GET implies HEAD). Registration happens once at
// start-up; lookups are const and thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/error_body.hpp"
#include "http/request.hpp"
#include "registry/result.hpp"

namespace mkt::http {

/// A handler reads the request and returns a response or a Status that the
/// dispatcher renders with the route's ErrorRenderer.
using Handler = std::function<Result<Response>(Request&)>;

struct Route {
    Method method;
    std::vector<std::string> pattern;  // segments; "{x}" = parameter
    Handler handler;
    ErrorRenderer render_error;  // empty: native error bodies
};

class Router {
  public:
    void Add(Method method, std::string_view pattern, Handler handler, ErrorRenderer errors = {});

    enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };
    struct Match {
        MatchKind kind = MatchKind::kNotFound;
        const Route* route = nullptr;  // kFound
        std::vector<std::pair<std::string, std::string>> params;
        std::vector<std::string> allowed;  // kMethodNotAllowed: value of Allow
        ErrorRenderer render_error;        // of the first route matching the path
    };
    Match Find(Method method, const std::vector<std::string>& segments) const;

  private:
    static bool PatternMatches(const Route& route, const std::vector<std::string>& segments,
                               std::vector<std::pair<std::string, std::string>>* params);
    std::vector<Route> routes_;
};

}  // namespace mkt::http
