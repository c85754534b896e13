#include "registry/image/image_cache.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/identifier.hpp"
#include "registry/image/image_verifier.hpp"

namespace mkt::image {
namespace {

namespace fs = std::filesystem;

bool IsSha1Name(const std::string& name) {
    return name.size() == 40 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

/// flock on <dir>/.lock for the object's lifetime (best effort: no lock on failure).
class DirLock {
  public:
    explicit DirLock(const fs::path& dir) {
        fd_ = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);
    }
    ~DirLock() {
        if (fd_ >= 0) ::close(fd_);
    }
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;

  private:
    int fd_ = -1;
};

std::map<std::string, std::string> ReadDigests(const fs::path& file) {
    std::map<std::string, std::string> values;
    std::ifstream in(file);
    std::string key, value;
    while (in >> key >> value) values[key] = value;
    return values;
}

std::string DigestsText(const ImageDigests& d) {
    std::string text = "bytes " + std::to_string(d.bytes) + "\n";
    const std::pair<const char*, const std::string*> items[] = {
        {"md5", &d.md5}, {"sha1", &d.sha1}, {"sha256", &d.sha256}, {"sha512", &d.sha512}};
    for (const auto& [name, value] : items) {
        if (!value->empty()) text += std::string(name) + " " + *value + "\n";
    }
    return text;
}

ImageDigests FromStored(const std::map<std::string, std::string>& v) {
    ImageDigests d;
    auto get = [&v](const char* k) {
        auto it = v.find(k);
        return it == v.end() ? std::string() : it->second;
    };
    d.bytes = std::strtoull(get("bytes").c_str(), nullptr, 10);
    d.md5 = get("md5");
    d.sha1 = get("sha1");
    d.sha256 = get("sha256");
    d.sha512 = get("sha512");
    return d;
}

Status WriteSmallFile(const fs::path& path, const std::string& text) {
    MKT_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
    MKT_RETURN_IF_ERROR(file.Write(text));
    return file.Commit();
}

/// True when every checksum the entry lists has a stored digest.
bool Covers(const ImageDigests& stored, const EntryMetadata& metadata) {
    for (const Checksum& c : metadata.checksums) {
        if (DigestFor(stored, c.algorithm).empty()) return false;
    }
    return true;
}

void Touch(const fs::path& path) { ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0); }

}  // namespace

Result<ImageCache> ImageCache::Open(const fs::path& dir, uint64_t max_bytes) {
    if (max_bytes == 0) return Status::InvalidArgument("the cache size must be above 0 bytes");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec)) {
        return Status::Unavailable("cannot use cache directory " + dir.string() + ": " +
                                   (ec ? ec.message() : "not a directory"));
    }
    if (::access(dir.c_str(), W_OK) != 0) {
        return Status::Unavailable("cannot use cache directory " + dir.string() + ": " +
                                   std::strerror(errno));
    }
    return ImageCache(dir, max_bytes);
}

void ImageCache::Remove(const std::string& sha1) const {
    std::error_code ec;
    fs::remove(dir_ / sha1, ec);
    fs::remove(dir_ / (sha1 + ".digests"), ec);
}

Result<std::optional<CachedImage>> ImageCache::Find(const EntryMetadata& metadata) {
    MKT_ASSIGN_OR_RETURN(const std::string sha1, identifier::ToSha1Hex(metadata.identifier));
    const fs::path image = dir_ / sha1;
    std::error_code ec;
    const auto size = fs::file_size(image, ec);
    if (ec) return std::optional<CachedImage>();
    ImageDigests stored = FromStored(ReadDigests(dir_ / (sha1 + ".digests")));
    if (size != metadata.bytes || stored.bytes != size) {
        Remove(sha1);
        return std::optional<CachedImage>();
    }
    if (!Covers(stored, metadata)) {
        // Full check: digest the cached file again, then remember every digest.
        DigestOptions options;
        options.compression = Compression::kNone;
        auto full = DigestImage(image, options);
        if (!full.ok()) {
            Remove(sha1);
            return std::optional<CachedImage>();
        }
        stored = std::move(full).value();
        MKT_RETURN_IF_ERROR(WriteSmallFile(dir_ / (sha1 + ".digests"), DigestsText(stored)));
    }
    if (!VerifyDigests(stored, metadata).ok()) {
        Remove(sha1);
        return std::optional<CachedImage>();
    }
    Touch(image);
    return std::optional<CachedImage>(CachedImage{image, size});
}

Result<AtomicFile> ImageCache::Stage(const EntryMetadata& metadata) {
    MKT_ASSIGN_OR_RETURN(const std::string sha1, identifier::ToSha1Hex(metadata.identifier));
    return AtomicFile::Create(dir_ / sha1);
}

uint64_t ImageCache::UsedBytes() const {
    uint64_t total = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        if (IsSha1Name(e.path().filename().string())) total += e.file_size(ec);
    }
    return total;
}

void ImageCache::Evict(uint64_t incoming, const std::string& keep) const {
    struct Item {
        fs::file_time_type used;
        std::string sha1;
        uint64_t bytes;
    };
    std::vector<Item> items;
    uint64_t total = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        const std::string name = e.path().filename().string();
        if (!IsSha1Name(name) || name == keep) continue;
        const uint64_t bytes = e.file_size(ec);
        items.push_back({e.last_write_time(ec), name, bytes});
        total += bytes;
    }
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return a.used < b.used; });
    for (const Item& item : items) {
        if (total + incoming <= max_bytes_) break;
        Remove(item.sha1);
        total -= item.bytes;
    }
}

Result<CachedImage> ImageCache::Insert(AtomicFile staged, const EntryMetadata& metadata,
                                       const ImageDigests& digests) {
    MKT_ASSIGN_OR_RETURN(const std::string sha1, identifier::ToSha1Hex(metadata.identifier));
    MKT_RETURN_IF_ERROR(VerifyDigests(digests, metadata));
    DirLock lock(dir_);
    Evict(digests.bytes, sha1);
    MKT_RETURN_IF_ERROR(WriteSmallFile(dir_ / (sha1 + ".digests"), DigestsText(digests)));
    if (Status s = staged.Commit(); !s.ok()) {
        Remove(sha1);
        return s;
    }
    return CachedImage{dir_ / sha1, digests.bytes};
}

}  // namespace mkt::image
