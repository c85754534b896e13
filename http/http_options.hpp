// Options of the HTTP edge (filled by conf/; defaults documented in docs/configuration.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mkt::http {

struct HttpOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 8204;  // 0 = pick a free port (tests)
    int threads = 0;       // workers that run handlers; 0 = 4 x hardware threads, at least 16
    int queue_size = 0;    // requests that may wait for a worker; 0 = 4 x threads; beyond: 503
    size_t max_body_bytes = 2 << 20;     // larger request bodies get 413
    size_t max_header_bytes = 64 << 10;  // larger header blocks get 431
    /// Public base URL ("https://marketplace.example.org/"); empty = from the Host header.
    std::string public_url;
    /// Honour X-Forwarded-Proto / X-Forwarded-Host (only behind a trusted proxy).
    bool trust_forwarded_headers = false;
    std::string access_log = "-";  // "-" stderr, "off", or a file path
    std::string tls_cert_file;     // both set = HTTPS
    std::string tls_key_file;
    /// Connections held at once; further ones get 503 (plain HTTP) and are closed.
    int max_connections = 4096;
    /// Seconds a request head may take, from the connection's start or from the
    /// first byte of a kept-alive connection's next request (408, then close).
    int head_timeout_seconds = 30;
    /// Longest silence inside a request body (408, then close).
    int body_timeout_seconds = 30;
    /// Seconds a kept-alive connection may sit idle between requests (then closed).
    int idle_timeout_seconds = 60;
    /// Longest time a client may leave a response unread (then the connection is closed).
    int write_timeout_seconds = 60;
    /// Seconds to let in-flight requests finish on SIGTERM.
    int shutdown_grace_seconds = 10;
};

}  // namespace mkt::http
