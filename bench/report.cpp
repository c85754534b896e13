#include "bench/report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <thread>

namespace mkt::bench {

std::string MachineSummary() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    const std::string load = in ? one + " " + five + " " + fifteen + " (1/5/15 min)" : "unknown";
    return std::to_string(std::thread::hardware_concurrency()) + " cores, load average " + load;
}

double Median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Distribution Summarize(std::vector<double> values) {
    Distribution d;
    if (values.empty()) return d;
    std::sort(values.begin(), values.end());
    auto at = [&](double q) {
        const auto rank = static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
        return values[std::min(rank, values.size() - 1)];
    };
    d.p50 = at(0.50);
    d.p90 = at(0.90);
    d.p99 = at(0.99);
    d.max = values.back();
    d.mean =
        std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    return d;
}

std::string FormatLatencies(const Distribution& d) {
    char line[160];
    std::snprintf(line, sizeof line,
                  "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (mean %.2f ms)", d.p50, d.p90,
                  d.p99, d.max, d.mean);
    return line;
}

std::string FormatRate(double per_second) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", per_second);
    return text;
}

}  // namespace mkt::bench
