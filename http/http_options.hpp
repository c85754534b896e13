// Options of the HTTP edge (filled by conf/; defaults documented in docs/configuration.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mkt::http {

struct HttpOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 8204;                // 0 = pick a free port (tests)
    int threads = 0;                     // 0 = 2 x hardware threads, at least 4
    size_t max_body_bytes = 2 << 20;     // larger request bodies get 413
    size_t max_header_bytes = 64 << 10;  // larger header blocks get 431
    /// Public base URL ("https://marketplace.example.org/"); empty = from the Host header.
    std::string public_url;
    /// Honour X-Forwarded-Proto / X-Forwarded-Host (only behind a trusted proxy).
    bool trust_forwarded_headers = false;
    std::string access_log = "-";  // "-" stderr, "off", or a file path
    std::string tls_cert_file;     // both set = HTTPS
    std::string tls_key_file;
    /// Seconds to let in-flight requests finish on SIGTERM.
    int shutdown_grace_seconds = 10;
};

}  // namespace mkt::http
