#include "http/request_metrics.hpp"

#include <algorithm>
#include <chrono>

namespace mkt::http {
namespace {

constexpr int kLowestStatus = 100;
constexpr int kStatusSlots = 500;  // 100..599
constexpr const char* kUnroutedLabels[] = {"unmatched", "method_not_allowed", "rejected"};

}  // namespace

struct RequestMetrics::Slot {
    std::array<std::atomic<uint64_t>, kStatusSlots> by_status{};
    metrics::Histogram latency{metrics::LatencyBuckets()};
};

RequestMetrics::RequestMetrics(const Router& router) : router_(router) {
    // Routes that share a method and pattern (representations of one URL) share a slot.
    for (const Route& route : router.routes()) {
        const auto known = std::find(labels_.begin(), labels_.end(), route.label);
        route_slots_.push_back(static_cast<size_t>(known - labels_.begin()));
        if (known == labels_.end()) labels_.push_back(route.label);
    }
    unrouted_slot_ = labels_.size();
    for (const char* label : kUnroutedLabels) labels_.emplace_back(label);
    slots_ = std::make_unique<Slot[]>(labels_.size());
}

RequestMetrics::~RequestMetrics() = default;

size_t RequestMetrics::SlotOf(const RequestOutcome& outcome) const {
    const std::vector<Route>& routes = router_.routes();
    if (outcome.route && outcome.route >= routes.data() &&
        outcome.route < routes.data() + routes.size()) {
        return route_slots_[static_cast<size_t>(outcome.route - routes.data())];
    }
    switch (outcome.unrouted) {
        case RequestOutcome::Unrouted::kMethodNotAllowed:
            return unrouted_slot_ + 1;
        case RequestOutcome::Unrouted::kRejected:
            return unrouted_slot_ + 2;
        default:
            return unrouted_slot_;
    }
}

void RequestMetrics::Observe(const RequestOutcome& outcome) const noexcept {
    Slot& slot = slots_[SlotOf(outcome)];
    int status = outcome.status;
    if (status < kLowestStatus || status >= kLowestStatus + kStatusSlots) status = 500;
    slot.by_status[static_cast<size_t>(status - kLowestStatus)].fetch_add(
        1, std::memory_order_relaxed);
    slot.latency.Observe(std::chrono::duration<double>(outcome.elapsed).count());
}

void RequestMetrics::Register(metrics::MetricsRegistry& registry) const {
    registry.AddCounter(
        "marketplace_http_requests_total",
        "HTTP requests answered, by route class (route pattern) and status code.",
        {"route", "code"}, [this](metrics::SampleWriter& w) {
            for (size_t i = 0; i < labels_.size(); ++i) {
                for (int s = 0; s < kStatusSlots; ++s) {
                    const uint64_t n =
                        slots_[i].by_status[static_cast<size_t>(s)].load(std::memory_order_relaxed);
                    if (n > 0)
                        w.Add({labels_[i], std::to_string(s + kLowestStatus)},
                              static_cast<double>(n));
                }
            }
        });
    registry.AddHistogram(
        "marketplace_http_request_duration_seconds",
        "Time from routing to the finished response (handler included), by route class.", {"route"},
        [this](metrics::SampleWriter& w) {
            for (size_t i = 0; i < labels_.size(); ++i) {
                metrics::Histogram::Snapshot h = slots_[i].latency.Read();
                if (h.count > 0) w.AddHistogram({labels_[i]}, h);
            }
        });
}

void RegisterMetricsRoute(Router& router, std::string_view path,
                          const metrics::MetricsRegistry& registry) {
    router.Add(Method::kGet, path, [&registry](Request&) -> Result<Response> {
        Response response;
        response.status = 200;
        response.headers.Set("Content-Type", std::string(metrics::kTextFormatMediaType));
        response.headers.Set("Cache-Control", "no-store");
        response.body = registry.Render();
        return response;
    });
}

}  // namespace mkt::http
