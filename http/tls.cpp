#include "http/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace mkt::http {
namespace {

std::string LastOpenSslError() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

}  // namespace

struct TlsContext::State {
    SSL_CTX* ctx = nullptr;
    ~State() { SSL_CTX_free(ctx); }
};

struct TlsSession::State {
    SSL* ssl = nullptr;
    ~State() { SSL_free(ssl); }
};

TlsContext::TlsContext(std::unique_ptr<State> state) : state_(std::move(state)) {}
TlsContext::~TlsContext() = default;

Result<std::unique_ptr<TlsContext>> TlsContext::Load(const std::string& cert_file,
                                                     const std::string& key_file) {
    auto state = std::make_unique<State>();
    state->ctx = SSL_CTX_new(TLS_server_method());
    if (!state->ctx) return Status::Unavailable("TLS: " + LastOpenSslError());
    SSL_CTX_set_min_proto_version(state->ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(state->ctx,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_use_certificate_chain_file(state->ctx, cert_file.c_str()) != 1) {
        return Status::Unavailable("TLS certificate " + cert_file + ": " + LastOpenSslError());
    }
    if (SSL_CTX_use_PrivateKey_file(state->ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        return Status::Unavailable("TLS key " + key_file + ": " + LastOpenSslError());
    }
    if (SSL_CTX_check_private_key(state->ctx) != 1) {
        return Status::Unavailable("TLS key " + key_file + " does not match certificate " +
                                   cert_file);
    }
    return std::unique_ptr<TlsContext>(new TlsContext(std::move(state)));
}

std::unique_ptr<TlsSession> TlsContext::Accept(int fd) const {
    auto state = std::make_unique<TlsSession::State>();
    state->ssl = SSL_new(state_->ctx);
    if (!state->ssl || SSL_set_fd(state->ssl, fd) != 1) return nullptr;
    SSL_set_accept_state(state->ssl);
    return std::unique_ptr<TlsSession>(new TlsSession(std::move(state)));
}

TlsSession::TlsSession(std::unique_ptr<State> state) : state_(std::move(state)) {}
TlsSession::~TlsSession() = default;

namespace {

IoResult FromSslResult(SSL* ssl, int n) {
    if (n > 0) return {IoResult::Kind::kDone, static_cast<size_t>(n), false};
    switch (SSL_get_error(ssl, n)) {
        case SSL_ERROR_WANT_READ:
            return {IoResult::Kind::kWouldBlock, 0, false};
        case SSL_ERROR_WANT_WRITE:
            return {IoResult::Kind::kWouldBlock, 0, true};
        case SSL_ERROR_ZERO_RETURN:
            return {IoResult::Kind::kClosed, 0, false};
        default:
            ERR_clear_error();
            return {IoResult::Kind::kFailed, 0, false};
    }
}

}  // namespace

IoResult TlsSession::Read(char* buffer, size_t size) {
    ERR_clear_error();
    return FromSslResult(state_->ssl, SSL_read(state_->ssl, buffer, static_cast<int>(size)));
}

IoResult TlsSession::Write(const char* data, size_t size) {
    ERR_clear_error();
    return FromSslResult(state_->ssl, SSL_write(state_->ssl, data, static_cast<int>(size)));
}

void TlsSession::Shutdown() {
    if (SSL_is_init_finished(state_->ssl)) SSL_shutdown(state_->ssl);
    ERR_clear_error();
}

}  // namespace mkt::http
