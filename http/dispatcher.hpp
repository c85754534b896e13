// Dispatcher: everything that happens to every request, in one place.
//
// It assigns the request id (a client's X-Request-Id when it is sane, else a
// random one), computes the base URL, routes, calls the handler, turns a Status
// or a stray exception into an error response through the one status table and
// the route's error renderer, adds the common headers, strips the body of HEAD
// responses and writes one access-log line. Handle() never throws and is
// thread-safe.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "http/access_log.hpp"
#include "http/http_options.hpp"
#include "http/router.hpp"

namespace mkt::http {

class Dispatcher {
  public:
    Dispatcher(const Router& router, const HttpOptions& options, AccessLog& log);

    /// Headers added to every response (e.g. the trust-mode notice).
    void AddCommonHeader(std::string name, std::string value);

    /// `request` must have method, target-derived fields, headers, body and
    /// context.remote set; the rest is filled here.
    Response Handle(Request& request) const;

    /// Error response for failures detected before routing (size limits, bad target).
    Response RenderError(Request& request, const Status& status) const;

  private:
    void PrepareContext(Request& request) const;
    Response Route(Request& request) const;
    void Finish(const Request& request, Response& response) const;

    const Router& router_;
    const HttpOptions& options_;
    AccessLog& log_;
    std::vector<std::pair<std::string, std::string>> common_headers_;
};

/// A random 16-hex-digit request id.
std::string NewRequestId();

}  // namespace mkt::http
