// PeerSync: pulls one federation peer's change feed into this instance.
//
// Every change is submitted through Registry::Submit as SubmitOrigin::kReplication:
// parsed, checked, signature and trust verified against THIS instance's CAs and
// rules (not windowed in time). Outcomes:
//  * stored (a new entry) or already present (the same key and bytes): the
//    cursor moves past it; an entry that came back round a ring is a no-op, so
//    rings and meshes converge without loops;
//  * refused by a local rule (untrusted, tampered, same key with other bytes,
//    older than the endorser's latest here...): counted under its reason and
//    logged, never stored; the cursor moves past it (the refusal is final: the
//    same bytes would be refused again);
//  * a temporary failure here (store unavailable, internal error): the pull
//    stops before that change, so the cursor never passes an entry that was
//    neither stored nor definitively refused; the next pull retries it.
// The cursor is saved after each page (and before stopping), so a restart
// resumes where the last pull stopped; re-reading part of a page only meets
// already-present entries. The next page is fetched while one is submitted.
// Thread-safety: one thread pulls; Snapshot may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "registry/federation/feed.hpp"
#include "registry/registry.hpp"

namespace mkt::federation {

/// Where a peer's cursor (the greatest peer seq handled) is kept.
class CursorStore {
  public:
    virtual ~CursorStore() = default;
    /// 0 when nothing was saved yet. Errors: kUnavailable, kInvalidArgument
    /// for a damaged cursor (never silently restarted from 0).
    virtual Result<int64_t> Load() = 0;
    /// Durable when OK. Errors: kUnavailable.
    virtual Status Save(int64_t seq) = 0;
};

/// A cursor kept in memory only (one-shot sync, tests).
class MemoryCursor final : public CursorStore {
  public:
    Result<int64_t> Load() override { return seq_; }
    Status Save(int64_t seq) override {
        seq_ = seq;
        return Status::Ok();
    }

  private:
    int64_t seq_ = 0;
};

/// Outcomes counted since this PeerSync was made.
struct PeerTotals {
    uint64_t stored = 0, present = 0, refused = 0;
    std::map<std::string, uint64_t> refused_by_reason;  // StatusCodeName -> count
};

/// What /health and /metrics show of one peer.
struct PeerState {
    std::string name;
    int64_t cursor = 0;                     // greatest peer seq handled
    std::optional<int64_t> peer_last_seq;   // as the peer last said
    std::string last_error;                 // empty after a pull that caught up
    std::optional<Timestamp> last_success;  // the end of the last pull that caught up
    PeerTotals totals;
    /// Changes the peer has that this instance has not handled yet.
    int64_t lag() const {
        return peer_last_seq ? std::max<int64_t>(0, *peer_last_seq - cursor) : 0;
    }
};

struct PeerSyncOptions {
    size_t page_size = 500;  // changes asked for per request
    /// Called after each page is handled and its cursor saved (progress).
    std::function<void(const PeerState&)> on_page = nullptr;
};

class PeerSync {
  public:
    using Log = std::function<void(const std::string& line)>;
    /// All references must outlive the PeerSync. `log` gets one line per refusal
    /// and per failed pull.
    PeerSync(std::string name, Registry& registry, ChangeFeedSource& source, CursorStore& cursor,
             PeerSyncOptions options, Log log);

    /// Reads pages until one comes back empty (caught up), `stop` becomes true,
    /// or an error. Errors: those of the source, the cursor store, or a temporary
    /// Submit failure, each prefixed with the peer's name.
    Status PullUntilCaughtUp(const std::atomic<bool>* stop = nullptr);

    PeerState Snapshot() const;

  private:
    Status Pull(const std::atomic<bool>* stop);
    /// Submits a page's changes in order and saves the cursor past those handled.
    Status Submit(const FeedPage& page);
    /// Submits one change; false (with `error` set) on a temporary failure.
    bool Apply(const FeedChange& change, Status& error);
    Status SaveCursor(int64_t seq);
    void Record(const std::function<void(PeerState&)>& update);

    Registry& registry_;
    ChangeFeedSource& source_;
    CursorStore& cursor_store_;
    PeerSyncOptions options_;
    Log log_;
    bool cursor_loaded_ = false;
    mutable std::mutex mutex_;
    PeerState state_;
};

/// "stored N, already present N, refused N (reason N, ...)".
std::string SummaryLine(const PeerTotals& totals);

}  // namespace mkt::federation
