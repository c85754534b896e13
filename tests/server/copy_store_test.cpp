// marketplace-server --copy-store: a SQLite store (real uploads plus bulk
// entries) copied into PostgreSQL byte for byte in seq order, the copy killed
// with SIGKILL and run again, the copy served by a replica; a destination that
// is not an earlier copy and a copy onto itself are refused.
#include <csignal>
#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/store/postgres/postgres_store.hpp"
#include "registry/store/sqlite_store.hpp"
#include "tests/registry/store/test_entries.hpp"
#include "tests/server/replica_support.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

/// The copy command as a child process, its output in a file.
class CopyProcess {
  public:
    CopyProcess(const std::filesystem::path& from_config, const std::string& conninfo,
                const std::filesystem::path& output) {
        const std::string binary = (BinaryDir() / "server" / "marketplace-server").string();
        pid_ = fork();
        if (pid_ == 0) {
            FILE* out = std::fopen(output.c_str(), "w");
            dup2(fileno(out), 1);
            dup2(fileno(out), 2);
            const std::string store = "store.type=postgresql";
            const std::string info = "store.postgresql.conninfo=" + conninfo;
            execl(binary.c_str(), binary.c_str(), "--copy-store", from_config.c_str(), "--set",
                  store.c_str(), "--set", info.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~CopyProcess() {
        if (pid_ > 0) Kill();
    }
    /// The exit code (-1 when killed by a signal).
    int Wait() {
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    void Kill() {
        kill(pid_, SIGKILL);
        Wait();
    }

  private:
    pid_t pid_ = -1;
};

/// Runs the copy to its end: exit code and output.
std::pair<int, std::string> RunCopy(const std::filesystem::path& from_config,
                                    const std::string& conninfo, const TempDir& dir) {
    CopyProcess copy(from_config, conninfo, dir / "copy.out");
    const int code = copy.Wait();
    return {code, ReadFile(dir / "copy.out")};
}

/// A SQLite store with 10 real signed uploads (through a real server) and
/// `bulk` store-level entries after them; returns the configuration file naming it.
std::filesystem::path MakeSource(const TempDir& dir, int bulk) {
    const std::filesystem::path db = dir / "source.db";
    {
        ServerProcess server(
            dir.path(), {"store.sqlite.path=" + db.string(), "trust.mode=strict",
                         "trust.ca_dir=" + (TestPki() / "ca").string(), "http.access_log=off"});
        client::HttpClient client;
        for (int i = 0; i < 10; ++i) {
            auto r = Upload(client, server,
                            SignedDocument("alice", {.image = "copied-" + std::to_string(i)},
                                           SystemClock().Now()));
            EXPECT_TRUE(r.ok() && r->status == 201);
        }
    }
    auto store = store::SqliteEntryStore::Open(db, {});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < bulk; ++i) {
        Entry e = TestEntry(static_cast<uint64_t>(i), "bulk@example.org", kT0 + int64_t{i});
        EXPECT_TRUE((*store)->Put(e).ok());
    }
    const std::filesystem::path config = dir / "source.conf";
    WriteFile(config, "store.sqlite.path = " + db.string() + "\n");
    return config;
}

std::vector<Entry> WholeFeed(const EntryStore& store) {
    std::vector<Entry> all;
    for (int64_t after = 0;;) {
        auto batch = store.ChangesSince(after, 1000);
        EXPECT_TRUE(batch.ok());
        if (!batch.ok() || batch->empty()) return all;
        after = batch->back().seq;
        for (Entry& e : *batch) all.push_back(std::move(e));
    }
}

TEST(CopyStoreTest, KilledMidCopyThenResumedGivesTheSameFeedByteForByte) {
    TempDir dir;
    const std::filesystem::path from = MakeSource(dir, 3000);
    const std::string conninfo = FreshPgSchema(PgClusterConninfo(), "copy");
    {
        CopyProcess copy(from, conninfo, dir / "first.out");
        ASSERT_TRUE(Eventually([&] {
            return PgExec(conninfo, "SELECT 1 FROM entries LIMIT 1").empty() &&
                   PgScalar(conninfo, "SELECT count(*) FROM entries") > 0;
        }));
        copy.Kill();
    }
    const long long after_kill = PgScalar(conninfo, "SELECT count(*) FROM entries");
    auto [code, output] = RunCopy(from, conninfo, dir);
    EXPECT_EQ(code, 0) << output;
    std::cout << "killed after " << after_kill << " entries; then: " << output;
    EXPECT_NE(output.find("copy-store: done: " + std::to_string(3010 - after_kill) +
                          " entries copied, " + std::to_string(after_kill) + " already there"),
              std::string::npos)
        << output;

    auto source = store::SqliteEntryStore::Open(dir / "source.db", {});
    auto copy = store::PostgresEntryStore::Open({.conninfo = conninfo, .pool_size = 1});
    ASSERT_TRUE(source.ok() && copy.ok());
    const std::vector<Entry> a = WholeFeed(**source), b = WholeFeed(**copy);
    ASSERT_EQ(a.size(), 3010u);
    ASSERT_EQ(b.size(), 3010u);
    for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a[i].key.ToPath(), b[i].key.ToPath()) << i;
        ASSERT_EQ(a[i].document, b[i].document) << i;
        ASSERT_EQ(b[i].seq, static_cast<int64_t>(i + 1));
    }

    // A replica on the copy serves the real uploads, byte for byte.
    TempDir replica_dir;
    ServerProcess replica(replica_dir.path(), ReplicaSettings(conninfo));
    auto r = client::HttpClient().Get(replica.url("metadata/" + a[3].key.ToPath()),
                                      "application/rdf+xml");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, a[3].document);
    EXPECT_EQ((*Health(replica))["entries"].get<int>(), 3010);
}

TEST(CopyStoreTest, ADestinationWithOtherEntriesIsRefusedAndLeftAsItWas) {
    TempDir dir;
    const std::filesystem::path from = MakeSource(dir, 5);
    const std::string conninfo = FreshPgSchema(PgClusterConninfo(), "copyother");
    {
        auto other = store::PostgresEntryStore::Open({.conninfo = conninfo, .pool_size = 1});
        ASSERT_TRUE(other.ok());
        Entry e = TestEntry(77, "other@example.org", kT0);
        ASSERT_TRUE((*other)->Put(e).ok());
    }
    auto [code, output] = RunCopy(from, conninfo, dir);
    EXPECT_EQ(code, 1);
    EXPECT_NE(output.find("the destination holds 1 entries but is not an earlier copy of this "
                          "source"),
              std::string::npos)
        << output;
    EXPECT_EQ(PgScalar(conninfo, "SELECT count(*) FROM entries"), 1);
}

TEST(CopyStoreTest, CopyingAStoreOntoItselfIsAUsageError) {
    TempDir dir;
    WriteFile(dir / "self.conf", "store.sqlite.path = " + (dir / "x.db").string() + "\n");
    const std::string command = (BinaryDir() / "server" / "marketplace-server").string() +
                                " --copy-store " + (dir / "self.conf").string() + " --config " +
                                (dir / "self.conf").string() + " 2>&1";
    FILE* out = popen(command.c_str(), "r");
    std::string text;
    char buffer[512];
    while (size_t n = fread(buffer, 1, sizeof buffer, out)) text.append(buffer, n);
    EXPECT_EQ(WEXITSTATUS(pclose(out)), 2);
    EXPECT_NE(text.find("source and destination are the same store (sqlite "), std::string::npos)
        << text;
}

}  // namespace
}  // namespace mkt::testing
