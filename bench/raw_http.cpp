#include "bench/raw_http.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mkt::bench {
namespace {

Status SystemError(const std::string& what) {
    return Status::Unavailable(what + ": " + std::strerror(errno));
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
        const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        if (a != prefix[i]) return false;
    }
    return true;
}

}  // namespace

RawHttpConnection::~RawHttpConnection() {
    if (fd_ >= 0) ::close(fd_);
}

Status RawHttpConnection::Connect(const std::string& host, uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) {
        return Status::Unavailable("cannot resolve " + host);
    }
    fd_ = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    const int rc = fd_ < 0 ? -1 : ::connect(fd_, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (rc != 0) return SystemError("cannot connect to " + host + ":" + std::to_string(port));
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    host_ = host + ":" + std::to_string(port);
    return Status::Ok();
}

Status RawHttpConnection::ReadMore() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0) return SystemError("receiving from " + host_);
    if (n == 0) return Status::Unavailable(host_ + " closed the connection");
    buffer_.append(chunk, static_cast<size_t>(n));
    return Status::Ok();
}

Result<RawResponse> RawHttpConnection::Post(const std::string& path,
                                            const std::string& content_type,
                                            const std::string& body) {
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: " + host_ +
                          "\r\nContent-Type: " + content_type +
                          "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    request += body;
    for (size_t sent = 0; sent < request.size();) {
        const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return SystemError("sending to " + host_);
        sent += static_cast<size_t>(n);
    }
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
        MKT_RETURN_IF_ERROR(ReadMore());
    RawResponse response;
    const std::string_view head(buffer_.data(), head_end);
    if (head.size() < 12 || !head.starts_with("HTTP/1.1 ")) {
        return Status::Unavailable("unexpected answer from " + host_);
    }
    std::from_chars(head.data() + 9, head.data() + 12, response.status);
    size_t content_length = 0;
    bool framed = false;
    for (size_t pos = head.find("\r\n"); pos != std::string_view::npos && pos < head.size();) {
        const size_t next = head.find("\r\n", pos + 2);
        const std::string_view line = head.substr(
            pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
        if (StartsWithIgnoreCase(line, "content-length:")) {
            std::string_view v = line.substr(15);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            std::from_chars(v.data(), v.data() + v.size(), content_length);
            framed = true;
        } else if (StartsWithIgnoreCase(line, "location:")) {
            std::string_view v = line.substr(9);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            response.location = std::string(v);
        }
        pos = next;
    }
    if (!framed) return Status::Unavailable("answer from " + host_ + " has no Content-Length");
    const size_t total = head_end + 4 + content_length;
    while (buffer_.size() < total) MKT_RETURN_IF_ERROR(ReadMore());
    response.body = buffer_.substr(head_end + 4, content_length);
    buffer_.erase(0, total);
    return response;
}

Result<HttpUrl> ParseHttpUrl(const std::string& url) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) return Status::InvalidArgument("not an http:// URL: " + url);
    const size_t slash = url.find('/', kScheme.size());
    const std::string authority = url.substr(kScheme.size(), slash - kScheme.size());
    HttpUrl out;
    out.path = slash == std::string::npos ? "/" : url.substr(slash);
    const size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
        unsigned port = 0;
        const std::string p = authority.substr(colon + 1);
        auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
        if (ec != std::errc() || ptr != p.data() + p.size() || port == 0 || port > 65535) {
            return Status::InvalidArgument("bad port in " + url);
        }
        out.port = static_cast<uint16_t>(port);
    }
    return out;
}

}  // namespace mkt::bench
