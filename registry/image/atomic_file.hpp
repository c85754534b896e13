// AtomicFile: a file that appears at its final path complete or not at all.
//
// Bytes go to a hidden temporary file beside the target (".<name>.part-XXXXXX",
// same directory, so the rename cannot cross file systems); Commit() fsyncs it,
// renames it over the target and fsyncs the directory. Destroying an uncommitted
// AtomicFile removes the temporary file, so a failed or interrupted download
// leaves nothing at the target. Move-only; one writer at a time (Write may be
// called from another thread than Create, not concurrently).
#pragma once

#include <filesystem>
#include <span>

#include "registry/result.hpp"

namespace mkt::image {

class AtomicFile {
  public:
    /// Errors: kUnavailable "cannot create a temporary file in <dir>: <reason>".
    static Result<AtomicFile> Create(const std::filesystem::path& target);
    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&& other) noexcept;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    /// Appends all of `bytes`. Errors: kUnavailable "cannot write <target>: <reason>".
    Status Write(std::span<const char> bytes);
    /// fsync, rename over the target, fsync the directory; the object is then
    /// empty. Errors: kUnavailable "cannot write <target>: <reason>" (the
    /// temporary file is removed).
    Status Commit();
    /// Removes the temporary file now (as the destructor does).
    void Discard();

    const std::filesystem::path& target() const { return target_; }
    const std::filesystem::path& temp_path() const { return temp_; }
    uint64_t bytes_written() const { return written_; }

  private:
    AtomicFile(std::filesystem::path target, std::filesystem::path temp, int fd)
        : target_(std::move(target)), temp_(std::move(temp)), fd_(fd) {}
    Status Failure(int error);

    std::filesystem::path target_, temp_;
    int fd_ = -1;
    uint64_t written_ = 0;
};

/// Copies `from` to `to` atomically (AtomicFile; copy_file_range, so the kernel
/// copies or shares the blocks). Errors: kUnavailable naming the file.
Status CopyFileAtomically(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace mkt::image
