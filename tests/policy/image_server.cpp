#include "tests/policy/image_server.hpp"

#include <cstdlib>
#include <cstring>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mkt::testing {
namespace {

void SendAll(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) return;
        data += n;
        size -= static_cast<size_t>(n);
    }
}

}  // namespace

ImageServer::ImageServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        std::abort();
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
}

ImageServer::~ImageServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
}

void ImageServer::Serve(const std::string& path, ServedFile file) {
    std::lock_guard lock(mu_);
    files_[path] = std::move(file);
}

std::string ImageServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<std::string> ImageServer::ranges() const {
    std::lock_guard lock(mu_);
    return ranges_;
}

void ImageServer::Loop() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        Handle(fd);
        ::close(fd);
    }
}

void ImageServer::Handle(int fd) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) return;
        request.append(buffer, static_cast<size_t>(n));
    }
    const size_t sp = request.find(' ');
    const std::string path = request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
    std::string range;
    if (const size_t at = request.find("\r\nRange: bytes="); at != std::string::npos) {
        range = request.substr(at + 15, request.find("\r\n", at + 2) - at - 15);
    }
    std::unique_lock lock(mu_);
    ranges_.push_back(range);
    auto it = files_.find(path);
    if (it == files_.end()) {
        lock.unlock();
        const std::string answer =
            "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n";
        SendAll(fd, answer.data(), answer.size());
        return;
    }
    ServedFile& file = it->second;
    const bool cut = file.cut_after && file.cut_times > 0;
    if (cut) --file.cut_times;
    const ServedFile f = file;
    lock.unlock();
    size_t start = 0;
    std::string head = "HTTP/1.1 200 OK\r\n";
    if (!range.empty() && f.ranges) {
        start = std::strtoull(range.c_str(), nullptr, 10);
        head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(start) +
               "-" + std::to_string(f.body.size() - 1) + "/" + std::to_string(f.body.size()) +
               "\r\n";
    }
    if (f.content_length) {
        head += "Content-Length: " + std::to_string(f.body.size() - start) + "\r\n";
    }
    head += "Accept-Ranges: " + std::string(f.ranges ? "bytes" : "none") +
            "\r\nConnection: close\r\n\r\n";
    SendAll(fd, head.data(), head.size());
    size_t end = f.body.size();
    if (cut) end = std::min(end, std::max(start, *f.cut_after));
    SendAll(fd, f.body.data() + start, end - start);
}

}  // namespace mkt::testing
