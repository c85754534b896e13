// PostgresEntryStore: the EntryStore of the scale-out deployment, on PostgreSQL
// 15 (libpq; this folder is the only user of libpq). Several server processes
// (replicas) share one database: every rule of entry_store.hpp holds across them.
//
// Layout (pg_schema.hpp): the tables of the SQLite store with PostgreSQL types
// (text COLLATE "C", the signed bytes as bytea) plus the entry_sequence row that
// orders writers; versioned by schema_version, created or migrated at Open.
//
// Writes: one writer thread per process with group commit (pg_writer.hpp: how
// seqs follow commit order across processes and why the rules hold).
// Reads: a pool of up to pool_size connections, opened on demand; a listing reads
// its count and page in one REPEATABLE READ snapshot and fetches the page's rows
// in one statement. Every statement is prepared (pg_connection.hpp).
//
// Faults: when the database is unreachable, restarting or out of connections,
// calls fail with kUnavailable ("database unavailable: ...; retry later"); a
// broken connection is dropped and a new one opened by the next call (a read
// that fails because its connection broke is retried once on a new connection),
// so the store recovers by itself when the database is back.
//
// Thread-safety: every method, from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "registry/entry_store.hpp"

namespace mkt::store {

struct PostgresOptions {
    /// libpq connection string: key=value pairs or a postgresql:// URI.
    std::string conninfo;
    /// Most read connections open at once (more concurrent readers wait).
    size_t pool_size = 8;
    /// Most Puts committed in one transaction.
    size_t max_batch_size = 256;
    /// How long the writer waits for more Puts after the first of a batch (0:
    /// commit at once; batches still form while a commit runs).
    std::chrono::microseconds group_commit_window{0};
    /// libpq connect_timeout unless the conninfo sets one.
    int connect_timeout_seconds = 5;
    /// application_name of the connections (shown in pg_stat_activity).
    std::string application_name = "marketplace-server";
};

class PostgresEntryStore final : public EntryStore {
  public:
    /// Connects, creates or checks (and migrates) the schema and starts the
    /// writer. Errors: kUnavailable when the database cannot be reached (the
    /// message quotes libpq's reason); kInvalidArgument for an empty conninfo, a
    /// schema that is not a Marketplace store or is newer than this program, or a
    /// database that is not UTF8 (pg_schema.hpp); kInternal otherwise.
    static Result<std::unique_ptr<PostgresEntryStore>> Open(PostgresOptions options);
    /// Commits the Puts already queued, then closes every connection.
    ~PostgresEntryStore() override;

    /// Errors besides EntryStore's: kInvalidArgument from CheckStorable, the
    /// codec's UTF-8 check, or a text field holding a NUL byte (PostgreSQL text
    /// cannot hold one); kUnavailable when the database is unreachable or closing.
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

    /// Group-commit counters of this process since Open: write transactions
    /// that inserted, and the entries they inserted.
    struct WriteStats {
        uint64_t transactions = 0;
        uint64_t inserted = 0;
    };
    WriteStats write_stats() const;

  private:
    class Impl;
    explicit PostgresEntryStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace mkt::store
