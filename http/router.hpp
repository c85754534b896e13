// Router: the route table {methods, path pattern, handler} of every front-end.
//
// Patterns are '/'-separated literal segments and `{name}` parameters that match
// exactly one non-empty decoded segment; a trailing slash and repeated slashes in
// the request are ignored (StratusLab did the same). The first route whose
// pattern matches wins; when patterns match but no route allows the method, the
// answer is 405 with `Allow` (GET implies HEAD). Registration happens once at
// start-up; lookups are const and thread-safe.
//
// One URL, several representations: routes with the same method and the same
// pattern that declare the media types they produce form a group (e.g. the web UI's HTML page and
// the native XML/JSON listing of GET /metadata). Each declares the media types it produces and one
// of them is the default; the router picks the route by content negotiation
// (http/negotiation.hpp: ?media=, then Accept), the default on ties and when the
// client accepts none of the group's types (the default route then answers 406
// itself). So the order in which front-ends register never decides who answers.
// Routes without media types keep the first-match rule (a front-end's own
// fall-back routes after its specific ones, as CIMI registers them).
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

/// What a route produces, for routes that share a method and pattern.
struct Representation {
    std::vector<std::string> media_types;  // in order of preference; empty: the only route
    bool is_default = false;               // chosen on ties and when none is acceptable
};

struct Route {
    Method method;
    std::vector<std::string> pattern;  // segments; "{x}" = parameter
    Handler handler;
    ErrorRenderer render_error;  // empty: native error bodies
    Representation representation;
    std::string label;  // "GET /metadata/{id}": method and pattern as registered
};

class Router {
  public:
    void Add(Method method, std::string_view pattern, Handler handler, ErrorRenderer errors = {},
             Representation representation = {});

    /// Every group of routes sharing a method and pattern, when one of them
    /// declares media types, declares them for each member and exactly one default. Errors:
    /// kInternal naming the route (a wiring mistake, reported at start-up).
    Status Check() const;

    enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };
    struct Match {
        MatchKind kind = MatchKind::kNotFound;
        const Route* route = nullptr;  // kFound
        std::vector<std::pair<std::string, std::string>> params;
        std::vector<std::string> allowed;  // kMethodNotAllowed: value of Allow
        /// Errors on a path are rendered like its negotiated GET representation
        /// (else as its first route's), whichever method was asked.
        ErrorRenderer render_error;
    };
    /// Uses the request's method and segments, and for groups its ?media= and Accept.
    Match Find(const Request& request) const;
    /// Every route in registration order (Match::route points into it).
    const std::vector<Route>& routes() const { return routes_; }

  private:
    static bool PatternMatches(const Route& route, const std::vector<std::string>& segments,
                               std::vector<std::pair<std::string, std::string>>* params);
    /// The member of `route`'s group (same method and pattern) that `request`
    /// negotiates; `route` itself when it is alone.
    const Route& ChooseRepresentation(const Route& route, const Request& request) const;
    ErrorRenderer PathRenderer(const Request& request) const;
    std::vector<Route> routes_;
};

}  // namespace mkt::http
