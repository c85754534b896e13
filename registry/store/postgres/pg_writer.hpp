// PgWriter: the writer of one PostgresEntryStore (one per process), with group
// commit, and the rules that hold across every process writing to the database.
//
// Puts from the HTTP threads are queued to one thread that owns a write
// connection. Whenever it is idle it takes the waiting Puts (up to
// max_batch_size, optionally after waiting group_commit_window for more) and
// decides and writes them in ONE transaction, in two round trips (libpq
// pipelines):
//
//   1. BEGIN
//      SELECT last_seq FROM entry_sequence WHERE id = 1 FOR UPDATE
//      per Put: the stored entry with its key, the latest entry of its
//               (identifier, email), the newest entry of its identifier
//   -- the rules are applied here, in memory, Put by Put in queue order
//   2. UPDATE the is_latest / newest flags the batch takes away
//      INSERT entries and entry_payloads of the accepted Puts (seq = last_seq + 1, ...)
//      UPDATE entry_sequence SET last_seq = <last seq given>
//      COMMIT                          -- one WAL flush for the whole batch
//
// Why the rules hold across processes. The row lock on entry_sequence is the one
// writer lock of the database: a write transaction of any process takes it
// before reading anything it decides on, and keeps it until its COMMIT. So write
// transactions run one after another, never interleaved. Under READ COMMITTED,
// each statement of step 1 runs after the lock was granted, i.e. after the
// previous holder committed, and sees everything it wrote: "same key" (unchanged
// or 409), "older than latest" and the one-newest-per-image flag are decided on
// the complete state, as by the single SQLite writer. (The unique indexes on the
// key, on is_latest and on newest back this up: a bug would fail a batch, never
// store a second latest entry.)
//
// Why the feed has no gap. The seqs of a batch are last_seq + 1.. read under the
// lock, and the next holder can only read last_seq after this COMMIT is
// complete. So seq order is commit order: when a reader's snapshot shows seq n,
// every seq below n was committed before n's transaction even began, and is in
// the same snapshot. ChangesSince(after) therefore never returns n + 2 while n + 1
// is still to come, and a follower that remembers the last seq it applied never
// misses one (a SERIAL column would not give this: sequence values are handed
// out in the order transactions ask, and commits may come in another order).
//
// Each caller gets its own outcome; refused Puts consume no seq; Puts later in a
// batch see the earlier ones. A Put returns after its batch's COMMIT, so OK means
// durable (synchronous_commit as configured on the server). If anything fails
// (the database restarts, the connection drops), the transaction is rolled back
// and every Put of the batch that would have inserted gets kUnavailable (a COMMIT
// whose answer was lost may still have committed: the client's retry then finds
// its entry and gets "unchanged", nothing is stored twice). A lost connection is
// replaced at the next batch, so the writer recovers by itself.
//
// Thread-safety: Put from any thread. Private to registry/store/postgres/.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "registry/entry_store.hpp"
#include "registry/store/entry_columns.hpp"
#include "registry/store/postgres/pg_connection.hpp"

namespace mkt::store::pg {

using Connector = std::function<Result<std::unique_ptr<Connection>>()>;

struct WriterStats {
    uint64_t transactions = 0;  // committed write transactions that inserted
    uint64_t inserted = 0;      // entries they inserted
};

class PgWriter {
  public:
    /// `connection` may be null (opened at the first batch); `connect` opens a
    /// new one after a failure.
    PgWriter(std::unique_ptr<Connection> connection, Connector connect, size_t max_batch_size,
             std::chrono::microseconds window);
    /// Commits what is queued, then stops the thread.
    ~PgWriter();
    PgWriter(const PgWriter&) = delete;
    PgWriter& operator=(const PgWriter&) = delete;

    /// `codec` and `columns` are derived from `entry` by the caller. Semantics and
    /// errors of EntryStore::Put; kUnavailable "entry store is closing" once
    /// destruction has begun.
    Result<PutOutcome> Put(Entry& entry, std::string codec, EntryColumns columns);

    WriterStats stats() const;

  private:
    struct Request;
    struct Decision;

    void Run();
    void CommitBatch(const std::vector<Request*>& batch);
    /// Both round trips of one batch; outcomes are set on the requests.
    /// `sent_commit` tells whether the COMMIT went out (then a failure leaves
    /// the batch's fate unknown, and it is not retried).
    Status WriteBatch(const std::vector<Request*>& batch, std::vector<int64_t>& seqs,
                      bool& sent_commit);
    void DropConnection();

    std::unique_ptr<Connection> db_;
    Connector connect_;
    const size_t max_batch_size_;
    const std::chrono::microseconds window_;

    std::mutex mutex_;
    std::condition_variable work_;
    std::deque<Request*> queue_;
    bool stopping_ = false;
    std::atomic<uint64_t> transactions_{0}, inserted_{0};
    std::thread thread_;  // last: starts after everything above exists
};

}  // namespace mkt::store::pg
