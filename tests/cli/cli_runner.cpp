#include "tests/cli/cli_runner.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/paths.hpp"

namespace mkt::testing {
namespace {

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "RunCli: %s: %s\n", what.c_str(), std::strerror(errno));
    std::abort();
}

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) Die("pipe");
        read = fds[0];
        write = fds[1];
    }
};

std::vector<std::string> ChildEnvironment(const CliOptions& options) {
    const char* path = std::getenv("PATH");
    std::vector<std::string> env = {std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
                                    "HOME=" + options.home.string()};
    for (const auto& [k, v] : options.env) env.push_back(k + "=" + v);
    return env;
}

// In the child: the pseudo-terminal's slave becomes the controlling terminal.
void AttachTerminal(int slave) {
    if (ioctl(slave, TIOCSCTTY, 0) != 0) _exit(126);
}

[[noreturn]] void ExecChild(const std::vector<std::string>& args, const CliOptions& options,
                            Pipe& in, Pipe& out, Pipe& err, int master, int slave) {
    setsid();
    if (master >= 0) close(master);
    if (slave >= 0) AttachTerminal(slave);
    dup2(in.read, 0);
    dup2(out.write, 1);
    dup2(err.write, 2);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(125);
    std::vector<std::string> argv_strings = {CliBinary().string()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<std::string> env_strings = ChildEnvironment(options);
    std::vector<char*> argv, envp;
    for (auto& a : argv_strings) argv.push_back(a.data());
    for (auto& e : env_strings) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
}

// Reads what is available on `fd` into `sink`; false at end of file.
bool Drain(int fd, std::string& sink) {
    char buffer[65536];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) sink.append(buffer, static_cast<size_t>(n));
    return n > 0 || (n < 0 && errno == EINTR);
}

}  // namespace

std::filesystem::path CliBinary() { return BinaryDir() / "cli" / "marketplace"; }

CliResult RunCli(const std::vector<std::string>& args, const CliOptions& options) {
    std::signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test
    Pipe in, out, err;
    int master = -1, slave = -1;
    if (options.terminal_answer && openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
        Die("openpty");
    }
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) Die("fork");
    if (pid == 0) ExecChild(args, options, in, out, err, master, slave);
    close(in.read);
    close(out.write);
    close(err.write);
    if (slave >= 0) close(slave);

    CliResult result;
    size_t written = 0;
    bool answered = false;
    int stdin_fd = in.write;
    if (options.input.empty()) {
        close(stdin_fd);
        stdin_fd = -1;
    }
    bool out_open = true, err_open = true, terminal_open = master >= 0;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
    while ((out_open || err_open) && std::chrono::steady_clock::now() < deadline) {
        pollfd fds[4] = {{out_open ? out.read : -1, POLLIN, 0},
                         {err_open ? err.read : -1, POLLIN, 0},
                         {stdin_fd, POLLOUT, 0},
                         {terminal_open ? master : -1, POLLIN, 0}};
        if (poll(fds, 4, 100) < 0 && errno != EINTR) Die("poll");
        if (fds[0].revents) out_open = Drain(out.read, result.out);
        if (fds[1].revents) err_open = Drain(err.read, result.err);
        if (stdin_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const ssize_t n =
                write(stdin_fd, options.input.data() + written, options.input.size() - written);
            if (n > 0) written += static_cast<size_t>(n);
            if (n < 0 || written == options.input.size()) {
                close(stdin_fd);
                stdin_fd = -1;
            }
        }
        if (fds[3].revents & POLLIN) {
            terminal_open = Drain(master, result.terminal);
            if (!answered && !result.terminal.empty()) {
                const std::string typed = *options.terminal_answer + "\n";
                if (write(master, typed.data(), typed.size()) < 0) Die("write to the terminal");
                answered = true;
            }
        } else if (fds[3].revents) {
            terminal_open = false;  // hung up: the child closed its terminal
        }
    }
    if (out_open || err_open) kill(pid, SIGKILL);
    if (stdin_fd >= 0) close(stdin_fd);
    close(out.read);
    close(err.read);
    int status = 0;
    waitpid(pid, &status, 0);
    if (master >= 0) {
        while (true) {  // what the terminal still shows (the newline after the answer)
            pollfd pfd{master, POLLIN, 0};
            if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLIN) || !Drain(master, result.terminal))
                break;
        }
        close(master);
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

}  // namespace mkt::testing
