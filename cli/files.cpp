#include "cli/files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "cli/command.hpp"

namespace mkt::cli {
namespace {

namespace fs = std::filesystem;

Status CannotWrite(const std::string& path, const std::string& reason) {
    return IoError("cannot write " + path + ": " + reason);
}

}  // namespace

Result<std::string> ReadInput(const std::string& path) {
    std::ostringstream buffer;
    if (path == "-") {
        buffer << std::cin.rdbuf();
        if (std::cin.bad()) return IoError("cannot read standard input");
        return buffer.str();
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) return IoError("cannot read " + path + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) return IoError("cannot read " + path + ": " + std::strerror(errno));
    buffer << in.rdbuf();
    if (in.bad()) return IoError("cannot read " + path + ": " + std::strerror(errno));
    return buffer.str();
}

Status WriteOutput(const std::string& path, std::string_view bytes, std::ostream& stdout_stream) {
    if (path == "-") {
        stdout_stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        stdout_stream.flush();
        if (!stdout_stream) return IoError("cannot write to standard output");
        return Status::Ok();
    }
    const fs::path target(path);
    const fs::path temp = target.parent_path() /
                          ("." + target.filename().string() + ".tmp" + std::to_string(getpid()));
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) return CannotWrite(path, std::strerror(errno));
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            const std::string reason = std::strerror(errno);
            fs::remove(temp);
            return CannotWrite(path, reason);
        }
    }
    std::error_code ec;
    const auto old_status = fs::status(target, ec);
    if (!ec && fs::is_regular_file(old_status)) {
        fs::permissions(temp, old_status.permissions(), ec);
    }
    fs::rename(temp, target, ec);
    if (ec) {
        fs::remove(temp);
        return CannotWrite(path, ec.message());
    }
    return Status::Ok();
}

Result<std::string> ReadFirstLine(const std::string& path) {
    MKT_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
    const size_t end = text.find('\n');
    if (end != std::string::npos) text.resize(end);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

}  // namespace mkt::cli
