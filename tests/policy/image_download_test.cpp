// Verified downloads (registry/image/image_download.hpp over client/image_source)
// from a real HTTP server on loopback, and the image cache.
#include "registry/image/image_download.hpp"

#include <filesystem>

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include "client/image_source.hpp"
#include "registry/identifier.hpp"
#include "registry/image/image_cache.hpp"
#include "tests/policy/image_server.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

namespace fs = std::filesystem;

std::string Hex(const EVP_MD* md, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[out[i] >> 4];
        hex += kHex[out[i] & 15];
    }
    return hex;
}

// An image of a few MiB: compressible text with random-looking runs.
std::string MakeImage(size_t size) {
    std::string image;
    uint64_t x = 88172645463325252ull;
    while (image.size() < size) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        image += (x % 3 == 0) ? std::string(64, static_cast<char>(x))
                              : "block " + std::to_string(x) + "\n";
    }
    image.resize(size);
    return image;
}

EntryMetadata MetadataOf(const std::string& image, std::vector<std::string> locations) {
    EntryMetadata m;
    m.identifier = *identifier::FromSha1Hex(Hex(EVP_sha1(), image));
    m.bytes = image.size();
    m.checksums = {{"SHA-1", Hex(EVP_sha1(), image)},
                   {"SHA-256", Hex(EVP_sha256(), image)},
                   {"SHA-512", Hex(EVP_sha512(), image)}};
    m.locations = std::move(locations);
    return m;
}

class ImageDownloadTest : public ::testing::Test {
  protected:
    ImageDownloadTest() {
        WriteFile(dir_ / "image", image_);
        EXPECT_EQ(std::system(("gzip -c " + (dir_ / "image").string() + " > " +
                               (dir_ / "image.gz").string())
                                  .c_str()),
                  0);
        gz_ = ReadFile(dir_ / "image.gz");
        fs::create_directory(out_dir_);
    }

    Result<image::DownloadResult> Download(const EntryMetadata& m) {
        client::CurlImageSource source;
        image::DownloadOptions options;
        options.note = [this](const std::string& line) { notes_.push_back(line); };
        return image::DownloadVerified(
            m, source, [this] { return image::AtomicFile::Create(target_); }, options);
    }

    // Nothing at the target and no temporary file beside it.
    void ExpectNothingLeft() {
        EXPECT_FALSE(fs::exists(target_));
        EXPECT_TRUE(fs::is_empty(out_dir_)) << fs::directory_iterator(out_dir_)->path();
    }

    TempDir dir_;
    ImageServer server_;
    const std::string image_ = MakeImage(3 << 20);
    std::string gz_;
    const fs::path out_dir_ = dir_ / "out";
    const fs::path target_ = out_dir_ / "image.img";
    std::vector<std::string> notes_;
};

TEST_F(ImageDownloadTest, AGzipImageIsDecompressedVerifiedAndWrittenAtomically) {
    server_.Serve("/image.gz", {.body = gz_});
    auto result = Download(MetadataOf(image_, {server_.url("/image.gz")}));
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_FALSE(fs::exists(target_));  // not before the commit
    EXPECT_EQ(result->digests.compression, image::Compression::kGzip);
    EXPECT_TRUE(result->digests.md5.empty());  // the entry lists no MD5: not computed
    ASSERT_TRUE(result->file.Commit().ok());
    EXPECT_EQ(ReadFile(target_), image_);
    EXPECT_EQ(fs::directory_iterator(out_dir_)->path(), target_);  // no temporary file left
}

TEST_F(ImageDownloadTest, AWrongChecksumIsRefusedAndLeavesNothing) {
    server_.Serve("/image.gz", {.body = gz_});
    EntryMetadata m = MetadataOf(image_, {server_.url("/image.gz")});
    m.checksums[2].value = Hex(EVP_sha512(), "another image");
    auto result = Download(m);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(result.status().message(),
              "no location delivered image " + m.identifier + ": " + server_.url("/image.gz") +
                  ": SHA-512 mismatch: the entry says " + m.checksums[2].value +
                  ", the image has " + Hex(EVP_sha512(), image_));
    ExpectNothingLeft();
}

TEST_F(ImageDownloadTest, ATruncatedBodyIsRefusedAndLeavesNothing) {
    // No Content-Length: the body "ends" when the server closes, half-way.
    server_.Serve("/image.gz", {.body = gz_, .cut_after = gz_.size() / 2, .content_length = false});
    auto result = Download(MetadataOf(image_, {server_.url("/image.gz")}));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find("truncated gzip stream"), std::string::npos)
        << result.status().message();
    ExpectNothingLeft();
}

TEST_F(ImageDownloadTest, ADroppedConnectionIsResumedWithARangeRequest) {
    const size_t cut = gz_.size() / 3;
    server_.Serve("/image.gz", {.body = gz_, .cut_after = cut, .cut_times = 1});
    auto result = Download(MetadataOf(image_, {server_.url("/image.gz")}));
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->resumes, 1);
    EXPECT_EQ(server_.ranges(), (std::vector<std::string>{"", std::to_string(cut) + "-"}));
    ASSERT_TRUE(result->file.Commit().ok());
    EXPECT_EQ(ReadFile(target_), image_);
}

TEST_F(ImageDownloadTest, AServerWithoutRangesIsReadAgainSkippingWhatArrivedBefore) {
    server_.Serve("/image.gz",
                  {.body = gz_, .cut_after = gz_.size() / 2, .cut_times = 1, .ranges = false});
    auto result = Download(MetadataOf(image_, {server_.url("/image.gz")}));
    ASSERT_TRUE(result.ok()) << result.status().message();
    ASSERT_TRUE(result->file.Commit().ok());
    EXPECT_EQ(ReadFile(target_), image_);
}

TEST_F(ImageDownloadTest, AConnectionDroppedEveryTimeFailsAfterTheResumesAndLeavesNothing) {
    server_.Serve("/image.gz", {.body = gz_, .cut_after = gz_.size() / 2, .ranges = false});
    auto result = Download(MetadataOf(image_, {server_.url("/image.gz")}));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(result.status().message().find("transfer interrupted after"), std::string::npos)
        << result.status().message();
    ExpectNothingLeft();
}

TEST_F(ImageDownloadTest, A404OnTheFirstLocationFallsBackToTheSecond) {
    server_.Serve("/mirror2/image.gz", {.body = gz_});
    auto result =
        Download(MetadataOf(image_, {server_.url("/gone.gz"), server_.url("/mirror2/image.gz")}));
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->url, server_.url("/mirror2/image.gz"));
    ASSERT_EQ(result->failures.size(), 1u);
    EXPECT_EQ(result->failures[0].status.message(), "HTTP 404");
    EXPECT_EQ(notes_.front(), server_.url("/gone.gz") + ": HTTP 404; trying the next location");
}

TEST_F(ImageDownloadTest, EveryLocationMissingIsUnavailable) {
    auto result = Download(MetadataOf(image_, {server_.url("/a.gz"), "ftp://example.org/a.gz"}));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(result.status().message(), "no location delivered image " +
                                             MetadataOf(image_, {}).identifier + ": " +
                                             server_.url("/a.gz") +
                                             ": HTTP 404; ftp://example.org/a.gz: unsupported "
                                             "location (http, https and file URLs are)");
    ExpectNothingLeft();
}

TEST_F(ImageDownloadTest, FileLocationsAndRawImagesWork) {
    auto result = Download(MetadataOf(image_, {"file://" + (dir_ / "image").string()}));
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->digests.compression, image::Compression::kNone);
    ASSERT_TRUE(result->file.Commit().ok());
    EXPECT_EQ(ReadFile(target_), image_);
}

class ImageCacheTest : public ImageDownloadTest {
  protected:
    Result<image::CachedImage> Put(image::ImageCache& cache, const std::string& image) {
        const EntryMetadata m = MetadataOf(image, {});
        MKT_ASSIGN_OR_RETURN(image::AtomicFile file, cache.Stage(m));
        MKT_RETURN_IF_ERROR(file.Write(image));
        image::ImageDigests d;
        d.bytes = image.size();
        d.sha1 = Hex(EVP_sha1(), image);
        d.sha256 = Hex(EVP_sha256(), image);
        d.sha512 = Hex(EVP_sha512(), image);
        return cache.Insert(std::move(file), m, d);
    }
};

TEST_F(ImageCacheTest, AnInsertedImageIsFoundUnderItsSha1AndReverified) {
    auto cache = image::ImageCache::Open(dir_ / "cache", 1 << 30);
    ASSERT_TRUE(cache.ok());
    const EntryMetadata m = MetadataOf(image_, {});
    EXPECT_FALSE(*cache->Find(m));
    auto put = Put(*cache, image_);
    ASSERT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(put->path, dir_ / "cache" / Hex(EVP_sha1(), image_));
    auto hit = cache->Find(m);
    ASSERT_TRUE(hit.ok() && *hit);
    EXPECT_EQ(ReadFile((*hit)->path), image_);
    // An entry listing MD5 too: the stored digests lack it, so the file is digested again.
    EntryMetadata with_md5 = m;
    with_md5.checksums.push_back({"MD5", Hex(EVP_md5(), image_)});
    EXPECT_TRUE(*cache->Find(with_md5));
    with_md5.checksums.back().value = Hex(EVP_md5(), "other");
    EXPECT_FALSE(*cache->Find(with_md5));  // disagreeing metadata: a miss, entry dropped
    EXPECT_FALSE(fs::exists(put->path));
}

TEST_F(ImageCacheTest, ATruncatedCachedImageIsAMissAndIsRemoved) {
    auto cache = image::ImageCache::Open(dir_ / "cache", 1 << 30);
    auto put = Put(*cache, image_);
    ASSERT_TRUE(put.ok());
    fs::resize_file(put->path, image_.size() - 1);
    EXPECT_FALSE(*cache->Find(MetadataOf(image_, {})));
    EXPECT_FALSE(fs::exists(put->path));
}

TEST_F(ImageCacheTest, TheLeastRecentlyUsedImagesAreEvictedToStayWithinTheBound) {
    auto cache = image::ImageCache::Open(dir_ / "cache", 3 * 1000);
    const std::string a(1000, 'a'), b(1000, 'b'), c(1000, 'c'), d(1000, 'd');
    ASSERT_TRUE(Put(*cache, a).ok());
    ASSERT_TRUE(Put(*cache, b).ok());
    ASSERT_TRUE(Put(*cache, c).ok());
    // Make recency explicit: a used last, b least recently.
    const auto t = fs::file_time_type::clock::now();
    fs::last_write_time(dir_ / "cache" / Hex(EVP_sha1(), b), t - std::chrono::hours(3));
    fs::last_write_time(dir_ / "cache" / Hex(EVP_sha1(), c), t - std::chrono::hours(2));
    fs::last_write_time(dir_ / "cache" / Hex(EVP_sha1(), a), t - std::chrono::hours(1));
    ASSERT_TRUE(*cache->Find(MetadataOf(a, {})));  // a hit refreshes a
    ASSERT_TRUE(Put(*cache, d).ok());
    EXPECT_FALSE(*cache->Find(MetadataOf(b, {})));
    EXPECT_TRUE(*cache->Find(MetadataOf(a, {})));
    EXPECT_TRUE(*cache->Find(MetadataOf(c, {})));
    EXPECT_TRUE(*cache->Find(MetadataOf(d, {})));
    EXPECT_EQ(cache->UsedBytes(), 3000u);
}

TEST_F(ImageCacheTest, AnUncommittedFileLeavesNothingBehind) {
    {
        auto file = image::AtomicFile::Create(target_);
        ASSERT_TRUE(file.ok());
        ASSERT_TRUE(file->Write("partial").ok());
        EXPECT_TRUE(fs::exists(file->temp_path()));
    }
    ExpectNothingLeft();
}

}  // namespace
}  // namespace mkt::testing
