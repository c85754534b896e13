// RawConnection: a plain TCP client for socket-level HTTP tests: send any bytes
// (pipelined requests, broken heads), then read responses one by one exactly as
// the server framed them (Content-Length or chunked), or see the server close.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mkt::testing {

struct RawResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // decoded when chunked
    bool chunked = false;
    /// The first header of that name (case-insensitive).
    std::optional<std::string> Header(std::string_view name) const;
};

class RawConnection {
  public:
    /// Connects to 127.0.0.1:port; connected() says whether it worked.
    explicit RawConnection(uint16_t port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool connected() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    bool Send(std::string_view bytes);
    /// Reads one response; `head_only` for the answer to HEAD (no body follows).
    /// Empty on EOF, a timeout or bytes that are not an HTTP response.
    std::optional<RawResponse> Read(bool head_only = false, int timeout_seconds = 10);
    /// Reads up to `size` raw bytes (whatever arrives first); empty on EOF or timeout.
    std::string ReadSome(size_t size, int timeout_seconds = 10);
    /// True when the server closes the connection within the timeout (bytes still
    /// arriving before the close are discarded).
    bool ClosedByServer(int timeout_seconds = 10);
    void Close();

  private:
    /// Waits for and appends more bytes to buffer_; false on EOF, error or timeout.
    bool Fill(int timeout_seconds);
    int fd_ = -1;
    std::string buffer_;
};

}  // namespace mkt::testing
