#include "http/access_log.hpp"

#include <chrono>
#include <ctime>

namespace mkt::http {

bool AccessLog::Open(const std::string& destination) {
    if (destination.empty() || destination == "off") return true;
    if (destination == "-") {
        out_ = stderr;
        return true;
    }
    out_ = std::fopen(destination.c_str(), "a");
    owns_ = out_ != nullptr;
    return out_ != nullptr;
}

AccessLog::~AccessLog() {
    if (owns_ && out_) std::fclose(out_);
}

std::string JsonEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

void AccessLog::Write(const AccessRecord& r) {
    if (!out_) return;
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t secs = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char ts[40];
    const size_t ts_length = std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(ts + ts_length, sizeof ts - ts_length, ".%03lldZ",
                  static_cast<long long>(millis));
    char numbers[96];
    std::snprintf(numbers, sizeof numbers, ",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f",
                  r.status, r.bytes, r.duration_ms);
    // Built whole, whatever the escaped fields' length, and written with one
    // fwrite: one record per line, never cut, never glued to the next.
    std::string line;
    line.reserve(256 + r.target.size() + r.user_agent.size());
    line.append("{\"ts\":\"").append(ts);
    line.append("\",\"request_id\":\"").append(JsonEscape(r.request_id));
    line.append("\",\"remote\":\"").append(JsonEscape(r.remote));
    line.append("\",\"method\":\"").append(JsonEscape(r.method));
    line.append("\",\"target\":\"")
        .append(JsonEscape(std::string_view(r.target).substr(0, kMaxLoggedTarget)));
    line.append("\"").append(numbers);
    line.append(",\"user_agent\":\"")
        .append(JsonEscape(std::string_view(r.user_agent).substr(0, kMaxLoggedUserAgent)));
    line.append("\"}\n");
    std::lock_guard lock(mu_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
}

}  // namespace mkt::http
