#include "tests/support/glance_process.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kPasteIni = "/etc/glance/glance-api-paste.ini";
// Under load (a parallel build on two cores) db_sync took 15 s and glance-api
// 35 s to answer; the deadline leaves room for a busier machine.
constexpr auto kStartDeadline = std::chrono::seconds(240);

std::string FindProgram(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
    dirs += ":/usr/bin";
    std::stringstream ss(dirs);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (dir.empty()) continue;
        const fs::path candidate = fs::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

std::string Tail(const fs::path& file, size_t max_bytes = 3000) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
    return text;
}

Result<uint16_t> FreeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status::Unavailable(std::string("socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        return Status::Unavailable(std::string("bind: ") + std::strerror(errno));
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string Config(const fs::path& dir, uint16_t port) {
    const std::string d = dir.string();
    return "# Written by the Marketplace tests (tests/support/glance_process.cpp).\n"
           "[DEFAULT]\n"
           "bind_host = 127.0.0.1\n"
           "bind_port = " +
           std::to_string(port) +
           "\n"
           "workers = 1\n"
           "enabled_backends = fs:file\n"
           "use_stderr = true\n"
           "[paste_deploy]\n"
           "flavor =\n"
           "config_file = " +
           d +
           "/glance-api-paste.ini\n"
           "[database]\n"
           "connection = sqlite:///" +
           d +
           "/glance.sqlite\n"
           "[glance_store]\n"
           "default_backend = fs\n"
           "[fs]\n"
           "filesystem_store_datadir = " +
           d +
           "/images\n"
           "[os_glance_staging_store]\n"
           "filesystem_store_datadir = " +
           d +
           "/staging\n"
           "[os_glance_tasks_store]\n"
           "filesystem_store_datadir = " +
           d +
           "/tasks\n"
           "[oslo_concurrency]\n"
           "lock_path = " +
           d + "/locks\n";
}

/// Forks and execs `argv` with stdout and stderr appended to `log`, in a new
/// session (its own process group). Returns the child's pid.
Result<pid_t> Spawn(const std::vector<std::string>& argv, const fs::path& log,
                    bool die_with_parent) {
    std::fflush(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) return Status::Unavailable(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::setsid();
        if (die_with_parent) {
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent) _exit(1);
        }
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
            ::close(fd);
        }
        const int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
        // Nothing else is inherited: ctest waits for every copy of a test's
        // output pipe to close, and Glance outlives the fixture process.
        ::close_range(3, ~0U, 0);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

/// Whether `pid` still runs (a zombie does not; not every PID 1 reaps).
bool Running(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    if (::kill(pid, 0) != 0) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const size_t close = line.rfind(')');
    return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

/// One GET /v2/images on a raw socket: true when the answer is 200.
bool AnswersOk(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        const std::string request =
            "GET /v2/images?limit=1 HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: "
            "application/json\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
            char buffer[64] = {};
            const ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, 0);
            ok = n > 12 && std::strncmp(buffer + 8, " 200", 4) == 0;
        }
    }
    ::close(fd);
    return ok;
}

uint16_t PortOf(const std::string& url) {
    const size_t colon = url.rfind(':');
    return colon == std::string::npos
               ? 0
               : static_cast<uint16_t>(std::strtoul(url.c_str() + colon + 1, nullptr, 10));
}

Result<GlanceInstance> StartOnce(const fs::path& dir, const std::string& api, bool die_with_parent,
                                 bool& port_taken) {
    port_taken = false;
    MKT_ASSIGN_OR_RETURN(const uint16_t port, FreeLoopbackPort());
    const fs::path conf = dir / "glance-api.conf";
    WriteFile(conf, Config(dir, port));
    const fs::path log = dir / "glance-api.log";
    MKT_ASSIGN_OR_RETURN(const pid_t pid,
                         Spawn({api, "--config-file", conf.string()}, log, die_with_parent));
    const auto deadline = Clock::now() + kStartDeadline;
    while (Clock::now() < deadline) {
        if (AnswersOk(port)) return GlanceInstance{pid, "http://127.0.0.1:" + std::to_string(port)};
        if (!Running(pid)) {
            const std::string tail = Tail(log);
            port_taken = tail.find("Address already in use") != std::string::npos;
            return Status::Unavailable("glance-api exited before answering; end of " +
                                       log.string() + ":\n" + tail);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    StopGlance(pid);
    return Status::Unavailable("glance-api did not answer GET /v2/images within " +
                               std::to_string(kStartDeadline.count()) + " s; end of " +
                               log.string() + ":\n" + Tail(log));
}

}  // namespace

Result<GlanceInstance> StartGlance(const fs::path& dir, bool die_with_parent) {
    const std::string api = FindProgram("glance-api");
    const std::string manage = FindProgram("glance-manage");
    if (api.empty() || manage.empty() || !fs::exists(kPasteIni)) {
        return Status::NotFound(
            "glance-api is not installed (Debian package glance-api: scripts/install-deps "
            "installs it, or apt-get install glance-api); the Glance tests need a real Glance");
    }
    std::error_code ec;
    for (const char* sub : {"images", "staging", "tasks", "locks"}) {
        fs::create_directories(dir / sub, ec);
        if (ec) return Status::Unavailable("cannot create " + (dir / sub).string());
    }
    fs::copy_file(kPasteIni, dir / "glance-api-paste.ini", fs::copy_options::overwrite_existing,
                  ec);
    if (ec)
        return Status::Unavailable(std::string("cannot copy ") + kPasteIni + ": " + ec.message());
    // db_sync needs the [database] section only; the port is filled in per start.
    const fs::path conf = dir / "glance-api.conf";
    WriteFile(conf, Config(dir, 0));
    const fs::path sync_log = dir / "db_sync.log";
    MKT_ASSIGN_OR_RETURN(
        const pid_t sync,
        Spawn({manage, "--config-file", conf.string(), "db_sync"}, sync_log, die_with_parent));
    int status = 0;
    ::waitpid(sync, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return Status::Unavailable("glance-manage db_sync failed; end of " + sync_log.string() +
                                   ":\n" + Tail(sync_log));
    }
    Status last;
    for (int attempt = 0; attempt < 3; ++attempt) {
        bool port_taken = false;
        auto started = StartOnce(dir, api, die_with_parent, port_taken);
        if (started.ok() || !port_taken) return started;
        last = started.status();
    }
    return last;
}

void StopGlance(pid_t pid) {
    if (pid <= 0) return;
    ::kill(-pid, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (Running(pid) && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(-pid, SIGKILL);
    const auto reap = Clock::now() + std::chrono::seconds(5);
    while (Running(pid) && Clock::now() < reap) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

bool GlanceAnswers(const std::string& url) {
    const uint16_t port = PortOf(url);
    return port != 0 && AnswersOk(port);
}

const std::string& SharedGlanceUrl() {
    static const std::string url = [] {
        const fs::path state = BinaryDir() / "glance-fixture" / "url";
        if (fs::exists(state)) {
            std::ifstream in(state);
            std::string from_fixture;
            in >> from_fixture;
            if (GlanceAnswers(from_fixture)) return from_fixture;
            std::fprintf(stderr,
                         "glance: %s names %s, which does not answer; starting a Glance for this "
                         "process\n",
                         state.c_str(), from_fixture.c_str());
        }
        // A test binary run by hand: a Glance of its own, gone with the process.
        static TempDir dir;
        auto started = StartGlance(dir.path(), true);
        if (!started.ok()) {
            std::fprintf(stderr, "glance: %s\n", started.status().message().c_str());
            std::abort();
        }
        static const pid_t pid = started->pid;
        std::atexit([] { StopGlance(pid); });
        return started->url;
    }();
    return url;
}

}  // namespace mkt::testing
