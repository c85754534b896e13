// The shape of a `marketplace` sub-command and the exit codes scripts rely on.
//
// Exit codes (docs/cli.md): 0 success; 1 rejected or invalid (a server refusal,
// an invalid document, a policy refusal; `validate` exits with the number of
// invalid files, capped at 125); 2 usage error; 3 I/O or network failure.
// The Status codes have no "I/O error": cli/ reports a local file it cannot
// read or write with IoError() (kUnavailable, like an unreachable server:
// both are failures of the environment, not verdicts on the input).
// Each sub-command lives in cli/commands/<name>.cpp and is registered in
// cli/main.cpp; it writes results to ctx.out and messages to ctx.err.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/client_config.hpp"
#include "registry/status.hpp"

namespace mkt::redland {
class World;
}

namespace mkt::cli {

enum ExitCode : int { kExitOk = 0, kExitRejected = 1, kExitUsage = 2, kExitIo = 3 };

/// The exit code for a failed Status: kUnavailable (network, local files),
/// kDeadlineExceeded and kInternal -> 3; everything the server or a check
/// refused (every other code) -> 1; OK -> 0.
int ExitCodeFor(const Status& status);

/// A local file problem ("cannot read x.xml: No such file or directory"), exit 3.
Status IoError(std::string message);

struct CommandContext {
    ClientConfig config;  // file + environment + global options, already merged
    std::ostream& out;    // results (documents, tables, JSON)
    std::ostream& err;    // messages, progress
    bool out_is_terminal = false;
    bool err_is_terminal = false;
    bool quiet = false;
    bool verbose = false;
    /// The process's Raptor world pool (main creates it before anything else);
    /// `validate` runs the server's RDF check with it.
    const redland::World* rdf_world = nullptr;
};

struct Command {
    const char* name;
    const char* summary;  // one line for `marketplace --help`
    /// `args` are the arguments after the sub-command name.
    int (*run)(const std::vector<std::string>& args, CommandContext& ctx);
};

}  // namespace mkt::cli
