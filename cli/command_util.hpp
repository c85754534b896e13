// Helpers every sub-command shares: option parsing with --help and usage
// errors handled the same way, and error reporting with the exit code of
// command.hpp ("marketplace <command>: <message>" on ctx.err).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"

namespace mkt::cli {

/// Parses `args` into `parsed`. Returns nullopt to go on; otherwise the exit
/// code to return at once: 0 after printing the help on ctx.out (--help), 2
/// after printing the usage error and a pointer to --help on ctx.err.
std::optional<int> ParseCommandLine(const ArgParser& parser, const std::vector<std::string>& args,
                                    CommandContext& ctx, std::string_view command,
                                    ParsedArgs& parsed);

/// Prints "marketplace <command>: <message>\n(see 'marketplace <command> --help')"
/// and returns kExitUsage.
int UsageError(CommandContext& ctx, std::string_view command, std::string_view message);

/// Prints "marketplace <command>: <status message>" and returns ExitCodeFor(status).
int Fail(CommandContext& ctx, std::string_view command, const Status& status);

}  // namespace mkt::cli
