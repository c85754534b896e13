#include "registry/federation/cursor_file.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "registry/image/atomic_file.hpp"
#include "registry/text.hpp"

namespace mkt::federation {

Result<int64_t> CursorFile::Load() {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) {
        if (ec)
            return Status::Unavailable("cannot read cursor file " + path_.string() + ": " +
                                       ec.message());
        return int64_t{0};
    }
    std::ifstream in(path_);
    if (!in) {
        return Status::Unavailable("cannot read cursor file " + path_.string() + ": " +
                                   std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    const std::string_view digits = text::TrimWhitespace(content);
    int64_t seq = -1;
    auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (digits.empty() || error != std::errc() || ptr != digits.data() + digits.size() || seq < 0) {
        return Status::InvalidArgument("cursor file " + path_.string() +
                                       " is damaged: expected one non-negative seq, found '" +
                                       std::string(digits.substr(0, 40)) +
                                       "' (remove it to pull the peer's whole feed again)");
    }
    return seq;
}

Status CursorFile::Save(int64_t seq) {
    MKT_ASSIGN_OR_RETURN(image::AtomicFile file, image::AtomicFile::Create(path_));
    const std::string line = std::to_string(seq) + "\n";
    MKT_RETURN_IF_ERROR(file.Write(std::span<const char>(line.data(), line.size())));
    return file.Commit();
}

}  // namespace mkt::federation
