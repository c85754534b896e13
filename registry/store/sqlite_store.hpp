// SqliteEntryStore: the embedded default EntryStore, one SQLite file in WAL mode.
//
// Layout (sqlite_schema.hpp): table `entries` keeps per entry the indexed copies
// of what listings filter and sort on, the is_latest flag of the newest entry
// of each (identifier, email) and the newest flag of the entry that stands for
// each image (identifier); table `entry_payloads` keeps the signed bytes
// untouched and the typed fields as a codec string (entry_codec.hpp; reading
// never re-parses XML). The schema is versioned by table `schema_version`; a
// file with a newer version is refused, an older one is migrated in place at
// Open (one transaction; version 1 to 2 backfills the newest flag).
//
// Writes: one writer thread, group commit (sqlite_writer.hpp): concurrent Puts
// are committed together, one transaction and one WAL fsync per batch, each
// caller getting its own outcome. A Put is one transaction (savepoint), so after
// a crash (kill -9, power loss with synchronous FULL) every entry is either
// complete or absent: WAL recovery happens on the next Open.
// Reads: a pool of read connections (one per concurrent reader, up to
// max_read_connections; more readers wait), each with its prepared statements
// cached. WAL lets readers run during a write; a listing reads its count and
// its page in one snapshot, and the payloads of the page's rows only. Get is one
// lookup on the (identifier, email, created) unique index, one by seq for the
// payload, and one codec decode.
//
// Thread-safety: every method, from any thread. Several processes may open the
// same file (SQLite locking; a writer waits up to busy_timeout_ms).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "registry/entry_store.hpp"

namespace mkt::store {

struct SqliteOptions {
    enum class Synchronous { kOff, kNormal, kFull, kExtra };
    /// PRAGMA synchronous of the writer. kFull (default): a Put that returned OK
    /// survives power loss. kNormal: survives a crash of the process only.
    Synchronous synchronous = Synchronous::kFull;
    /// How long a statement waits for a lock held by another process before
    /// failing with kUnavailable.
    int busy_timeout_ms = 5000;
    /// Most Puts committed in one transaction.
    size_t max_batch_size = 512;
    /// How long the writer waits for more Puts after the first of a batch before
    /// committing (like PostgreSQL's commit_delay). 0 (default): commit at once;
    /// batches still form while a commit is running.
    std::chrono::microseconds group_commit_window{0};
    /// Read connections kept open for concurrent readers.
    size_t max_read_connections = 8;
    /// Page cache of each connection, in KiB.
    int64_t cache_size_kib = 16 * 1024;
    /// Bytes of the file each read connection memory-maps (0: none). Mapping
    /// avoids a copy per page read; scans over 100,000 entries run about 2x faster.
    int64_t mmap_size_bytes = int64_t{1} << 30;
    /// Create the file (and the schema) when missing.
    bool create_if_missing = true;
};

class SqliteEntryStore final : public EntryStore {
  public:
    /// Opens or creates the store at `path` (its directory must exist), recovers
    /// the WAL, creates or checks the schema and starts the writer.
    /// Errors: kInvalidArgument when the file cannot be opened or created, is not
    /// a SQLite database, is another program's database, or has a newer schema
    /// (messages name the path); kUnavailable when it stays locked beyond the busy
    /// timeout; kInternal otherwise.
    static Result<std::unique_ptr<SqliteEntryStore>> Open(const std::filesystem::path& path,
                                                          SqliteOptions options = {});
    /// Commits the Puts already queued, then closes every connection.
    ~SqliteEntryStore() override;

    /// Errors besides EntryStore's: kInvalidArgument from CheckStorable or the
    /// codec's UTF-8 check; kUnavailable when busy, disk full or closing.
    Result<PutOutcome> Put(Entry& entry) override;
    Result<Entry> Get(const EntryKey& key) const override;
    Result<std::optional<Timestamp>> LatestCreated(const std::string& identifier,
                                                   const std::string& email) const override;
    /// limit 0 gives the total only.
    Result<EntryPage> List(const EntryQuery& query) const override;
    Result<std::vector<EndorserSummary>> Endorsers() const override;
    Result<std::vector<std::string>> Tags(const std::string& email) const override;
    Result<std::vector<Entry>> ChangesSince(int64_t after_seq, size_t limit) const override;
    Result<StoreStats> Stats() const override;

    /// Group-commit counters since Open: write transactions committed and the
    /// entries they inserted (metrics; inserted / transactions is the batch size).
    struct WriteStats {
        uint64_t transactions = 0;
        uint64_t inserted = 0;
    };
    WriteStats write_stats() const;

  private:
    class Impl;
    explicit SqliteEntryStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace mkt::store
