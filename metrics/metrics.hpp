// Metrics: counters, gauges and fixed-bucket histograms, rendered in the
// Prometheus text exposition format (version 0.0.4) by MetricsRegistry::Render.
//
// Two kinds of metric:
//  - owned instruments (Counter, Histogram) that code updates where things
//    happen: one relaxed atomic add each, no lock, safe from any thread;
//  - sampled families: a callback run at scrape time that reads a figure some
//    component already keeps (store size, cache hits, /proc). Components stay
//    free of this module; server/ wires them in with one line each.
// Adding a metric is one call on the MetricsRegistry at start-up, e.g.
//     registry.AddGauge("marketplace_peer_lag_seconds", "...", {"peer"},
//                       [&](metrics::SampleWriter& w) { for (...) w.Add({name}, lag); });
//
// Names follow Prometheus' rules ([a-zA-Z_:][a-zA-Z0-9_:]*, counters end in
// `_total`, base units: seconds, bytes); label names are declared with the
// family and every sample gives a value for each, so the label set of a family
// is fixed and its cardinality is what the callback makes it: callers must use
// bounded label values (route patterns, status codes, reason classes), never
// request data. An invalid or duplicate registration is a programming error
// and aborts with a message.
//
// Thread-safety: registration is meant for start-up but is locked; Render may
// run concurrently with itself, with registration and with every update.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mkt::metrics {

/// A monotonically increasing count.
class Counter {
  public:
    void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    uint64_t value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<uint64_t> value_{0};
};

/// Observations counted into fixed buckets chosen at construction (ascending
/// upper bounds; +Inf is implicit). Observe is a short scan and two atomic adds.
class Histogram {
  public:
    explicit Histogram(std::span<const double> upper_bounds);
    void Observe(double value);

    struct Snapshot {
        std::vector<double> upper_bounds;  // without +Inf
        std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
        double sum = 0;
        uint64_t count = 0;
    };
    /// Consistent in itself: count equals the +Inf bucket.
    Snapshot Read() const;
    const std::vector<double>& upper_bounds() const { return bounds_; }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1 (overflow)
    std::atomic<double> sum_{0};
};

/// Latency buckets in seconds, 0.5 ms to 10 s, for request and query durations.
std::span<const double> LatencyBuckets();

/// Label values of one sample, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

/// What a family's callback writes its samples to at scrape time.
class SampleWriter {
  public:
    /// A counter or gauge sample.
    void Add(const LabelValues& labels, double value);
    /// A histogram (family of type kHistogram only).
    void AddHistogram(const LabelValues& labels, const Histogram::Snapshot& histogram);

  private:
    friend class MetricsRegistry;
    SampleWriter(std::string& out, const std::string& name,
                 const std::vector<std::string>& label_names, bool histogram);
    void WriteLabels(const LabelValues& values, std::string_view extra_name,
                     std::string_view extra_value);
    std::string& out_;
    const std::string& name_;
    const std::vector<std::string>& label_names_;
    bool histogram_;
};

using Collect = std::function<void(SampleWriter&)>;

class MetricsRegistry {
  public:
    MetricsRegistry() = default;
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;

    /// An owned counter without labels; the reference lives as long as the registry.
    Counter& AddCounter(std::string name, std::string help);
    /// An owned histogram without labels.
    Histogram& AddHistogram(std::string name, std::string help,
                            std::span<const double> upper_bounds = LatencyBuckets());

    /// Sampled families: `collect` is called at every scrape.
    void AddCounter(std::string name, std::string help, std::vector<std::string> label_names,
                    Collect collect);
    void AddGauge(std::string name, std::string help, std::vector<std::string> label_names,
                  Collect collect);
    void AddHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                      Collect collect);
    /// Shorthands for one unlabelled sampled value.
    void AddCounter(std::string name, std::string help, std::function<double()> value);
    void AddGauge(std::string name, std::string help, std::function<double()> value);

    /// Every family in registration order, in the text format.
    std::string Render() const;

  private:
    enum class Type { kCounter, kGauge, kHistogram };
    struct Family {
        std::string name, help;
        Type type;
        std::vector<std::string> label_names;
        Collect collect;
    };
    void Add(Family family);

    mutable std::mutex mutex_;
    std::vector<Family> families_;
    std::vector<std::unique_ptr<Counter>> counters_;
    std::vector<std::unique_ptr<Histogram>> histograms_;
};

/// The media type of Render's output.
inline constexpr std::string_view kTextFormatMediaType = "text/plain; version=0.0.4; charset=utf-8";

/// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool IsValidMetricName(std::string_view name);
/// True for a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool IsValidLabelName(std::string_view name);

}  // namespace mkt::metrics
