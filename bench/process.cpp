#include "bench/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mkt::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string ReadWholeFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct ProcStat {
    pid_t ppid = 0;
    unsigned long long ticks = 0;  // utime + stime, all threads
};

// Fields of /proc/<pid>/stat; nullopt when the process is gone or the file odd.
std::optional<ProcStat> ReadProcStat(const std::filesystem::path& path) {
    const std::string stat = ReadWholeFile(path);
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 2 > stat.size()) return std::nullopt;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    ProcStat result;
    for (int i = 3; i <= 15 && fields >> field; ++i) {  // state is field 3
        if (i == 4) result.ppid = static_cast<pid_t>(std::stol(field));
        if (i == 14 || i == 15) result.ticks += std::stoull(field);  // utime, stime
    }
    if (!fields) return std::nullopt;
    return result;
}

// Spawns argv with stdout and stderr redirected to the given files (truncated).
Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::filesystem::path& out_file,
                    const std::filesystem::path& err_file) {
    if (argv.empty()) return Status::Internal("Spawn: empty command line");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err_file == out_file) {
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return Status::Unavailable("cannot run " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

// Waits up to `timeout` for `pid`; the wait status, or nullopt while it still runs.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        int status = 0;
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return 0;  // not our child any more: nothing to wait for
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string DescribeExit(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
    return "stopped";
}

}  // namespace

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 const std::filesystem::path& work_dir, std::string_view name) {
    const auto out_file = work_dir / (std::string(name) + ".out");
    const auto err_file = work_dir / (std::string(name) + ".err");
    MKT_ASSIGN_OR_RETURN(pid_t pid, Spawn(argv, out_file, err_file));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return Status::Internal("waitpid " + argv[0] + ": " + std::strerror(errno));
    }
    if (!WIFEXITED(status)) return Status::Internal(argv[0] + " " + DescribeExit(status));
    return CommandOutput{WEXITSTATUS(status), ReadWholeFile(out_file), ReadWholeFile(err_file)};
}

namespace {

double CpuSecondsOf(int who) {
    rusage usage{};
    getrusage(who, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

double OwnCpuSeconds() { return CpuSecondsOf(RUSAGE_SELF); }

double FinishedChildrenCpuSeconds() { return CpuSecondsOf(RUSAGE_CHILDREN); }

std::string TailOfFile(const std::filesystem::path& file, size_t max_lines) {
    std::ifstream in(file);
    std::deque<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(std::move(line));
        if (lines.size() > max_lines) lines.pop_front();
    }
    std::string tail;
    for (const auto& l : lines) tail += "  | " + l + "\n";
    return tail;
}

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(ServerOptions options) {
    const auto port_file = options.work_dir / "server.port";
    std::filesystem::remove(port_file);
    std::vector<std::string> argv = {options.binary.string(), "--port-file", port_file.string()};
    for (const auto& s : options.settings) {
        argv.push_back("--set");
        argv.push_back(s);
    }
    const auto log = options.work_dir / "server.log";
    MKT_ASSIGN_OR_RETURN(pid_t pid, Spawn(argv, log, log));
    std::unique_ptr<ServerProcess> server(new ServerProcess(std::move(options), pid));
    MKT_RETURN_IF_ERROR(server->WaitForPort());
    return server;
}

Status ServerProcess::WaitForPort() {
    const auto port_file = options_.work_dir / "server.port";
    const auto deadline = Clock::now() + std::chrono::seconds(options_.start_timeout_seconds);
    while (Clock::now() < deadline) {
        if (auto exited = WaitFor(pid_, std::chrono::milliseconds(20))) {
            running_ = false;
            return Status::Unavailable(options_.binary.string() + " " + DescribeExit(*exited) +
                                       " before listening; its log ends with:\n" +
                                       TailOfFile(log_file()));
        }
        std::ifstream in(port_file);
        unsigned port = 0;
        if (in >> port && port > 0 && port < 65536) {
            port_ = static_cast<uint16_t>(port);
            return Status::Ok();
        }
    }
    (void)Stop();
    return Status::Unavailable(options_.binary.string() + " wrote no port file within " +
                               std::to_string(options_.start_timeout_seconds) +
                               " s; its log ends with:\n" + TailOfFile(log_file()));
}

ServerProcess::~ServerProcess() {
    if (running_) (void)Stop();
}

std::string ServerProcess::Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

Result<double> ServerProcess::CpuSeconds() const {
    // The server and every live descendant (a wrapper such as perf or strace
    // passed as --server runs the real server as its child).
    std::map<pid_t, pid_t> parent;
    std::map<pid_t, unsigned long long> ticks;
    for (const auto& dir : std::filesystem::directory_iterator("/proc")) {
        const std::string name = dir.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        if (auto stat = ReadProcStat(dir.path() / "stat")) {
            const auto pid = static_cast<pid_t>(std::stol(name));
            parent[pid] = stat->ppid;
            ticks[pid] = stat->ticks;
        }
    }
    if (!ticks.count(pid_))
        return Status::Unavailable("cannot read /proc/" + std::to_string(pid_) + "/stat");
    unsigned long long total = 0;
    for (const auto& [pid, t] : ticks) {
        for (pid_t p = pid; p > 1; p = parent.count(p) ? parent[p] : 0) {
            if (p == pid_) {
                total += t;
                break;
            }
        }
    }
    return static_cast<double>(total) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string ServerProcess::StartupLine() const {
    std::ifstream in(log_file());
    for (std::string line; std::getline(in, line);) {
        if (line.find("listening on") != std::string::npos) return line;
    }
    return {};
}

Status ServerProcess::Stop() {
    if (!running_) return Status::Ok();
    running_ = false;
    kill(pid_, SIGTERM);
    auto exited = WaitFor(pid_, std::chrono::seconds(options_.stop_timeout_seconds));
    if (!exited) {
        kill(pid_, SIGKILL);
        WaitFor(pid_, std::chrono::seconds(10));
        return Status::Internal(options_.binary.string() + " did not stop within " +
                                std::to_string(options_.stop_timeout_seconds) +
                                " s of SIGTERM and was killed; its log ends with:\n" +
                                TailOfFile(log_file()));
    }
    if (!WIFEXITED(*exited) || WEXITSTATUS(*exited) != 0) {
        return Status::Internal(options_.binary.string() + " " + DescribeExit(*exited) +
                                " after SIGTERM; its log ends with:\n" + TailOfFile(log_file()));
    }
    return Status::Ok();
}

}  // namespace mkt::bench
