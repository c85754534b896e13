#include "server/systemd_notify.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace mkt::server {

Result<bool> NotifyServiceManager(std::string_view state) {
    const char* name = std::getenv("NOTIFY_SOCKET");
    if (!name || !*name) return false;
    const std::string_view path(name);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if ((path.front() != '/' && path.front() != '@') || path.size() >= sizeof address.sun_path) {
        return Status::InvalidArgument("NOTIFY_SOCKET '" + std::string(path) +
                                       "' is not an absolute path or @abstract name");
    }
    std::memcpy(address.sun_path, path.data(), path.size());
    if (path.front() == '@') address.sun_path[0] = '\0';  // abstract namespace
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());

    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status::Unavailable(std::string("notify socket: ") + std::strerror(errno));
    const ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
    const int error = errno;
    close(fd);
    if (sent < 0 || static_cast<size_t>(sent) != state.size()) {
        return Status::Unavailable("cannot notify the service manager at " + std::string(path) +
                                   ": " + std::strerror(error));
    }
    return true;
}

std::string ReloadingState() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long long usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
    return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
}

}  // namespace mkt::server
