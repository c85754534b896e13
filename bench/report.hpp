// What every benchmark driver prints besides its figures: the state of the
// machine (numbers from a loaded 2-core box are not comparable with an idle
// one) and latency distributions in one format.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mkt::bench {

/// "2 cores, load average 0.52 0.71 0.64 (1/5/15 min)".
std::string MachineSummary();

/// Order statistics of a sample (nearest rank).
struct Distribution {
    double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};
Distribution Summarize(std::vector<double> values);

/// The median (the mean of the two middle values for an even count); 0 when empty.
double Median(std::vector<double> values);

/// Seconds elapsed on the steady clock since `start`.
double SecondsSince(std::chrono::steady_clock::time_point start);

/// "p50 1.23 ms, p90 ..., p99 ..., max ... (mean ...)" for values in ms.
std::string FormatLatencies(const Distribution& d);

/// A rate with two decimals, e.g. "1234.56".
std::string FormatRate(double per_second);

}  // namespace mkt::bench
