#include "tests/support/server_process.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/paths.hpp"

namespace mkt::testing {

ServerProcess::ServerProcess(const std::filesystem::path& work_dir,
                             std::vector<std::string> settings) {
    const auto binary = BinaryDir() / "server/marketplace-server";
    const auto port_file = work_dir / "server.port";
    std::filesystem::remove(port_file);
    std::vector<std::string> args = {binary.string(), "--port-file", port_file.string(), "--set",
                                     "http.port=0"};
    for (auto& s : settings) {
        args.push_back("--set");
        args.push_back(std::move(s));
    }
    const auto log = (work_dir / "server.log").string();
    std::fflush(nullptr);  // the child must not inherit (and print again) buffered output
    pid_ = fork();
    if (pid_ == 0) {
        std::freopen(log.c_str(), "a", stdout);
        std::freopen(log.c_str(), "a", stderr);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(port_file);
        unsigned port = 0;
        if (in >> port && port > 0) {
            port_ = static_cast<uint16_t>(port);
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::fprintf(stderr, "ServerProcess: %s did not start; see %s\n", binary.c_str(), log.c_str());
    std::abort();
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) Signal(SIGKILL);
}

std::string ServerProcess::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
}

int ServerProcess::Signal(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
}

}  // namespace mkt::testing
