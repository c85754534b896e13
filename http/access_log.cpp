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
    char ts[32];
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    char line[2048];
    const int n = std::snprintf(
        line, sizeof line,
        "{\"ts\":\"%s.%03lldZ\",\"request_id\":\"%s\",\"remote\":\"%s\",\"method\":\"%s\","
        "\"target\":\"%s\",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f,\"user_agent\":\"%s\"}"
        "\n",
        ts, static_cast<long long>(millis), JsonEscape(r.request_id).c_str(),
        JsonEscape(r.remote).c_str(), JsonEscape(r.method).c_str(),
        JsonEscape(r.target.substr(0, 1024)).c_str(), r.status, r.bytes, r.duration_ms,
        JsonEscape(r.user_agent.substr(0, 256)).c_str());
    std::lock_guard lock(mu_);
    std::fwrite(line, 1, static_cast<size_t>(n < 0 ? 0 : std::min<int>(n, sizeof line - 1)), out_);
    std::fflush(out_);
}

}  // namespace mkt::http
