// AccessLog: one JSON object per line per request (structured, greppable with jq).
// Fields: ts, request_id, remote, method, target, status, bytes, duration_ms, user_agent.
// Thread-safe; a disabled log costs one branch. The target and User-Agent are
// logged up to kMaxLoggedTarget / kMaxLoggedUserAgent bytes (before escaping);
// every record is one whole line, whatever its length.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

namespace mkt::http {

inline constexpr size_t kMaxLoggedTarget = 1024;
inline constexpr size_t kMaxLoggedUserAgent = 256;

struct AccessRecord {
    std::string request_id, remote, method, target, user_agent;
    int status = 0;
    size_t bytes = 0;  // body bytes sent
    double duration_ms = 0;
};

class AccessLog {
  public:
    /// "-" = stderr, "off" or "" = disabled, else a file opened for append.
    /// Returns false (and stays disabled) when the file cannot be opened.
    bool Open(const std::string& destination);
    ~AccessLog();
    bool enabled() const { return out_ != nullptr; }
    void Write(const AccessRecord& record);

  private:
    std::mutex mu_;
    std::FILE* out_ = nullptr;
    bool owns_ = false;
};

/// JSON string escaping for log lines (control characters as \u00XX).
std::string JsonEscape(std::string_view text);

}  // namespace mkt::http
