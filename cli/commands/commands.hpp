// Every sub-command of `marketplace`, one file each in cli/commands/.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"

namespace mkt::cli {

int RunBuild(const std::vector<std::string>& args, CommandContext& ctx);       // build.cpp
int RunSign(const std::vector<std::string>& args, CommandContext& ctx);        // sign.cpp
int RunValidate(const std::vector<std::string>& args, CommandContext& ctx);    // validate.cpp
int RunUpload(const std::vector<std::string>& args, CommandContext& ctx);      // upload.cpp
int RunDeprecate(const std::vector<std::string>& args, CommandContext& ctx);   // deprecate.cpp
int RunGet(const std::vector<std::string>& args, CommandContext& ctx);         // get.cpp
int RunSearch(const std::vector<std::string>& args, CommandContext& ctx);      // search.cpp
int RunIdentifier(const std::vector<std::string>& args, CommandContext& ctx);  // identifier.cpp
int RunOcciLink(const std::vector<std::string>& args, CommandContext& ctx);    // occi_link.cpp
int RunPolicy(const std::vector<std::string>& args, CommandContext& ctx);      // policy.cpp
int RunDownload(const std::vector<std::string>& args, CommandContext& ctx);    // download.cpp
int RunQuery(const std::vector<std::string>& args, CommandContext& ctx);       // query.cpp
int RunSiteSync(const std::vector<std::string>& args, CommandContext& ctx);    // site_sync.cpp

}  // namespace mkt::cli
