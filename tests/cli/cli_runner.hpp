// RunCli: the real `marketplace` binary (<build>/cli/marketplace) as a child
// process, for tests of the command-line tool.
//
// The child gets a clean environment (PATH, HOME = `home` so no user
// configuration is read, and `env`), its own session without a controlling
// terminal (a password prompt fails instead of waiting), stdin from `input`,
// and stdout and stderr captured separately. With `terminal_answer` it gets a
// pseudo-terminal as its controlling terminal instead: the answer is typed
// into it once the child wrote something there (the prompt), and what the
// terminal showed is returned.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mkt::testing {

struct CliOptions {
    std::string input = {};                       // stdin
    std::map<std::string, std::string> env = {};  // added to PATH and HOME
    std::filesystem::path home = "/nonexistent";
    std::filesystem::path cwd = {};                   // empty: the test's working directory
    std::optional<std::string> terminal_answer = {};  // typed on a pseudo-terminal
    int timeout_seconds = 60;
};

struct CliResult {
    int exit_code = -1;  // 128 + signal when killed by a signal
    std::string out, err;
    std::string terminal;  // what the pseudo-terminal displayed
};

/// Runs `marketplace args...`. Aborts the test binary when the child cannot be started.
CliResult RunCli(const std::vector<std::string>& args, const CliOptions& options = {});

/// Path of the binary under test.
std::filesystem::path CliBinary();

}  // namespace mkt::testing
