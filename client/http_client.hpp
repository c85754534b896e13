// HttpClient: the project's only libcurl user (tests, benchmarks, and the CLI).
//
// Synchronous requests returning Result<HttpResponse>; TLS peer and host
// verification are on unless explicitly disabled (the original client turned
// them off). One HttpClient per thread (it reuses one curl handle and its
// connections); Global() must be alive while clients are used.
#pragma once

#include <memory>
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

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct ClientOptions {
    long timeout_seconds = 60;
    bool verify_tls = true;
    std::string ca_file;  // extra CA bundle for the server certificate
};

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
    /// failures; any HTTP status is a successful result.
    Result<HttpResponse> Send(const HttpRequest& request);
    Result<HttpResponse> Get(const std::string& url, const std::string& accept = "");
    Result<HttpResponse> Post(const std::string& url, const std::string& content_type,
                              std::string body);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mkt::client
