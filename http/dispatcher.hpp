// Dispatcher: everything that happens to every request, in one place.
//
// It assigns the request id (a client's X-Request-Id when it is sane, else a
// random one), computes the base URL, routes, calls the handler, turns a Status
// or a stray exception into an error response through the one status table and
// the route's error renderer, adds the common headers, strips the body of HEAD
// responses and writes one access-log line. Handle() never throws and is
// thread-safe. An optional RequestObserver (metrics) sees every request once,
// after its response is final.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "http/access_log.hpp"
#include "http/http_options.hpp"
#include "http/router.hpp"

namespace mkt::http {

/// How a request ended, for observers. `route` is the route that handled it;
/// null when none did, and `unrouted` says why.
struct RequestOutcome {
    enum class Unrouted { kNone, kNoRoute, kMethodNotAllowed, kRejected };
    const Route* route = nullptr;
    Unrouted unrouted = Unrouted::kNone;  // kRejected: refused before routing (RenderError)
    int status = 0;
    std::chrono::steady_clock::duration elapsed{};
};

/// Sees every request the dispatcher answers. Called on the request's thread:
/// it must be thread-safe, cheap and must not block (no lock per request).
class RequestObserver {
  public:
    virtual ~RequestObserver() = default;
    virtual void Observe(const RequestOutcome& outcome) const noexcept = 0;
};

class Dispatcher {
  public:
    Dispatcher(const Router& router, const HttpOptions& options, AccessLog& log);

    /// Headers added to every response (e.g. the trust-mode notice).
    void AddCommonHeader(std::string name, std::string value);

    /// Set before serving; null (the default) observes nothing.
    void SetObserver(const RequestObserver* observer) { observer_ = observer; }

    /// `request` must have method, target-derived fields, headers, body and
    /// context.remote set; the rest is filled here.
    Response Handle(Request& request) const;

    /// Error response for failures detected before routing (size limits, bad target).
    Response RenderError(Request& request, const Status& status) const;

  private:
    void PrepareContext(Request& request) const;
    Response Route(Request& request, RequestOutcome& outcome) const;
    void Finish(const Request& request, Response& response) const;

    const Router& router_;
    const HttpOptions& options_;
    AccessLog& log_;
    std::vector<std::pair<std::string, std::string>> common_headers_;
    const RequestObserver* observer_ = nullptr;
};

/// A random 16-hex-digit request id.
std::string NewRequestId();

}  // namespace mkt::http
