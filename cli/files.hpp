// Local files of the `marketplace` tool: "-" means stdin or stdout, and an
// output file is replaced atomically (written beside it, then renamed), so an
// interrupted run never leaves half a document behind.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "registry/result.hpp"

namespace mkt::cli {

/// The whole file ("-": all of stdin). Errors: IoError "cannot read <path>: <reason>".
Result<std::string> ReadInput(const std::string& path);

/// Writes `bytes` to `path` ("-": to `stdout_stream`), replacing it atomically;
/// an existing file keeps its permission bits. Errors: IoError "cannot write <path>: <reason>".
Status WriteOutput(const std::string& path, std::string_view bytes, std::ostream& stdout_stream);

/// The first line of a file without its line ending (secrets kept in files).
/// Errors: as ReadInput.
Result<std::string> ReadFirstLine(const std::string& path);

}  // namespace mkt::cli
