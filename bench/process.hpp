// Child processes of the benchmark drivers: the marketplace-server under test
// and the load generator (wrk).
//
// Children are started with posix_spawn (no shell, arguments passed as given);
// their output goes to files in a directory the caller owns, so nothing
// interleaves with the driver's own report and a failure can show the child's
// last lines. Not thread-safe: use from the driver's main thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "registry/result.hpp"

namespace mkt::bench {

struct CommandOutput {
    int exit_code = 0;
    std::string out;  // standard output
    std::string err;  // standard error
};

/// Runs argv[0] (searched in PATH when it has no '/') to completion, with its
/// output captured through files named `<work_dir>/<name>.out|.err`.
/// Errors: kUnavailable "cannot run <program>: <reason>" when it cannot start,
/// kInternal when it is killed by a signal. A non-zero exit is a result, not an
/// error (the caller decides).
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 const std::filesystem::path& work_dir, std::string_view name);

/// CPU time (user + system, all threads) this process has used so far.
double OwnCpuSeconds();
/// CPU time of this process's children that have finished and been waited for
/// (RunCommand's), so far.
double FinishedChildrenCpuSeconds();

/// The last `max_lines` lines of a text file (empty when unreadable).
std::string TailOfFile(const std::filesystem::path& file, size_t max_lines = 20);

struct ServerOptions {
    std::filesystem::path binary;       // marketplace-server
    std::filesystem::path work_dir;     // log and port file go here
    std::vector<std::string> settings;  // "key=value", passed as --set
    int start_timeout_seconds = 60;     // until the port file appears
    int stop_timeout_seconds = 30;      // after SIGTERM, before SIGKILL
};

/// marketplace-server run as a child: --port-file tells the driver the port it
/// bound (settings should contain http.port=0); stdout and stderr go to
/// `<work_dir>/server.log`.
class ServerProcess {
  public:
    /// Errors: kUnavailable when the binary cannot be started, exits before
    /// listening (the message quotes the end of its log) or does not write its
    /// port within the start timeout (then it is killed).
    static Result<std::unique_ptr<ServerProcess>> Start(ServerOptions options);
    /// Stops the server (as Stop) if it is still running.
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    /// "http://127.0.0.1:<port>" + path (path starts with '/').
    std::string Url(std::string_view path) const;
    /// The server's start-up line (what it prints once listening), if written.
    std::string StartupLine() const;
    std::filesystem::path log_file() const { return options_.work_dir / "server.log"; }
    /// CPU time (user + system, all threads) the server process and its live
    /// descendants have used so far, from /proc/<pid>/stat (so a wrapper such as
    /// perf passed as the binary counts with the server it runs).
    /// Errors: kUnavailable when the server's entry is not readable.
    Result<double> CpuSeconds() const;

    /// Sends SIGTERM and waits for the exit. Errors: kInternal when the server
    /// exits with a non-zero status or on a signal, or has to be killed after
    /// the stop timeout (the message quotes the end of its log). Idempotent.
    Status Stop();

  private:
    ServerProcess(ServerOptions options, pid_t pid) : options_(std::move(options)), pid_(pid) {}
    Status WaitForPort();

    ServerOptions options_;
    pid_t pid_;
    uint16_t port_ = 0;
    bool running_ = true;
};

}  // namespace mkt::bench
