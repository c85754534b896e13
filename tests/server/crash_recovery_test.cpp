// Durability of the real server process: kill -9 while clients upload, restart,
// and every upload that got 201 is there, byte for byte; nothing partial is
// visible. Also a graceful SIGTERM stop under load.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt {
namespace {

struct Acknowledged {
    std::string location;
    size_t document;
};

class CrashRecoveryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const Timestamp now = SystemClock().Now();
        for (size_t i = 0; i < kDocuments; ++i) {
            documents_.push_back(testing::SignedDocument(
                i % 2 ? "alice" : "erin", {.image = "crash-" + std::to_string(i)}, now));
        }
    }

    std::vector<std::string> Settings() const {
        const auto pki = testing::TestPki();
        return {"store.sqlite.path=" + (dir_ / "marketplace.db").string(), "trust.mode=strict",
                "trust.ca_dir=" + (pki / "ca").string(), "http.access_log=off", "http.threads=8"};
    }

    // Uploads documents from `threads` clients until the documents run out or
    // a request fails (the server went away). Returns what got 201.
    /// Uploads with `threads` clients until the server stops answering;
    /// `on_acknowledged(n)` runs (under the lock) after the n-th 201, so a test
    /// can stop the server at a point it chose by progress, not by time.
    std::vector<Acknowledged> UploadUntilFailure(
        const testing::ServerProcess& server, int threads,
        const std::function<void(size_t)>& on_acknowledged) {
        std::atomic<size_t> next{0};
        std::mutex mu;
        std::vector<Acknowledged> acked;
        std::vector<std::thread> clients;
        for (int t = 0; t < threads; ++t) {
            clients.emplace_back([&] {
                client::ClientOptions options;
                options.timeout_seconds = 10;
                client::HttpClient client(options);
                for (size_t i = next++; i < documents_.size(); i = next++) {
                    auto r =
                        client.Post(server.url("metadata"), "application/rdf+xml", documents_[i]);
                    if (!r.ok()) return;
                    if (r->status == 201) {
                        std::lock_guard lock(mu);
                        acked.push_back({r->Header("Location"), i});
                        on_acknowledged(acked.size());
                    }
                }
            });
        }
        for (auto& c : clients) c.join();
        return acked;
    }

    void ExpectEverythingReadable(const testing::ServerProcess& server,
                                  const std::vector<Acknowledged>& acked) {
        client::HttpClient client;
        for (const auto& a : acked) {
            const std::string path = a.location.substr(a.location.find("/metadata/") + 1);
            auto r = client.Get(server.url(path));
            ASSERT_TRUE(r.ok());
            ASSERT_EQ(r->status, 200) << path;
            EXPECT_EQ(r->body, documents_[a.document]) << path;
        }
        // Every stored entry (acknowledged or not) is complete: its bytes are one
        // of the documents sent, and the count matches the listing.
        std::string next = "metadata?status=all&limit=1000";
        size_t listed = 0;
        while (!next.empty()) {
            auto page = client.Get(server.url(next), "application/json");
            ASSERT_TRUE(page.ok());
            ASSERT_EQ(page->status, 200) << page->body;
            auto body = nlohmann::json::parse(page->body);
            for (const auto& e : body["entries"]) {
                auto doc = client.Get(e["url"].get<std::string>());
                ASSERT_EQ(doc->status, 200);
                EXPECT_NE(std::find(documents_.begin(), documents_.end(), doc->body),
                          documents_.end());
                ++listed;
            }
            next = body["next"].is_null()
                       ? ""
                       : body["next"].get<std::string>().substr(server.url().size());
        }
        auto health = nlohmann::json::parse(client.Get(server.url("health"))->body);
        EXPECT_EQ(health["entries"].get<size_t>(), listed);
        EXPECT_GE(listed, acked.size());
    }

    static constexpr size_t kDocuments = 1200;
    testing::TempDir dir_;
    std::vector<std::string> documents_;
};

TEST_F(CrashRecoveryTest, KillNineLosesNoAcknowledgedUpload) {
    std::vector<Acknowledged> acked;
    {
        testing::ServerProcess server(dir_.path(), Settings());
        // Killed in the middle of the run, with uploads in flight on every client.
        std::promise<void> halfway;
        std::thread killer([&] {
            halfway.get_future().wait();
            server.Signal(SIGKILL);
        });
        std::once_flag released;
        auto release = [&] { std::call_once(released, [&] { halfway.set_value(); }); };
        acked = UploadUntilFailure(server, 4, [&](size_t n) {
            if (n == kDocuments / 2) release();
        });
        release();  // the uploads failed before half of them were acknowledged
        killer.join();
    }
    std::printf("kill -9 after %zu acknowledged uploads of %zu\n", acked.size(), kDocuments);
    ASSERT_GT(acked.size(), 10u)
        << "the server accepted too little before the kill to test anything";
    ASSERT_LT(acked.size(), kDocuments)
        << "the kill came after the last upload; nothing was interrupted";
    testing::ServerProcess restarted(dir_.path(), Settings());
    ExpectEverythingReadable(restarted, acked);
    const std::string check =
        "sqlite3 " + (dir_ / "marketplace.db").string() + " 'PRAGMA integrity_check' | grep -qx ok";
    EXPECT_EQ(std::system(check.c_str()), 0);
}

TEST_F(CrashRecoveryTest, SigtermDrainsAndExitsCleanly) {
    std::vector<Acknowledged> acked;
    int status = 0;
    {
        testing::ServerProcess server(dir_.path(), Settings());
        std::promise<void> halfway;
        std::thread stopper([&] {
            halfway.get_future().wait();
            status = server.Signal(SIGTERM);
        });
        std::once_flag released;
        auto release = [&] { std::call_once(released, [&] { halfway.set_value(); }); };
        acked = UploadUntilFailure(server, 4, [&](size_t n) {
            if (n == kDocuments / 2) release();
        });
        release();  // the uploads failed before half of them were acknowledged
        stopper.join();
    }
    EXPECT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
    testing::ServerProcess restarted(dir_.path(), Settings());
    ExpectEverythingReadable(restarted, acked);
}

}  // namespace
}  // namespace mkt
