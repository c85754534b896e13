// GroupCommitWriter: the single writer of a SqliteEntryStore.
//
// Uploads arrive from many HTTP threads at once, and with synchronous=FULL each
// transaction costs one fsync of the WAL. So every Put is queued to one writer
// thread that owns the only write connection. Whenever it is idle it takes all
// waiting Puts (up to max_batch_size, optionally after waiting
// group_commit_window for more) and commits them in ONE transaction:
//
//   BEGIN IMMEDIATE
//     per Put: SAVEPOINT; same key? (unchanged / already exists); older than the
//              latest of (identifier, email)?; clear that one's is_latest;
//              newer than the newest of the identifier? clear that one's newest;
//              INSERT entries (is_latest = 1, newest = 0 or 1) and entry_payloads;
//              RELEASE on success, ROLLBACK TO on any error
//   COMMIT            -- one fsync for the whole batch
//
// Each caller gets its own outcome: a refused Put is rolled back to its savepoint
// and does not affect the others; Puts later in the batch see the earlier ones
// (two uploads of one key in a batch: the first inserts, the second is unchanged
// or a conflict). A Put returns only after the COMMIT of its batch, so OK means
// durable; if the COMMIT fails every Put of the batch that would have inserted
// gets the error and nothing of the batch is visible. Refused Puts consume no seq.
// Under load the batch grows by itself (Puts queue while the previous fsync
// runs); a lone Put is committed at once.
//
// Thread-safety: Put from any thread. Private to registry/store/.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "registry/entry_store.hpp"
#include "registry/store/entry_columns.hpp"
#include "registry/store/sqlite_db.hpp"

namespace mkt::store::sqlite {

struct GroupCommitStats {
    uint64_t transactions = 0;  // committed write transactions
    uint64_t inserted = 0;      // entries they inserted
};

class GroupCommitWriter {
  public:
    GroupCommitWriter(std::unique_ptr<Connection> db, size_t max_batch_size,
                      std::chrono::microseconds window);
    /// Commits what is queued, then stops the thread.
    ~GroupCommitWriter();
    GroupCommitWriter(const GroupCommitWriter&) = delete;
    GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

    /// `codec` and `columns` are derived from `entry` by the caller (in its own
    /// thread, outside the writer). Semantics and errors of EntryStore::Put;
    /// kUnavailable "store is closing" once destruction has begun.
    Result<PutOutcome> Put(Entry& entry, std::string codec, EntryColumns columns);

    GroupCommitStats stats() const;

  private:
    struct Request;

    void Run();
    void CommitBatch(const std::vector<Request*>& batch);
    Status RunCached(const char* sql);
    /// The checks and writes of one Put inside the open transaction; `seq` is set
    /// on insertion.
    Result<PutOutcome> Apply(const Request& request, int64_t& seq);
    /// Sets the flag column of `sql` ("UPDATE ... = 0 WHERE seq = ?") to 0 on `seq`.
    Status ClearFlag(const char* sql, int64_t seq);
    /// Whether an entry of `identifier` created at `created`, about to be inserted,
    /// becomes the newest of its identifier; if so clears the current newest's flag.
    Result<bool> TakeNewest(const std::string& identifier, const std::string& created);

    std::unique_ptr<Connection> db_;
    const size_t max_batch_size_;
    const std::chrono::microseconds window_;

    std::mutex mutex_;
    std::condition_variable work_;
    std::deque<Request*> queue_;
    bool stopping_ = false;
    std::atomic<uint64_t> transactions_{0}, inserted_{0};
    std::thread thread_;  // last: starts after everything above exists
};

}  // namespace mkt::store::sqlite
