// The process figures every Prometheus client library exports, read from /proc
// at scrape time (Linux): process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_threads, process_start_time_seconds, plus <prefix>_uptime_seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "metrics/metrics.hpp"

namespace mkt::metrics {

struct ProcessFigures {
    double cpu_seconds = 0;       // user + system
    uint64_t resident_bytes = 0;  // RSS
    uint64_t virtual_bytes = 0;   // VSZ
    uint64_t open_fds = 0;        // entries of /proc/self/fd
    uint64_t max_fds = 0;         // soft RLIMIT_NOFILE
    uint64_t threads = 0;
    double start_time_seconds = 0;  // since the Unix epoch
};

/// Reads /proc/self (and /proc/stat for the boot time). nullopt when /proc is
/// not readable.
std::optional<ProcessFigures> ReadProcessFigures();

/// Registers the process_* families and `<prefix>_uptime_seconds`.
void RegisterProcessMetrics(MetricsRegistry& registry, const std::string& prefix);

}  // namespace mkt::metrics
