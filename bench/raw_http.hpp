// RawHttpConnection: a deliberately minimal HTTP/1.1 keep-alive client over one
// blocking TCP socket, the load generator of the upload benchmark.
//
// The benchmark measures the server on a 2-core machine it shares with its
// clients; libcurl spent about 110 us of CPU per upload, taken from the server.
// This client sends a prepared request with one write and reads the answer with
// as few system calls as the framing allows (Content-Length bodies only, which
// is what the server sends). It is not a general HTTP client: use
// client/http_client.hpp everywhere else. One connection per thread.
#pragma once

#include <cstdint>
#include <string>

#include "registry/result.hpp"

namespace mkt::bench {

struct RawResponse {
    int status = 0;
    std::string location;  // the Location header, if any
    std::string body;
};

class RawHttpConnection {
  public:
    RawHttpConnection() = default;
    ~RawHttpConnection();
    RawHttpConnection(const RawHttpConnection&) = delete;
    RawHttpConnection& operator=(const RawHttpConnection&) = delete;

    /// Errors: kUnavailable naming the address and the system error.
    Status Connect(const std::string& host, uint16_t port);
    /// POSTs `body` to `path`. Errors: kUnavailable for a transport failure or a
    /// response this client cannot frame (no Content-Length, chunked).
    Result<RawResponse> Post(const std::string& path, const std::string& content_type,
                             const std::string& body);

  private:
    Status ReadMore();
    int fd_ = -1;
    std::string host_;
    std::string buffer_;  // bytes received and not yet consumed
};

/// "http://host:port/path" -> host, port, path. Errors: kInvalidArgument.
struct HttpUrl {
    std::string host;
    uint16_t port = 80;
    std::string path;
};
Result<HttpUrl> ParseHttpUrl(const std::string& url);

}  // namespace mkt::bench
