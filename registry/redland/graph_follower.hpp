// GraphFollower: keeps one replica's EntryGraph in step with a store that other
// processes write too (PostgreSQL, several server replicas on one database).
//
// A thread polls store.ChangesSince(applied, batch) every `interval` and hands
// each new entry to graph.Add (which ignores entries already in the graph, such
// as this replica's own uploads, fed by GraphFeedingStore). The store's feed is
// in commit order without gaps (entry_store.hpp; pg_writer.hpp says why that
// holds across processes), so remembering the last seq applied misses nothing.
//
// Start from the store's last_seq read BEFORE EntryGraph::Start: everything up
// to it is in the start-up build, everything after it comes through here (an
// entry in both is ignored the second time). A failed poll (database
// unreachable) is retried at the next interval from the same seq.
//
// Thread-safety: applied_seq() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "registry/entry_store.hpp"
#include "registry/redland/entry_graph.hpp"

namespace mkt::redland {

class GraphFollower {
  public:
    /// `store` and `graph` must outlive the follower; starts polling at once.
    GraphFollower(const EntryStore& store, EntryGraph& graph, int64_t start_after_seq,
                  std::chrono::milliseconds interval);
    /// Stops the thread (a poll in progress finishes first).
    ~GraphFollower();
    GraphFollower(const GraphFollower&) = delete;
    GraphFollower& operator=(const GraphFollower&) = delete;

    /// The greatest seq handed to the graph so far.
    int64_t applied_seq() const { return applied_.load(); }

  private:
    void Run();
    /// Reads and applies every change after applied_; false when the store failed.
    bool CatchUp();

    static constexpr size_t kBatch = 500;
    const EntryStore& store_;
    EntryGraph& graph_;
    const std::chrono::milliseconds interval_;
    std::atomic<int64_t> applied_;
    std::mutex mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;  // guarded by mutex_
    std::thread thread_;     // last: starts after everything above exists
};

}  // namespace mkt::redland
