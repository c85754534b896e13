#include "cli/command_util.hpp"

#include <ostream>

namespace mkt::cli {

std::optional<int> ParseCommandLine(const ArgParser& parser, const std::vector<std::string>& args,
                                    CommandContext& ctx, std::string_view command,
                                    ParsedArgs& parsed) {
    auto result = parser.Parse(args);
    if (!result.ok()) return UsageError(ctx, command, result.status().message());
    parsed = std::move(result).value();
    if (ArgParser::WantsHelp(parsed)) {
        ctx.out << parser.Help();
        return kExitOk;
    }
    return std::nullopt;
}

int UsageError(CommandContext& ctx, std::string_view command, std::string_view message) {
    ctx.err << "marketplace " << command << ": " << message << "\n(see 'marketplace " << command
            << " --help')\n";
    return kExitUsage;
}

int Fail(CommandContext& ctx, std::string_view command, const Status& status) {
    ctx.err << "marketplace " << command << ": " << status.message() << "\n";
    return ExitCodeFor(status);
}

}  // namespace mkt::cli
