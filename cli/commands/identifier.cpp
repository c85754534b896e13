// marketplace identifier SHA1|ID: converts between an image's SHA-1 and its
// 27-character Marketplace identifier (registry/identifier.hpp), either way.
#include "registry/identifier.hpp"

#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "identifier";

const ArgParser& Parser() {
    static const ArgParser parser(
        "identifier SHA1|ID",
        "Prints the identifier of an image SHA-1 (hex), or the SHA-1 (40 lowercase hex\n"
        "digits) of an identifier. A 27-character identifier is recognised as such.",
        {});
    return parser;
}

}  // namespace

int RunIdentifier(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().size() != 1) return UsageError(ctx, kName, "expected one SHA1 or ID");
    const std::string& value = parsed.positional()[0];
    auto converted =
        identifier::IsValid(value) ? identifier::ToSha1Hex(value) : identifier::FromSha1Hex(value);
    if (!converted.ok()) return Fail(ctx, kName, converted.status());
    ctx.out << *converted << "\n";
    return kExitOk;
}

}  // namespace mkt::cli
