#include "metrics/metrics.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mkt::metrics {
namespace {

[[noreturn]] void Misuse(const std::string& what) {
    std::fprintf(stderr, "metrics: %s\n", what.c_str());
    std::abort();
}

void AppendNumber(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buffer[32];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.append(buffer, ec == std::errc() ? end : buffer);
    }
}

// HELP text: backslash and line feed are escaped.
void AppendHelp(std::string& out, std::string_view help) {
    for (char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
}

// Label values: backslash, double quote and line feed are escaped.
void AppendLabelValue(std::string& out, std::string_view value) {
    for (char c : value) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
}

bool IsNameChar(char c, bool first, bool colon_allowed) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (alpha || (colon_allowed && c == ':')) return true;
    return !first && c >= '0' && c <= '9';
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        if (!IsNameChar(name[i], i == 0, true)) return false;
    }
    return true;
}

bool IsValidLabelName(std::string_view name) {
    if (name.empty() || name.starts_with("__") || name == "le") return false;
    for (size_t i = 0; i < name.size(); ++i) {
        if (!IsNameChar(name[i], i == 0, false)) return false;
    }
    return true;
}

// ---- Histogram ----------------------------------------------------------------

Histogram::Histogram(std::span<const double> upper_bounds)
    : bounds_(upper_bounds.begin(), upper_bounds.end()),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
    for (size_t i = 0; i < bounds_.size(); ++i) {
        if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
            Misuse("histogram bounds must be finite and strictly ascending");
    }
}

void Histogram::Observe(double value) {
    size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
    Snapshot s;
    s.upper_bounds = bounds_;
    s.cumulative.reserve(bounds_.size() + 1);
    uint64_t running = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        s.cumulative.push_back(running);
    }
    s.count = running;
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
}

std::span<const double> LatencyBuckets() {
    static constexpr double kBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,  0.5,    1,     2.5,  5,     10};
    return kBounds;
}

// ---- SampleWriter -------------------------------------------------------------

SampleWriter::SampleWriter(std::string& out, const std::string& name,
                           const std::vector<std::string>& label_names, bool histogram)
    : out_(out), name_(name), label_names_(label_names), histogram_(histogram) {}

void SampleWriter::WriteLabels(const LabelValues& values, std::string_view extra_name,
                               std::string_view extra_value) {
    if (values.size() != label_names_.size()) {
        Misuse(name_ + ": a sample has " + std::to_string(values.size()) + " label values for " +
               std::to_string(label_names_.size()) + " label names");
    }
    if (values.empty() && extra_name.empty()) return;
    out_.push_back('{');
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out_.push_back(',');
        out_ += label_names_[i];
        out_ += "=\"";
        AppendLabelValue(out_, values[i]);
        out_.push_back('"');
    }
    if (!extra_name.empty()) {
        if (!values.empty()) out_.push_back(',');
        out_ += extra_name;
        out_ += "=\"";
        out_ += extra_value;
        out_.push_back('"');
    }
    out_.push_back('}');
}

void SampleWriter::Add(const LabelValues& labels, double value) {
    if (histogram_) Misuse(name_ + ": a plain sample in a histogram family");
    out_ += name_;
    WriteLabels(labels, {}, {});
    out_.push_back(' ');
    AppendNumber(out_, value);
    out_.push_back('\n');
}

void SampleWriter::AddHistogram(const LabelValues& labels, const Histogram::Snapshot& h) {
    if (!histogram_) Misuse(name_ + ": a histogram sample in a counter or gauge family");
    for (size_t i = 0; i < h.cumulative.size(); ++i) {
        std::string le;
        if (i < h.upper_bounds.size()) {
            AppendNumber(le, h.upper_bounds[i]);
        } else {
            le = "+Inf";
        }
        out_ += name_;
        out_ += "_bucket";
        WriteLabels(labels, "le", le);
        out_.push_back(' ');
        AppendNumber(out_, static_cast<double>(h.cumulative[i]));
        out_.push_back('\n');
    }
    out_ += name_;
    out_ += "_sum";
    WriteLabels(labels, {}, {});
    out_.push_back(' ');
    AppendNumber(out_, h.sum);
    out_.push_back('\n');
    out_ += name_;
    out_ += "_count";
    WriteLabels(labels, {}, {});
    out_.push_back(' ');
    AppendNumber(out_, static_cast<double>(h.count));
    out_.push_back('\n');
}

// ---- MetricsRegistry ------------------------------------------------------------

void MetricsRegistry::Add(Family family) {
    if (!IsValidMetricName(family.name)) Misuse("invalid metric name '" + family.name + "'");
    if (family.type == Type::kCounter && !family.name.ends_with("_total"))
        Misuse("counter " + family.name + " must end in _total");
    if (family.help.empty()) Misuse(family.name + " needs a help text");
    for (const auto& label : family.label_names) {
        if (!IsValidLabelName(label)) Misuse(family.name + ": invalid label name '" + label + "'");
    }
    std::lock_guard lock(mutex_);
    for (const Family& f : families_) {
        if (f.name == family.name) Misuse("metric " + family.name + " is registered twice");
    }
    families_.push_back(std::move(family));
}

Counter& MetricsRegistry::AddCounter(std::string name, std::string help) {
    auto counter = std::make_unique<Counter>();
    Counter& ref = *counter;
    Add({std::move(name), std::move(help), Type::kCounter, {}, [&ref](SampleWriter& w) {
             w.Add({}, static_cast<double>(ref.value()));
         }});
    std::lock_guard lock(mutex_);
    counters_.push_back(std::move(counter));
    return ref;
}

Histogram& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                         std::span<const double> upper_bounds) {
    auto histogram = std::make_unique<Histogram>(upper_bounds);
    Histogram& ref = *histogram;
    Add({std::move(name), std::move(help), Type::kHistogram, {}, [&ref](SampleWriter& w) {
             w.AddHistogram({}, ref.Read());
         }});
    std::lock_guard lock(mutex_);
    histograms_.push_back(std::move(histogram));
    return ref;
}

void MetricsRegistry::AddCounter(std::string name, std::string help,
                                 std::vector<std::string> label_names, Collect collect) {
    Add({std::move(name), std::move(help), Type::kCounter, std::move(label_names),
         std::move(collect)});
}

void MetricsRegistry::AddGauge(std::string name, std::string help,
                               std::vector<std::string> label_names, Collect collect) {
    Add({std::move(name), std::move(help), Type::kGauge, std::move(label_names),
         std::move(collect)});
}

void MetricsRegistry::AddHistogram(std::string name, std::string help,
                                   std::vector<std::string> label_names, Collect collect) {
    Add({std::move(name), std::move(help), Type::kHistogram, std::move(label_names),
         std::move(collect)});
}

void MetricsRegistry::AddCounter(std::string name, std::string help,
                                 std::function<double()> value) {
    AddCounter(std::move(name), std::move(help), {},
               [value = std::move(value)](SampleWriter& w) { w.Add({}, value()); });
}

void MetricsRegistry::AddGauge(std::string name, std::string help, std::function<double()> value) {
    AddGauge(std::move(name), std::move(help), {},
             [value = std::move(value)](SampleWriter& w) { w.Add({}, value()); });
}

std::string MetricsRegistry::Render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    out.reserve(4096);
    for (const Family& f : families_) {
        static constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};
        out += "# HELP " + f.name + " ";
        AppendHelp(out, f.help);
        out += "\n# TYPE " + f.name + " ";
        out += kTypeNames[static_cast<int>(f.type)];
        out.push_back('\n');
        SampleWriter writer(out, f.name, f.label_names, f.type == Type::kHistogram);
        f.collect(writer);
    }
    return out;
}

}  // namespace mkt::metrics
