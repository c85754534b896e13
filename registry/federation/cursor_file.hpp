// CursorFile: a peer's cursor in a file of its own ("<seq>\n"), replaced
// atomically (write beside, fsync, rename, fsync the directory), so a crash
// leaves the old cursor or the new one, never a torn one.
#pragma once

#include <filesystem>

#include "registry/federation/peer_sync.hpp"

namespace mkt::federation {

class CursorFile final : public CursorStore {
  public:
    explicit CursorFile(std::filesystem::path path) : path_(std::move(path)) {}
    /// 0 when the file does not exist. Errors: kUnavailable (unreadable),
    /// kInvalidArgument "cursor file <path> is damaged ..." (not a seq).
    Result<int64_t> Load() override;
    Status Save(int64_t seq) override;

  private:
    std::filesystem::path path_;
};

}  // namespace mkt::federation
