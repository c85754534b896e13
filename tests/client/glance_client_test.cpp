// GlanceClient against a real Glance (the run's shared one: the Glance ctest
// fixture, tests/support/glance_process.hpp). Every test tags its images with
// a property value of its own, so tests running at the same time never see
// each other's images.
#include "client/glance_client.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <set>

#include <openssl/evp.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/glance_process.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::client {
namespace {

std::string Sha512Hex(const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, EVP_sha512(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        hex.push_back(kHex[out[i] >> 4]);
        hex.push_back(kHex[out[i] & 15]);
    }
    return hex;
}

std::string RandomBytes(size_t n) {
    std::mt19937_64 rng(std::random_device{}());
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    return bytes;
}

/// A value no other test (or earlier run) uses.
std::string UniqueValue() {
    static std::atomic<int> counter{0};
    return "glance-client-test-" + std::to_string(::getpid()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-" +
           std::to_string(counter++);
}

class GlanceClientTest : public ::testing::Test {
  protected:
    ~GlanceClientTest() override {
        for (const auto& id : created_) (void)glance_.Delete(id);
    }

    GlanceImage CreateImage(const std::string& name = "test image",
                            const std::string& disk_format = "raw") {
        GlanceImageCreate create;
        create.name = name;
        create.disk_format = disk_format;
        create.visibility = "private";
        create.properties = {{"test_run", run_}, {"origin", "https://mp.example.org/x"}};
        auto image = glance_.Create(create);
        EXPECT_TRUE(image.ok()) << image.status().ToString();
        if (!image.ok()) return {};
        created_.push_back(image->id);
        return *image;
    }

    std::string Download(const std::string& id) {
        HttpClient http;
        auto response = http.Get(glance_.ImageUrl(id) + "/file");
        EXPECT_TRUE(response.ok()) << response.status().ToString();
        return response.ok() ? response->body : std::string();
    }

    const std::string url_ = testing::SharedGlanceUrl();
    const std::string run_ = UniqueValue();
    GlanceClient glance_{url_, GlanceOptions{}};
    std::vector<std::string> created_;
    testing::TempDir dir_;
};

TEST_F(GlanceClientTest, CreateSetsTheFieldsAndPropertiesAtOnce) {
    const GlanceImage image = CreateImage("Ubuntu 22.04", "qcow2");
    EXPECT_EQ(image.status, "queued");
    EXPECT_EQ(image.name, "Ubuntu 22.04");
    EXPECT_EQ(image.disk_format, "qcow2");
    EXPECT_EQ(image.container_format, "bare");
    EXPECT_EQ(image.visibility, "private");
    EXPECT_EQ(image.Property("test_run"), run_);
    EXPECT_FALSE(image.size);
    auto read = glance_.Get(image.id);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->Property("origin"), "https://mp.example.org/x");
    EXPECT_EQ(read->status, "queued");
}

TEST_F(GlanceClientTest, UploadFileStreamsTheBytesAndGlanceHashesThem) {
    const std::string bytes = RandomBytes(3 * 1024 * 1024 + 17);
    testing::WriteFile(dir_ / "image.raw", bytes);
    const GlanceImage image = CreateImage();
    uint64_t last_sent = 0;
    const Status uploaded = glance_.UploadFile(image.id, dir_ / "image.raw",
                                               [&](uint64_t sent, std::optional<uint64_t> total) {
                                                   EXPECT_GE(sent, last_sent);
                                                   EXPECT_EQ(total, bytes.size());
                                                   last_sent = sent;
                                               });
    ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
    EXPECT_EQ(last_sent, bytes.size());
    auto read = glance_.Get(image.id);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->status, "active");
    EXPECT_EQ(read->size, bytes.size());
    EXPECT_EQ(read->os_hash_algo, "sha512");
    EXPECT_EQ(read->os_hash_value, Sha512Hex(bytes));
    EXPECT_EQ(Download(image.id), bytes);
}

TEST_F(GlanceClientTest, UploadStreamsABodyOfUnknownLengthChunked) {
    const std::string bytes = RandomBytes(700 * 1024);
    const GlanceImage image = CreateImage();
    size_t offset = 0;
    BodySource source;
    source.read = [&](std::span<char> buffer) -> Result<size_t> {
        const size_t n = std::min(buffer.size(), std::min<size_t>(1000, bytes.size() - offset));
        std::copy_n(bytes.data() + offset, n, buffer.data());
        offset += n;
        return n;
    };
    const Status uploaded = glance_.Upload(image.id, std::move(source));
    ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
    EXPECT_EQ(Download(image.id), bytes);
}

TEST_F(GlanceClientTest, AFailingBodySourceAbortsTheUploadWithItsOwnError) {
    const GlanceImage image = CreateImage();
    size_t sent = 0;
    BodySource source;
    source.length = 10 * 1024 * 1024;
    source.read = [&](std::span<char> buffer) -> Result<size_t> {
        if (sent >= 1024 * 1024) return Status::Unavailable("cannot read the image: disk error");
        const size_t n = std::min<size_t>(buffer.size(), 64 * 1024);
        std::fill_n(buffer.data(), n, 'x');
        sent += n;
        return n;
    };
    const Status s = glance_.Upload(image.id, std::move(source));
    EXPECT_EQ(s, Status::Unavailable("cannot read the image: disk error"));
    // Glance puts an image whose upload failed back to queued, with no data.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string status;
    while (std::chrono::steady_clock::now() < deadline) {
        auto read = glance_.Get(image.id);
        ASSERT_TRUE(read.ok()) << read.status().ToString();
        status = read->status;
        if (status == "queued") break;
    }
    EXPECT_EQ(status, "queued");
}

TEST_F(GlanceClientTest, UploadingTwiceIsRefusedWithGlancesMessage) {
    testing::WriteFile(dir_ / "small", "abc");
    const GlanceImage image = CreateImage();
    ASSERT_TRUE(glance_.UploadFile(image.id, dir_ / "small").ok());
    const Status again = glance_.UploadFile(image.id, dir_ / "small");
    EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(again.message(), "Glance refused to upload the data of image " + image.id +
                                   " (HTTP 409): Image status transition from active to saving "
                                   "is not allowed");
}

TEST_F(GlanceClientTest, AnUnknownDiskFormatIsRefusedNamingTheValue) {
    GlanceImageCreate create;
    create.name = "bad";
    create.disk_format = "qcow3";
    auto image = glance_.Create(create);
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(image.status().message().starts_with(
        "Glance refused to create image 'bad' (HTTP 400): Provided object does not match "
        "schema 'image': 'qcow3' is not one of"))
        << image.status().message();
    EXPECT_EQ(image.status().message().find("Failed validating"), std::string::npos);
}

TEST_F(GlanceClientTest, ListFiltersByPropertyAndFollowsNext) {
    GlanceOptions two_per_page;
    two_per_page.page_size = 2;
    GlanceClient small_pages(url_, two_per_page);
    std::set<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.insert(CreateImage("image " + std::to_string(i)).id);
    auto listed = small_pages.List({{"test_run", run_}});
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    std::set<std::string> seen;
    for (const auto& image : *listed) seen.insert(image.id);
    EXPECT_EQ(seen, ids);
    EXPECT_EQ(listed->size(), 5u);
    auto none = small_pages.List({{"test_run", run_ + "-none"}});
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
    // ForEachImage stops when asked to.
    int visited = 0;
    ASSERT_TRUE(
        small_pages.ForEachImage({{"test_run", run_}}, [&](GlanceImage&&) { return ++visited < 3; })
            .ok());
    EXPECT_EQ(visited, 3);
}

TEST_F(GlanceClientTest, PatchAddsReplacesAndRemovesProperties) {
    const GlanceImage image = CreateImage();
    auto patched = glance_.Patch(image.id, {{GlancePatch::Op::kAdd, "sha512", "abc"},
                                            {GlancePatch::Op::kReplace, "origin", "elsewhere"}});
    ASSERT_TRUE(patched.ok()) << patched.status().ToString();
    EXPECT_EQ(patched->Property("sha512"), "abc");
    EXPECT_EQ(patched->Property("origin"), "elsewhere");
    patched = glance_.Patch(image.id, {{GlancePatch::Op::kRemove, "origin", ""}});
    ASSERT_TRUE(patched.ok()) << patched.status().ToString();
    EXPECT_EQ(patched->properties.count("origin"), 0u);
    // Removing a property that is not there: Glance's 409, with its message.
    auto missing = glance_.Patch(image.id, {{GlancePatch::Op::kRemove, "nothing_here", ""}});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.status().message().find("Glance refused to update image " + image.id),
              std::string::npos)
        << missing.status().message();
}

TEST_F(GlanceClientTest, DeactivateReactivateAndDelete) {
    testing::WriteFile(dir_ / "small", "abc");
    const GlanceImage image = CreateImage();
    ASSERT_TRUE(glance_.UploadFile(image.id, dir_ / "small").ok());
    ASSERT_TRUE(glance_.Deactivate(image.id).ok());
    EXPECT_EQ(glance_.Get(image.id)->status, "deactivated");
    ASSERT_TRUE(glance_.Reactivate(image.id).ok());
    EXPECT_EQ(glance_.Get(image.id)->status, "active");
    ASSERT_TRUE(glance_.Delete(image.id).ok());
    auto gone = glance_.Get(image.id);
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.status(), Status::NotFound("Glance has no image " + image.id));
    const Status again = glance_.Delete(image.id);
    EXPECT_EQ(again.code(), StatusCode::kNotFound);
    EXPECT_NE(again.message().find("(HTTP 404): Failed to find image " + image.id + " to delete"),
              std::string::npos)
        << again.message();
}

TEST_F(GlanceClientTest, DeactivatingAQueuedImageIsRefused) {
    const GlanceImage image = CreateImage();
    const Status s = glance_.Deactivate(image.id);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(
        s.message().starts_with("Glance refused to deactivate image " + image.id + " (HTTP "))
        << s.message();
}

TEST_F(GlanceClientTest, AnUnreachableGlanceIsUnavailable) {
    GlanceClient nowhere("http://127.0.0.1:1/", GlanceOptions{});
    auto listed = nowhere.List({});
    ASSERT_FALSE(listed.ok());
    EXPECT_EQ(listed.status().code(), StatusCode::kUnavailable);
    EXPECT_TRUE(listed.status().message().starts_with("cannot reach http://127.0.0.1:1/v2/images"))
        << listed.status().message();
}

TEST_F(GlanceClientTest, TheEndpointMayEndWithV2OrASlash) {
    GlanceClient with_v2(url_ + "/v2/", GlanceOptions{});
    EXPECT_EQ(with_v2.endpoint(), url_);
    EXPECT_EQ(with_v2.ImageUrl("abc"), url_ + "/v2/images/abc");
    const GlanceImage image = CreateImage();
    EXPECT_TRUE(with_v2.Get(image.id).ok());
}

}  // namespace
}  // namespace mkt::client
