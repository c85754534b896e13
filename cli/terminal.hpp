// Terminal helpers of the `marketplace` tool: a password prompt that never
// echoes, and aligned tables for listings on a terminal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/result.hpp"

namespace mkt::cli {

/// Writes `prompt` to the controlling terminal (/dev/tty, so stdin and stdout
/// stay free for documents), reads one line with echo off and restores the
/// terminal (also on Ctrl-C, which then ends the program as usual).
/// Errors: kInvalidArgument "no terminal to ask for <what> on ..." when the
/// process has no controlling terminal, IoError when reading fails.
Result<std::string> ReadSecretFromTerminal(std::string_view prompt, std::string_view what);

/// Rows (the first is the header) as left-aligned columns separated by two
/// spaces; widths count UTF-8 characters, not bytes. Cells wider than
/// `max_width` are cut with "…" (0: no limit). Trailing blanks are trimmed.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows, size_t max_width = 0);

/// Number of UTF-8 characters (code points) in `text`.
size_t DisplayWidth(std::string_view text);

}  // namespace mkt::cli
