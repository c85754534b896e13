// Storage faults on the real server process: the disk fills up during uploads,
// and the database file is moved away while the server runs. Throughout, each
// upload gets 201 or a clear 503 that names the problem, reads keep being
// served, and the server does not crash; once the fault ends uploads succeed
// again, every acknowledged entry is there byte for byte and the file passes
// PRAGMA integrity_check.
//
// The disk-full case mounts a small tmpfs, so it needs root (CI runs as root);
// without root it is skipped and says why.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt {
namespace {

/// A tmpfs of a given size mounted on a fresh directory, unmounted by the
/// destructor (lazily, so a still-running child cannot keep it busy).
class SmallDisk {
  public:
    SmallDisk(const std::filesystem::path& where, const std::string& size) : path_(where) {
        std::filesystem::create_directories(path_);
        const std::string options = "size=" + size + ",mode=0755";
        if (mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
            error_ = std::string("mount tmpfs: ") + std::strerror(errno);
        }
    }
    ~SmallDisk() {
        if (error_.empty()) umount2(path_.c_str(), MNT_DETACH);
    }
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    const std::string& error() const { return error_; }
    const std::filesystem::path& path() const { return path_; }

    /// Grows (or shrinks) the file system in place; open files stay open.
    bool Resize(const std::string& size) {
        const std::string options = "size=" + size;
        return mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, options.c_str()) == 0;
    }

  private:
    std::filesystem::path path_;
    std::string error_;
};

struct Acknowledged {
    std::string path;  // "metadata/<id>/<email>/<created>"
    size_t document;
};

class StorageFaultsTest : public ::testing::Test {
  protected:
    void MakeDocuments(size_t count, const std::string& prefix) {
        const Timestamp now = SystemClock().Now();
        for (size_t i = 0; i < count; ++i) {
            documents_.push_back(testing::SignedDocument(
                i % 2 ? "alice" : "erin", {.image = prefix + std::to_string(i)}, now));
        }
    }

    std::vector<std::string> Settings(const std::filesystem::path& db) const {
        const auto pki = testing::TestPki();
        return {"store.sqlite.path=" + db.string(), "trust.mode=strict",
                "trust.ca_dir=" + (pki / "ca").string(), "http.access_log=off"};
    }

    // Uploads document `i`; records a 201. Returns the HTTP status (0: no answer).
    int Upload(const testing::ServerProcess& server, size_t i) {
        auto r = client_.Post(server.url("metadata"), "application/rdf+xml", documents_[i]);
        if (!r.ok()) return 0;
        if (r->status == 201) {
            const std::string location = r->Header("Location");
            acked_.push_back({location.substr(location.find("/metadata/") + 1), i});
        } else {
            last_refusal_ = *r;
        }
        return r->status;
    }

    void ExpectAcknowledgedReadable(const testing::ServerProcess& server) {
        for (const auto& a : acked_) {
            auto r = client_.Get(server.url(a.path));
            ASSERT_TRUE(r.ok()) << r.status().ToString();
            ASSERT_EQ(r->status, 200) << a.path;
            EXPECT_EQ(r->body, documents_[a.document]) << a.path;
        }
    }

    size_t HealthEntries(const testing::ServerProcess& server) {
        auto r = client_.Get(server.url("health"), "application/json");
        if (!r.ok() || r->status != 200) return 0;
        return nlohmann::json::parse(r->body)["entries"].get<size_t>();
    }

    static void ExpectIntegrityOk(const std::filesystem::path& db) {
        const std::string check =
            "sqlite3 " + db.string() + " 'PRAGMA integrity_check' | grep -qx ok";
        EXPECT_EQ(std::system(check.c_str()), 0) << "integrity_check failed on " << db;
    }

    testing::TempDir dir_;
    client::HttpClient client_;
    std::vector<std::string> documents_;
    std::vector<Acknowledged> acked_;
    client::HttpResponse last_refusal_;
};

TEST_F(StorageFaultsTest, DiskFullRefusesUploadsClearlyKeepsReadsAndRecovers) {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    SmallDisk disk(dir_ / "disk", "2m");
    ASSERT_EQ(disk.error(), "");
    MakeDocuments(600, "full-");
    const auto db = disk.path() / "marketplace.db";
    testing::ServerProcess server(dir_.path(), Settings(db));

    // Fill the disk: upload until the store refuses.
    size_t next = 0;
    int status = 201;
    while (next < documents_.size() && status == 201) status = Upload(server, next++);
    ASSERT_LT(next, documents_.size()) << "2 MiB held every document; nothing filled up";
    std::printf("disk full after %zu acknowledged uploads: HTTP %d %s\n", acked_.size(), status,
                last_refusal_.body.c_str());
    EXPECT_EQ(status, 503);
    EXPECT_NE(last_refusal_.body.find("disk full"), std::string::npos) << last_refusal_.body;
    EXPECT_NE(last_refusal_.Header("Retry-After"), "");
    ASSERT_GT(acked_.size(), 5u);

    // Still full: more uploads are refused the same way, reads are served.
    EXPECT_EQ(Upload(server, next++), 503);
    ExpectAcknowledgedReadable(server);
    EXPECT_EQ(HealthEntries(server), acked_.size());

    // Space returns: uploads succeed again without a restart.
    ASSERT_TRUE(disk.Resize("64m")) << std::strerror(errno);
    const size_t before = acked_.size();
    for (int k = 0; k < 20; ++k) EXPECT_EQ(Upload(server, next++), 201) << last_refusal_.body;
    EXPECT_EQ(acked_.size(), before + 20);
    ExpectAcknowledgedReadable(server);

    // After a restart everything acknowledged is there and the file is sound.
    server.Signal(SIGTERM);
    testing::ServerProcess restarted(dir_.path(), Settings(db));
    ExpectAcknowledgedReadable(restarted);
    EXPECT_EQ(HealthEntries(restarted), acked_.size());
    restarted.Signal(SIGTERM);
    ExpectIntegrityOk(db);
}

TEST_F(StorageFaultsTest, DatabaseMovedAwayRefusesUploadsClearlyAndRecoversWhenBack) {
    MakeDocuments(40, "moved-");
    const auto db = dir_ / "marketplace.db";
    const auto aside = dir_ / "moved-away.db";
    testing::ServerProcess server(dir_.path(), Settings(db));
    for (size_t i = 0; i < 10; ++i) ASSERT_EQ(Upload(server, i), 201) << last_refusal_.body;

    // An operator moves the file: writing to the old inode would be lost at the
    // next start, so uploads must be refused, reads keep being served.
    std::filesystem::rename(db, aside);
    const int status = Upload(server, 10);
    std::printf("database moved away: HTTP %d %s\n", status, last_refusal_.body.c_str());
    EXPECT_EQ(last_refusal_.status, 503);
    EXPECT_NE(last_refusal_.body.find("moved or deleted"), std::string::npos) << last_refusal_.body;
    EXPECT_EQ(acked_.size(), 10u);
    ExpectAcknowledgedReadable(server);

    // Put back: uploads work again.
    std::filesystem::rename(aside, db);
    for (size_t i = 11; i < 21; ++i) EXPECT_EQ(Upload(server, i), 201) << last_refusal_.body;
    server.Signal(SIGTERM);
    testing::ServerProcess restarted(dir_.path(), Settings(db));
    ExpectAcknowledgedReadable(restarted);
    EXPECT_EQ(HealthEntries(restarted), acked_.size());
    restarted.Signal(SIGTERM);
    ExpectIntegrityOk(db);
}

}  // namespace
}  // namespace mkt
