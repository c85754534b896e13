#include "registry/image/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mkt::image {
namespace {

std::filesystem::path DirectoryOf(const std::filesystem::path& target) {
    return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

void SyncDirectory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

Result<AtomicFile> AtomicFile::Create(const std::filesystem::path& target) {
    const std::filesystem::path dir = DirectoryOf(target);
    std::string pattern = (dir / ("." + target.filename().string() + ".part-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) {
        return Status::Unavailable("cannot create a temporary file in " + dir.string() + ": " +
                                   std::strerror(errno));
    }
    ::fchmod(fd, 0644);
    return AtomicFile(target, std::filesystem::path(name.data()), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      fd_(std::exchange(other.fd_, -1)),
      written_(other.written_) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
    if (this != &other) {
        Discard();
        target_ = std::move(other.target_);
        temp_ = std::move(other.temp_);
        fd_ = std::exchange(other.fd_, -1);
        written_ = other.written_;
    }
    return *this;
}

AtomicFile::~AtomicFile() { Discard(); }

void AtomicFile::Discard() {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(temp_.c_str());
    fd_ = -1;
}

Status AtomicFile::Failure(int error) {
    Discard();
    return Status::Unavailable("cannot write " + target_.string() + ": " + std::strerror(error));
}

Status AtomicFile::Write(std::span<const char> bytes) {
    if (fd_ < 0) return Status::Internal("write to a closed file " + target_.string());
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return Status::Unavailable("cannot write " + target_.string() + ": " +
                                       std::strerror(errno));
        }
        bytes = bytes.subspan(static_cast<size_t>(n));
        written_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
}

Status AtomicFile::Commit() {
    if (fd_ < 0) return Status::Internal("commit of a closed file " + target_.string());
    if (::fsync(fd_) != 0) return Failure(errno);
    if (::close(fd_) != 0) {
        fd_ = -1;
        const int error = errno;
        ::unlink(temp_.c_str());
        return Status::Unavailable("cannot write " + target_.string() + ": " +
                                   std::strerror(error));
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp_.c_str());
        return Status::Unavailable("cannot write " + target_.string() + ": " +
                                   std::strerror(error));
    }
    SyncDirectory(DirectoryOf(target_));
    return Status::Ok();
}

Status CopyFileAtomically(const std::filesystem::path& from, const std::filesystem::path& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return Status::Unavailable("cannot read " + from.string() + ": " + std::strerror(errno));
    }
    auto out = AtomicFile::Create(to);
    if (!out.ok()) {
        ::close(in);
        return out.status();
    }
    struct stat st {};
    ::fstat(in, &st);
    int out_fd = ::open(out->temp_path().c_str(), O_WRONLY | O_CLOEXEC);
    uint64_t left = static_cast<uint64_t>(st.st_size);
    Status status;
    while (left > 0 && out_fd >= 0) {
        const ssize_t n = ::copy_file_range(in, nullptr, out_fd, nullptr, left, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            status = Status::Unavailable("cannot copy " + from.string() + " to " + to.string() +
                                         ": " + (n < 0 ? std::strerror(errno) : "short copy"));
            break;
        }
        left -= static_cast<uint64_t>(n);
    }
    if (out_fd >= 0) ::close(out_fd);
    ::close(in);
    if (out_fd < 0) {
        return Status::Unavailable("cannot write " + to.string() + ": " + std::strerror(errno));
    }
    if (!status.ok()) return status;
    return out->Commit();
}

}  // namespace mkt::image
