// ServerProcess: the real marketplace-server binary as a child process, for
// tests that must kill it (crash recovery) or stop it with a signal.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace mkt::testing {

class ServerProcess {
  public:
    /// Starts <build>/server/marketplace-server with `settings` ("key=value",
    /// each passed as --set) on port 0, and waits until it listens. Aborts the
    /// test binary when it does not start within 20 s.
    ServerProcess(const std::filesystem::path& work_dir, std::vector<std::string> settings);
    ~ServerProcess();  // SIGKILL if still running
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::string url(const std::string& path = "") const;
    uint16_t port() const { return port_; }
    /// Sends `signal` and waits for the exit; returns the wait status.
    int Signal(int signal);
    bool running() const { return pid_ > 0; }

  private:
    pid_t pid_ = -1;
    uint16_t port_ = 0;
};

}  // namespace mkt::testing
