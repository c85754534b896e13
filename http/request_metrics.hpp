// RequestMetrics: the HTTP figures of /metrics, fed by the dispatcher's
// RequestObserver hook and rendered by a metrics::MetricsRegistry.
//
//   marketplace_http_requests_total{route, code}            counter
//   marketplace_http_request_duration_seconds{route}        histogram
//
// `route` is a route class, never the raw path, so the label set stays bounded:
// the label of the route that answered ("GET /metadata/{id}/{email}/{created}"),
// or "unmatched" (no route: 404), "method_not_allowed" (405) and "rejected"
// (refused at the edge before routing: oversized body or head, bad target,
// shutting down). `code` is the HTTP status. Every slot is allocated when the
// object is built from the finished route table; Observe is lock-free (two
// relaxed atomic adds and a bucket scan).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "metrics/metrics.hpp"

namespace mkt::http {

class RequestMetrics final : public RequestObserver {
  public:
    /// `router` must be complete (no route added later) and outlive this object.
    explicit RequestMetrics(const Router& router);
    ~RequestMetrics() override;

    void Observe(const RequestOutcome& outcome) const noexcept override;

    /// Registers the two families on `registry`; this object must outlive it.
    void Register(metrics::MetricsRegistry& registry) const;

  private:
    struct Slot;
    size_t SlotOf(const RequestOutcome& outcome) const;

    const Router& router_;
    std::vector<std::string> labels_;  // per slot: distinct route labels, then the unrouted classes
    std::vector<size_t> route_slots_;  // route index -> slot
    size_t unrouted_slot_ = 0;         // first of the three unrouted classes
    std::unique_ptr<Slot[]> slots_;
};

/// Registers GET `path` answering `registry.Render()` in the Prometheus text
/// format. `registry` must outlive the router.
void RegisterMetricsRoute(Router& router, std::string_view path,
                          const metrics::MetricsRegistry& registry);

}  // namespace mkt::http
