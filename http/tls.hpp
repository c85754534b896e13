// TLS for the HTTP edge (the one user of OpenSSL's libssl): a server context
// loaded from PEM files and a non-blocking session per connection. The
// handshake runs inside Read/Write on the connection's reactor thread, a few
// bytes at a time as they arrive, so a client that connects and sends nothing
// holds only its own connection (until the head timeout), never the accept
// loop or other clients.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "registry/result.hpp"

namespace mkt::http {

/// What a non-blocking read or write did.
struct IoResult {
    enum class Kind { kDone, kWouldBlock, kClosed, kFailed };
    Kind kind = Kind::kDone;
    size_t bytes = 0;          // kDone: bytes read or written (> 0)
    bool wants_write = false;  // kWouldBlock: retry when the socket is writable
};

class TlsSession;

class TlsContext {
  public:
    /// Loads the certificate chain and the key. Errors: kUnavailable naming the
    /// file and OpenSSL's reason.
    static Result<std::unique_ptr<TlsContext>> Load(const std::string& cert_file,
                                                    const std::string& key_file);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    /// A server session on the connected, non-blocking socket `fd` (not owned).
    std::unique_ptr<TlsSession> Accept(int fd) const;

  private:
    struct State;
    explicit TlsContext(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

class TlsSession {
  public:
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    IoResult Read(char* buffer, size_t size);
    IoResult Write(const char* data, size_t size);
    /// Sends close_notify (best effort, non-blocking).
    void Shutdown();

  private:
    friend class TlsContext;
    struct State;
    explicit TlsSession(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace mkt::http
