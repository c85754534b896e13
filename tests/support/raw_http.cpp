#include "tests/support/raw_http.hpp"

#include <charconv>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "registry/text.hpp"

namespace mkt::testing {

std::optional<std::string> RawResponse::Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (text::EqualsIgnoreCase(k, name)) return v;
    }
    return std::nullopt;
}

RawConnection::RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        Close();
    }
}

RawConnection::~RawConnection() { Close(); }

void RawConnection::Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool RawConnection::Send(std::string_view bytes) {
    while (fd_ >= 0 && !bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return fd_ >= 0;
}

bool RawConnection::Fill(int timeout_seconds) {
    if (fd_ < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_seconds * 1000) <= 0) return false;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    buffer_.append(buffer, static_cast<size_t>(n));
    return true;
}

std::string RawConnection::ReadSome(size_t size, int timeout_seconds) {
    if (buffer_.empty() && !Fill(timeout_seconds)) return {};
    std::string out = buffer_.substr(0, size);
    buffer_.erase(0, out.size());
    return out;
}

bool RawConnection::ClosedByServer(int timeout_seconds) {
    if (fd_ < 0) return false;
    for (;;) {
        buffer_.clear();
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_seconds * 1000) <= 0) return false;
        char buffer[65536];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) return true;  // EOF or reset: closed
    }
}

namespace {

std::optional<size_t> ParseSize(std::string_view text, int base) {
    size_t value = 0;
    text = text::TrimBlanks(text);
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || text.empty()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<RawResponse> RawConnection::Read(bool head_only, int timeout_seconds) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!Fill(timeout_seconds)) return std::nullopt;
    }
    const std::string head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    RawResponse response;
    if (!head.starts_with("HTTP/1.1 ") || head.size() < 12) return std::nullopt;
    response.status = std::stoi(head.substr(9, 3));
    for (size_t pos = head.find("\r\n") + 2; pos < head.size();) {
        const size_t line_end = head.find("\r\n", pos);
        const std::string line = head.substr(pos, line_end - pos);
        pos = line_end + 2;
        const size_t colon = line.find(':');
        if (colon == std::string::npos) return std::nullopt;
        response.headers.emplace_back(line.substr(0, colon),
                                      std::string(text::TrimBlanks(line.substr(colon + 1))));
    }
    if (head_only || response.status == 204 || response.status == 304 || response.status < 200) {
        return response;
    }
    if (auto coding = response.Header("Transfer-Encoding");
        coding && text::EqualsIgnoreCase(*coding, "chunked")) {
        response.chunked = true;
        for (;;) {
            size_t line_end;
            while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
                if (!Fill(timeout_seconds)) return std::nullopt;
            }
            auto size = ParseSize(buffer_.substr(0, line_end), 16);
            if (!size) return std::nullopt;
            while (buffer_.size() < line_end + 2 + *size + 2) {
                if (!Fill(timeout_seconds)) return std::nullopt;
            }
            response.body.append(buffer_, line_end + 2, *size);
            buffer_.erase(0, line_end + 2 + *size + 2);
            if (*size == 0) return response;
        }
    }
    const auto length = ParseSize(response.Header("Content-Length").value_or("0"), 10);
    if (!length) return std::nullopt;
    while (buffer_.size() < *length) {
        if (!Fill(timeout_seconds)) return std::nullopt;
    }
    response.body = buffer_.substr(0, *length);
    buffer_.erase(0, *length);
    return response;
}

}  // namespace mkt::testing
