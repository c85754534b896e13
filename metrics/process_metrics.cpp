#include "metrics/process_metrics.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace mkt::metrics {
namespace {

std::optional<std::string> ReadWhole(const char* path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<uint64_t> BootTimeSeconds() {
    auto stat = ReadWhole("/proc/stat");
    if (!stat) return std::nullopt;
    const size_t at = stat->find("\nbtime ");
    if (at == std::string::npos) return std::nullopt;
    return std::stoull(stat->substr(at + 7));
}

uint64_t CountOpenFds() {
    std::error_code ec;
    uint64_t n = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec)) {
        ++n;
    }
    return n > 0 ? n - 1 : 0;  // the iterator's own descriptor
}

double SecondsSince(double start) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9 - start;
}

}  // namespace

std::optional<ProcessFigures> ReadProcessFigures() {
    auto stat = ReadWhole("/proc/self/stat");
    if (!stat) return std::nullopt;
    // Fields after the command name, which is in parentheses and may hold blanks.
    const size_t close = stat->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(stat->substr(close + 2));
    std::vector<std::string> f;
    for (std::string field; fields >> field;) f.push_back(field);
    // f[0] is field 3 (state): utime = 14, stime = 15, num_threads = 20,
    // starttime = 22, vsize = 23, rss = 24 (pages).
    if (f.size() < 22) return std::nullopt;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const auto page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    ProcessFigures p;
    p.cpu_seconds = static_cast<double>(std::stoull(f[11]) + std::stoull(f[12])) / ticks;
    p.threads = std::stoull(f[17]);
    p.virtual_bytes = std::stoull(f[20]);
    p.resident_bytes = std::stoull(f[21]) * page;
    if (auto boot = BootTimeSeconds()) {
        p.start_time_seconds =
            static_cast<double>(*boot) + static_cast<double>(std::stoull(f[19])) / ticks;
    }
    p.open_fds = CountOpenFds();
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) p.max_fds = limit.rlim_cur;
    return p;
}

void RegisterProcessMetrics(MetricsRegistry& registry, const std::string& prefix) {
    // One /proc read per family and scrape: a handful of small files, cheap
    // next to a scrape interval of seconds.
    auto field = [](auto member) {
        return [member]() -> double {
            auto p = ReadProcessFigures();
            return p ? static_cast<double>((*p).*member) : 0.0;
        };
    };
    registry.AddCounter("process_cpu_seconds_total", "User and system CPU time spent, in seconds.",
                        field(&ProcessFigures::cpu_seconds));
    registry.AddGauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                      field(&ProcessFigures::resident_bytes));
    registry.AddGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                      field(&ProcessFigures::virtual_bytes));
    registry.AddGauge("process_open_fds", "Number of open file descriptors.",
                      field(&ProcessFigures::open_fds));
    registry.AddGauge("process_max_fds", "Maximum number of open file descriptors.",
                      field(&ProcessFigures::max_fds));
    registry.AddGauge("process_threads", "Number of operating-system threads of the process.",
                      field(&ProcessFigures::threads));
    const double start = ReadProcessFigures().value_or(ProcessFigures{}).start_time_seconds;
    registry.AddGauge("process_start_time_seconds",
                      "Start time of the process since the Unix epoch, in seconds.",
                      [start] { return start; });
    registry.AddGauge(prefix + "_uptime_seconds", "Seconds since the process started.",
                      [start] { return start > 0 ? SecondsSince(start) : 0.0; });
}

}  // namespace mkt::metrics
