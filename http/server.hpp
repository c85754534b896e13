// HttpServer: the Pistache endpoint (the only file that includes Pistache).
//
// It converts Pistache requests to http::Request, hands them to the
// Dispatcher and writes the http::Response back. Before Pistache buffers a
// request, a per-connection guard reads the request head: a declared body over
// max_body_bytes gets 413 at once (before the body is read), a header block over
// max_header_bytes gets 431, a chunked body is counted as it arrives; the
// connection is then closed after the error is sent. `Expect: 100-continue` is
// answered. Stop() drains: new requests get 503 while in-flight ones finish.
#pragma once

#include <atomic>
#include <memory>

#include "http/dispatcher.hpp"
#include "http/http_options.hpp"
#include "registry/status.hpp"

namespace mkt::http {

class HttpServer {
  public:
    HttpServer(const HttpOptions& options, const Dispatcher& dispatcher);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and starts the worker threads. Errors: kUnavailable (address in use,
    /// TLS files unreadable), with the reason.
    Status Start();
    /// The bound port (useful with port 0).
    uint16_t port() const;
    /// Graceful stop: refuse new requests (503), wait up to the grace period for
    /// in-flight ones, then stop the threads. Idempotent.
    void Stop();

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mkt::http
