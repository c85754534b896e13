// ImageServer: a small HTTP/1.1 server on a loopback port for download tests,
// with the failures a real mirror shows: a body cut short (the connection is
// closed after `cut_after` bytes, for the first `cut_times` requests), no
// Content-Length (body ends at close), Range support on or off, 404 for
// unknown paths. One request per connection; a thread serves connections in turn.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mkt::testing {

struct ServedFile {
    std::string body = {};
    std::optional<size_t> cut_after =
        std::nullopt;            // close the connection after this many body bytes
    int cut_times = 1 << 30;     // ... for this many requests (then serve whole)
    bool ranges = true;          // honour "Range: bytes=N-"
    bool content_length = true;  // send Content-Length
};

class ImageServer {
  public:
    ImageServer();
    ~ImageServer();
    void Serve(const std::string& path, ServedFile file);
    std::string url(const std::string& path) const;
    /// The Range headers received, in order ("" for none).
    std::vector<std::string> ranges() const;

  private:
    void Loop();
    void Handle(int fd);

    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_;
    std::map<std::string, ServedFile> files_;
    std::vector<std::string> ranges_;
    std::thread thread_;
};

}  // namespace mkt::testing
