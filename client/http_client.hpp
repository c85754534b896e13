// HttpClient: the project's only libcurl user (tests, benchmarks, and the CLI).
//
// Synchronous requests returning Result<HttpResponse>; TLS peer and host
// verification are on unless explicitly disabled (the original client turned
// them off). One HttpClient per thread (it reuses one curl handle and its
// connections); Global() must be alive while clients are used.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "registry/result.hpp"

namespace mkt::client {

struct HttpResponse {
    long status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// First header of that name (case-insensitive), or empty.
    std::string Header(std::string_view name) const;
};

/// A request body read while it is sent, for uploads too large to hold in memory.
struct BodySource {
    /// Fills the front of `buffer` and returns how many bytes it wrote (0: the
    /// body ends). An error aborts the request and is what Send returns.
    std::function<Result<size_t>(std::span<char> buffer)> read;
    /// Sent as Content-Length; nullopt sends the body chunked.
    std::optional<uint64_t> length;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// When set, the body is read from here instead of `body`, and the request
    /// has no overall time limit: it is cut when no byte moves for
    /// ClientOptions::stall_seconds.
    std::optional<BodySource> body_source = std::nullopt;
};

struct ClientOptions {
    long timeout_seconds = 60;  // whole request; not for streamed bodies (see stall_seconds)
    bool verify_tls = true;
    std::string ca_file;      // extra CA bundle for the server certificate
    long stall_seconds = 60;  // streamed bodies: cut after this long without progress
    uint64_t max_send_bytes_per_second = 0;  // streamed bodies: 0 = no limit
};

/// The Status code an HTTP error status stands for: 400 kInvalidArgument, 401
/// and 403 kPermissionDenied, 404 kNotFound, 405 kMethodNotAllowed, 406
/// kNotAcceptable, 409 kAlreadyExists, 413 kPayloadTooLarge, 415
/// kUnsupportedMedia, 503 kUnavailable, 504 kDeadlineExceeded, other 5xx
/// kInternal, other 4xx kInvalidArgument.
StatusCode StatusCodeForHttp(long status);

/// RAII for curl_global_init/cleanup; one per process, created in main.
class CurlGlobal {
  public:
    CurlGlobal();
    ~CurlGlobal();
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

class HttpClient {
  public:
    explicit HttpClient(ClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Errors: kUnavailable "cannot reach <url>: <curl message>" for transport
    /// failures; a BodySource's own error, unchanged; any HTTP status is a
    /// successful result.
    Result<HttpResponse> Send(const HttpRequest& request);
    Result<HttpResponse> Get(const std::string& url, const std::string& accept = "");
    Result<HttpResponse> Post(const std::string& url, const std::string& content_type,
                              std::string body);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mkt::client
