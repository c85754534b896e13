// HttpServer: the HTTP/1.1 server every front-end is served by (our own; see
// docs/architecture.md "HTTP edge" for why it is not a library's).
//
// A few reactor threads (epoll, level-triggered) accept connections, read and
// write them without blocking, and frame each request once (RequestFramer):
// the handler sees exactly that request, whatever came before it on the
// connection. Handlers run on a bounded worker pool, one request per connection
// at a time, so pipelined requests are answered in order and a slow handler
// holds a worker, never a reactor; when every worker is busy and the queue is
// full the answer is 503 with Retry-After. Responses are written by the reactor:
// whole bodies with Content-Length (HEAD gets the GET's length), streamed bodies
// in chunks through a bounded pipe (back-pressure on the producer). A write
// failure closes the connection. Timeouts (head, body, idle, write) and a
// connection limit come from HttpOptions. TLS, when configured, is handshaken
// without blocking on the connection's own reactor. Stop() drains: the listener
// closes, new requests on open connections get 503, in-flight ones finish.
#pragma once

#include <cstdint>
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

    /// Binds and starts the reactor and worker threads. Errors: kUnavailable
    /// (address in use, TLS files unreadable), with the reason.
    Status Start();
    /// The bound port (useful with port 0).
    uint16_t port() const;
    /// Graceful stop: refuse new requests (503), wait up to the grace period for
    /// in-flight ones, then stop the threads. Idempotent.
    void Stop();
    /// True once Stop() has begun (new requests get 503).
    bool draining() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mkt::http
