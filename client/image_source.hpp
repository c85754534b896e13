// CurlImageSource: the ImageSource of verified downloads (registry/image/
// image_download.hpp) over libcurl, this project's only libcurl home.
//
// Schemes: http, https (TLS verification on unless ClientOptions says
// otherwise) and file. Redirects are followed (at most 5, to http or https only:
// a web server cannot redirect to a local file). A resumed fetch sends
// "Range: bytes=N-"; a 206 answer must start at N, a 200 answer (server without
// ranges) has its first N bytes skipped. There is no overall timeout (images are
// large): a transfer is cut when no byte arrives for `stall_seconds`.
// Outcomes: HTTP errors are kUnavailable "HTTP 404 Not Found" (not resumable);
// connection failures kUnavailable "cannot reach ...: <curl message>"; a body
// cut short, a dropped connection or a stall kUnavailable "transfer interrupted
// after N bytes: <curl message>", resumable. One instance per thread.
#pragma once

#include <memory>

#include "client/http_client.hpp"
#include "registry/image/image_download.hpp"

namespace mkt::client {

struct ImageSourceOptions {
    bool verify_tls = true;
    std::string ca_file;
    long connect_timeout_seconds = 30;
    long stall_seconds = 60;
    std::string user_agent = "marketplace-download";
};

class CurlImageSource final : public image::ImageSource {
  public:
    explicit CurlImageSource(ImageSourceOptions options = {});
    ~CurlImageSource() override;
    CurlImageSource(const CurlImageSource&) = delete;
    CurlImageSource& operator=(const CurlImageSource&) = delete;

    bool Supports(const std::string& url) const override;
    image::FetchOutcome Fetch(const std::string& url, uint64_t offset,
                              const image::FetchSink& sink) override;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mkt::client
